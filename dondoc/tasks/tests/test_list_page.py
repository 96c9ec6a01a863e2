"""The task list's results written in Python (``tasks.listpage``) are the HTML the templates
wrote: for every kind of reader, both languages, the full page and the fragment htmx asks for,
filter sets, sorts, pages (with the pagination's ellipses), past the last page and no rows."""

# ruff: noqa: E501 (the old markup, kept line for line)
from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.template import engines
from django.test import RequestFactory
from django.utils import translation

from dondoc.accounts.models import Membership, Role, User
from dondoc.orgs.groups import ensure_standard_groups
from dondoc.orgs.models import Member, OrgGroup
from dondoc.tasks import filters, listpage, services, views
from dondoc.tasks.models import Directive, DirectiveKind, SolutionGroup

#: ``tasks/_results.html`` as it was before the results were written in Python.
TEMPLATE_RESULTS = (
    "{% load i18n dondoc %}\n"
    '<div class="results-body">\n'
    "  {% if state.problems %}\n"
    '  <ul class="messages">{% for problem in state.problems %}<li class="warning">{{ problem }}</li>{% endfor %}</ul>\n'
    "  {% endif %}\n"
    '  <div class="results-head">\n'
    '    <span class="count">\n'
    "      {% blocktranslate count n=page.paginator.count with date=state.as_of|ddmmyyyy %}{{ n }} task as of {{ date }}{% plural %}{{ n }} tasks as of {{ date }}{% endblocktranslate %}\n"
    "    </span>\n"
    '    {% can "task.export" as may_export %}\n'
    "    {% if may_export %}\n"
    '    <span class="btn-row">\n'
    '      <a class="btn secondary small" href="{% url \'task-export-xlsx\' %}?{{ state.querystring }}" download>{% translate "Excel (XLSX)" %}</a>\n'
    '      <a class="btn secondary small" href="{% url \'task-export-csv\' %}?{{ state.querystring }}" download>{% translate "CSV" %}</a>\n'
    "    </span>\n"
    "    {% endif %}\n"
    "  </div>\n"
    '  <div class="table-scroll">\n'
    '    {% include "tasks/_task_table.html" with numbered=True %}\n'
    "  </div>\n"
    "  {% if page.has_other_pages %}\n"
    '  <nav class="pagination" aria-label="{% translate \'Pages\' %}">\n'
    '    {% if page.has_previous %}<a href="?{{ state.querystring }}&amp;page={{ page.previous_page_number }}" hx-get="{% url \'task-list\' %}?{{ state.querystring }}&amp;page={{ page.previous_page_number }}" hx-target="#results" hx-push-url="true" rel="prev">← {% translate "Previous" %}</a>{% endif %}\n'
    "    {% for number in page_range %}\n"
    '      {% if number == page.number %}<span aria-current="page">{{ number }}</span>\n'
    "      {% elif number == page.paginator.ELLIPSIS %}<span>…</span>\n"
    '      {% else %}<a href="?{{ state.querystring }}&amp;page={{ number }}" hx-get="{% url \'task-list\' %}?{{ state.querystring }}&amp;page={{ number }}" hx-target="#results" hx-push-url="true">{{ number }}</a>{% endif %}\n'
    "    {% endfor %}\n"
    '    {% if page.has_next %}<a href="?{{ state.querystring }}&amp;page={{ page.next_page_number }}" hx-get="{% url \'task-list\' %}?{{ state.querystring }}&amp;page={{ page.next_page_number }}" hx-target="#results" hx-push-url="true" rel="next">{% translate "Next" %} →</a>{% endif %}\n'
    "  </nav>\n"
    "  {% endif %}\n"
    "</div>\n"
)

AS_OF = "2025-06-20"


@pytest.fixture
def listed(program, notice, committee, most, hanoi, member_person, clerk):
    """Twenty-three tasks: sources with and without labels, a group of agencies leading,
    members, markup and long texts, a deadline in force other than the first, completed
    ones; shown two a page (twelve pages, so that the pagination elides some)."""
    ensure_standard_groups()
    provinces = OrgGroup.objects.get(code="tinh-thanh-pho")
    later = Directive.objects.create(program=program, kind=DirectiveKind.NOTICE,
                                     number="99/TB-VPTW", date=dt.date(2025, 3, 1), issuer=committee)  # fmt: skip
    group = SolutionGroup.objects.create(program=program, number=9, title="Thể chế <số>")
    second = Member.objects.create(program=program, full_name="Âu Văn <An>", sort_order=0)
    phrases = ["Quý I/2025", "Tháng 4/2025", "Thường xuyên", "", "ngày mai mốt", "Năm 2026"]
    made = []
    for i in range(23):
        made.append(
            services.create_task(
                program=program,
                content=f"Nhiệm vụ {i} <b>thể chế</b> & dữ liệu" + " rất dài" * (i % 3 * 20),
                assigned_on=dt.date(2025, 1, 1) + dt.timedelta(days=i * 5),
                deadline=phrases[i % len(phrases)],
                group=group if i % 2 else None,
                sources=[(later, "Ý 2", ""), (notice, "", "")] if i % 3 else [(notice, "Ý 1", "")],
                leads=[[most, provinces], [hanoi], [most], []][i % 4],
                coordinators=[hanoi] if i % 5 == 0 else [],
                members=[[member_person, second], [], [second]][i % 3],
                expected_output="Nghị định " + "dài " * (i * 4) if i % 2 else "",
            )
        )
    from dondoc.followups.services import grant_extension

    grant_extension(made[1], by=clerk, new_due_on=dt.date(2025, 12, 31), granted_on=dt.date(2025, 6, 1))  # fmt: skip
    for task in made[5:9]:
        services.post_update(task, by=clerk, text="Xong", reported_on=dt.date(2025, 5, 2),
                             status_change="completed", effective_on=dt.date(2025, 5, 2))  # fmt: skip
    return made


def _readers(clerk, reporter, most) -> list[User]:
    head = User.objects.create_user(username="head", role=Role.AGENCY_HEAD)
    Membership.objects.create(user=head, org_unit=most)
    observer = User.objects.create_user(username="observer", role=Role.OBSERVER)
    return [clerk, head, reporter, observer]


def _filter_sets(program, most, hanoi) -> list[dict]:
    base = {"program": program.code, "as_of": AS_OF}
    return [
        {},
        base,
        base | {"page": 2},
        base | {"page": 5},
        base | {"page": 8},
        base | {"page": 99},
        base | {"sort": "-deadline", "page": 3},
        base | {"sort": "lead"},
        base | {"sort": "status", "status": ["open", "completed"]},
        base | {"lead": most.pk, "q": "du lieu"},
        base | {"agency": hanoi.pk, "late_against_original": "1"},
        base | {"status": "overdue", "as_of": "2026-01-10"},
        base | {"q": "khong co gi ca"},
        base | {"lead": "abc", "member": "x", "group": "-1"},
        {"program": "NOPE"},
    ]


def _old_results(request) -> str:
    """The results as the template wrote them, from the rows as ``filters.TaskRow``."""
    original = listpage.read_rows
    listpage.read_rows = filters._with_relations
    try:
        page, state = views._row_page(request, views.page_number(request.GET))
    finally:
        listpage.read_rows = original
    context = {
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "tasks": page.object_list,
        "state": state,
    }
    return engines["django"].from_string(TEMPLATE_RESULTS).render(context, request)


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_results_are_written_as_the_template_wrote_them(
    client, monkeypatch, listed, program, clerk, reporter, most, hanoi, language
):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    seen = set()
    for user in _readers(clerk, reporter, most):
        client.force_login(user)
        for params in _filter_sets(program, most, hanoi):
            fragment = client.get("/tasks/", params, HTTP_HX_REQUEST="true")
            full = client.get("/tasks/", params)
            assert fragment.status_code == full.status_code == 200
            request = RequestFactory().get("/tasks/", params)
            request.user = user
            with translation.override(language):
                expected = _old_results(request)
            assert fragment.content.decode() == expected, (user.role, params)
            page = _CSRF.sub("", full.content.decode())
            assert f'<div id="results" aria-live="polite">\n  {expected}\n</div>' in page
            seen.add(expected.count("<tr>") - 1)  # the head's row aside
            seen.add("none" if 'colspan="7" class="muted"' in expected else "")
            seen.add("ellipsis" if "<span>…</span>" in expected else "")
            seen.add("collective" if "agency-group" in expected else "")
    # Every kind of result met: no rows, one row, full pages, ellipses, groups leading.
    assert {1, 2, "none", "ellipsis", "collective"} <= seen
