"""The catalogue as of a date: each indicator with its targets, latest value and status.

One place for the CLI, the pages and (later) the API, so they show the same figures. Values
count when approved and their period ended on or before the date; the national figure
(no organisation unit) is the one shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from dondoc.indicators import reads
from dondoc.indicators.models import (
    Indicator,
    IndicatorRollup,
    IndicatorValue,
    StatusOverride,
    Target,
    ValueState,
    rollup_value,
)
from dondoc.indicators.national import Coverage, NationalSeries, national_figures
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
    national: NationalSeries | None = None  # the series the status was computed from
    #: the status comes from the sub-indicators (a parent without figures of its own)
    from_children: bool = False

    @property
    def coverage(self) -> Coverage | None:
        """How many units the latest value was rolled up from; None for a national value."""
        latest = self.national.latest if self.national else None
        return latest.coverage if latest else None

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


def approved_by(known_on: dt.date | None) -> Q:
    """Approved values, and with ``known_on`` only those approved on or before that day (a
    value without its approval day counts from the day it was recorded, else its period end)."""
    approved = Q(state=ValueState.APPROVED)
    if known_on is None:
        return approved
    return approved & Q(known__lte=known_on)


def _approved(queryset, known_on: dt.date | None):
    if known_on is not None:
        queryset = queryset.alias(known=Coalesce("approved_on", "recorded_on", "period_end"))
    return queryset.filter(approved_by(known_on))


def goals(targets: list[Target]) -> list[Goal]:
    return [Goal(t.due_on, t.operator, t.value, t.low, t.high) for t in targets]


def overrides_in_force(
    indicator_ids, as_of: dt.date, known_on: dt.date | None = None
) -> dict[int, StatusOverride]:
    """The latest override of each indicator set on or before ``as_of`` (empty = lifted); with
    ``known_on``, only overrides entered by the end of that day."""
    found: dict[int, StatusOverride] = {}
    if known_on is None and isinstance(indicator_ids, list):
        rows = reads.overrides(indicator_ids, as_of)
    else:
        rows = StatusOverride.objects.filter(indicator_id__in=indicator_ids, set_on__lte=as_of)
        if known_on is not None:
            rows = rows.filter(created_at__date__lte=known_on)
        rows = rows.order_by("indicator_id", "-set_on", "-id")
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
    project: bool = True,
) -> Assessment:
    """Assess a series; ``own_baseline`` False (a unit's series) starts from its first value."""
    baseline = (
        (indicator.baseline_on, indicator.baseline_value)
        if own_baseline and indicator.baseline_value is not None and indicator.baseline_on
        else None
    )
    return evaluate(goals(targets), series, as_of, indicator.direction, baseline, project=project)


#: Bands from worst to best: a parent without figures of its own takes its sub-indicators'
#: worst band (docs/indicators.md).
WORST_FIRST = (
    IndicatorStatus.DETERIORATION,
    IndicatorStatus.LIMITED_PROGRESS,
    IndicatorStatus.ACCELERATION_NEEDED,
    IndicatorStatus.ON_TRACK,
    IndicatorStatus.ACHIEVED,
)


def _from_children(rows: list[Row]) -> None:
    """A parent ("11") with no figure of its own and no status set by hand takes the worst
    band of its sub-indicators ("11.1"–"11.12") that have one (no data and qualitative ones
    are left out): one sub-indicator falling behind is a bottleneck of the whole."""
    kids: dict[int, list[Row]] = {}
    for row in rows:
        if row.indicator.parent_id:
            kids.setdefault(row.indicator.parent_id, []).append(row)
    for row in rows:
        children = kids.get(row.indicator.pk)
        if not children:
            continue
        row.children = children
        if row.override is not None or row.computed_status != IndicatorStatus.NO_DATA:
            continue
        banded = [c.status for c in children if c.status in WORST_FIRST]
        if banded:
            row.status = min(banded, key=WORST_FIRST.index)
            row.from_children = True


def catalogue(
    queryset: QuerySet,
    as_of: dt.date,
    *,
    known_on: dt.date | None = None,
    ends_only: bool = False,
) -> list[Row]:
    """Rows of the indicators of ``queryset`` in catalogue order (queries: six).

    The national figure of a period is the national value, else the roll-up of the units'
    values (``national.national_figures``). ``known_on`` recomputes the catalogue as it could
    be read that day: values approved and overrides entered later are left out (a report
    keeps its figures). ``ends_only``: the rows' national series hold only what the status
    reads (``national.national_figures``), for lists."""
    # plain SQL written once, and one group, agency and programme object shared by their
    # indicators (``reads``): the ORM's building of these queries and objects cost more than
    # the database's reading them
    indicators = reads.indicators(queryset)
    if not indicators:  # nothing to read figures for (a program without indicators)
        return []
    ids = [i.pk for i in indicators]
    targeted = reads.targets(indicators)
    figures = national_figures(indicators, as_of, known_on=known_on, ends_only=ends_only)
    overrides = overrides_in_force(ids, as_of, known_on)
    rows = []
    for indicator in indicators:
        targets = targeted[indicator.pk]
        national = figures[indicator.pk]
        value = national.latest.row if national.latest else None
        # a list shows no projection: ``ends_only`` leaves it out (nothing else changes)
        assessment = assess_indicator(
            indicator, targets, national.pairs(), as_of, project=not ends_only
        )
        override = overrides.get(indicator.pk)
        status = IndicatorStatus(override.status) if override else assessment.status
        rows.append(
            Row(
                indicator,
                targets,
                value,
                status,
                assessment=assessment,
                override=override,
                national=national,
            )
        )
    _from_children(rows)
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
        "public": i.public,
        "source": i.source,
        "formula": i.formula_text or None,  # a derived indicator: computed, never entered
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
            "rolled_up": None if row.coverage is None else row.coverage.as_json(),
        },
        "rollup_notes": row.national.notes if row.national else [],
        "status": str(row.status),
        "status_from_children": row.from_children,
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
            "count", "total", "minimum", "maximum", "weighted", "weights", "weighed",
        )
    )  # fmt: skip
    aggregation = indicator.aggregation
    period, figures = None, []
    for area, code, name, kind, start, end, n, t, lo, hi, wd, ws, wn in rows:
        value = rollup_value(aggregation, n, t, lo, hi, weighted=wd, weights=ws, weighed=wn)
        if area is None:
            period = RollupPoint(start, end, value, n)
        else:
            figures.append(ProvinceFigure(code, name, kind, value, n))
    return period, figures
