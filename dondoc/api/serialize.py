"""Model objects to the API's JSON shapes.

The querysets these functions read must be prefetched with ``TASK_PREFETCH`` (lists) or
``task_detail_queryset`` (one task), so that serialising a page costs no further queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from dondoc.accounts.policy import visible_updates
from dondoc.core.addresses import STAND_IN, split_at_id
from dondoc.orgs.models import Member
from dondoc.tasks.models import (
    AgencyRole,
    Attachment,
    ProgressUpdate,
    Task,
    TaskAgency,
    TaskAgencyGroup,
    TaskSource,
)
from dondoc.tasks.status import COMPLETED_STATUSES

TASK_PREFETCH = (
    Prefetch(
        "sources",
        queryset=TaskSource.objects.select_related("directive").order_by("directive__date", "id"),
    ),
    Prefetch("members", queryset=Member.objects.only("id", "full_name", "sort_order")),
    Prefetch(
        "task_agencies",
        queryset=TaskAgency.objects.select_related("org_unit").order_by("id"),
    ),
    Prefetch(
        "task_groups", queryset=TaskAgencyGroup.objects.select_related("group").order_by("id")
    ),
)


def with_related(queryset: QuerySet) -> QuerySet:
    """What a task list item needs, fetched in a constant number of queries."""
    return queryset.select_related("program", "group").prefetch_related(*TASK_PREFETCH)


def task_detail_queryset(queryset: QuerySet, user: Any) -> QuerySet:
    """A task with its timeline as ``user`` may read it (``policy.visible_updates``)."""
    updates = (
        visible_updates(user, ProgressUpdate.objects.all())
        .select_related("author", "agency", "source")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
    )
    return with_related(queryset).prefetch_related(
        Prefetch("updates", queryset=updates.order_by("reported_on", "id")),
        Prefetch("subtasks", queryset=Task.objects.only("id", "parent_id").order_by("id")),
        Prefetch("merged_tasks", queryset=Task.objects.only("id", "merged_into_id").order_by("id")),
    )


def task_url(task_id: int) -> str:
    """The path of the task's page in the web interface."""
    try:
        return reverse("task-detail", args=[task_id])
    except NoReverseMatch:
        return f"/tasks/{task_id}/"


def task_urls(absolute: Callable[[str], str] = str) -> Callable[[int], str]:
    """``absolute(task_url(pk))`` for any ``pk``: the address reversed and made absolute once,
    around the id (a list of 500 items reversed 500 addresses)."""
    head, tail = split_at_id(absolute(task_url(STAND_IN)))
    return lambda pk: f"{head}{int(pk)}{tail}"


def iso_day(value: Any) -> Any:
    """A date as the JSON encoder writes it (``isoformat``), written here rather than through
    the encoder's ``default`` (a page of the list carries ~250 dates); anything else as it is."""
    return value.isoformat() if type(value) is dt.date else value


def org_ref(unit: Any) -> dict | None:
    if unit is None:
        return None
    return {"id": unit.pk, "name": unit.short_name or unit.name}


def directive_ref(directive: Any) -> dict | None:
    if directive is None:
        return None
    return {"id": directive.pk, "number": directive.number, "date": iso_day(directive.date)}


def group_refs(task: Task, role: str, counts: dict[int, int]) -> list[dict]:
    """The task's collective agencies in ``role``, each with its number of members today
    (``counts`` caches them by group across the tasks of one response)."""
    refs = []
    for tg in task.task_groups.all():
        if tg.role != role:
            continue
        if tg.group_id not in counts:
            counts[tg.group_id] = tg.group.members_on(timezone.localdate()).count()
        refs.append(
            {
                "group": True,
                "id": tg.group_id,
                "code": tg.group.code,
                "name": tg.group.name,
                "members": counts[tg.group_id],
            }
        )
    return refs


def task_item(
    task: Task,
    absolute: Callable[[str], str] = str,
    group_counts: dict[int, int] | None = None,
    url: Callable[[int], str] | None = None,
) -> dict:
    """One task as the list endpoint returns it. ``task`` carries the ``status`` annotation.
    ``url``: its address from its id (``task_urls(absolute)``), when writing many."""
    directives, seen = [], set()
    for source in task.sources.all():
        if source.directive_id not in seen:
            seen.add(source.directive_id)
            directives.append(directive_ref(source.directive))
    agencies = list(task.task_agencies.all())
    counts = {} if group_counts is None else group_counts
    status = getattr(task, "status", "")
    closure_on = getattr(task, "closure_on_as_of", task.closure_on)
    return {
        "id": task.pk,
        "content": task.content,
        "program": task.program.code,
        "group": (
            {"id": task.group.pk, "number": task.group.number, "title": task.group.title}
            if task.group
            else None
        ),
        "directives": directives,
        "members": [{"id": m.pk, "name": m.full_name} for m in task.members.all()],
        "lead_agencies": [org_ref(ta.org_unit) for ta in agencies if ta.role == AgencyRole.LEAD],
        "coordinating_agencies": [
            org_ref(ta.org_unit) for ta in agencies if ta.role == AgencyRole.COORDINATING
        ],
        "lead_groups": group_refs(task, AgencyRole.LEAD, counts),
        "coordinating_groups": group_refs(task, AgencyRole.COORDINATING, counts),
        "deadline": {
            "text": task.deadline_text,
            "kind": task.deadline_kind,
            "due": iso_day(task.due_on),
            "due_as_of": iso_day(getattr(task, "due_on_as_of", task.due_on)),
            "original": {
                "text": task.deadline_text,
                "kind": task.deadline_kind,
                "due": iso_day(task.due_on),
            },
        },
        "expected_output": task.expected_output,
        "output_kind": task.output_kind,
        "status": status,
        "late_against_original": bool(getattr(task, "late_against_original", False)),
        "completed_on": iso_day(closure_on) if status in COMPLETED_STATUSES else None,
        "assigned_on": iso_day(task.assigned_on),
        "url": url(task.pk) if url is not None else absolute(task_url(task.pk)),
    }


def attachment_url(attachment: Attachment) -> str:
    try:
        return reverse("attachment-download", args=[attachment.pk])
    except NoReverseMatch:
        return attachment.file.url if attachment.file else ""


def update_item(update: ProgressUpdate, absolute: Callable[[str], str] = str) -> dict:
    author = update.author
    return {
        "id": update.pk,
        "reported_on": update.reported_on,
        "recorded_on": update.recorded_on,
        "author": {"id": author.pk, "name": str(author)} if author else None,
        "agency": org_ref(update.agency),
        "source": directive_ref(update.source),
        "text": update.text,
        "status_change": update.status_change,
        "effective_on": update.effective_on,
        "state": update.state,
        "corrects": update.corrects_id,
        "attachments": [
            {
                "id": a.pk,
                "name": a.original_name,
                "content_type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
                "url": absolute(attachment_url(a)),
            }
            for a in update.attachments.all()
        ],
    }


def task_detail(task: Task, absolute: Callable[[str], str] = str) -> dict:
    item = task_item(task, absolute)
    item.update(
        deadline_needs_review=task.deadline_needs_review,
        parent=task.parent_id,
        subtasks=[t.pk for t in task.subtasks.all()],
        merged_into=task.merged_into_id,
        merged_tasks=[t.pk for t in task.merged_tasks.all()],
        sources=[
            {
                "directive": directive_ref(s.directive),
                "label": s.label,
                "wording": s.wording,
            }
            for s in task.sources.all()
        ],
        updates=[update_item(u, absolute) for u in task.updates.all()],
    )
    return item
