"""The task list's results (``tasks/_results.html``: the count, the export links, the table and
the pagination), written in Python.

The list is the page asked for most, full or as the fragment htmx swaps in on every change of
a filter. Through the template engine its results cost more than the statements that read
them: a ``{% url %}``, a permission question and a few filters per link, an include for the
table. Here the rows are read as plain values (their relations as tuples, from rows the driver
gives without the ORM's integer converters) and the results are joined strings, escaped as the
template escaped them: the same HTML, byte for byte (a test renders both).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page
from django.utils import timezone
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dondoc.accounts.policy import can
from dondoc.core import prepared
from dondoc.core.addresses import address
from dondoc.tasks.filters import FilterState, _relation_rows
from dondoc.tasks.rows import RowWriter, esc
from dondoc.tasks.templatetags.dondoc import ddmmyyyy


class ListRow:
    """A row of the list: the list statement's values (``row``) and its relations as tuples:
    sources (directive number, label), lead agencies (id, name, name shown), lead collective
    agencies' names (``group_leads``, as ids until ``read_rows`` names them), members (id,
    full name)."""

    __slots__ = ("group_leads", "leads", "members", "row", "sources")

    def __init__(self, row: dict[str, Any]) -> None:
        self.row = row
        self.sources: list[tuple] = []
        self.leads: list[tuple] = []
        self.group_leads: list[Any] = []
        self.members: list[tuple] = []

    @property
    def pk(self) -> int:
        return self.row["id"]


def read_rows(values: list[dict]) -> list[ListRow]:
    """``values`` (rows of the list statement) with their agencies, collective agencies,
    members and sources: the statement ``filters.task_rows`` reads them by
    (``filters._relation_rows``), its rows taken as the driver gives them."""
    rows = [ListRow(v) for v in values]
    by_id = {row.row["id"]: row for row in rows}
    found = prepared.plain_rows(("task_rows", "relations"), _relation_rows, list(by_id))
    collective: set[int] = set()
    for n, _position, task_id, pk, role, name, short, _day in sorted(found, key=lambda r: r[:2]):
        row = by_id[task_id]
        if n == 0:
            if role == "lead":
                row.leads.append((pk, name, short or name or ""))
        elif n == 1:
            if role == "lead":
                row.group_leads.append(pk)
                collective.add(pk)
        elif n == 2:
            row.members.append((pk, name))
        else:
            row.sources.append((name, role))
    if collective:  # few: their names read apart
        from dondoc.orgs.models import OrgGroup

        names = dict(OrgGroup.objects.filter(pk__in=collective).values_list("pk", "name"))
        for row in rows:
            if row.group_leads:
                row.group_leads = [names[pk] for pk in row.group_leads]
    return rows


def rows_html(rows: Sequence[Any], start: int) -> SafeString:
    """The ``<tr>`` of the list's table numbered from ``start``: ``ListRow`` (``read_rows``),
    or task objects fetched with ``filters.with_display_relations``."""
    writer = RowWriter()
    if not rows or not isinstance(rows[0], ListRow):
        return writer.rows(rows, start=start)
    out = []
    for i, item in enumerate(rows):
        v = item.row
        group_id = v["group_id"]
        out.append(
            writer.written(
                start + i,
                None,
                v["id"],
                v["content"],
                v["expected_output"],
                v["group__number"] if group_id else None,
                item.sources,
                item.leads,
                item.group_leads,
                item.members,
                v["deadline_text"],
                v["due_on"],
                v["deadline_kind"],
                v.get("due_on_as_of"),
                v.get("status") or "",
                v.get("late_against_original", False),
            )
        )
    return mark_safe("\n".join(out))  # every value is escaped by the writer


def _table(rows: Sequence[Any], start: int) -> str:
    """``tasks/_task_table.html`` with ``numbered``, no labels."""
    return (
        '\n\n\n<table class="table stack">\n  <thead>\n    <tr>\n'
        f'      <th scope="col" class="num">{_("No.")}</th>\n      \n'
        f'      <th scope="col">{_("Task")}</th>\n'
        f'      <th scope="col">{_("Lead agency")}</th>\n'
        f'      <th scope="col">{_("Supervising member")}</th>\n'
        f'      <th scope="col">{_("Deadline")}</th>\n'
        f'      <th scope="col">{_("Status")}</th>\n'
        "    </tr>\n  </thead>\n  <tbody>\n    "
        f"{rows_html(rows, start)}\n  </tbody>\n</table>\n"
    )


def _pagination(page: Page, page_range: Any, query: str) -> str:
    if not page.has_other_pages():
        return ""
    base = address("task-list")

    def link(number: int, rest: str) -> str:
        n = localize(number)
        return (
            f'<a href="?{query}&amp;page={n}" hx-get="{base}?{query}&amp;page={n}" '
            f'hx-target="#results" hx-push-url="true"{rest}'
        )

    out = [f'\n  <nav class="pagination" aria-label="{_("Pages")}">\n    ']
    if page.has_previous():
        previous = link(page.previous_page_number(), ' rel="prev">')
        out.append(f"{previous}← {_('Previous')}</a>")
    out.append("\n    ")
    current = page.number
    for number in page_range:
        # The template's branches ended on their own lines: the line breaks stayed.
        if number == current:
            item = f'<span aria-current="page">{localize(number)}</span>\n      '
        elif not isinstance(number, int):  # the paginator's ellipsis
            item = "<span>…</span>\n      "
        else:
            item = f"{link(number, '>')}{localize(number)}</a>"
        out.append(f"\n      {item}\n    ")
    out.append("\n    ")
    if page.has_next():
        following = link(page.next_page_number(), ' rel="next">')
        out.append(f"{following}{_('Next')} →</a>")
    out.append("\n  </nav>\n  ")
    return "".join(out)


def results(request: Any, page: Page, page_range: Any, state: FilterState) -> SafeString:
    """What ``tasks/_results.html`` writes for ``page`` (its rows ``ListRow`` or task objects)
    of the list filtered by ``state``."""
    query = esc(state.querystring())
    out = ['\n<div class="results-body">\n  ']
    if state.problems:
        problems = "".join(f'<li class="warning">{esc(p)}</li>' for p in state.problems)
        out.append(f'\n  <ul class="messages">{problems}</ul>\n  ')
    count = page.paginator.count
    counted = ngettext("%(n)s task as of %(date)s", "%(n)s tasks as of %(date)s", count) % {
        "n": esc(localize(count)),
        "date": esc(ddmmyyyy(state.as_of)),
    }
    out.append(
        '\n  <div class="results-head">\n    <span class="count">\n      '
        f"{counted}\n    </span>\n    \n    "
    )
    if can(request.user, "task.export"):
        out.append(
            '\n    <span class="btn-row">\n'
            f'      <a class="btn secondary small" href="{address("task-export-xlsx")}?{query}" '
            f"download>{_('Excel (XLSX)')}</a>\n"
            f'      <a class="btn secondary small" href="{address("task-export-csv")}?{query}" '
            f"download>{_('CSV')}</a>\n    </span>\n    "
        )
    out.append('\n  </div>\n  <div class="table-scroll">\n    ')
    out.append(_table(page.object_list, page.start_index() or 1))
    out.append("\n  </div>\n  ")
    out.append(_pagination(page, page_range, query))
    out.append("\n</div>\n")
    return mark_safe("".join(out))  # every value above is escaped


def _options(choices: Any, selected: Any) -> str:
    from dondoc.tasks.templatetags.dondoc import select_options

    return select_options(choices, selected)


def content(request: Any, context: dict[str, Any]) -> SafeString:
    """What ``tasks/list.html``'s content block wrote: the heading, the filter form (its
    option lists from ``context``, as ``views._list_context`` makes them) and the results
    (``context["results"]``)."""
    from dondoc.core.templatetags.dateinput import date_input

    state: FilterState = context["state"]
    zone = timezone.get_current_timezone_name()  # today there is left out of the address
    program = context["program"]
    programs = context["programs"]
    out = ['\n<div class="page-head">\n  <div>\n', f"    <h1>{_('Tasks')}</h1>\n    "]
    if program:
        out.append(f'<p class="subtitle">{esc(program.name)}</p>')
    out.append("\n  </div>\n  ")
    if can(request.user, "task.create"):
        query = f"?program={localize(program.pk)}" if program else ""
        out.append(
            f'<a class="btn no-print" href="{address("task-create")}{query}">{_("New task")}</a>'
        )
    listed = address("task-list")
    active = f' <span class="badge">{_("active")}</span>' if state.is_filtered else ""
    out.append(
        "\n</div>\n\n"
        f'<form class="card no-print" method="get" action="{listed}" role="search"\n'
        f'      aria-label="{_("Filter tasks")}"\n'
        f'      hx-get="{listed}" hx-target="#results" hx-push-url="true" data-short-url\n'
        '      hx-trigger="submit, change, input changed delay:500ms from:#f-q">\n'
        '  <details class="filters-panel" open data-collapse-narrow="yes">\n'
        f"  <summary>{_('Filters')}{active}</summary>\n"
        '  <div class="filters">\n'
        '    <div class="field wide">\n'
        f'      <label for="f-q">{_("Search in the content")}</label>\n'
        f'      <input type="search" name="q" id="f-q" value="{esc(state.q)}" '
        f'placeholder="{_("e.g. dat hiem, du lieu, 5G")}" autocomplete="off">\n'
        "    </div>\n"
        '    <fieldset class="wide">\n'
        f"      <legend>{_('Status')}</legend>\n"
        '      <div class="status-choices">\n'
        f"        {context['status_checkboxes']}\n"
        "      </div>\n"
        "    </fieldset>\n    "
    )
    if len(programs) > 1:
        offered = "".join(
            f'<option value="{esc(p.code)}"{" selected" if p == program else ""}>'
            f"{esc(p.code)}</option>"
            for p in programs
        )
        out.append(
            '\n    <div class="field">\n'
            f'      <label for="f-program">{_("Program")}</label>\n'
            '      <select name="program" id="f-program">\n'
            f"        {offered}\n"
            "      </select>\n"
            "    </div>\n    "
        )
    elif program:
        out.append(f'<input type="hidden" name="program" value="{esc(program.code)}">')
    more_open = (
        state.member
        or state.directive
        or state.due_from
        or state.due_to
        or state.agency
        or state.output
        or state.output_kinds
        or state.late_against_original
    )
    out.append(
        '\n    <div class="field">\n'
        f'      <label for="f-as_of">{_("Status as of")}</label>\n'
        f"      {date_input('as_of', state.as_of, id='f-as_of', data_default_today=zone)}\n"
        "    </div>\n"
        '    <div class="field">\n'
        f'      <label for="f-lead">{_("Lead agency")}</label>\n'
        '      <select name="lead" id="f-lead">\n'
        f'        <option value="">{_("All")}</option>\n'
        f"        {_options(context['lead_options'], state.lead)}\n"
        "      </select>\n"
        "    </div>\n"
        '    <div class="field">\n'
        f'      <label for="f-group">{_("Solution group")}</label>\n'
        '      <select name="group" id="f-group">\n'
        f'        <option value="">{_("All")}</option>\n'
        f"        {_options(context['group_options'], state.group)}\n"
        "      </select>\n"
        "    </div>\n"
        '    <div class="field">\n'
        f'      <label for="f-sort">{_("Sort by")}</label>\n'
        '      <select name="sort" id="f-sort" data-default="deadline">\n'
        f"        {context['sort_options']}\n"
        "      </select>\n"
        "    </div>\n"
        "  </div>\n"
        f'  <details class="more-filters"{" open" if more_open else ""}>\n'
        f"    <summary>{_('More filters')}</summary>\n"
        '    <div class="filters">\n'
        '      <div class="field">\n'
        f'        <label for="f-output">{_("Expected output")}</label>\n'
        f'        <input type="search" name="output" id="f-output" value="{esc(state.output)}" '
        f'placeholder="{_("e.g. nghi dinh, de an")}" autocomplete="off">\n'
        "      </div>\n"
        '      <div class="field">\n'
        f'        <label for="f-output_kind">{_("Kind of output")}</label>\n'
        '        <select name="output_kind" id="f-output_kind">\n'
        f'          <option value="">{_("All")}</option>\n'
        f"          {context['output_kind_options']}\n"
        "        </select>\n"
        "      </div>\n"
        '      <div class="field">\n'
        f'        <label for="f-member">{_("Supervising member")}</label>\n'
        '        <select name="member" id="f-member">\n'
        f'          <option value="">{_("All")}</option>\n'
        f"          {_options(context['member_options'], state.member)}\n"
        "        </select>\n"
        "      </div>\n"
        '      <div class="field">\n'
        f'        <label for="f-directive">{_("Assigning document")}</label>\n'
        '        <select name="directive" id="f-directive">\n'
        f'          <option value="">{_("All")}</option>\n'
        f"          {_options(context['directive_options'], state.directive)}\n"
        "        </select>\n"
        "      </div>\n"
        '      <div class="field">\n'
        f'        <label for="f-due_from">{_("Due from")}</label>\n'
        f"        {date_input('due_from', state.due_from, id='f-due_from')}\n"
        "      </div>\n"
        '      <div class="field">\n'
        f'        <label for="f-due_to">{_("Due until")}</label>\n'
        f"        {date_input('due_to', state.due_to, id='f-due_to')}\n"
        "      </div>\n"
        '      <div class="field checkbox">\n'
        '        <label><input type="checkbox" name="late_against_original" value="1"'
        f"{' checked' if state.late_against_original else ''}> "
        f"{_('Late against the original deadline')}</label>\n"
        "      </div>\n      "
    )
    if state.agency:
        out.append(f'<input type="hidden" name="agency" value="{localize(state.agency)}">')
    out.append(
        "\n    </div>\n"
        "  </details>\n"
        "  </details>\n"
        '  <div class="btn-row">\n'
        f'    <button class="btn" type="submit">{_("Filter")}</button>\n'
        f'    <a class="btn secondary" href="{listed}">{_("Clear filters")}</a>\n'
        "  </div>\n"
        "</form>\n\n"
        '<div id="results" aria-live="polite">\n'
        f"  {context['results']}\n"
        "</div>\n"
    )
    return mark_safe("".join(out))  # every value above is escaped
