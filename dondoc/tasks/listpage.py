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
