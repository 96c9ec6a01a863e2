"""Pages of the collection: an agency's entry form for a period, its XLSX template, and the
reporting status (who has reported each indicator).

The entry form belongs to an agency: its reporter saves drafts, its head submits them, the
Working Group and the Standing Office approve or return them. Anybody else, and anybody of
another agency, finds no such page (404).

A province has a second form for the period, ``&communes=1``: the values of its communes and
wards for the commune-level indicators (a commune seldom has an account, so its province
enters them), with its own template. A commune with an account has its own form. Whether a
user may enter a commune's values is the policy's answer (``can(user, "indicator.enter",
commune)``): another province's communes do not exist for the user (404).
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
    communes_on,
    completeness,
    parse_report_period,
    period_of,
)
from dondoc.indicators.models import Indicator, IndicatorValue, Level, ValueState
from dondoc.indicators.templatetags.indicator_numbers import figure
from dondoc.orgs.models import OrgKind, OrgUnit
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


def _here(agency: OrgUnit, period: ReportPeriod, communes: bool = False) -> str:
    query = {"agency": agency.pk, "period": period.code}
    if communes:
        query["communes"] = 1
    return f"{reverse('indicators:entry')}?{urlencode(query)}"


def communes_param(request: HttpRequest, agency: OrgUnit) -> bool:
    """``communes=1``: the province's form of its communes' values (a province only)."""
    if request.GET.get("communes") not in ("1", "true"):
        return False
    if agency.kind != OrgKind.PROVINCE:
        raise Http404
    return True


@login_required
def entry_form(request: HttpRequest) -> HttpResponse:
    """``/indicators/entry/?agency=&period=``: the agency's values for the period."""
    if not (can(request.user, "indicator.enter") or can(request.user, "indicator.approve")):
        raise Http404
    period = period_param(request)
    agency = get_agency_for_entry(request)
    if agency is None:
        return _choose_agency(request, period)
    communes = communes_param(request, agency)
    indicators = _indicators(request)
    rows = entry.entry_rows(indicators, agency, period, communes=communes)
    checked, action = None, request.POST.get("action", "")
    if request.method == "POST":
        response = _post(request, agency, period, rows, action, communes)
        if isinstance(response, HttpResponse):
            return response
        checked = response
    return _render(request, agency, period, rows, checked, communes, indicators)


def _render(request, agency, period, rows, checked, communes, indicators) -> HttpResponse:
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
            "communes": communes,
            "commune_count": _commune_count(agency, period, indicators, communes),
        },
    )


def _commune_count(agency, period, indicators, communes: bool) -> int:
    """On a province's own form: how many of its communes have values to enter (0 when no
    indicator is collected from communes): the link to their form."""
    if communes or agency.kind != OrgKind.PROVINCE:
        return 0
    if not any(Level.COMMUNE in (i.levels or []) for i in indicators if not i.derived):
        return 0
    return communes_on(period.end, agency).count()


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


def _post(request, agency, period, rows, action: str, communes: bool):
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
                    submitted = _open_values(agency, period, rows)
                    services.submit_values(submitted, by=user)
        except Conflict as conflict:
            messages.error(request, str(conflict))
            return redirect(_here(agency, period, communes))
        if action == "submit":
            messages.success(
                request, _("%(n)s values submitted for approval.") % {"n": len(submitted)}
            )
        else:
            messages.success(request, _("Drafts saved: %(n)s changed.") % {"n": changed})
        return redirect(_here(agency, period, communes))
    if action in ("approve", "return"):
        if not may_review(user, agency):
            raise Http404
        comment = (request.POST.get("comment") or "").strip()[:2000]
        if action == "return" and not comment:
            checked = entry.Checked(errors=[_("Say why the values are returned.")])
            return checked
        values = _submitted_values(agency, period, rows)
        if not values:
            messages.error(request, _("There are no submitted values to review."))
            return redirect(_here(agency, period, communes))
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
        return redirect(_here(agency, period, communes))
    raise BadParameter(_("Unknown action."))


def _versions(post) -> dict[int, int]:
    versions = {}
    for name, value in post.items():
        if name.startswith("seen-") and name[5:].isdigit() and value.isdigit():
            versions[int(name[5:])] = int(value)
    return versions


def _agency_values(agency: OrgUnit, period: ReportPeriod, rows: list[entry.EntryRow]):
    """The collected values of the form's rows (those of its indicators and units only: the
    province's own form does not submit its communes' values, nor the reverse)."""
    lineage = agency.lineage_ids()
    units = {row.slot.unit.pk for row in rows if row.slot.unit is not None}
    return IndicatorValue.objects.filter(
        Q(org_unit_id__in=units)
        | Q(org_unit__isnull=True, indicator__responsible_agency_id__in=lineage),
        indicator_id__in={row.indicator.pk for row in rows},
        source="",
        period_start=period.start,
        period_end=period.end,
    )


def _open_values(agency, period, rows) -> list[IndicatorValue]:
    return list(
        _agency_values(agency, period, rows).filter(
            state__in=[ValueState.DRAFT, ValueState.RETURNED]
        )
    )


def _submitted_values(agency, period, rows) -> list[IndicatorValue]:
    return list(_agency_values(agency, period, rows).filter(state=ValueState.SUBMITTED))


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
        .select_related("org_unit__parent", "indicator__responsible_agency")
        .order_by("id")
    )
    # A commune's values wait on its province's commune form.
    forms: dict[tuple[int, bool], dict] = {}
    for value in waiting:
        unit, communes = value.org_unit or value.indicator.responsible_agency, False
        if unit is not None and unit.kind == OrgKind.COMMUNE and unit.parent is not None:
            unit, communes = unit.parent, True
        if unit is not None and may_review(request.user, unit):
            forms.setdefault(
                (unit.pk, communes),
                {"agency": unit, "communes": communes, "url": _here(unit, period, communes)},
            )
    return render(
        request,
        "indicators/entry_choose.html",
        {"period": period, "forms": list(forms.values())},
    )


@login_required
@require_GET
def entry_template(request: HttpRequest) -> HttpResponse:
    """The agency's XLSX template for the period (its draft so far filled in)."""
    period = period_param(request)
    agency = get_agency_for_entry(request)
    if agency is None or not may_enter(request.user, agency):
        raise Http404
    communes = communes_param(request, agency)
    rows = entry.entry_rows(_indicators(request), agency, period, communes=communes)
    title = f"{agency.name} · {period.label}"
    if communes:
        title = f"{agency.name} · {_('communes and wards')} · {period.label}"
    content = entry.write_template(rows, title)
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    name = f"so-lieu-chi-tieu-{agency.pk}{'-cap-xa' if communes else ''}-{period.code}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'

    return response


@login_required
@require_GET
def reporting_status(request: HttpRequest) -> HttpResponse:
    """``/indicators/reporting-status/?period=``: for each indicator, how many of the expected
    units have submitted a value and how many are approved ("31/34 tỉnh, thành phố đã báo cáo,
    28 đã duyệt"), which are missing, and for commune-level indicators how many communes.
    The headline is the approved count: only approved values feed the national figure."""
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
            "approved": sum(len(r.approved) for r in rows),
            "submitted": sum(len(r.submitted) for r in rows),
            "expected": sum(len(r.expected) for r in rows),
            "communes_approved": sum(r.communes_approved for r in rows),
            "communes_submitted": sum(r.communes_submitted for r in rows),
            "communes_expected": sum(r.communes_expected for r in rows),
        },
    )
