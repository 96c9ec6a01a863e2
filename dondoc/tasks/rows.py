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
        w = self.words
        out = ["<tr>"]
        if number is not None:
            out.append(f'<td class="num cell-number">{number}</td>')
        if label is not None:
            out.append(f'<td data-label="{w["item"]}" class="nowrap">{esc(label)}</td>')
        sources = "; ".join(
            f"{esc(s.directive.number)} {esc(s.label)}" if s.label else esc(s.directive.number)
            for s in task.sources.all()
        )
        group = f" · {w['group']} {esc(task.group.number)}" if task.group else ""
        output = ""
        if task.expected_output:
            short = truncated(task.expected_output, 120, self.ellipsis)
            output = f'<span class="task-output">{w["output"]} {esc(short)}</span>'
        out.append(
            f'<td class="task-content"><a href="{self.link(self.task, task.pk)}">'
            f"{esc(truncated(task.content, 240, self.ellipsis))}</a>"
            f'<span class="task-meta">{sources}{group}</span>{output}</td>'
        )
        leads = [
            f'<li><a href="{self.link(self.org, ta.org_unit_id)}" title="{esc(ta.org_unit.name)}">'
            f"{esc(ta.org_unit)}</a></li>"
            for ta in task.task_agencies.all()
            if ta.role == "lead"
        ]
        leads += [
            f'<li class="agency-group" title="{w["collective"]}">{esc(tg.group.name)}</li>'
            for tg in task.task_groups.all()
            if tg.role == "lead"
        ]
        # An empty cell stays empty, so that a phone's card shows no label for it.
        lead_list = f'<ul class="agency-list">{"".join(leads)}</ul>' if leads else ""
        out.append(f'<td data-label="{w["lead"]}">{lead_list}</td>')
        members = ", ".join(
            f'<a href="{self.link(self.member, m.pk)}">{esc(m.full_name)}</a>'
            for m in task.members.all()
        )
        out.append(f'<td data-label="{w["members"]}">{members}</td>')
        deadline = [f'<span class="deadline-as-written">{esc(task.deadline_text or "—")}</span>']
        if task.due_on:
            deadline.append(f'<span class="deadline-date">{_date(task.due_on)}</span>')
        elif task.deadline_kind == "unrecognised":
            deadline.append(f'<span class="flag">{w["review"]}</span>')
        due_as_of = getattr(task, "due_on_as_of", None)
        if due_as_of and due_as_of != task.due_on:
            deadline.append(
                f'<span class="deadline-date" title="{w["in_force"]}">→ '
                f"<strong>{_date(due_as_of)}</strong></span>"
            )
        out.append(f'<td data-label="{w["deadline"]}">{" ".join(deadline)}</td>')
        status = getattr(task, "status", "") or ""
        badge = self.badges.get(status, "")
        if status and not badge:  # not a status value: muted, as ``status_badge`` writes it
            badge = '<span class="badge status-muted"></span>'
        if getattr(task, "late_against_original", False):
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
