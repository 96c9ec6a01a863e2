"""The task page's management pieces: the actions the user may take, the deadline history and
the changes made in the app with their reasons.

``{% task_manage_panel task as manage %}`` gathers them; permissions come from
``dondoc.accounts.policy``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext_noop as N_

from dondoc.accounts.policy import can
from dondoc.core.addresses import address_of
from dondoc.tasks.deadlines import Deadline, DeadlineKind, format_deadline
from dondoc.tasks.manage import shown_summary

register = template.Library()

#: (action, URL name, label msgid) of the management buttons, in the order shown.
ACTIONS = [
    ("task.edit", "task-edit", N_("Edit")),
    ("task.reassign", "task-reassign", N_("Reassign")),
    ("task.change_deadline", "task-deadline", N_("Change the deadline")),
    ("task.split", "task-split", N_("Split")),
    ("task.merge", "task-merge", N_("Merge a duplicate")),
    ("task.set_status", "task-cancel", N_("Cancel the task")),
]


@dataclass(frozen=True)
class DeadlineRow:
    effective_on: dt.date
    text: str
    shown: str
    origin: str  # "" for the deadline as first assigned
    reason: str
    by: Any
    in_force: bool
    source: Any = None  # the document that restated it (a Directive)
    source_label: str = ""


def _shown(text: str, kind: str, due: dt.date | None) -> str:
    try:
        return format_deadline(Deadline(text, DeadlineKind(kind), due))
    except ValueError:
        return text or "—"


@register.simple_tag(takes_context=True)
def task_manage_panel(context: dict[str, Any], task: Any) -> dict[str, Any]:
    request = context.get("request")
    return manage_panel(getattr(request, "user", None), task)


def manage_panel(user: Any, task: Any) -> dict[str, Any]:
    """What the task page's manage buttons, deadline history and changes show ``user``."""
    today = timezone.localdate()
    open_task = task.merged_into_id is None
    actions = [
        (url, label, address_of(url, task.pk))
        for action, url, label in ACTIONS
        if open_task
        and can(user, action, task)
        and not (url == "task-cancel" and task.closure_kind == "cancelled")
    ]
    rows = [
        DeadlineRow(
            task.assigned_on,
            task.deadline_text,
            _shown(task.deadline_text, task.deadline_kind, task.due_on),
            "",
            "",
            None,
            False,
        )
    ]
    # The task page knows whether there is anything to read (``has_...``, see ``views._probes``).
    changes = (
        task.deadline_changes.select_related("by", "source").order_by("effective_on", "id")
        if getattr(task, "has_deadline_changes", True)
        else []
    )
    for change in changes:
        rows.append(
            DeadlineRow(
                change.effective_on,
                change.deadline_text,
                _shown(change.deadline_text, change.deadline_kind, change.due_on),
                change.get_origin_display(),
                change.reason,
                change.by,
                False,
                change.source,
                change.source_label,
            )
        )
    current = 0  # the changes come in the order they take over
    for i, row in enumerate(rows[1:], start=1):
        if row.effective_on <= today:
            current = i
    rows[current] = DeadlineRow(**{**rows[current].__dict__, "in_force": True})
    made = (
        list(task.changes.select_related("by", "related").order_by("-created_at", "-id"))
        if getattr(task, "has_changes", True)
        else []
    )
    for change in made:
        change.shown_summary = shown_summary(change)
    return {
        "actions": actions,
        "deadlines": rows if len(rows) > 1 else [],
        "deadline_now": rows[current].shown if current else "",
        "changes": made,
    }
