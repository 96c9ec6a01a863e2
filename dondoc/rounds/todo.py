"""A reporter's and an agency head's to-do: their home page.

For each of the user's agencies: the rounds still to report (due date, "2/25 tasks updated",
the state of the submission), what the Working Group returned and why, the explanations asked,
and the drafts waiting for the head's approval (which the head approves from here).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dondoc.accounts.policy import can, user_org_ids
from dondoc.core.params import is_id
from dondoc.followups.models import ExplanationRequest, ExplanationState
from dondoc.orgs.models import OrgUnit
from dondoc.rounds import services
from dondoc.rounds.completeness import expected_agencies
from dondoc.rounds.models import ReportingRound, Submission, SubmissionState
from dondoc.rounds.queries import tasks_to_report
from dondoc.tasks.models import ProgressUpdate, UpdateState


@dataclass
class RoundTodo:
    round: ReportingRound
    agency: OrgUnit
    submission: Submission | None
    updated: int
    required: int
    days_left: int

    @property
    def days_late(self) -> int:
        return max(0, -self.days_left)


@dataclass
class AgencyTodo:
    agency: OrgUnit
    rounds: list[RoundTodo] = field(default_factory=list)
    returned: list[Submission] = field(default_factory=list)
    explanations: list = field(default_factory=list)
    drafts: list[ProgressUpdate] = field(default_factory=list)
    may_approve: bool = False


def round_progress(round_: ReportingRound, agency: OrgUnit, submission) -> tuple[int, int]:
    """(tasks with an update in the submission, tasks the agency must report on)."""
    required = tasks_to_report(round_, agency)
    if submission is None:
        return 0, required.count()
    # The join to the updates repeats a task once per update: both counts are of tasks.
    counted = required.aggregate(
        n=Count("pk", distinct=True),
        updated=Count(
            "pk",
            filter=Q(
                updates__submission_items__submission=submission,
                updates__state__in=[UpdateState.DRAFT, UpdateState.PUBLISHED],
            ),
            distinct=True,
        ),
    )
    return counted["updated"], counted["n"]


def agency_todo(agency: OrgUnit, today: dt.date) -> AgencyTodo:
    todo = AgencyTodo(agency)
    rounds = ReportingRound.objects.filter(period_start__lte=today).select_related("program")
    submissions = {
        s.round_id: s for s in Submission.objects.filter(agency=agency, round__in=rounds)
    }
    for round_ in rounds.order_by("due_on", "pk"):
        submission = submissions.get(round_.pk)
        if submission is not None:
            submission.round = round_
            if submission.state in (SubmissionState.SUBMITTED, SubmissionState.ACCEPTED):
                continue
        elif round_.is_locked(today):
            continue
        if all(u.pk != agency.pk for u in expected_agencies(round_)):
            continue
        updated, required = round_progress(round_, agency, submission)
        todo.rounds.append(
            RoundTodo(round_, agency, submission, updated, required, (round_.due_on - today).days)
        )
        if submission is not None and submission.state == SubmissionState.RETURNED:
            todo.returned.append(submission)
    todo.explanations = list(
        ExplanationRequest.objects.filter(
            agency_id__in=agency.lineage_ids(), state=ExplanationState.REQUESTED
        )
        .select_related("task")
        .order_by("reply_due_on", "pk")
    )
    todo.drafts = list(
        ProgressUpdate.objects.drafts()
        .filter(agency_id__in=agency.lineage_ids())
        .select_related("task", "author", "corrects")
        .order_by("task_id", "reported_on", "pk")
    )
    return todo


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Where signing in lands: the to-do for reporters and heads, the dashboard for others."""
    if can(request.user, "submission.home"):
        return redirect("rounds:todo")
    return redirect("dashboard")


@login_required
@require_GET
def todo(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "submission.home"):
        raise Http404
    today = timezone.localdate()
    agencies = OrgUnit.objects.filter(users=request.user).order_by("name")
    items = [agency_todo(agency, today) for agency in agencies]
    for item in items:
        item.may_approve = can(request.user, "update.approve", item.agency)
    return render(request, "rounds/todo.html", {"items": items, "today": today})


@login_required
@require_POST
def approve_drafts(request: HttpRequest) -> HttpResponse:
    """The head approves the drafts ticked on the to-do, each at the version shown."""
    own = user_org_ids(request.user)
    versions: dict[int, int] = {}
    for name, value in request.POST.items():
        if name.startswith("u") and is_id(name[1:]) and is_id(value):
            versions[int(name[1:])] = int(value)
    chosen = list(
        ProgressUpdate.objects.filter(pk__in=versions, agency_id__in=own).select_related("agency")
    )
    if not chosen or len(chosen) != len(versions):
        raise Http404
    for update in chosen:
        if not can(request.user, "update.approve", update.agency):
            raise Http404
    try:
        services.approve_updates(chosen, by=request.user, versions=versions)
    except services.UpdateConflict as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(n)s updates approved and published.") % {"n": len(chosen)})
    return redirect("rounds:todo")
