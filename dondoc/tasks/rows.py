"""The rows of the task table (``tasks/_task_table.html``), written in Python.

A row shows a task's content and sources, its lead agencies and groups, its members, its
deadline and status, with links to the task, agencies and members. Through the template engine
a row cost about 0.4 ms (three ``{% url %}``, filters and an include per row): for a page of 50
rows, twice the page's SQL. Here the translated words and the link patterns are prepared once per
table and each row is a few joined strings, escaped as the template escaped them.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from dondoc.core.addresses import attribute_pattern
from dondoc.tasks.status import STATUS_COLOURS, STATUS_LABELS, Status


def esc(value: Any) -> str:
    """``conditional_escape``, the same characters, without its lazy-string and ``SafeString``
    wrapping: a table escapes a few hundred values, all plain text or already safe."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def truncated(text: Any, length: int, ellipsis: str) -> str:
    """``Truncator(text).chars(length)`` with its translated ellipsis (``ellipsis``) read once
    per table: ``Truncator`` translates it again on every call, truncated or not. A text of at
    most ``length`` characters is returned as it is (normalised, as ``Truncator`` does)."""
    text = unicodedata.normalize("NFC", str(text))
    if len(text) <= length:  # combining characters only make it count fewer
        return text
    return Truncator(text).chars(length, truncate=ellipsis)


def _date(value: Any) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


class RowWriter:
    """Writes the ``<tr>`` of tasks annotated with ``status`` and fetched with
    ``filters.with_display_relations``; what is translated or reversed is done once here."""

    def __init__(self) -> None:
        self.task = attribute_pattern("task-detail")
        self.org = attribute_pattern("org-detail")
        self.member = attribute_pattern("member-detail")
        self.words = {
            key: esc(text)
            for key, text in {
                "item": _("Item"),
                "group": _("Group"),
                "output": _("Output:"),
                "lead": _("Lead agency"),
                "members": _("Supervising member"),
                "deadline": _("Deadline"),
                "review": _("to review"),
                "in_force": _("In force now:"),
                "collective": _("A group of agencies: each member reports for itself"),
                "late_title": _(
                    "Past the deadline as first assigned, within the deadline in force"
                ),
                "late": _("Late against the original deadline"),
                "none": _("No tasks match."),
            }.items()
        }
        self.ellipsis = pgettext("String to return when truncating text", "%(truncated_text)s…")
        self.badges = {
            s.value: f'<span class="badge {STATUS_COLOURS[s]}">{esc(_(STATUS_LABELS[s]))}</span>'
            for s in Status
        }

    def link(self, pattern: tuple[str, str], pk: int) -> str:
        return f"{pattern[0]}{int(pk)}{pattern[1]}"

    def row(self, task: Any, number: int | None, label: Any = None) -> str:
        """The ``<tr>`` of a task object (or ``filters.TaskRow``) and its fetched relations."""
        group = task.group
        return self.written(
            number,
            label,
            task.pk,
            task.content,
            task.expected_output,
            group.number if group else None,
            [(s.directive.number, s.label) for s in task.sources.all()],
            [
                (ta.org_unit_id, ta.org_unit.name, str(ta.org_unit))
                for ta in task.task_agencies.all()
                if ta.role == "lead"
            ],
            [tg.group.name for tg in task.task_groups.all() if tg.role == "lead"],
            [(m.pk, m.full_name) for m in task.members.all()],
            task.deadline_text,
            task.due_on,
            task.deadline_kind,
            getattr(task, "due_on_as_of", None),
            getattr(task, "status", "") or "",
            getattr(task, "late_against_original", False),
        )

    def written(
        self,
        number: int | None,
        label: Any,
        pk: int,
        content: str,
        expected_output: str,
        group_number: Any,
        sources: list[tuple[Any, Any]],
        leads: list[tuple[int, Any, Any]],
        group_leads: list[Any],
        members: list[tuple[int, Any]],
        deadline_text: str,
        due_on: Any,
        deadline_kind: str,
        due_as_of: Any,
        status: str,
        late: Any,
    ) -> str:
        """The ``<tr>`` of a task from plain values: its sources as (directive number,
        label), its lead agencies as (id, name, name shown), its lead collective agencies'
        names, its members as (id, full name). ``group_number`` None: no solution group."""
        w = self.words
        out = ["<tr>"]
        if number is not None:
            out.append(f'<td class="num cell-number">{number}</td>')
        if label is not None:
            out.append(f'<td data-label="{w["item"]}" class="nowrap">{esc(label)}</td>')
        shown = "; ".join(
            f"{esc(directive)} {esc(text)}" if text else esc(directive)
            for directive, text in sources
        )
        group = f" · {w['group']} {esc(group_number)}" if group_number is not None else ""
        output = ""
        if expected_output:
            short = truncated(expected_output, 120, self.ellipsis)
            output = f'<span class="task-output">{w["output"]} {esc(short)}</span>'
        out.append(
            f'<td class="task-content"><a href="{self.link(self.task, pk)}">'
            f"{esc(truncated(content, 240, self.ellipsis))}</a>"
            f'<span class="task-meta">{shown}{group}</span>{output}</td>'
        )
        items = [
            f'<li><a href="{self.link(self.org, unit)}" title="{esc(name)}">'
            f"{esc(short_name)}</a></li>"
            for unit, name, short_name in leads
        ]
        items += [
            f'<li class="agency-group" title="{w["collective"]}">{esc(name)}</li>'
            for name in group_leads
        ]
        # An empty cell stays empty, so that a phone's card shows no label for it.
        lead_list = f'<ul class="agency-list">{"".join(items)}</ul>' if items else ""
        out.append(f'<td data-label="{w["lead"]}">{lead_list}</td>')
        names = ", ".join(
            f'<a href="{self.link(self.member, member)}">{esc(full_name)}</a>'
            for member, full_name in members
        )
        out.append(f'<td data-label="{w["members"]}">{names}</td>')
        deadline = [f'<span class="deadline-as-written">{esc(deadline_text or "—")}</span>']
        if due_on:
            deadline.append(f'<span class="deadline-date">{_date(due_on)}</span>')
        elif deadline_kind == "unrecognised":
            deadline.append(f'<span class="flag">{w["review"]}</span>')
        if due_as_of and due_as_of != due_on:
            deadline.append(
                f'<span class="deadline-date" title="{w["in_force"]}">→ '
                f"<strong>{_date(due_as_of)}</strong></span>"
            )
        out.append(f'<td data-label="{w["deadline"]}">{" ".join(deadline)}</td>')
        badge = self.badges.get(status, "")
        if status and not badge:  # not a status value: muted, as ``status_badge`` writes it
            badge = '<span class="badge status-muted"></span>'
        if late:
            badge += (
                f' <span class="badge status-due-soon late-original" title="{w["late_title"]}">'
                f"{w['late']}</span>"
            )
        out.append(f'<td class="cell-status">{badge}</td></tr>')
        return "".join(out)

    def rows(
        self,
        tasks: Iterable[Any],
        *,
        start: int | None = None,
        labels: Mapping | None = None,
        columns: int = 7,
    ) -> SafeString:
        out = []
        for i, task in enumerate(tasks):
            label = None
            if labels is not None:
                label = labels.get(task.pk, "")
            out.append(self.row(task, None if start is None else start + i, label))
        if not out:
            out.append(f'<tr><td colspan="{columns}" class="muted">{self.words["none"]}</td></tr>')
        return mark_safe("\n".join(out))  # every value above is escaped
