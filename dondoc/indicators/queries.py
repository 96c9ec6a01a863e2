"""The catalogue as of a date: each indicator with its targets, latest value and status.

One place for the CLI, the pages and (later) the API, so they show the same figures. Values
count when approved and their period ended on or before the date; the national figure
(no organisation unit) is the one shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, QuerySet, Subquery

from dondoc.indicators.models import (
    Indicator,
    IndicatorRollup,
    IndicatorValue,
    StatusOverride,
    Target,
    ValueState,
    rollup_value,
)
from dondoc.indicators.status import Assessment, Goal, IndicatorStatus, evaluate


@dataclass
class Row:
    indicator: Indicator
    targets: list[Target]
    latest: IndicatorValue | None
    status: IndicatorStatus
    children: list[Row] = field(default_factory=list)
    assessment: Assessment | None = None  # the computed status and its components
    override: StatusOverride | None = None  # a status set by hand, in force on the date

    @property
    def computed_status(self) -> IndicatorStatus:
        return self.assessment.status if self.assessment else self.status

    def targets_in(self, year: int) -> list[Target]:
        return [t for t in self.targets if t.due_on.year == year]

    @property
    def targets_2030(self) -> list[Target]:
        return self.targets_in(2030)

    @property
    def targets_2045(self) -> list[Target]:
        return self.targets_in(2045)


def _ends(as_of: dt.date, newest: bool) -> Subquery:
    """The id of each indicator's first (or latest) approved national value by ``as_of``, in
    the order a series is read (period end, then id): one index probe per indicator."""
    order = ("-period_end", "-id") if newest else ("period_end", "id")
    return Subquery(
        IndicatorValue.objects.filter(
            indicator_id=OuterRef("pk"),
            org_unit__isnull=True,
            state=ValueState.APPROVED,
            period_end__lte=as_of,
            value__isnull=False,
        )
        .order_by(*order)
        .values("id")[:1]
    )


def _latest_any(as_of: dt.date) -> Subquery:
    """The id of an indicator's latest approved national value (a "not available" too)."""
    return Subquery(
        IndicatorValue.objects.filter(
            indicator_id=OuterRef("pk"),
            org_unit__isnull=True,
            state=ValueState.APPROVED,
            period_end__lte=as_of,
        )
        .order_by("-period_end", "-id")
        .values("id")[:1]
    )


def national_ends(
    indicator_ids, as_of: dt.date
) -> tuple[dict[int, IndicatorValue], dict[int, list[tuple[dt.date, object]]]]:
    """``latest_values`` and ``national_endpoints`` in two statements: the ids (three index
    probes per indicator), then the rows."""
    ids = list(
        Indicator.objects.filter(pk__in=list(indicator_ids))
        .annotate(
            latest_id=_latest_any(as_of),
            first_id=_ends(as_of, False),
            last_id=_ends(as_of, True),
        )
        .values_list("pk", "latest_id", "first_id", "last_id")
    )
    return _rows_of_ends(ids)


def _rows_of_ends(ids: list[tuple[int, int | None, int | None, int | None]]):
    """(indicator, latest id, first id, last id) -> the latest rows and the series' ends."""
    wanted = {pk for _i, *ends in ids for pk in ends if pk is not None}
    rows = {
        row.pk: row
        for row in IndicatorValue.objects.filter(pk__in=wanted).select_related("source_directive")
    }
    latest = {i: rows[latest_id] for i, latest_id, _f, _l in ids if latest_id is not None}
    series = {}
    for i, _latest, first_id, last_id in ids:
        if first_id is None:
            continue
        ends = [first_id] if first_id == last_id else [first_id, last_id]
        series[i] = [(rows[pk].period_end, rows[pk].value) for pk in ends]
    return latest, series


def latest_values(indicator_ids, as_of: dt.date) -> dict[int, IndicatorValue]:
    """The latest approved national value of each indicator, period ended by ``as_of``
    (a "not available" counts: it is the latest answer)."""
    ids = (
        Indicator.objects.filter(pk__in=list(indicator_ids))
        .annotate(latest_id=_latest_any(as_of))
        .exclude(latest_id=None)
        .values_list("latest_id", flat=True)
    )
    rows = IndicatorValue.objects.filter(pk__in=list(ids)).select_related("source_directive")
    return {row.indicator_id: row for row in rows}


def goals(targets: list[Target]) -> list[Goal]:
    return [Goal(t.due_on, t.operator, t.value, t.low, t.high) for t in targets]


def national_series(indicator_ids, as_of: dt.date) -> dict[int, list[tuple[dt.date, object]]]:
    """Approved national values of each indicator, period ended by ``as_of``, oldest first."""
    series: dict[int, list[tuple[dt.date, object]]] = {}
    rows = (
        IndicatorValue.objects.filter(
            indicator_id__in=indicator_ids,
            org_unit__isnull=True,
            state=ValueState.APPROVED,
            period_end__lte=as_of,
            value__isnull=False,
        )
        .order_by("indicator_id", "period_end", "id")
        .values_list("indicator_id", "period_end", "value")
    )
    for indicator_id, period_end, value in rows:
        series.setdefault(indicator_id, []).append((period_end, value))
    return series


def national_endpoints(indicator_ids, as_of: dt.date) -> dict[int, list[tuple[dt.date, object]]]:
    """The first and the latest point of ``national_series``: all the status, the completion
    and the projection use (``status.evaluate`` reads only the baseline and the latest value),
    in two index probes per indicator instead of the whole series."""
    pairs = (
        Indicator.objects.filter(pk__in=list(indicator_ids))
        .annotate(first_id=_ends(as_of, False), last_id=_ends(as_of, True))
        .exclude(first_id=None)
        .values_list("pk", "first_id", "last_id")
    )
    pairs = list(pairs)
    wanted = {i for _pk, first, last in pairs for i in (first, last)}
    points = dict(
        (pk, (end, value))
        for pk, end, value in IndicatorValue.objects.filter(pk__in=wanted).values_list(
            "pk", "period_end", "value"
        )
    )
    return {
        pk: [points[first]] if first == last else [points[first], points[last]]
        for pk, first, last in pairs
    }


def overrides_in_force(indicator_ids, as_of: dt.date) -> dict[int, StatusOverride]:
    """The latest override of each indicator set on or before ``as_of`` (empty = lifted)."""
    found: dict[int, StatusOverride] = {}
    rows = StatusOverride.objects.filter(
        indicator_id__in=indicator_ids, set_on__lte=as_of
    ).order_by("indicator_id", "-set_on", "-id")
    for row in rows:
        found.setdefault(row.indicator_id, row)
    return {k: v for k, v in found.items() if v.status}


def assess_indicator(
    indicator: Indicator,
    targets,
    series,
    as_of: dt.date,
    *,
    own_baseline: bool = True,
    goal_list: list[Goal] | None = None,
    project: bool = True,
) -> Assessment:
    """Assess a series; ``own_baseline`` False (a unit's series) starts from its first value.
    ``goal_list``: the targets already as ``goals(targets)`` (many series, one indicator)."""
    baseline = (
        (indicator.baseline_on, indicator.baseline_value)
        if own_baseline and indicator.baseline_value is not None and indicator.baseline_on
        else None
    )
    if goal_list is None:
        goal_list = goals(targets)
    return evaluate(goal_list, series, as_of, indicator.direction, baseline, project=project)


def catalogue(queryset: QuerySet, as_of: dt.date, *, project: bool = True) -> list[Row]:
    """Rows of the indicators of ``queryset`` in catalogue order (queries: four, and one more
    when an override is in force).

    The status reads only the first and the latest national value of each series
    (``status.evaluate``): their ids ride on the indicators' own query (index probes), the
    rows come in one more. ``project`` False leaves the projection out (the list does not
    show it)."""
    indicators = list(
        # The program prefetched (one object for all rows), the rest joined.
        queryset.select_related("group", "responsible_agency")
        .prefetch_related("targets", "program")
        .annotate(
            latest_id=_latest_any(as_of),
            first_id=_ends(as_of, False),
            last_id=_ends(as_of, True),
            override_id=Subquery(
                StatusOverride.objects.filter(indicator_id=OuterRef("pk"), set_on__lte=as_of)
                .order_by("-set_on", "-id")
                .values("id")[:1]
            ),
        )
    )
    latest, series = _rows_of_ends([(i.pk, i.latest_id, i.first_id, i.last_id) for i in indicators])
    override_ids = [i.override_id for i in indicators if i.override_id is not None]
    overrides = (
        {o.indicator_id: o for o in StatusOverride.objects.filter(pk__in=override_ids) if o.status}
        if override_ids
        else {}
    )
    rows = []
    for indicator in indicators:
        targets = list(indicator.targets.all())
        value = latest.get(indicator.pk)
        assessment = assess_indicator(
            indicator, targets, series.get(indicator.pk, []), as_of, project=project
        )
        override = overrides.get(indicator.pk)
        status = IndicatorStatus(override.status) if override else assessment.status
        rows.append(
            Row(indicator, targets, value, status, assessment=assessment, override=override)
        )
    return rows


def row_json(row: Row) -> dict:
    """The JSON shape of ``dondoc indicators --json`` (and later the API)."""
    i, latest = row.indicator, row.latest
    return {
        "code": i.code,
        "name": i.name,
        "unit": i.unit,
        "direction": i.direction,
        "kind": i.kind,
        "group": i.group.number if i.group else None,
        "parent": i.code.rsplit(".", 1)[0] if i.parent_id else None,
        "version": i.version,
        "source": i.source,
        "targets": [
            {
                "date": t.due_on.isoformat(),
                "op": t.operator,
                **(
                    {"low": _num(t.low), "high": _num(t.high)}
                    if t.operator == "range"
                    else {"value": _num(t.value)}
                ),
                "scope": t.scope,
                "text": t.text,
                "source": t.source,
            }
            for t in row.targets
        ],
        "latest": None
        if latest is None
        else {
            "value": _num(latest.value),
            "period_start": latest.period_start.isoformat(),
            "period_end": latest.period_end.isoformat(),
            "period": latest.period_label,
            "source": latest.source,
        },
        "status": str(row.status),
        "computed_status": str(row.computed_status),
        "override": None
        if row.override is None
        else {"status": row.override.status, "reason": row.override.reason},
        "components": components(row.assessment),
    }


def components(a: Assessment | None) -> dict | None:
    """The figures the status was computed from (Statistics Canada's method)."""
    if a is None:
        return None
    return {
        "baseline": None if a.baseline is None else [a.baseline.on.isoformat(), a.baseline.value],
        "latest": None if a.latest is None else [a.latest.on.isoformat(), a.latest.value],
        "target": a.target,
        "due_on": a.due_on.isoformat() if a.due_on else None,
        "years_elapsed": a.years_elapsed,
        "observed_rate": a.observed_rate,
        "required_rate": a.required_rate,
        "ratio": a.ratio,
        "method": a.method,
        "reason": a.reason,
    }


def _num(value) -> str | None:
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return text


# The roll-up of unit values (``rollup.py``) ----------------------------------------------------


@dataclass(frozen=True)
class RollupPoint:
    """One period of a roll-up: the figure by the indicator's aggregation and how many units'
    approved values it comes from."""

    period_start: dt.date
    period_end: dt.date
    value: Decimal | None
    count: int


def rollup_series(
    indicator: Indicator, *, area_id: int | None = None, as_of: dt.date | None = None
) -> list[RollupPoint]:
    """The roll-up of ``indicator`` for the country (``area_id`` None) or a province, period by
    period, oldest first: read from the roll-up table (one index range)."""
    rows = IndicatorRollup.objects.filter(indicator_id=indicator.pk)
    rows = rows.filter(area__isnull=True) if area_id is None else rows.filter(area_id=area_id)
    if as_of is not None:
        rows = rows.filter(period_end__lte=as_of)
    aggregation = indicator.aggregation
    return [
        RollupPoint(start, end, rollup_value(aggregation, count, total, low, high), count)
        for start, end, count, total, low, high in rows.order_by("period_end").values_list(
            "period_start", "period_end", "count", "total", "minimum", "maximum"
        )
    ]


@dataclass
class ProvinceFigure:
    code: str
    name: str
    kind: str
    value: Decimal | None
    count: int


def province_rollup(
    indicator: Indicator, as_of: dt.date
) -> tuple[RollupPoint | None, list[ProvinceFigure]]:
    """The latest period ended by ``as_of`` with approved unit values, and each province's
    roll-up for it (its own value and its communes'): what the map colours. One statement:
    the period is a subquery on the national rows."""
    latest_end = Subquery(
        IndicatorRollup.objects.filter(
            indicator_id=indicator.pk, area__isnull=True, period_end__lte=as_of
        )
        .order_by("-period_end")
        .values("period_end")[:1]
    )
    rows = list(
        IndicatorRollup.objects.filter(indicator_id=indicator.pk, period_end=latest_end)
        .order_by("area__name")
        .values_list(
            "area_id", "area__code", "area__name", "area__kind", "period_start", "period_end",
            "count", "total", "minimum", "maximum",
        )
    )  # fmt: skip
    aggregation = indicator.aggregation
    period, figures = None, []
    for area, code, name, kind, start, end, n, t, lo, hi in rows:
        value = rollup_value(aggregation, n, t, lo, hi)
        if area is None:
            period = RollupPoint(start, end, value, n)
        else:
            figures.append(ProvinceFigure(code, name, kind, value, n))
    return period, figures
