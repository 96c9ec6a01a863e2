"""The dashboard's breakdown sections written in Python (``dashboard.breakdown``) are the HTML
the template they replaced wrote, for every kind of breakdown and row, every role, language
and date."""

# ruff: noqa: E501 (the old markup, kept line for line)
from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import timezone, translation

from dondoc.accounts.models import Role
from dondoc.conftest import _user
from dondoc.tasks import dashboard
from dondoc.tasks.tests.test_views import APRIL, MARCH, dataset  # noqa: F401

#: ``tasks/_breakdown.html`` before the sections were written in Python (each row's cells
#: were ``dashboard.cells_html`` of the row's counts and links, as below).
TEMPLATE_BREAKDOWN = (
    "{% load i18n dondoc %}\n"
    '<section class="card" aria-labelledby="{{ b.id }}-title">\n'
    '  <div class="card-head"><h2 id="{{ b.id }}-title">{{ b.title }}</h2></div>\n'
    "  {% if b.rows %}\n"
    '  <ul class="legend" aria-hidden="true">\n'
    '    <li class="s-overdue">{% translate "Overdue" %}</li>\n'
    '    <li class="s-due_soon">{% translate "Due soon" %}</li>\n'
    '    <li class="s-on_track">{% translate "On track" %}</li>\n'
    '    <li class="s-regular">{% translate "Regular" %}</li>\n'
    '    <li class="s-no_deadline">{% translate "No deadline" %}</li>\n'
    '    <li class="s-completed">{% translate "Completed" %}</li>\n'
    "  </ul>\n"
    '  <div class="chart" data-chart="{{ b.data_id }}" role="img" aria-label="{% blocktranslate with title=b.title %}Chart: {{ title }}. The same figures are in the table below.{% endblocktranslate %}"></div>\n'
    "  {{ b.chart_script }}\n"
    '  <div class="table-scroll">\n'
    '    <table class="table compact">\n'
    "      <thead>\n"
    "        <tr>\n"
    '          <th scope="col">{% if b.by == "lead" %}{% translate "Lead agency" %}{% elif b.by == "group" %}{% translate "Solution group" %}{% else %}{% translate "Member" %}{% endif %}</th>\n'
    '          {% for key, label, status in columns %}<th scope="col" class="num">{{ label }}</th>{% endfor %}\n'
    "        </tr>\n"
    "      </thead>\n"
    "      <tbody>\n"
    "        {% for row in b.rows %}\n"
    "        <tr>\n"
    '          <th scope="row" class="row-label">\n'
    '            {% if b.by == "lead" and row.key %}<a href="{{ row.href }}" title="{{ row.title }}">{{ row.label }}</a>\n'
    '            {% elif b.by == "member" and row.key %}<a href="{{ row.href }}" title="{{ row.title }}">{{ row.label }}</a>\n'
    '            {% else %}<span title="{{ row.title }}">{{ row.label|truncatechars:48 }}</span>{% endif %}\n'
    "          </th>\n"
    "          {{ row.cells_html }}\n"
    "        </tr>\n"
    "        {% endfor %}\n"
    "      </tbody>\n"
    "    </table>\n"
    "  </div>\n"
    "  {% else %}\n"
    '  <p class="muted">{% translate "No tasks to show." %}</p>\n'
    "  {% endif %}\n"
    "</section>\n"
)


def _as_the_template_wrote_it(b: dict) -> str:
    """The section ``b`` (``dashboard.breakdown``'s) as the template wrote it."""
    for row in b["rows"]:
        row.cells_html = dashboard.cells_html(
            (key, row.n(key), row.links.get(key, "")) for key, _l, _s in dashboard.COLUMNS
        )
    section = {**b, "chart_script": dashboard.chart_script(b["chart"], b["data_id"])}
    context = Context({"b": section, "columns": dashboard.COLUMNS})
    return Template(TEMPLATE_BREAKDOWN).render(context)


def _rows() -> list[dashboard.Row]:
    counts = dict.fromkeys(dashboard.STATUS_VALUES, 0)
    full = dashboard.figures({**counts, "overdue": 3, "completed_late": 2, "regular": 12})
    empty = dashboard.figures(counts)
    return [
        dashboard.Row(key=7, label="Bộ KH&CN", title='Bộ "Khoa học" <và> Công nghệ', counts=full),
        dashboard.Row(key=12, label="Sở O'Brien", title="", counts=empty),
        dashboard.Row(
            key=3, label="3. " + "Chuyển đổi số quốc gia và dữ liệu " * 3, title="x", counts={}
        ),
        dashboard.Row(
            key=None, label="Chưa phân loại & <khác>", title="", counts={**empty, "assigned": 4}
        ),
    ]


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("by", ["lead", "group", "member"])
@pytest.mark.parametrize("empty", [False, True])
def test_a_breakdown_is_written_as_the_template_wrote_it(language, by, empty):
    around = [
        (key, f"/tasks/?program=A%26B&as_of=2025-04-10&status={status}&{by}=", "&x=<1>")
        for key, _label, status in dashboard.COLUMNS
    ]
    page = ("/orgs/", "/") if by != "group" else None
    with translation.override(language):
        title = 'Theo "cơ quan" <chủ trì> & nhóm'
        written = dashboard.breakdown(by, title, [] if empty else _rows(), around, page)
        assert written["html"] == _as_the_template_wrote_it(written)


@pytest.fixture
def readers(most, committee_member, clerk, tracker):
    return {
        "standing office": clerk,
        "agency head": _user("head", Role.AGENCY_HEAD, most),
        "observer": _user("observer", Role.OBSERVER),
        "committee member": committee_member,
        "tracker": tracker,
    }


@pytest.mark.django_db
def test_the_dashboards_sections_are_the_templates_for_every_reader_language_and_date(
    client,
    readers,
    dataset,  # noqa: F811
):
    today = timezone.localdate().isoformat()
    queries = [
        {"as_of": APRIL},
        {"as_of": MARCH},
        {"as_of": today},
        {},
        {"as_of": "2024-01-01"},  # before every task: nothing to show
        {
            "as_of": (dt.date.fromisoformat(APRIL) + dt.timedelta(days=3)).isoformat(),
            "status": "overdue",
        },
    ]
    for reader in readers.values():
        client.force_login(reader)
        for language in ("vi", "en"):
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            for query in queries:
                response = client.get("/", query)
                body = response.content.decode()
                with translation.override(language):
                    for b in response.context["breakdowns"]:
                        assert b["html"] == _as_the_template_wrote_it(b)
                        assert b["html"] in body
