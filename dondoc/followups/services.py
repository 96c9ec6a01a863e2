"""Every write of explanations and extensions: one transaction each, history user set.

Permission is the caller's business (``policy.can``); these functions assume valid input and
assert their invariants. The agency is told of a request, and the requester of a reply,
through ``dondoc.notifications`` (the e-mail leaves after the transaction commits).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dondoc.followups.models import DeadlineExtension, ExplanationRequest, ExplanationState
from dondoc.notifications import services as notifications
from dondoc.notifications.models import NotificationKind
from dondoc.tasks.models import DeadlineChange, DeadlineOrigin, Task


def _as_user(instance: Any, by: Any) -> Any:
    if by is not None:
        instance._history_user = by
    return instance


def _task_url(task_id: int) -> str:
    return reverse("task-detail", args=[task_id]) + "#followups"


@transaction.atomic
def request_explanation(
    task: Task, *, by, agency, reply_due_on: dt.date, message: str
) -> ExplanationRequest:
    """Ask ``agency`` (a lead agency of ``task``) to explain why the task is late."""
    assert reply_due_on is not None
    request = ExplanationRequest(
        task=task,
        agency=agency,
        requested_by=by,
        reply_due_on=reply_due_on,
        message=message,
    )
    _as_user(request, by).save()
    with notifications.site_language():
        subject = _("Explanation requested for task #%(id)s") % {"id": task.pk}
        body = _(
            "%(agency)s is asked to explain the delay of task #%(id)s by %(date)s:\n%(msg)s"
        ) % {
            "agency": agency,
            "id": task.pk,
            "date": f"{reply_due_on:%d/%m/%Y}",
            "msg": message,
        }
    notifications.notify_now(
        notifications.agency_users([agency.pk]),
        kind=NotificationKind.EXPLANATION_REQUESTED,
        key=f"explanation_requested:{request.pk}",
        subject=subject,
        body=body,
        url=_task_url(task.pk),
    )
    return request


@transaction.atomic
def reply_explanation(
    request: ExplanationRequest, *, by, reason: str, proposed_due_on: dt.date | None
) -> ExplanationRequest:
    """The agency's explanation: the reason, and the deadline it proposes."""
    assert request.is_open, request.state
    request.reason = reason
    request.proposed_due_on = proposed_due_on
    request.replied_by = by
    request.replied_at = timezone.now()
    request.state = ExplanationState.REPLIED
    _as_user(request, by).save(
        update_fields=["reason", "proposed_due_on", "replied_by", "replied_at", "state"]
    )
    if request.requested_by_id:
        with notifications.site_language():
            subject = _("Explanation received for task #%(id)s") % {"id": request.task_id}
            body = _("%(agency)s explained the delay of task #%(id)s:\n%(reason)s") % {
                "agency": request.agency,
                "id": request.task_id,
                "reason": reason,
            }
        notifications.notify_now(
            [request.requested_by],
            kind=NotificationKind.EXPLANATION_REPLIED,
            key=f"explanation_replied:{request.pk}:{request.replied_at:%Y%m%d%H%M%S}",
            subject=subject,
            body=body,
            url=_task_url(request.task_id),
        )
    return request


@transaction.atomic
def grant_extension(
    task: Task,
    *,
    by,
    new_due_on: dt.date,
    reason: str = "",
    request: ExplanationRequest | None = None,
    granted_on: dt.date | None = None,
) -> DeadlineExtension:
    """Extend the task's deadline to ``new_due_on``; the original deadline stays on record.

    Closes ``request`` (when given) as granted. ``granted_on`` defaults to today: the extension
    counts for the status on that date and later, never before it.
    """
    assert task.due_on is not None, "only a task with a due date can be extended"
    extension = DeadlineExtension(
        task=task,
        original_due_on=task.due_on,
        new_due_on=new_due_on,
        granted_by=by,
        granted_on=granted_on or timezone.localdate(),
        request=request,
        reason=reason,
    )
    _as_user(extension, by).save()
    # The deadline in force is the task's record; this one keeps the decision.
    change = DeadlineChange(
        task=task,
        origin=DeadlineOrigin.EXTENDED,
        effective_on=extension.granted_on,
        deadline_text=f"{new_due_on:%d/%m/%Y}",
        deadline_kind="date",
        due_on=new_due_on,
        reason=reason,
        by=by,
    )
    _as_user(change, by).save()
    if request is not None:
        _decide(request, by=by, state=ExplanationState.GRANTED, note=reason)
    return extension


@transaction.atomic
def refuse_extension(request: ExplanationRequest, *, by, note: str = "") -> ExplanationRequest:
    """Close the request without extending: the deadline stays as it was."""
    return _decide(request, by=by, state=ExplanationState.REFUSED, note=note)


def _decide(request: ExplanationRequest, *, by, state: str, note: str) -> ExplanationRequest:
    assert request.is_open, request.state
    request.state = state
    request.decided_by = by
    request.decided_at = timezone.now()
    request.decision_note = note
    _as_user(request, by).save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    return request


def latest_extension(task: Task, as_of: dt.date | None = None) -> DeadlineExtension | None:
    """The extension in force on ``as_of`` (today when not given)."""
    day = as_of or timezone.localdate()
    return (
        DeadlineExtension.objects.filter(task=task, granted_on__lte=day)
        .order_by("-granted_on", "-id")
        .first()
    )
