"""An agency's submission for a round: prepare (updates, summary), send to the head, approve
and submit, attach the signed report, review, reopen.

Every step asks the permission table; another agency's draft is a 404, as if it did not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dondoc.accounts.policy import (
    Scope,
    can,
    group_ids_on,
    lineage_of,
    scope_of,
    user_org_ids,
)
from dondoc.core import prepared
from dondoc.orgs.models import OrgUnit
from dondoc.rounds import services
from dondoc.rounds.completeness import REPORT_STATUS_LABELS, expected_agency, report_status
from dondoc.rounds.forms import NoteForm, ReopenForm, ReviewForm
from dondoc.rounds.models import ReportingRound, Submission, SubmissionState
from dondoc.rounds.page import (
    SubmissionWriter,
    reported_tasks,
    submission_events,
    submission_updates,
)
from dondoc.rounds.signed import SignedReportForm
from dondoc.rounds.views import _deny, _require
from dondoc.tasks.forms import ProgressUpdateForm, VersionForm
from dondoc.tasks.models import UpdateState
from dondoc.tasks.status import OPEN_STATUSES


def _round(ids: list[int]) -> QuerySet:
    return ReportingRound.objects.filter(pk=ids[0]).select_related("program")


def _submission(ids: list[int]) -> QuerySet:
    # At most one row (unique per round and agency).
    return (
        Submission.objects.filter(round_id=ids[0], agency_id=ids[1])
        .select_related("reviewed_by")
        .order_by("pk")[:1]
    )


def get_submission_for_user(
    request: HttpRequest, round_pk: int, agency_pk: int
) -> tuple[ReportingRound, OrgUnit, Submission | None]:
    """The round, the agency and its submission (None if not started), or 404 when the agency
    is not expected in the round or the user may not see this submission (drafts included)."""
    found = prepared.instances(("submission_page", "round"), _round, [round_pk])
    if not found:
        raise Http404
    round_ = found[0]
    own = None
    if scope_of(request.user, "submission.view") is not Scope.ALL:
        # An agency's own people: the policy reads their units and lineages once per request;
        # only the round's units in this one's lineage can be it.
        user_org_ids(request.user)
        own = getattr(request.user, "_dondoc_lineages", {}).get(agency_pk)
    agency = expected_agency(round_, agency_pk, own)
    if agency is None:
        raise _deny()
    # The page shows who reviewed it; the steps re-read the row under a lock.
    key = ("submission_page", "submission")
    found = prepared.instances(key, _submission, [round_.pk, agency.pk])
    submission = found[0] if found else None
    probe = submission or Submission(round=round_, agency=agency)
    probe.round = round_
    probe.agency = agency  # the same row: no second read when a service asks for it
    action = "submission.view_draft" if probe.is_draft else "submission.view"
    _require(request, action, probe)
    return round_, agency, submission


@login_required
def submission_detail(request: HttpRequest, pk: int, agency_pk: int) -> HttpResponse:
    round_, agency, submission = get_submission_for_user(request, pk, agency_pk)
    user = request.user
    probe = submission or Submission(round=round_, agency=agency)
    probe.round = round_
    today = timezone.localdate()
    may_prepare = can(user, "submission.prepare", probe) and (
        services.agency_may_change(submission, today)
        if submission
        else services.round_accepts_new_work(round_, today)
    )
    # Only the head approves and submits ("Duyệt và nộp"), a returned report included; the
    # reporter sends the draft, or the fixed returned report, to the head.
    may_submit = (
        submission is not None
        and can(user, "submission.submit", submission)
        and services.agency_may_change(submission, today)
    )
    may_send = (
        submission is not None
        and not may_submit
        and submission.state != SubmissionState.AWAITING_APPROVAL
        and can(user, "submission.resubmit", submission)
        and services.agency_may_change(submission, today)
    )
    may_sign = (
        submission is not None
        and submission.state != SubmissionState.ACCEPTED
        and can(user, "submission.prepare", submission)
    )
    may_review = (
        submission is not None
        and submission.state == SubmissionState.SUBMITTED
        and can(user, "submission.review", submission)
    )
    locked = round_.is_locked(today)
    may_reopen = can(user, "submission.reopen", probe) and (
        (submission is None and locked)
        or (submission is not None and not submission.is_draft)
        or (submission is not None and locked and not submission.reopened)
    )

    # The tasks the agency reports on: those still open, and those this submission speaks of.
    open_values = [s.value for s in OPEN_STATUSES]
    lineage = lineage_of(user, agency)
    tasks = reported_tasks(
        agency,
        round_.data_as_of,
        program_id=round_.program_id,
        lineage=lineage,
        group_ids=group_ids_on(user, lineage, round_.data_as_of),
        submission_id=submission.pk if submission else None,
    )

    forms: dict[int, ProgressUpdateForm] = {}
    signed_form = None
    note_form = NoteForm(initial={"note": submission.note if submission else ""})
    review_form = ReviewForm()
    reopen_form = ReopenForm()
    if request.method == "POST":
        response = _submission_post(
            request,
            round_=round_,
            agency=agency,
            submission=submission,
            tasks=tasks,
            may={
                "prepare": may_prepare,
                "send": may_send,
                "sign": may_sign,
                "submit": may_submit,
                "review": may_review,
                "reopen": may_reopen,
            },
            forms=forms,
        )
        if isinstance(response, HttpResponse):
            return response
        note_form, review_form, reopen_form, signed_form = response
    # What the submission says about each task, read only to show the page: a step that
    # succeeded has redirected by now (post/redirect/get), and the list grows with the draft.
    updates = submission_updates(user, submission.pk) if submission else []
    by_task: dict[int, list] = {}
    for update in updates:
        by_task.setdefault(update.task_id, []).append(update)
    if may_prepare:
        for task in tasks:
            forms.setdefault(
                task.pk,
                ProgressUpdateForm(task=task, may_set_status=False, prefix=f"t{task.pk}"),
            )
    writer = SubmissionWriter(request, may_prepare=may_prepare)
    rows = [
        {
            "task": t,
            "updates": by_task.get(t.pk, []),
            "updates_html": writer.updates(by_task.get(t.pk, []), t.pk),
            "form": forms.get(t.pk),
        }
        for t in tasks
    ]
    required = [r for r in rows if r["task"].status in open_values]
    events = submission_events(submission.pk) if submission else []
    return render(
        request,
        "rounds/submission.html",
        {
            "round": round_,
            "agency": agency,
            "submission": submission,
            "status": report_status(submission),
            "status_labels": REPORT_STATUS_LABELS,
            "rows": rows,
            "covered": sum(1 for r in required if r["updates"]),
            "required": len(required),
            "events": events,
            "events_html": writer.events(events),
            "note_form": note_form,
            "review_form": review_form,
            "reopen_form": reopen_form,
            "may_prepare": may_prepare,
            "may_submit": may_submit,
            "may_send": may_send,
            "may_sign": may_sign,
            "signed_form": signed_form
            or SignedReportForm(
                initial={
                    "signed_number": submission.signed_number if submission else "",
                    "signed_on": submission.signed_on if submission else None,
                }
            ),
            "drafts_waiting": sum(
                1 for r in rows for u in r["updates"] if u.state == UpdateState.DRAFT
            ),
            "may_review": may_review,
            "may_reopen": may_reopen,
            "locked": locked,
            "today": today,
            "may_dashboard": can(user, "round.dashboard", round_),
        },
    )


def _loaded_version(request: HttpRequest, submission: Submission | None) -> int | None:
    """The submission's version the posted page was loaded at (None: no version posted, or
    the submission did not exist then)."""
    form = VersionForm(request.POST)
    if submission is None or not form.is_valid():
        return None
    return form.cleaned_data["version"]


def _submission_post(
    request: HttpRequest,
    *,
    round_: ReportingRound,
    agency: OrgUnit,
    submission: Submission | None,
    tasks: list,
    may: dict[str, bool],
    forms: dict,
):
    """Handle one step posted from the submission page: a redirect, or the bound forms."""
    user = request.user
    action = request.POST.get("action", "")
    here = reverse("rounds:submission", args=[round_.pk, agency.pk])
    note_form, review_form, reopen_form = NoteForm(), ReviewForm(), ReopenForm()
    signed_form = None
    if action not in may or not may[action]:
        raise _deny()
    try:
        if action == "prepare":
            if "task" in request.POST:
                task = next((t for t in tasks if str(t.pk) == request.POST["task"]), None)
                if task is None or not can(user, "task.post_update", task):
                    raise _deny()
                if task.program_id == round_.program_id:
                    task.program = round_.program  # read with the round already
                form = ProgressUpdateForm(
                    request.POST,
                    request.FILES,
                    task=task,
                    may_set_status=False,
                    prefix=f"t{task.pk}",
                )
                if form.is_valid():
                    current = submission or services.start_submission(round_, agency, by=user)
                    update = services.add_update(
                        current,
                        task,
                        by=user,
                        text=form.cleaned_data["text"],
                        reported_on=form.cleaned_data["reported_on"],
                        files=form.incoming,
                        form_token=form.cleaned_data.get("form_token") or None,
                    )
                    if update.is_draft:
                        messages.success(
                            request,
                            _(
                                "Update saved in the draft; it is published when the agency "
                                "head approves and submits the report."
                            ),
                        )
                    else:
                        messages.success(request, _("Update recorded and published."))
                    return redirect(f"{here}#task-{task.pk}")
                forms[task.pk] = form
                messages.error(request, _("The update was not recorded: please correct it."))
            else:
                note_form = NoteForm(request.POST)
                if note_form.is_valid():
                    current = submission or services.start_submission(round_, agency, by=user)
                    services.save_draft(
                        current,
                        by=user,
                        note=note_form.cleaned_data["note"],
                        version=_loaded_version(request, submission),
                    )
                    messages.success(request, _("Draft saved."))
                    return redirect(here)
        elif action == "send":
            note_form = NoteForm(request.POST)
            if note_form.is_valid():
                services.send_to_head(
                    submission,
                    by=user,
                    note=note_form.cleaned_data["note"],
                    version=_loaded_version(request, submission),
                )
                messages.success(request, _("Sent to the agency head for approval."))
                return redirect(here)
        elif action == "submit":
            note_form = NoteForm(request.POST)
            if note_form.is_valid():
                services.submit(
                    submission,
                    by=user,
                    note=note_form.cleaned_data["note"],
                    version=_loaded_version(request, submission),
                )
                messages.success(request, _("The report has been approved and submitted."))
                return redirect(here)
        elif action == "review":
            review_form = ReviewForm(request.POST)
            if review_form.is_valid():
                data = review_form.cleaned_data
                if data["decision"] == "accept":
                    services.accept(submission, by=user, comment=data["comment"])
                    messages.success(request, _("Report accepted."))
                else:
                    services.return_for_correction(submission, by=user, comment=data["comment"])
                    messages.success(request, _("Report returned to the agency."))
                return redirect(here)
        elif action == "sign":
            signed_form = SignedReportForm(request.POST, request.FILES)
            if signed_form.is_valid():
                data = signed_form.cleaned_data
                services.attach_signed_report(
                    submission,
                    by=user,
                    number=data["signed_number"],
                    signed_on=data["signed_on"],
                    file=signed_form.incoming,
                    version=_loaded_version(request, submission),
                )
                messages.success(request, _("Signed report attached."))
                return redirect(here)
        elif action == "reopen":
            reopen_form = ReopenForm(request.POST)
            if reopen_form.is_valid():
                services.reopen(
                    round_, agency, by=user, comment=reopen_form.cleaned_data["comment"]
                )
                messages.success(request, _("Submission reopened: the agency can change it."))
                return redirect(here)
    except (services.RoundError, services.UpdateConflict) as error:
        messages.error(request, str(error))
        return redirect(here)
    return note_form, review_form, reopen_form, signed_form
