"""Every write of reporting rounds, submissions and action plans.

Each function runs in one transaction, records a step in the submission's timeline where there
is one, and attributes the change history to ``by``. Permission is the caller's business
(``policy.can``); the state machine and the lock date are enforced here, because they hold
whoever calls:

    draft ──submit──▶ submitted ──accept──▶ accepted
      ▲                  │
      └────return────────┘   (returned: a draft again, with the reviewer's comment)

After the round's lock date the agency can no longer change or submit; only the Standing
Office can reopen a submission, which makes it a draft that the agency may change and submit
once more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dondoc.orgs.models import OrgUnit
from dondoc.rounds.models import (
    EDITABLE_STATES,
    ActionPlan,
    EventKind,
    ReportingRound,
    RoundAgency,
    Submission,
    SubmissionEvent,
    SubmissionState,
    SubmissionUpdate,
)
from dondoc.tasks.models import ProgressUpdate, Task
from dondoc.tasks.services import IncomingFile, post_update


class RoundError(Exception):
    """A step the state machine or the lock date does not allow; the message is for the user."""


def _as_user(instance: Any, by: Any) -> Any:
    if by is not None:
        instance._history_user = by
    return instance


def _event(submission: Submission, kind: str, by: Any, comment: str = "", task=None) -> None:
    SubmissionEvent.objects.create(
        submission=submission, kind=kind, by=by, comment=comment, task=task, at=timezone.now()
    )


# Rounds ---------------------------------------------------------------------------------------


def units_of_kinds(kinds: Iterable[str], day: dt.date) -> QuerySet:
    """Units of these kinds that exist on ``day``."""
    return OrgUnit.objects.filter(kind__in=list(kinds)).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=day),
        Q(valid_to__isnull=True) | Q(valid_to__gte=day),
    )


@transaction.atomic
def open_round(
    *,
    program,
    title: str,
    period_start: dt.date,
    period_end: dt.date,
    due_on: dt.date,
    cutoff_on: dt.date | None = None,
    grace_days: int = 0,
    lock_on: dt.date | None = None,
    kinds: Iterable[str] = (),
    agencies: Iterable[OrgUnit] = (),
    requires_task_updates: bool = True,
    requires_indicator_values: bool = False,
    by=None,
) -> ReportingRound:
    """Open a round for every unit of ``kinds`` existing at the period end, plus ``agencies``.

    Figures are reported as of ``cutoff_on`` (the period end when None); the due date may fall
    before the period ends, as quarterly reports often are, but not before the cut-off."""
    assert period_start <= period_end, (period_start, period_end)
    assert cutoff_on is None or period_start <= cutoff_on <= period_end, cutoff_on
    assert due_on >= (cutoff_on or period_start), (cutoff_on, due_on)
    assert lock_on is None or lock_on >= due_on
    round_ = ReportingRound(
        program=program,
        title=title,
        period_start=period_start,
        period_end=period_end,
        cutoff_on=cutoff_on,
        due_on=due_on,
        grace_days=grace_days,
        lock_on=lock_on,
        requires_task_updates=requires_task_updates,
        requires_indicator_values=requires_indicator_values,
        opened_by=by,
    )
    _as_user(round_, by).save()
    chosen = {unit.pk for unit in units_of_kinds(kinds, period_end)} if kinds else set()
    chosen |= {unit.pk for unit in agencies}
    RoundAgency.objects.bulk_create(
        [RoundAgency(round=round_, org_unit_id=pk) for pk in sorted(chosen)]
    )
    return round_


# Submissions ----------------------------------------------------------------------------------


def agency_may_change(submission: Submission, day: dt.date | None = None) -> bool:
    """May the agency still change and submit this submission on ``day``?"""
    day = day or timezone.localdate()
    if submission.state not in EDITABLE_STATES:
        return False
    return submission.reopened or not submission.round.is_locked(day)


def round_accepts_new_work(round_: ReportingRound, day: dt.date | None = None) -> bool:
    """May an agency that has no submission yet start one?"""
    return not round_.is_locked(day or timezone.localdate())


@transaction.atomic
def start_submission(round_: ReportingRound, agency: OrgUnit, *, by) -> Submission:
    """The agency's submission for the round, created as a draft if it has none."""
    submission, created = Submission.objects.get_or_create(
        round=round_, agency=agency, defaults={"prepared_by": by}
    )
    if created:
        _as_user(submission, by)
        _event(submission, EventKind.CREATED, by)
    submission.round = round_
    return submission


def _locked_row(submission: Submission) -> Submission:
    """Re-read the submission under a row lock, so two steps never interleave."""
    fresh = Submission.objects.select_for_update().get(pk=submission.pk)
    fresh.round = submission.round
    fresh.agency = submission.agency
    return fresh


def _require_changeable(submission: Submission) -> None:
    if submission.state not in EDITABLE_STATES:
        raise RoundError(_("This submission has been sent and can no longer be changed."))
    if not agency_may_change(submission):
        raise RoundError(
            _("The round was locked on %(date)s; only the Standing Office can reopen it.")
            % {"date": f"{submission.round.lock_on:%d/%m/%Y}"}
        )


@transaction.atomic
def save_draft(submission: Submission, *, by, note: str) -> Submission:
    """Save the agency's summary (the draft is saved as it goes)."""
    submission = _locked_row(submission)
    _require_changeable(submission)
    submission.note = note
    submission.prepared_by = submission.prepared_by or by
    _as_user(submission, by).save(update_fields=["note", "prepared_by"])
    _event(submission, EventKind.SAVED, by)
    return submission


@transaction.atomic
def add_update(
    submission: Submission,
    task: Task,
    *,
    by,
    text: str,
    reported_on: dt.date | None = None,
    files: Sequence[IncomingFile] = (),
) -> ProgressUpdate:
    """Post a progress update on ``task`` to its timeline, as part of the submission."""
    submission = _locked_row(submission)
    _require_changeable(submission)
    update = post_update(
        task,
        by=by,
        text=text,
        reported_on=reported_on,
        agency=submission.agency,
        files=files,
    )
    SubmissionUpdate.objects.create(submission=submission, update=update)
    if submission.prepared_by_id is None:
        submission.prepared_by = by
        _as_user(submission, by).save(update_fields=["prepared_by"])
    _event(submission, EventKind.UPDATE, by, task=task)
    return update


@transaction.atomic
def submit(submission: Submission, *, by, note: str | None = None) -> Submission:
    """The agency head approves the draft and sends it (gửi báo cáo)."""
    submission = _locked_row(submission)
    _require_changeable(submission)
    now = timezone.now()
    if note is not None:
        submission.note = note
    submission.state = SubmissionState.SUBMITTED
    submission.approved_by = by
    submission.submitted_at = now
    submission.first_submitted_at = submission.first_submitted_at or now
    submission.reopened = False
    _as_user(submission, by).save()
    _event(submission, EventKind.SUBMITTED, by)
    return submission


@transaction.atomic
def accept(submission: Submission, *, by, comment: str = "") -> Submission:
    """The Working Group accepts a submitted report."""
    return _review(submission, by=by, accepted=True, comment=comment)


@transaction.atomic
def return_for_correction(submission: Submission, *, by, comment: str) -> Submission:
    """The Working Group returns a submitted report; it is a draft again, comment attached."""
    if not comment.strip():
        raise RoundError(_("Say what must be corrected."))
    return _review(submission, by=by, accepted=False, comment=comment)


def _review(submission: Submission, *, by, accepted: bool, comment: str) -> Submission:
    submission = _locked_row(submission)
    if submission.state != SubmissionState.SUBMITTED:
        raise RoundError(_("Only a submitted report can be reviewed."))
    submission.state = SubmissionState.ACCEPTED if accepted else SubmissionState.RETURNED
    submission.reviewed_by = by
    submission.reviewed_at = timezone.now()
    submission.review_comment = comment.strip()
    _as_user(submission, by).save()
    _event(submission, EventKind.ACCEPTED if accepted else EventKind.RETURNED, by, comment.strip())
    return submission


@transaction.atomic
def reopen(round_: ReportingRound, agency: OrgUnit, *, by, comment: str = "") -> Submission:
    """The Standing Office reopens an agency's submission (created if it had none): a draft
    the agency may change and submit again, even after the lock date."""
    submission = start_submission(round_, agency, by=by)
    submission = _locked_row(submission)
    submission.state = SubmissionState.DRAFT
    submission.reopened = True
    _as_user(submission, by).save(update_fields=["state", "reopened"])
    _event(submission, EventKind.REOPENED, by, comment.strip())
    return submission


# Action plans ---------------------------------------------------------------------------------


@transaction.atomic
def record_action_plan(
    *,
    program,
    agency: OrgUnit,
    number: str,
    issued_on: dt.date,
    title: str = "",
    file: IncomingFile | None = None,
    by=None,
) -> ActionPlan:
    """Record (or correct) the action plan an agency issued for the program."""
    plan = ActionPlan.objects.filter(program=program, agency=agency).first()
    if plan is None:
        plan = ActionPlan(program=program, agency=agency)
    plan.number, plan.issued_on, plan.title = number, issued_on, title
    plan.recorded_by, plan.recorded_at = by, timezone.now()
    if file is not None:
        plan.original_name = file.checked.name
        plan.file.save(file.checked.name, file.file, save=False)
    _as_user(plan, by).save()
    return plan
