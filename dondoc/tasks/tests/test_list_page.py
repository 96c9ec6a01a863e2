"""The task list's form and results written in Python (``tasks.listpage``) are the HTML the
templates wrote: for every kind of reader, both languages, the full page and the fragment htmx
asks for, filter sets, sorts, pages (with the pagination's ellipses), past the last page and
no rows."""

# ruff: noqa: E501 (the old markup, kept line for line)
from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.template import engines
from django.test import RequestFactory
from django.urls import resolve
from django.utils import timezone, translation

from dondoc.accounts.models import Membership, Role, User
from dondoc.orgs.groups import ensure_standard_groups
from dondoc.orgs.models import Member, OrgGroup
from dondoc.tasks import filters, listpage, services, views
from dondoc.tasks.models import Directive, DirectiveKind, Program, SolutionGroup

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

#: ``tasks/list.html`` as it was before its form was written in Python.
TEMPLATE_LIST = (
    '{% extends "base.html" %}\n'
    "{% load i18n dondoc dateinput %}\n"
    '{% block title %}{% translate "Tasks" %}{% endblock %}\n'
    "{% block content %}\n"
    '<div class="page-head">\n'
    "  <div>\n"
    '    <h1>{% translate "Tasks" %}</h1>\n'
    '    {% if program %}<p class="subtitle">{{ program.name }}</p>{% endif %}\n'
    "  </div>\n"
    '  {% can "task.create" as may_create %}{% if may_create %}<a class="btn no-print" href="{% url \'task-create\' %}{% if program %}?program={{ program.pk }}{% endif %}">{% translate "New task" %}</a>{% endif %}\n'
    "</div>\n"
    "\n"
    '<form class="card no-print" method="get" action="{% url \'task-list\' %}" role="search"\n'
    "      aria-label=\"{% translate 'Filter tasks' %}\"\n"
    '      hx-get="{% url \'task-list\' %}" hx-target="#results" hx-push-url="true" data-short-url\n'
    '      hx-trigger="submit, change, input changed delay:500ms from:#f-q">\n'
    '  <details class="filters-panel" open data-collapse-narrow="yes">\n'
    '  <summary>{% translate "Filters" %}{% if state.is_filtered %} <span class="badge">{% translate "active" %}</span>{% endif %}</summary>\n'
    '  <div class="filters">\n'
    '    <div class="field wide">\n'
    '      <label for="f-q">{% translate "Search in the content" %}</label>\n'
    '      <input type="search" name="q" id="f-q" value="{{ state.q }}" placeholder="{% translate \'e.g. dat hiem, du lieu, 5G\' %}" autocomplete="off">\n'
    "    </div>\n"
    '    <fieldset class="wide">\n'
    '      <legend>{% translate "Status" %}</legend>\n'
    '      <div class="status-choices">\n'
    "        {{ status_checkboxes }}\n"
    "      </div>\n"
    "    </fieldset>\n"
    "    {% if programs|length > 1 %}\n"
    '    <div class="field">\n'
    '      <label for="f-program">{% translate "Program" %}</label>\n'
    '      <select name="program" id="f-program">\n'
    '        {% for p in programs %}<option value="{{ p.code }}"{% if p == program %} selected{% endif %}>{{ p.code }}</option>{% endfor %}\n'
    "      </select>\n"
    "    </div>\n"
    '    {% elif program %}<input type="hidden" name="program" value="{{ program.code }}">{% endif %}\n'
    '    <div class="field">\n'
    '      <label for="f-as_of">{% translate "Status as of" %}</label>\n'
    '      {% date_input "as_of" state.as_of id="f-as_of" data_default_today=zone %}\n'
    "    </div>\n"
    '    <div class="field">\n'
    '      <label for="f-lead">{% translate "Lead agency" %}</label>\n'
    '      <select name="lead" id="f-lead">\n'
    '        <option value="">{% translate "All" %}</option>\n'
    "        {% select_options lead_options state.lead %}\n"
    "      </select>\n"
    "    </div>\n"
    '    <div class="field">\n'
    '      <label for="f-group">{% translate "Solution group" %}</label>\n'
    '      <select name="group" id="f-group">\n'
    '        <option value="">{% translate "All" %}</option>\n'
    "        {% select_options group_options state.group %}\n"
    "      </select>\n"
    "    </div>\n"
    '    <div class="field">\n'
    '      <label for="f-sort">{% translate "Sort by" %}</label>\n'
    '      <select name="sort" id="f-sort" data-default="deadline">\n'
    "        {{ sort_options }}\n"
    "      </select>\n"
    "    </div>\n"
    "  </div>\n"
    '  <details class="more-filters"{% if state.member or state.directive or state.due_from or state.due_to or state.agency or state.output or state.output_kinds or state.late_against_original %} open{% endif %}>\n'
    '    <summary>{% translate "More filters" %}</summary>\n'
    '    <div class="filters">\n'
    '      <div class="field">\n'
    '        <label for="f-output">{% translate "Expected output" %}</label>\n'
    '        <input type="search" name="output" id="f-output" value="{{ state.output }}" placeholder="{% translate \'e.g. nghi dinh, de an\' %}" autocomplete="off">\n'
    "      </div>\n"
    '      <div class="field">\n'
    '        <label for="f-output_kind">{% translate "Kind of output" %}</label>\n'
    '        <select name="output_kind" id="f-output_kind">\n'
    '          <option value="">{% translate "All" %}</option>\n'
    "          {{ output_kind_options }}\n"
    "        </select>\n"
    "      </div>\n"
    '      <div class="field">\n'
    '        <label for="f-member">{% translate "Supervising member" %}</label>\n'
    '        <select name="member" id="f-member">\n'
    '          <option value="">{% translate "All" %}</option>\n'
    "          {% select_options member_options state.member %}\n"
    "        </select>\n"
    "      </div>\n"
    '      <div class="field">\n'
    '        <label for="f-directive">{% translate "Assigning document" %}</label>\n'
    '        <select name="directive" id="f-directive">\n'
    '          <option value="">{% translate "All" %}</option>\n'
    "          {% select_options directive_options state.directive %}\n"
    "        </select>\n"
    "      </div>\n"
    '      <div class="field">\n'
    '        <label for="f-due_from">{% translate "Due from" %}</label>\n'
    '        {% date_input "due_from" state.due_from id="f-due_from" %}\n'
    "      </div>\n"
    '      <div class="field">\n'
    '        <label for="f-due_to">{% translate "Due until" %}</label>\n'
    '        {% date_input "due_to" state.due_to id="f-due_to" %}\n'
    "      </div>\n"
    '      <div class="field checkbox">\n'
    '        <label><input type="checkbox" name="late_against_original" value="1"{% if state.late_against_original %} checked{% endif %}> {% translate "Late against the original deadline" %}</label>\n'
    "      </div>\n"
    '      {% if state.agency %}<input type="hidden" name="agency" value="{{ state.agency }}">{% endif %}\n'
    "    </div>\n"
    "  </details>\n"
    "  </details>\n"
    '  <div class="btn-row">\n'
    '    <button class="btn" type="submit">{% translate "Filter" %}</button>\n'
    '    <a class="btn secondary" href="{% url \'task-list\' %}">{% translate "Clear filters" %}</a>\n'
    "  </div>\n"
    "</form>\n"
    "\n"
    '<div id="results" aria-live="polite">\n'
    '  {% include "tasks/_results.html" %}\n'
    "</div>\n"
    "{% endblock %}\n"
)

AS_OF = "2025-06-20"


@pytest.fixture
def listed(program, notice, committee, most, hanoi, member_person, clerk):
    """Twenty-three tasks: sources with and without labels, a group of agencies leading,
    members, markup and long texts, a deadline in force other than the first, completed
    ones; shown two a page (twelve pages, so that the pagination elides some)."""
    ensure_standard_groups()
    Program.objects.create(code="KHAC", name="Chương trình <khác>")
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


def _old_page(request) -> tuple[str, str]:
    """The results and the full page as the templates wrote them, from the rows as
    ``filters.TaskRow``."""
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
        "zone": timezone.get_current_timezone_name(),
    }
    engine = engines["django"]
    results = engine.from_string(TEMPLATE_RESULTS).render(context, request)
    context.update(views._list_context(request, state))
    page_template = TEMPLATE_LIST.replace('{% include "tasks/_results.html" %}', "{{ results }}")
    full = engine.from_string(page_template).render(context | {"results": results}, request)
    return results, full


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
            request.resolver_match = resolve("/tasks/")
            with translation.override(language):
                expected, expected_page = _old_page(request)
            assert fragment.content.decode() == expected, (user.role, params)
            page = _CSRF.sub("", full.content.decode())
            assert page == _CSRF.sub("", expected_page), (user.role, params)
            seen.add(expected.count("<tr>") - 1)  # the head's row aside
            seen.add("none" if 'colspan="7" class="muted"' in expected else "")
            seen.add("ellipsis" if "<span>…</span>" in expected else "")
            seen.add("collective" if "agency-group" in expected else "")
            seen.add("programs" if 'id="f-program"' in page else "")
            seen.add("more" if 'class="more-filters" open' in page else "")
    # Every kind of result met: no rows, one row, full pages, ellipses, groups leading.
    assert {1, 2, "none", "ellipsis", "collective", "programs", "more"} <= seen


def test_a_page_past_the_last_shows_the_last_for_every_reader(
    client, monkeypatch, listed, program, clerk, reporter, most, tracker, committee_member
):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for user in [*_readers(clerk, reporter, most), tracker, committee_member]:
        client.force_login(user)
        for params in ({}, {"sort": "status"}, {"sort": "-deadline", "status": "overdue"}):
            params = {"program": program.code, "as_of": AS_OF, **params}
            first = client.get("/tasks/", params).context["page"]
            last = first.paginator.num_pages
            for wanted in (last + 1, 99):
                response = client.get("/tasks/", {**params, "page": wanted})
                page = response.context["page"]
                assert (page.number, page.paginator.count) == (last, first.paginator.count), (
                    user.role,
                    params,
                    wanted,
                )
                if last > 1:
                    assert f'<span aria-current="page">{last}</span>' in response.content.decode()
