"""Every write of reporting rounds, submissions and action plans.

Each function runs in one transaction, records a step in the submission's timeline where there
is one, and attributes the change history to ``by``. Permission is the caller's business
(``policy.can``); the state machine and the lock date are enforced here, because they hold
whoever calls:

    draft ──send to head──▶ with the head ──submit──▶ submitted ──accept──▶ accepted
      ▲  └────────────────(the head may submit a draft directly)──▲   │
      └──────────────────────────return──────────────────────────────┘

Returned work is a draft again, with the reviewer's comment: the reporter fixes it and sends it
back to the head, who approves and submits it again. Progress updates added to a submission are
drafts of the agency (``dondoc.tasks.reporting``) until the head submits it: submitting approves
and publishes them all in the same transaction.

Every step re-reads the submission under a row lock; a step that carries the version its page
was loaded at fails with a conflict when someone changed the submission since.

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
from dondoc.rounds import notices
from dondoc.rounds.completeness import expected_agency
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
from dondoc.rounds.queries import tasks_to_report
from dondoc.tasks.models import ProgressUpdate, Task
from dondoc.tasks.reporting import (
    UpdateConflict,
    approve,
    edit_draft,
    record_update,
    withdraw_draft,
)
from dondoc.tasks.services import IncomingFile


class RoundError(Exception):
    """A step the state machine or the lock date does not allow; the message is for the user."""


def _as_user(instance: Any, by: Any) -> Any:
    if by is not None:
        instance._history_user = by
    return instance


def _event(
    submission: Submission, kind: str, by: Any, comment: str = "", task=None
) -> SubmissionEvent:
    return SubmissionEvent.objects.create(
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
    before the period ends, as quarterly reports often are, but not before the cut-off. The
    reporters and heads of the expected agencies are notified once the round is saved."""
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
    notices.opened(round_, by=by)
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


def _require_version(submission: Submission, version: int | None) -> None:
    if version is not None and version != submission.version:
        raise RoundError(
            _(
                "Someone changed this submission after you opened the page; nothing was "
                "saved. Reload the page, check the latest text and try again."
            )
        )


def _bump(submission: Submission) -> None:
    submission.version += 1


def _require_changeable(submission: Submission) -> None:
    if submission.state not in EDITABLE_STATES:
        raise RoundError(_("This submission has been sent and can no longer be changed."))
    if not agency_may_change(submission):
        raise RoundError(
            _("The round was locked on %(date)s; only the Standing Office can reopen it.")
            % {"date": f"{submission.round.lock_on:%d/%m/%Y}"}
        )


@transaction.atomic
def save_draft(submission: Submission, *, by, note: str, version: int | None = None) -> Submission:
    """Save the agency's summary (the draft is saved as it goes)."""
    submission = _locked_row(submission)
    _require_changeable(submission)
    _require_version(submission, version)
    submission.note = note
    submission.prepared_by = submission.prepared_by or by
    _bump(submission)
    _as_user(submission, by).save(update_fields=["note", "prepared_by", "version"])
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
    form_token: str | None = None,
) -> ProgressUpdate:
    """A progress update on ``task`` as part of the submission: a draft of the agency (unless
    the program lets reporters publish directly) that the head's submission publishes."""
    submission = _locked_row(submission)
    _require_changeable(submission)
    update, created = record_update(
        task,
        by=by,
        text=text,
        reported_on=reported_on,
        agency=submission.agency,
        files=files,
        form_token=form_token,
        hooks=False,
    )
    if not created:
        return update
    _file(submission, update, by)
    return update


def _file(submission: Submission, update: ProgressUpdate, by) -> None:
    SubmissionUpdate.objects.create(submission=submission, update=update)
    if submission.prepared_by_id is None:
        submission.prepared_by = by
        _as_user(submission, by).save(update_fields=["prepared_by"])
    _event(submission, EventKind.UPDATE, by, task=update.task)


def file_in_open_round(update: ProgressUpdate, by) -> Submission | None:
    """An update written on the task's own page (or through the API) while a round owes it
    counts in the agency's report of that round, as if written on the round's page.

    The round is the latest of the task's program that has started, is not locked, expects
    the update's agency and owes this task; the agency's report is started when it has none
    and left alone once sent (a later update then waits for the next round). A correction of
    a published update is not a new report. Called by ``record_update`` in its transaction.
    """
    if update.agency_id is None or update.corrects_id is not None:
        return None
    today = timezone.localdate()
    agency = update.agency
    lineage = set(agency.lineage_ids())
    rounds = ReportingRound.objects.filter(
        program_id=update.task.program_id,
        requires_task_updates=True,
        period_start__lte=today,
        agencies__in=lineage,
    ).exclude(lock_on__lt=today)
    for round_ in rounds.distinct().order_by("-period_end", "-pk"):
        if expected_agency(round_, agency.pk, lineage) is None:
            continue
        owed = tasks_to_report(round_, agency, lineage=lineage)
        if not owed.filter(pk=update.task_id).exists():
            continue
        submission = (
            Submission.objects.select_for_update().filter(round=round_, agency=agency).first()
        )
        if submission is None:
            submission = _locked_row(start_submission(round_, agency, by=by))
        submission.round, submission.agency = round_, agency
        if not agency_may_change(submission, today):
            return None
        _file(submission, update, by)
        return submission
    return None


@transaction.atomic
def save_grid(
    submission: Submission, entries: Iterable[Any], *, by, reported_on: dt.date
) -> tuple[int, int]:
    """Save the bulk entry grid: per task, create, change or (emptied) withdraw the agency's
    draft in this submission. ``entries`` carry ``task_id``, ``text`` and the ``version`` of the
    draft the user saw (0: none). All or nothing; returns (created, changed)."""
    submission = _locked_row(submission)
    _require_changeable(submission)
    entries = list(entries)
    drafts: dict[int, ProgressUpdate] = {}
    for update in draft_updates(submission).order_by("reported_on", "pk"):
        drafts[update.task_id] = update
    tasks = Task.objects.select_related("program").in_bulk([e.task_id for e in entries])
    stale = _("Someone changed these drafts after you opened them; nothing was saved. Reload.")
    created = changed = 0
    for entry in entries:
        draft = drafts.get(entry.task_id)
        if draft is None:
            if entry.version:
                raise UpdateConflict(stale)
            if entry.text:
                add_update(
                    submission,
                    tasks[entry.task_id],
                    by=by,
                    text=entry.text,
                    reported_on=reported_on,
                )
                created += 1
            continue
        if entry.version != draft.version:
            raise UpdateConflict(stale)
        if entry.text == draft.text:
            continue
        if entry.text:
            edit_draft(
                draft, by=by, text=entry.text, reported_on=reported_on, version=entry.version
            )
        else:
            withdraw_draft(draft, by=by, version=entry.version)
            _event(submission, EventKind.WITHDRAWN, by, task=draft.task)
        changed += 1
    if created or changed:
        _event(submission, EventKind.SAVED, by)
    return created, changed


@transaction.atomic
def approve_updates(
    updates: Sequence[ProgressUpdate], *, by, versions: dict[int, int] | None = None
) -> list[ProgressUpdate]:
    """The head approves drafts outside a submission (from the to-do): they are published and
    each submission they belong to records the step."""
    approved = approve(updates, by=by, versions=versions)
    items = SubmissionUpdate.objects.filter(update__in=approved).select_related(
        "submission", "update__task"
    )
    for item in items.order_by("submission_id", "update_id"):
        _event(item.submission, EventKind.APPROVED, by, task=item.update.task)
    return approved


@transaction.atomic
def send_to_head(
    submission: Submission, *, by, note: str | None = None, version: int | None = None
) -> Submission:
    """The reporter has prepared (or fixed) the report and asks the head to approve it."""
    submission = _locked_row(submission)
    _require_changeable(submission)
    _require_version(submission, version)
    if submission.state == SubmissionState.AWAITING_APPROVAL:
        raise RoundError(_("This report is already with the head for approval."))
    if note is not None:
        submission.note = note
    submission.state = SubmissionState.AWAITING_APPROVAL
    _bump(submission)
    _as_user(submission, by).save(update_fields=["note", "state", "version"])
    notices.sent_to_head(submission, _event(submission, EventKind.SENT_TO_HEAD, by), by=by)
    return submission


def draft_updates(submission: Submission) -> QuerySet:
    """The submission's progress updates still awaiting the head's approval."""
    return ProgressUpdate.objects.drafts().filter(submission_items__submission=submission)


@transaction.atomic
def submit(
    submission: Submission, *, by, note: str | None = None, version: int | None = None
) -> Submission:
    """The agency head approves the draft and sends it (gửi báo cáo): its draft progress
    updates are published with it."""
    submission = _locked_row(submission)
    _require_changeable(submission)
    _require_version(submission, version)
    now = timezone.now()
    approve(list(draft_updates(submission)), by=by)
    if note is not None:
        submission.note = note
    submission.state = SubmissionState.SUBMITTED
    submission.approved_by = by
    submission.submitted_at = now
    submission.first_submitted_at = submission.first_submitted_at or now
    submission.reopened = False
    _bump(submission)
    _as_user(submission, by).save()
    notices.submitted(submission, _event(submission, EventKind.SUBMITTED, by))
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
    _bump(submission)
    _as_user(submission, by).save()
    event = _event(
        submission, EventKind.ACCEPTED if accepted else EventKind.RETURNED, by, comment.strip()
    )
    notices.reviewed(submission, event, accepted=accepted)
    return submission


@transaction.atomic
def reopen(round_: ReportingRound, agency: OrgUnit, *, by, comment: str = "") -> Submission:
    """The Standing Office reopens an agency's submission (created if it had none): a draft
    the agency may change and submit again, even after the lock date."""
    submission = start_submission(round_, agency, by=by)
    submission = _locked_row(submission)
    submission.state = SubmissionState.DRAFT
    submission.reopened = True
    _bump(submission)
    _as_user(submission, by).save(update_fields=["state", "reopened", "version"])
    _event(submission, EventKind.REOPENED, by, comment.strip())
    return submission


@transaction.atomic
def attach_signed_report(
    submission: Submission,
    *,
    by,
    number: str,
    signed_on: dt.date,
    file: IncomingFile | None,
    version: int | None = None,
) -> Submission:
    """Attach the signed official report (số, ngày, PDF) the agency sent with its submission.

    Allowed while the agency may still change the submission and once it is submitted (the
    signed letter often follows the electronic submission), not after acceptance.
    """
    submission = _locked_row(submission)
    _require_version(submission, version)
    if submission.state == SubmissionState.ACCEPTED:
        raise RoundError(_("This submission has been accepted and can no longer be changed."))
    submission.signed_number, submission.signed_on = number, signed_on
    if file is not None:
        submission.signed_name = file.checked.name
        submission.signed_file.save(file.checked.name, file.file, save=False)
    _bump(submission)
    _as_user(submission, by).save()
    _event(submission, EventKind.SIGNED, by, number)
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
