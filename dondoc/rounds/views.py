"""Pages of reporting rounds: the list, opening a round, the round dashboard, an agency's
submission (prepare, submit, review, reopen), action plans, scorecards, an agency's own view.

Every view asks the permission table (``policy.can``). Anything outside the user's scope, and
another agency's draft, is a 404, as if it did not exist.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dondoc.accounts.policy import Scope, can, scope_of, user_org_ids
from dondoc.core.collation import vi_order
from dondoc.orgs.models import OrgKind, OrgUnit
from dondoc.rounds import services
from dondoc.rounds.chase import CHASED, chase
from dondoc.rounds.completeness import (
    REPORT_STATUS_CLASSES,
    REPORT_STATUS_LABELS,
    completeness,
    expected_agencies,
    report_status,
)
from dondoc.rounds.exports import XLSX_CONTENT_TYPE, AgencyExporter, RoundExporter, render_xlsx
from dondoc.rounds.forms import (
    ActionPlanForm,
    PeriodForm,
    RoundForm,
)
from dondoc.rounds.models import (
    ActionPlan,
    ReportingRound,
    Submission,
)
from dondoc.rounds.plans import action_plan_counts
from dondoc.rounds.queries import agency_tasks
from dondoc.rounds.scorecards import scorecards as compute_scorecards
from dondoc.tasks.exports import TaskExporter
from dondoc.tasks.filters import choose_program, with_display_relations
from dondoc.tasks.models import Program
from dondoc.tasks.programs import picker_programs
from dondoc.tasks.queries import status_counts
from dondoc.tasks.status import Status


def _deny() -> Http404:
    return Http404()


def _require(request: HttpRequest, action: str, obj: Any = None) -> None:
    """404 when the user may not do ``action`` (nothing about the object leaks)."""
    if not can(request.user, action, obj):
        raise _deny()


def _program(request: HttpRequest) -> Program | None:
    return choose_program(request.GET.get("program"))


def get_round_for_user(request: HttpRequest, pk: int, action: str = "round.view"):
    round_ = get_object_or_404(ReportingRound.objects.select_related("program"), pk=pk)
    _require(request, action, round_)
    return round_


def _xlsx(content: bytes, stem: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
    return response


# Rounds ---------------------------------------------------------------------------------------


@dataclass
class RoundEntry:
    round: ReportingRound
    mine: list  # (agency, standing label, css, submission) for the user's own agencies
    total: Any = None


@login_required
@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    _require(request, "round.view")
    program = _program(request)
    rounds = list(ReportingRound.objects.filter(program=program).order_by("-period_end", "-pk"))
    own = user_org_ids(request.user)
    everything = scope_of(request.user, "round.view") is Scope.ALL
    submissions = {
        (s.round_id, s.agency_id): s
        for s in Submission.objects.filter(round__in=rounds, agency_id__in=own)
    }
    may_dashboard = can(request.user, "round.dashboard")
    entries = []
    for round_ in rounds:
        expected = expected_agencies(round_)
        mine = []
        for unit in expected:
            if unit.pk in own:
                submission = submissions.get((round_.pk, unit.pk))
                status = report_status(submission)
                mine.append(
                    (unit, REPORT_STATUS_LABELS[status], REPORT_STATUS_CLASSES[status], submission)
                )
        if not everything and not mine:
            continue
        entry = RoundEntry(round_, mine)
        if may_dashboard:
            entry.total = completeness(round_).total
        entries.append(entry)
    return render(
        request,
        "rounds/round_list.html",
        {
            "entries": entries,
            "program": program,
            "programs": picker_programs(program),
            "may_open": can(request.user, "round.open"),
            "own_units": OrgUnit.objects.filter(users=request.user).order_by(vi_order("name")),
            "may_dashboard": may_dashboard,
            "today": timezone.localdate(),
        },
    )


@login_required
def round_open(request: HttpRequest) -> HttpResponse:
    _require(request, "round.open")
    form = RoundForm(request.POST or None, initial={"program": _program(request)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        round_ = services.open_round(
            program=data["program"],
            title=data["title"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            cutoff_on=data["cutoff_on"],
            due_on=data["due_on"],
            grace_days=data["grace_days"] or 0,
            lock_on=data["lock_on"],
            kinds=data["kinds"],
            agencies=data["agencies"],
            requires_task_updates=data["requires_task_updates"],
            requires_indicator_values=data["requires_indicator_values"],
            by=request.user,
        )
        messages.success(
            request,
            _("Round %(title)s opened: %(n)s agencies must report.")
            % {"title": round_.title, "n": len(expected_agencies(round_))},
        )
        return redirect("rounds:round-dashboard", pk=round_.pk)
    return render(request, "rounds/round_open.html", {"form": form})


@login_required
@require_GET
def round_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_for_user(request, pk, "round.dashboard")
    data = completeness(round_)
    today = timezone.localdate()
    return render(
        request,
        "rounds/round_dashboard.html",
        {
            "round": round_,
            "data": data,
            "today": today,
            "closed": round_.is_closed(today),
            "locked": round_.is_locked(today),
            "may_chase": can(request.user, "round.chase", round_),
            "to_chase": [line.agency for line in data.lines if line.status in CHASED],
        },
    )


@login_required
@require_POST
def round_chase(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Chase now": notify every expected agency that has not submitted."""
    round_ = get_round_for_user(request, pk, "round.dashboard")
    _require(request, "round.chase", round_)
    result = chase(round_, by=request.user)
    if result.agencies:
        messages.success(
            request,
            _("Reminder sent to %(n)s agencies that have not reported (%(users)s people).")
            % {"n": len(result.agencies), "users": result.notified},
        )
    else:
        messages.info(request, _("Every expected agency has reported: nobody to chase."))
    return redirect("rounds:round-dashboard", pk=round_.pk)


@login_required
@require_GET
def round_export(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_for_user(request, pk, "round.dashboard")
    exporter = RoundExporter(completeness(round_))
    title = f"{round_.program.name}: {round_.title}"
    return _xlsx(render_xlsx(exporter.sheets(), title), f"ky-bao-cao-{round_.pk}")


# Action plans ---------------------------------------------------------------------------------


def _editable_agencies(user) -> Any:
    units = OrgUnit.objects.filter(
        kind__in=[OrgKind.PROVINCE, OrgKind.MINISTRY, OrgKind.CENTRAL]
    ).order_by("kind", vi_order("name"))
    if scope_of(user, "actionplan.edit") is Scope.OWN:
        units = units.filter(pk__in=user_org_ids(user))
    return units


@login_required
def action_plans(request: HttpRequest) -> HttpResponse:
    _require(request, "actionplan.view")
    program = _program(request)
    if program is None:
        raise Http404
    may_edit = can(request.user, "actionplan.edit")
    form = None
    if may_edit:
        form = ActionPlanForm(
            request.POST or None,
            request.FILES or None,
            agencies=_editable_agencies(request.user),
        )
    if request.method == "POST":
        if form is None:
            raise _deny()
        if form.is_valid():
            data = form.cleaned_data
            services.record_action_plan(
                program=program,
                agency=data["agency"],
                number=data["number"],
                issued_on=data["issued_on"],
                title=data["title"],
                file=form.incoming,
                by=request.user,
            )
            messages.success(request, _("Action plan recorded."))
            return redirect(f"{reverse('rounds:action-plans')}?program={program.code}")
    period = PeriodForm({"end": request.GET.get("on", "")})
    _start, day = period.period()
    counts = action_plan_counts(program, day)
    return render(
        request,
        "rounds/action_plans.html",
        {
            "program": program,
            "counts": counts,
            "day": day,
            "form": form,
            "plans": ActionPlan.objects.filter(program=program).select_related("agency"),
        },
    )


@login_required
@require_GET
def action_plan_file(request: HttpRequest, pk: int) -> FileResponse:
    plan = get_object_or_404(ActionPlan, pk=pk)
    _require(request, "actionplan.view", plan)
    if not plan.file:
        raise Http404
    return FileResponse(plan.file.open("rb"), as_attachment=True, filename=plan.original_name)


# Scorecards and an agency's own view ----------------------------------------------------------


@login_required
@require_GET
def scorecard_list(request: HttpRequest) -> HttpResponse:
    _require(request, "scorecard.view")
    program = _program(request)
    if program is None:
        raise Http404
    period = PeriodForm(request.GET)
    start, end = period.period()
    rows = compute_scorecards(program, start, end)
    if scope_of(request.user, "scorecard.view") is Scope.OWN:
        own = user_org_ids(request.user)
        rows = [r for r in rows if r.agency.pk in own]
    return render(
        request,
        "rounds/scorecards.html",
        {"program": program, "rows": rows, "start": start, "end": end, "period": period},
    )


def get_agency_for_user(request: HttpRequest, pk: int) -> OrgUnit:
    agency = get_object_or_404(OrgUnit, pk=pk)
    _require(request, "agency_dashboard.view", agency)
    return agency


@dataclass
class RoundLine:
    round: ReportingRound
    submission: Submission | None
    label: str
    css: str


def _agency_figures(request: HttpRequest, agency: OrgUnit) -> dict[str, Any]:
    program = _program(request)
    if program is None:
        raise Http404
    today = timezone.localdate()
    lead = agency_tasks(agency, today, program=program)
    coordinating = agency_tasks(agency, today, program=program, roles=("coordinating",))
    rounds = [
        r
        for r in ReportingRound.objects.filter(program=program).order_by("-period_end")
        if any(u.pk == agency.pk for u in expected_agencies(r))
    ]
    submissions = {
        s.round_id: s for s in Submission.objects.filter(round__in=rounds, agency=agency)
    }
    lines = []
    for round_ in rounds:
        submission = submissions.get(round_.pk)
        if submission is not None:
            submission.round = round_
        status = report_status(submission)
        lines.append(
            RoundLine(
                round_, submission, REPORT_STATUS_LABELS[status], REPORT_STATUS_CLASSES[status]
            )
        )
    start = dt.date(today.year, 1, 1)
    card = next(
        (r for r in compute_scorecards(program, start, today) if r.agency.pk == agency.pk), None
    )
    return {
        "program": program,
        "today": today,
        "lead": lead,
        "counts": status_counts(lead, today),
        "coordinating_count": coordinating.count(),
        "lines": lines,
        "card": card,
        "start": start,
    }


@login_required
@require_GET
def agency_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    agency = get_agency_for_user(request, pk)
    context = _agency_figures(request, agency)
    late = with_display_relations(
        context["lead"].filter(status=Status.OVERDUE.value).order_by("due_on_as_of", "pk")
    )
    context.update(
        agency=agency,
        late=late,
        may_view_rounds=can(request.user, "round.view"),
        submission_links={
            line.round.pk: can(
                request.user,
                "submission.view_draft"
                if line.submission is None or line.submission.is_draft
                else "submission.view",
                line.submission or Submission(round=line.round, agency=agency),
            )
            for line in context["lines"]
        },
    )
    return render(request, "rounds/agency.html", context)


@login_required
@require_GET
def agency_export(request: HttpRequest, pk: int) -> HttpResponse:
    agency = get_agency_for_user(request, pk)
    context = _agency_figures(request, agency)
    exporter = AgencyExporter(
        tasks=TaskExporter(context["lead"].order_by("due_on_as_of", "pk"), context["today"]),
        lines=context["lines"],
        scorecard=context["card"],
    )
    title = f"{agency.name}: {context['today']:%d/%m/%Y}"
    return _xlsx(render_xlsx(exporter.sheets(), title), f"co-quan-{agency.pk}")


@login_required
@require_GET
def my_agency(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own agency dashboard (the first of their units)."""
    unit = OrgUnit.objects.filter(users=request.user).order_by("pk").first()
    if unit is None or not can(request.user, "agency_dashboard.view", unit):
        raise Http404
    return redirect("rounds:agency", pk=unit.pk)
