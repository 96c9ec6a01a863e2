"""Every write of explanations and extensions: one transaction each, history user set.

Permission is the caller's business (``policy.can``); these functions assume valid input and
assert their invariants. Every transition re-reads its row under a lock and raises
``dondoc.core.transitions.Conflict`` when someone else got there first. The agency is told of
a request, and the requester of a reply, through ``dondoc.notifications`` (the e-mail leaves
after the transaction commits).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dondoc.core.transitions import Conflict, locked
from dondoc.followups.models import DeadlineExtension, ExplanationRequest, ExplanationState
from dondoc.notifications import services as notifications
from dondoc.notifications.models import NotificationKind
from dondoc.tasks import spans
from dondoc.tasks.manage import deadline_in_force
from dondoc.tasks.models import DeadlineChange, DeadlineOrigin, Task


def _as_user(instance: Any, by: Any) -> Any:
    if by is not None:
        instance._history_user = by
    return instance


def _task_url(task_id: int) -> str:
    return reverse("task-detail", args=[task_id]) + "#followups"


_STALE = gettext_lazy(
    "The agency's explanation changed since you opened the page; read it again before "
    "deciding. Nothing was changed."
)


def decided_message(current: ExplanationRequest) -> str:
    return _(
        "This explanation was already decided (%(state)s) by %(who)s on %(date)s; "
        "nothing was changed."
    ) % {
        "state": current.get_state_display(),
        "who": current.decided_by or "—",
        "date": f"{timezone.localtime(current.decided_at):%d/%m/%Y %H:%M}"
        if current.decided_at
        else "—",
    }


def _lock_open(
    request: ExplanationRequest, *, expected_version: int | None, stale_message: str
) -> ExplanationRequest:
    """The request re-read under a lock, still open and at the version the caller saw."""
    current = locked(ExplanationRequest.objects.select_related("agency", "decided_by"), request.pk)
    if not current.is_open:
        raise Conflict(decided_message(current), current=current)
    if expected_version is not None and expected_version != current.version:
        raise Conflict(stale_message, current=current)
    return current


def _refresh(instance: ExplanationRequest, current: ExplanationRequest) -> None:
    """Copy the locked row's values onto the caller's instance (it may be displayed next)."""
    for field in current._meta.concrete_fields:
        setattr(instance, field.attname, getattr(current, field.attname))


@transaction.atomic
def request_explanation(
    task: Task, *, by, agency, reply_due_on: dt.date, message: str
) -> ExplanationRequest:
    """Ask ``agency`` (a lead agency of ``task``) to explain why the task is late.

    Raises :class:`Conflict` when the agency already has an open request for the task (two
    clerks asking at the same moment make one request).
    """
    assert reply_due_on is not None
    locked(Task, task.pk, no_key=True)
    already = (
        ExplanationRequest.objects.filter(
            task=task,
            agency=agency,
            state__in=[ExplanationState.REQUESTED, ExplanationState.REPLIED],
        )
        .select_related("requested_by")
        .first()
    )
    if already is not None:
        raise Conflict(
            _(
                "%(agency)s was already asked to explain this task by %(who)s on %(date)s; "
                "the request is still open."
            )
            % {
                "agency": agency,
                "who": already.requested_by or "—",
                "date": f"{timezone.localtime(already.requested_at):%d/%m/%Y}",
            },
            current=already,
        )
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
    request: ExplanationRequest,
    *,
    by,
    reason: str,
    proposed_due_on: dt.date | None,
    expected_version: int | None = None,
) -> ExplanationRequest:
    """The agency's explanation: the reason, and the deadline it proposes.

    Raises :class:`Conflict` when the request was decided meanwhile, or (``expected_version``)
    when someone changed it since the form was loaded.
    """
    current = _lock_open(
        request,
        expected_version=expected_version,
        stale_message=_(
            "Another explanation was sent for this request since you opened the page; "
            "read it before sending yours."
        ),
    )
    current.reason = reason
    current.proposed_due_on = proposed_due_on
    current.replied_by = by
    current.replied_at = timezone.now()
    current.state = ExplanationState.REPLIED
    current.version += 1
    _as_user(current, by).save(
        update_fields=["reason", "proposed_due_on", "replied_by", "replied_at", "state", "version"]
    )
    _refresh(request, current)
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


def deadline_version(task_id: int) -> int:
    """The id of the task's latest deadline change (0: none), carried by the extension form.

    Every extension and every change made on the task's management page adds one, so a form
    loaded before either of them is noticed as stale.
    """
    return (
        DeadlineChange.objects.filter(task_id=task_id)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    ) or 0


def due_in_force(task: Task, day: dt.date | None = None) -> dt.date | None:
    """The due date in force on ``day`` (today by default), after every deadline change."""
    return deadline_in_force(task, day or timezone.localdate())[1]


def _stale_deadline(latest: int) -> Conflict:
    newest = DeadlineChange.objects.select_related("by").get(pk=latest)
    shown = {
        "date": f"{newest.due_on:%d/%m/%Y}" if newest.due_on else newest.deadline_text or "—",
        "who": newest.by or "—",
    }
    if newest.origin == DeadlineOrigin.EXTENDED:
        text = _(
            "The deadline was already extended to %(date)s by %(who)s since you opened "
            "the page; nothing was changed."
        )
    else:
        text = _(
            "The deadline was changed to %(date)s by %(who)s since you opened the page; "
            "nothing was changed."
        )
    return Conflict(text % shown, current=newest)


@transaction.atomic
def grant_extension(
    task: Task,
    *,
    by,
    new_due_on: dt.date,
    reason: str = "",
    request: ExplanationRequest | None = None,
    granted_on: dt.date | None = None,
    expected_version: int | None = None,
) -> DeadlineExtension:
    """Extend the task's deadline to ``new_due_on``; the deadline it replaces stays on record.

    The deadline extended is the one in force on ``granted_on`` (today by default), after any
    change made on the management page; the extension counts for the status on that date and
    later, never before it. Closes ``request`` (when given) as granted.

    Raises :class:`Conflict` when ``request`` was decided meanwhile or changed since
    ``expected_version``; without a request, ``expected_version`` is the id of the latest
    deadline change the caller saw (0 for none), and a newer one is a conflict. A task with no
    due date in force, or a new date not after it, is a conflict as well.
    """
    current = None
    if request is not None:
        current = _lock_open(request, expected_version=expected_version, stale_message=_STALE)
    locked_task = locked(Task, task.pk, no_key=True)
    if request is None and expected_version is not None:
        latest = deadline_version(task.pk)
        if latest != expected_version:
            raise _stale_deadline(latest)
    day = granted_on or timezone.localdate()
    in_force = due_in_force(locked_task, day)
    if in_force is None:
        raise Conflict(
            _("The task has no deadline date in force, so it cannot be extended."),
            current=current,
        )
    if new_due_on <= in_force:
        raise Conflict(
            _("The new deadline must be after the deadline in force (%(date)s).")
            % {"date": f"{in_force:%d/%m/%Y}"},
            current=current,
        )
    extension = DeadlineExtension(
        task=task,
        original_due_on=in_force,
        new_due_on=new_due_on,
        granted_by=by,
        granted_on=day,
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
    spans.refresh([task.pk])
    if current is not None:
        _decide(current, by=by, state=ExplanationState.GRANTED, note=reason)
        _refresh(request, current)
    return extension


@transaction.atomic
def refuse_extension(
    request: ExplanationRequest, *, by, note: str = "", expected_version: int | None = None
) -> ExplanationRequest:
    """Close the request without extending: the deadline stays as it was.

    Raises :class:`Conflict` when the request was decided meanwhile or changed since
    ``expected_version`` (the agency's explanation arrived after the page was loaded).
    """
    current = _lock_open(request, expected_version=expected_version, stale_message=_STALE)
    _decide(current, by=by, state=ExplanationState.REFUSED, note=note)
    _refresh(request, current)
    return request


def _decide(current: ExplanationRequest, *, by, state: str, note: str) -> None:
    """Record the decision on a request locked and checked by ``_lock_open``."""
    current.state = state
    current.decided_by = by
    current.decided_at = timezone.now()
    current.decision_note = note
    current.version += 1
    _as_user(current, by).save(
        update_fields=["state", "decided_by", "decided_at", "decision_note", "version"]
    )


def latest_extension(task: Task, as_of: dt.date | None = None) -> DeadlineExtension | None:
    """The extension in force on ``as_of`` (today when not given)."""
    day = as_of or timezone.localdate()
    return (
        DeadlineExtension.objects.filter(task=task, granted_on__lte=day)
        .order_by("-granted_on", "-id")
        .first()
    )
