"""Pages of the collection: an agency's entry form for a period, its XLSX template, and the
reporting status (who has reported each indicator).

The entry form belongs to an agency: its reporter saves drafts, its head submits them, the
Working Group and the Standing Office approve or return them. Anybody else, and anybody of
another agency, finds no such page (404).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dondoc.accounts.policy import can, user_org_ids
from dondoc.core.dates import DateError, Period
from dondoc.core.params import BadParameter, int_param
from dondoc.core.transitions import Conflict
from dondoc.indicators import entry, services
from dondoc.indicators.collection import (
    ReportPeriod,
    completeness,
    parse_report_period,
    period_of,
)
from dondoc.indicators.models import Indicator, IndicatorValue, ValueState
from dondoc.indicators.templatetags.indicator_numbers import figure
from dondoc.orgs.models import OrgUnit
from dondoc.rounds.models import ReportingRound
from dondoc.tasks.exports import XLSX_CONTENT_TYPE
from dondoc.tasks.filters import choose_program


def period_param(request: HttpRequest) -> ReportPeriod:
    """The ``period`` parameter ("2025-Q2", "Quý II/2025", "2025"), or the period of the
    reporting round ``round``; the current quarter when absent; 400 with the reason when it
    cannot be read."""
    round_pk = int_param(request.GET, "round", minimum=1)
    if round_pk is not None:
        round_ = get_object_or_404(ReportingRound, pk=round_pk)
        return period_of(round_.period_start, round_.period_end)
    text = (request.GET.get("period") or "").strip()
    if not text:
        quarter = Period.containing(timezone.localdate())
        return period_of(quarter.start, quarter.end)
    try:
        return parse_report_period(text)
    except DateError as error:
        raise BadParameter(str(error)) from None


def may_enter(user, agency: OrgUnit) -> bool:
    return can(user, "indicator.enter", agency)


def may_review(user, agency: OrgUnit) -> bool:
    return can(user, "indicator.approve", agency)


def get_agency_for_entry(request: HttpRequest) -> OrgUnit | None:
    """The agency of the form, or 404 when the user may neither enter nor review its values.
    None when no agency was asked for (the user's own agency is then chosen, or a list)."""
    pk = int_param(request.GET, "agency", minimum=1)
    if pk is None:
        return None
    agency = get_object_or_404(OrgUnit, pk=pk)
    if not (may_enter(request.user, agency) or may_review(request.user, agency)):
        raise Http404
    return agency


def _indicators(request: HttpRequest):
    program = choose_program(request.GET.get("program"))
    if program is None:
        return Indicator.objects.none()
    return Indicator.objects.filter(program=program)


def _here(agency: OrgUnit, period: ReportPeriod) -> str:
    query = urlencode({"agency": agency.pk, "period": period.code})
    return f"{reverse('indicators:entry')}?{query}"


@login_required
def entry_form(request: HttpRequest) -> HttpResponse:
    """``/indicators/entry/?agency=&period=``: the agency's values for the period."""
    if not (can(request.user, "indicator.enter") or can(request.user, "indicator.approve")):
        raise Http404
    period = period_param(request)
    agency = get_agency_for_entry(request)
    if agency is None:
        return _choose_agency(request, period)
    rows = entry.entry_rows(_indicators(request), agency, period)
    checked, action = None, request.POST.get("action", "")
    if request.method == "POST":
        response = _post(request, agency, period, rows, action)
        if isinstance(response, HttpResponse):
            return response
        checked = response
    return _render(request, agency, period, rows, checked)


def _render(request, agency, period, rows, checked, status: int = 200) -> HttpResponse:
    user = request.user
    states = [row.current.state for row in rows if row.current]
    for row in rows:
        row.shown = _shown(row, request.POST if checked is not None else None)
    return render(
        request,
        "indicators/entry.html",
        {
            "agency": agency,
            "period": period,
            "rows": rows,
            "checked": checked,
            "may_enter": may_enter(user, agency),
            "may_submit": can(user, "indicator.submit", agency),
            "may_review": may_review(user, agency),
            "has_open": any(s in (ValueState.DRAFT, ValueState.RETURNED) for s in states),
            "has_submitted": ValueState.SUBMITTED in states,
            "editable": any(not row.locked for row in rows),
            "previous_period": period.previous(),
        },
        status=status,
    )


def _shown(row: entry.EntryRow, post) -> dict:
    """What the row's inputs show: what was just posted (a refused form keeps the user's
    input), else the value saved so far, written as Vietnamese writes figures."""
    key, current = row.key, row.current
    if post is not None and not row.locked:
        return {
            "value": post.get(f"v-{key}", ""),
            "na": bool(post.get(f"na-{key}")),
            "reason": post.get(f"r-{key}", ""),
            "comment": post.get(f"c-{key}", ""),
            "version": post.get(f"ver-{key}", ""),
        }
    return {
        "value": figure(current.value) if current and current.value is not None else "",
        "na": bool(current and current.not_available),
        "reason": current.not_available if current else "",
        "comment": current.comment if current else "",
        "version": current.version if current else "",
    }


def _post(request, agency, period, rows, action: str):
    user = request.user
    if action in ("save", "submit", "upload"):
        if not may_enter(user, agency):
            raise Http404
        if action == "submit" and not can(user, "indicator.submit", agency):
            raise Http404
        if action == "upload":
            upload = request.FILES.get("file")
            if upload is None:
                checked = entry.Checked(errors=[_("Choose the XLSX file to upload.")])
                return checked
            checked = entry.entries_from_xlsx(upload.read(), rows)
        else:
            checked = entry.entries_from_post(request.POST, rows)
        entry.validate(checked, rows, all_required=action == "submit")
        confirmed = bool(request.POST.get("confirm"))
        if not checked.ok:
            messages.error(request, _("Nothing was saved: please correct the problems below."))
            return checked
        if checked.warnings and not confirmed:
            messages.warning(
                request, _("Nothing was saved yet: check the figures below and confirm them.")
            )
            return checked
        try:
            with transaction.atomic():
                changed = entry.save_entries(checked, period, by=user, confirmed=confirmed)
                if action == "submit":
                    submitted = _open_values(agency, period)
                    services.submit_values(submitted, by=user)
        except Conflict as conflict:
            messages.error(request, str(conflict))
            return redirect(_here(agency, period))
        if action == "submit":
            messages.success(
                request, _("%(n)s values submitted for approval.") % {"n": len(submitted)}
            )
        else:
            messages.success(request, _("Drafts saved: %(n)s changed.") % {"n": changed})
        return redirect(_here(agency, period))
    if action in ("approve", "return"):
        if not may_review(user, agency):
            raise Http404
        comment = (request.POST.get("comment") or "").strip()[:2000]
        if action == "return" and not comment:
            checked = entry.Checked(errors=[_("Say why the values are returned.")])
            return checked
        values = _submitted_values(agency, period)
        if not values:
            messages.error(request, _("There are no submitted values to review."))
            return redirect(_here(agency, period))
        try:
            if action == "approve":
                services.approve_values(values, by=user, versions=_versions(request.POST))
                messages.success(request, _("%(n)s values approved.") % {"n": len(values)})
            else:
                services.return_values(
                    values, by=user, comment=comment, versions=_versions(request.POST)
                )
                messages.success(request, _("%(n)s values returned.") % {"n": len(values)})
        except Conflict as conflict:
            messages.error(request, str(conflict))
        return redirect(_here(agency, period))
    raise BadParameter(_("Unknown action."))


def _versions(post) -> dict[int, int]:
    versions = {}
    for name, value in post.items():
        if name.startswith("seen-") and name[5:].isdigit() and value.isdigit():
            versions[int(name[5:])] = int(value)
    return versions


def _agency_values(agency: OrgUnit, period: ReportPeriod):
    lineage = agency.lineage_ids()
    return IndicatorValue.objects.filter(
        Q(org_unit_id__in=lineage)
        | Q(org_unit__isnull=True, indicator__responsible_agency_id__in=lineage),
        source="",
        period_start=period.start,
        period_end=period.end,
    )


def _open_values(agency, period) -> list[IndicatorValue]:
    return list(
        _agency_values(agency, period).filter(state__in=[ValueState.DRAFT, ValueState.RETURNED])
    )


def _submitted_values(agency, period) -> list[IndicatorValue]:
    return list(_agency_values(agency, period).filter(state=ValueState.SUBMITTED))


def _choose_agency(request: HttpRequest, period: ReportPeriod) -> HttpResponse:
    """Without ``agency``: the user's own agency, or (for reviewers) the agencies waiting."""
    own = OrgUnit.objects.filter(users=request.user).order_by("pk").first()
    if own is not None and may_enter(request.user, own):
        return redirect(_here(own, period))
    waiting = (
        IndicatorValue.objects.filter(
            source="",
            state=ValueState.SUBMITTED,
            period_start=period.start,
            period_end=period.end,
        )
        .select_related("org_unit", "indicator__responsible_agency")
        .order_by("id")
    )
    agencies: dict[int, OrgUnit] = {}
    for value in waiting:
        unit = value.org_unit or value.indicator.responsible_agency
        if unit is not None and may_review(request.user, unit):
            agencies.setdefault(unit.pk, unit)
    return render(
        request,
        "indicators/entry_choose.html",
        {"period": period, "agencies": list(agencies.values())},
    )


@login_required
@require_GET
def entry_template(request: HttpRequest) -> HttpResponse:
    """The agency's XLSX template for the period (its draft so far filled in)."""
    period = period_param(request)
    agency = get_agency_for_entry(request)
    if agency is None or not may_enter(request.user, agency):
        raise Http404
    rows = entry.entry_rows(_indicators(request), agency, period)
    content = entry.write_template(rows, f"{agency.name} · {period.label}")
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="so-lieu-chi-tieu-{agency.pk}-{period.code}.xlsx"'
    )
    return response


@login_required
@require_GET
def reporting_status(request: HttpRequest) -> HttpResponse:
    """``/indicators/reporting-status/?period=``: for each indicator, how many of the expected
    units have reported ("31/34 tỉnh, thành phố đã báo cáo") and which are missing."""
    if not can(request.user, "indicator.view"):
        raise PermissionDenied
    period = period_param(request)
    indicators = _indicators(request).select_related("responsible_agency")
    rows = completeness(indicators, period)
    own = user_org_ids(request.user) if request.user.is_authenticated else set()
    rounds = ReportingRound.objects.filter(
        requires_indicator_values=True,
        period_start__lte=period.end,
        period_end__gte=period.start,
    ).order_by("period_end")
    return render(
        request,
        "indicators/reporting_status.html",
        {
            "period": period,
            "rows": rows,
            "own": own,
            "rounds": rounds,
            "reported": sum(len(r.reported) for r in rows),
            "expected": sum(len(r.expected) for r in rows),
        },
    )
