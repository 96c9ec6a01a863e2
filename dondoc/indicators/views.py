"""Pages of the indicator set: the catalogue with status bands, one indicator with its chart,
map and status components, exports, the Standing Office's overrides and weights, and the
composite scores."""

from __future__ import annotations

import datetime as dt
import functools
import json
from decimal import Decimal, InvalidOperation
from itertools import groupby
from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from dondoc.accounts.policy import can
from dondoc.core.collation import vi_sort_key
from dondoc.core.forms import DateField, first_errors
from dondoc.core.params import date_param, is_id
from dondoc.core.spreadsheet import append_row, csv_bytes, new_workbook, workbook_bytes
from dondoc.indicators import composite, reads, services
from dondoc.indicators.collection import visible_values
from dondoc.indicators.derived import unit_series
from dondoc.indicators.models import (
    WEIGHTS,
    Indicator,
    IndicatorKind,
    IndicatorValue,
    Level,
    ValueState,
    WeightChange,
)
from dondoc.indicators.national import takes_communes
from dondoc.indicators.queries import catalogue, province_rollup
from dondoc.indicators.status import AT_RISK, IndicatorStatus
from dondoc.indicators.templatetags.indicator_numbers import STATUS_LABELS
from dondoc.orgs.models import OrgKind, OrgUnit
from dondoc.tasks.filters import choose_program
from dondoc.tasks.models import SolutionGroup

MAP_DIR = Path(__file__).resolve().parent / "data" / "map"
#: The 34 provinces from this date; the 63 before (Resolution 202/2025/QH15).
MERGED_ON = dt.date(2025, 7, 1)


def _require(request: HttpRequest, action: str) -> None:
    if not can(request.user, action):
        raise PermissionDenied


@login_required
@require_GET
def indicator_list(request: HttpRequest) -> HttpResponse:
    _require(request, "indicator.view")
    as_of = date_param(request.GET, "as_of", timezone.localdate())
    program = choose_program(request.GET.get("program"))
    rows = (
        catalogue(Indicator.objects.filter(program=program), as_of, ends_only=True)
        if program
        else []
    )
    bands = _bands(rows)
    chosen = {
        "status": request.GET.get("status", "") if request.GET.get("status") in _STATUSES else "",
        "kind": request.GET.get("kind", "") if request.GET.get("kind") in IndicatorKind else "",
        "group": request.GET.get("group", "") if is_id(request.GET.get("group") or "") else "",
    }
    if chosen["status"] == "at_risk":
        rows = [r for r in rows if r.status in AT_RISK]
    elif chosen["status"]:
        rows = [r for r in rows if r.status == chosen["status"]]
    if chosen["kind"]:
        rows = [r for r in rows if r.indicator.kind == chosen["kind"]]
    if chosen["group"]:
        rows = [r for r in rows if r.indicator.group_id == int(chosen["group"])]
    rows.sort(key=lambda r: r.indicator.group.number if r.indicator.group else 99)
    sections = [
        (group, list(items)) for group, items in groupby(rows, key=lambda r: r.indicator.group)
    ]
    groups = SolutionGroup.objects.filter(program=program).order_by("number") if program else []
    return render(
        request,
        "indicators/indicator_list.html",
        {
            "program": program,
            "sections": sections,
            "as_of": as_of,
            "count": len(rows),
            "bands": bands,
            "chosen": chosen,
            "groups": groups,
            "kinds": IndicatorKind.choices,
            "statuses": [(k, v[0]) for k, v in STATUS_LABELS.items()],
            "filtered": any(chosen.values()),
        },
    )


_STATUSES = {s.value for s in IndicatorStatus} | {"at_risk"}


def _bands(rows) -> list[dict]:
    """How many indicators hold each status (the band above the list)."""
    counts = {key: 0 for key in STATUS_LABELS}
    for row in rows:
        counts[str(row.status)] = counts.get(str(row.status), 0) + 1
    return [
        {"status": key, "label": label, "css": css, "count": counts[key]}
        for key, (label, css) in STATUS_LABELS.items()
    ]


@login_required
@require_GET
def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "indicator.view")
    indicator = get_object_or_404(Indicator, pk=pk)
    as_of = date_param(request.GET, "as_of", timezone.localdate())
    row = catalogue(Indicator.objects.filter(pk=indicator.pk), as_of)[0]
    values = visible_values(
        request.user, indicator.values.select_related("org_unit", "source_directive")
    ).order_by("-period_end", "org_unit__name", "-id")
    breakdown = _breakdown(indicator, as_of)
    area = _area(request)
    counts = _commune_counts(indicator, as_of)
    manage = {
        "override": can(request.user, "indicator.override_status"),
        "weight": can(request.user, "indicator.change_weight"),
        "publish": can(request.user, "indicator.publish"),
    }
    return render(
        request,
        "indicators/indicator_detail.html",
        {
            "indicator": row.indicator,
            "row": row,
            "a": row.assessment,
            "values": values,
            "children": indicator.children.order_by("sort_key"),
            "formula": _formula(indicator),
            "as_of": as_of,
            "chart": _chart(row, as_of),
            "breakdown": breakdown,
            "breakdown_rows": _breakdown_rows(breakdown, counts),
            "communes": sum(counts.values()),
            "area": area,
            "area_rows": _breakdown(indicator, as_of, area=area) if area else [],
            "map_data": _map(indicator, breakdown, as_of),
            "overrides": indicator.status_overrides.select_related("set_by"),
            "weights": indicator.weight_changes.select_related("changed_by").order_by(
                "-effective_on", "-id"
            ),
            "weight_now": composite.weights_on([indicator], as_of)[indicator.pk],
            "public_changes": public_changes(indicator),
            "manage": manage,
            "override_form": OverrideForm(initial={"set_on": timezone.localdate()}),
            "weight_form": WeightForm(initial={"effective_on": timezone.localdate()}),
        },
    )


def _area(request: HttpRequest) -> OrgUnit | None:
    """``area``: the province whose communes' values the breakdown opens (drill-down)."""
    pk = request.GET.get("area")
    if not pk:
        return None
    if not is_id(pk):
        raise Http404
    return get_object_or_404(OrgUnit, pk=int(pk), kind=OrgKind.PROVINCE)


def _formula(indicator: Indicator) -> dict | None:
    """A derived indicator's inputs, for "Tính từ 3.1 / 3.2 × 100" with links to both."""
    if not indicator.derived:
        return None
    codes = (indicator.numerator_code, indicator.denominator_code)
    found = {
        i.code: i for i in Indicator.objects.filter(program_id=indicator.program_id, code__in=codes)
    }
    scale = indicator.effective_scale
    return {
        "numerator": found.get(codes[0]),
        "denominator": found.get(codes[1]),
        "codes": codes,
        "factor": "" if scale == 1 else format(scale.normalize(), "f"),
    }


def _chart(row, as_of: dt.date) -> dict:
    """The time series for the chart: the national figure (national values, and apart the
    periods rolled up from the provinces: ``national.national_figures``), targets, projection."""
    a = row.assessment
    points = row.national.points if row.national else []
    values = [[p.on.isoformat(), float(p.row.value)] for p in points if not p.rolled_up]
    rollup = [[p.on.isoformat(), round(float(p.row.value), 4)] for p in points if p.rolled_up]
    targets = []
    for t in row.targets:
        number = (
            t.value
            if t.operator != "range"
            else (t.low if row.indicator.direction != "lower" else t.high)
        )
        if number is not None:
            targets.append({"date": t.due_on.isoformat(), "value": float(number), "text": t.text})
    return {
        "title": f"{row.indicator.code}. {row.indicator.name}"[:120],
        "unit": row.indicator.unit,
        "values": values,
        "rollup": rollup,
        "targets": targets,
        "projection": [[p.on.isoformat(), round(p.value, 4)] for p in a.projection] if a else [],
        "baseline": [a.baseline.on.isoformat(), a.baseline.value] if a and a.baseline else None,
        "names": {
            "values": _("Recorded value"),
            "targets": _("Target"),
            "projection": _("Projection at the observed rate"),
            "baseline": _("Baseline"),
            "rollup": _("Rolled up from the provinces"),
            "save": _("Save as image"),
        },
    }


def _breakdown(
    indicator: Indicator, as_of: dt.date, *, area: OrgUnit | None = None
) -> list[IndicatorValue]:
    """The latest approved value of each organisation unit, period ended by ``as_of`` (a
    derived indicator's computed from the unit's values of its inputs): the provinces,
    ministries and other units, or with ``area`` the communes and wards of that province."""
    if area is not None:
        units = Q(org_unit__kind=OrgKind.COMMUNE, org_unit__parent_id__in=area.lineage_ids())
    else:
        units = Q(org_unit__isnull=False) & ~Q(org_unit__kind=OrgKind.COMMUNE)
    if indicator.derived:
        kinds = (
            [OrgKind.COMMUNE]
            if area is not None
            else [k for k in OrgKind.values if k != OrgKind.COMMUNE]
        )
        series = unit_series([indicator], as_of, unit_kinds=kinds)[indicator.pk]
        latest_rows = [rows[-1] for rows in series.values()]
        if area is not None:
            lineage = area.lineage_ids()
            latest_rows = [v for v in latest_rows if v.org_unit.parent_id in lineage]
        return sorted(latest_rows, key=lambda v: vi_sort_key(v.org_unit.name))
    rows = (
        indicator.values.filter(units, state=ValueState.APPROVED, period_end__lte=as_of)
        .select_related("org_unit")
        .order_by("org_unit_id", "-period_end", "-id")
    )
    if connection.vendor == "postgresql":  # each unit's latest row only, not its whole series
        rows = rows.distinct("org_unit_id")
    latest: dict[int, IndicatorValue] = {}
    for row in rows:
        latest.setdefault(row.org_unit_id, row)
    return sorted(latest.values(), key=lambda v: vi_sort_key(v.org_unit.name))


def _commune_counts(indicator: Indicator, as_of: dt.date) -> dict[int, int]:
    """Province id -> how many of its communes have an approved value (period ended by
    ``as_of``): the drill-down links of the breakdown. One grouped query."""
    if Level.COMMUNE not in (indicator.levels or []) and not indicator.derived:
        return {}
    rows = (
        IndicatorValue.objects.filter(
            indicator_id__in=_base_ids(indicator),
            org_unit__kind=OrgKind.COMMUNE,
            org_unit__parent__isnull=False,
            state=ValueState.APPROVED,
            period_end__lte=as_of,
        )
        .order_by()
        .values("org_unit__parent_id")
        .annotate(n=Count("org_unit_id", distinct=True))
    )
    return {row["org_unit__parent_id"]: row["n"] for row in rows}


def _base_ids(indicator: Indicator) -> list[int]:
    """The indicator, or for a derived one its numerator (a commune counts when it has it)."""
    if not indicator.derived:
        return [indicator.pk]
    return list(
        Indicator.objects.filter(
            program_id=indicator.program_id, code=indicator.numerator_code
        ).values_list("pk", flat=True)
    )


def _breakdown_rows(breakdown: list[IndicatorValue], counts: dict[int, int]) -> list[dict]:
    """The table of the breakdown: each unit's value and, for a province, how many of its
    communes have values (a province whose communes alone report is listed too)."""
    rows = [
        {"unit": v.org_unit, "value": v, "communes": counts.get(v.org_unit_id, 0)}
        for v in breakdown
    ]
    listed = {v.org_unit_id for v in breakdown}
    missing = [pk for pk in counts if pk not in listed]
    for unit in OrgUnit.objects.filter(pk__in=missing):
        rows.append({"unit": unit, "value": None, "communes": counts[unit.pk]})
    rows.sort(key=lambda r: vi_sort_key(r["unit"].name))
    return rows


@functools.cache
def _geometry(name: str) -> tuple[dict, dict[str, str]]:
    """A shipped boundary file, its features keeping only their names, and the names by
    province code: read once per process (the files change only with a release); never
    modified by the callers."""
    geometry = json.loads((MAP_DIR / name).read_text(encoding="utf-8"))
    names = {f["properties"]["code"]: f["properties"]["name"] for f in geometry["features"]}
    for feature in geometry["features"]:
        feature["properties"] = {"name": feature["properties"]["name"]}
    return geometry, names


def _map(indicator: Indicator, breakdown: list[IndicatorValue], as_of: dt.date) -> dict | None:
    """Province figures on the map of the day: the 34 provinces from 01/07/2025, else the 63.

    One period, the latest ended by ``as_of`` with approved unit values, and each province's
    figure for it as the national roll-up counts it (``queries.province_rollup``): the
    province's own value, else the roll-up of its communes' values by the indicator's
    aggregation. A derived indicator, never stored, shows each province's latest value
    computed from its inputs (``breakdown``), and its legend says so."""
    geometry, names = _geometry("vn-34.json" if as_of >= MERGED_ON else "vn-63.json")
    period = None
    if indicator.derived:
        figures = [
            (v.org_unit.code, v.value, None)
            for v in breakdown
            if v.org_unit.kind == OrgKind.PROVINCE
        ]
        legend = _("Map: each province's latest approved value, computed from its inputs.")
    else:
        point, provinces = province_rollup(indicator, as_of)
        figures = [(p.code, p.value, p.count) for p in provinces if p.kind == OrgKind.PROVINCE]
        if point is not None:
            period = f"{point.period_start:%d/%m/%Y} – {point.period_end:%d/%m/%Y}"
        legend = (
            _(
                "Map: each province's approved value for %(period)s, else the roll-up of its "
                "communes' values (%(aggregation)s)."
            )
            if takes_communes(indicator)
            else _("Map: each province's approved value for %(period)s.")
        ) % {"period": period, "aggregation": indicator.get_aggregation_display().lower()}
    data = [
        {"name": names[code], "value": float(value)}
        for code, value, _count in figures
        if value is not None and code in names
    ]
    if not data:
        return None
    return {
        "geometry": geometry,
        "data": data,
        # Lower is better (a rank): the best province is the darkest, as for higher is better.
        "direction": indicator.direction,
        "count": len(geometry["features"]),
        "period": period,
        "legend": legend,
        "names": {"save": _("Save as image")},
    }


# --------------------------------------------------------------------------------------------
# Exports


EXPORT_HEADINGS = (
    gettext_lazy("Code"),
    gettext_lazy("Indicator"),
    gettext_lazy("Unit"),
    gettext_lazy("Organisation unit"),
    gettext_lazy("Period"),
    gettext_lazy("Period start"),
    gettext_lazy("Period end"),
    gettext_lazy("Value"),
    gettext_lazy("Not available because"),
    gettext_lazy("State"),
    gettext_lazy("Source"),
)


@login_required
@require_GET
def indicator_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The indicator's values as XLSX or CSV: every unit, and the states the user may read
    (approved values, plus the drafts of the user's own agencies — as on the page)."""
    _require(request, "indicator.view")
    indicator = get_object_or_404(Indicator, pk=pk)
    if fmt not in ("xlsx", "csv"):
        raise Http404
    rows = [
        [
            indicator.code,
            indicator.name,
            indicator.unit,
            v.org_unit.name if v.org_unit else _("National"),
            v.period_label,
            v.period_start,
            v.period_end,
            v.value,
            v.not_available,
            v.get_state_display(),
            v.source,
        ]
        for v in visible_values(request.user, indicator.values.select_related("org_unit")).order_by(
            "period_end", "org_unit__name", "id"
        )
    ]
    headings = [str(h) for h in EXPORT_HEADINGS]
    filename = f"indicator-{indicator.code}.{fmt}"
    if fmt == "csv":
        body = csv_bytes([headings, *rows])
        content_type = "text/csv; charset=utf-8"
    else:
        workbook = new_workbook()
        sheet = workbook.active
        sheet.title = indicator.code[:31]
        append_row(sheet, headings)
        for row in rows:
            append_row(sheet, row)
        body = workbook_bytes(workbook)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --------------------------------------------------------------------------------------------
# Status overrides and weights (Standing Office)


class OverrideForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Computed status (lift the override)"))]
        + [(k, v[0]) for k, v in STATUS_LABELS.items()],
    )
    set_on = DateField(label=gettext_lazy("Effective from"))
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class WeightForm(forms.Form):
    weight = forms.ChoiceField(
        label=gettext_lazy("Weight"),
        choices=[
            (WEIGHTS["high"], gettext_lazy("High (2.0)")),
            (WEIGHTS["medium"], gettext_lazy("Medium (1.5)")),
            (WEIGHTS["low"], gettext_lazy("Low (1.0)")),
        ],
    )
    effective_on = DateField(label=gettext_lazy("Effective from"))
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


@login_required
@require_POST
def indicator_override(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "indicator.override_status")
    indicator = get_object_or_404(Indicator, pk=pk)
    form = OverrideForm(request.POST)
    if form.is_valid():
        services.override_status(
            indicator,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
            set_on=form.cleaned_data["set_on"],
            by=request.user,
        )
        messages.success(request, _("The status was recorded with its reason."))
    else:
        messages.error(request, first_errors(form))
    return redirect("indicators:detail", pk=indicator.pk)


@login_required
@require_POST
def indicator_weight(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "indicator.change_weight")
    indicator = get_object_or_404(Indicator, pk=pk)
    form = WeightForm(request.POST)
    if form.is_valid():
        try:
            weight = Decimal(form.cleaned_data["weight"])
        except InvalidOperation:  # pragma: no cover - the choices are numbers
            raise Http404 from None
        services.change_weight(
            indicator,
            weight=weight,
            effective_on=form.cleaned_data["effective_on"],
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
        messages.success(request, _("The new weight was recorded from its date."))
    else:
        messages.error(request, first_errors(form))
    return redirect("indicators:detail", pk=indicator.pk)


def public_changes(indicator: Indicator) -> list[dict]:
    """When the public flag changed and by whom, newest first (from the row's history)."""
    records = list(indicator.history.select_related("history_user").order_by("history_date"))
    changes, before = [], None
    for record in records:
        if before is not None and record.public != before:
            changes.append(
                {"public": record.public, "on": record.history_date, "by": record.history_user}
            )
        before = record.public
    return changes[::-1]


@login_required
@require_POST
def indicator_public(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the indicator on the public progress page (``public=1``) or withdraw it (``0``)."""
    _require(request, "indicator.publish")
    indicator = get_object_or_404(Indicator, pk=pk)
    wanted = request.POST.get("public")
    if wanted not in ("0", "1"):
        messages.error(request, _("Choose whether the indicator is public."))
        return redirect("indicators:detail", pk=indicator.pk)
    if services.set_public(indicator, public=wanted == "1", by=request.user):
        messages.success(
            request,
            _("The indicator is now shown on the public progress page.")
            if indicator.public
            else _("The indicator is no longer shown on the public progress page."),
        )
    return redirect("indicators:detail", pk=indicator.pk)


# --------------------------------------------------------------------------------------------
# Composite scores


@login_required
@require_GET
def indicator_scores(request: HttpRequest) -> HttpResponse:
    _require(request, "indicator.view")
    as_of = date_param(request.GET, "as_of", timezone.localdate())
    program = choose_program(request.GET.get("program"))
    # with their targets, group and agency: two plain queries (``reads.with_targets``)
    indicators = reads.with_targets(Indicator.objects.filter(program=program)) if program else []
    scores = composite.indicator_scores(indicators, as_of)
    return render(
        request,
        "indicators/scores.html",
        {
            "program": program,
            "as_of": as_of,
            "scores": scores,
            "groups": composite.by_group(scores),
            "agencies": composite.by_agency(scores),
            "provinces": composite.by_province(indicators, as_of),
            "weight_changes": WeightChange.objects.filter(
                indicator__in=indicators, effective_on__lte=as_of
            )
            .select_related("indicator")
            .order_by("-effective_on", "-id")[:50],
        },
    )
