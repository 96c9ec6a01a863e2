"""The national figure of each indicator over time (số liệu cấp quốc gia), as of a date.

For each period, the approved national value (no organisation unit) where there is one; else
the roll-up of the approved values of the units that report the indicator for that period —
its provinces (level ``province``), else its ministry (level ``ministry``) — by its
aggregation:

- ``sum``, ``min``, ``max``: over the units' values;
- ``mean``: the mean over the units carrying the values on the date. A province merged on
  01/07/2025 hands its value for an earlier period to its successor, which takes the mean of
  its predecessors' values (as ``collection.rolled_up``), so a quarter before the merger is
  the mean over 34 provinces as the quarters after it are;
- ``weighted_mean``: Σ value × weight / Σ weight, the weight of a unit being its value of the
  indicator named as weight for the same period. Without a weight indicator, or when a unit
  has no weight, the period is not rolled up and ``NationalSeries.notes`` says why;
- ``none``: no roll-up.

Coverage: a roll-up counts the units that reported against those expected on the date (the
provinces existing then: 34 from 01/07/2025; a ministry-level indicator: its one ministry). It
is made only when at least ``DONDOC_INDICATOR_ROLLUP_MIN_COVERAGE`` (50) % reported; pages and
the report write it as "tổng hợp từ 31/34 tỉnh, thành phố" and warn when it is incomplete.

``known_on`` reads the values approved by that day (``approved_on``, else the day recorded,
else the period's end), as a report does. Three queries for any number of indicators (a
fourth finds the inputs of derived indicators, whose series are computed from theirs:
``derived``). A unit
is assumed to have one approved value per period (collection keeps one row per slot).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.utils.translation import gettext as _

from dondoc.indicators.collection import carrier_on
from dondoc.indicators.derived import approved, divide, plan
from dondoc.indicators.models import Aggregation, Indicator, IndicatorValue, Level, ValueState
from dondoc.orgs.models import OrgKind, OrgUnit

#: The unit kind whose values roll up, by the indicator's reporting level (first found wins).
ROLLUP_LEVELS = ((Level.PROVINCE, OrgKind.PROVINCE), (Level.MINISTRY, OrgKind.MINISTRY))
#: How Vietnamese documents name the units counted.
UNIT_WORDS = {Level.PROVINCE: "tỉnh, thành phố", Level.MINISTRY: "bộ, ngành"}


def min_coverage() -> int:
    """The share of expected units (per cent) that must have reported for a roll-up."""
    return int(getattr(settings, "DONDOC_INDICATOR_ROLLUP_MIN_COVERAGE", 50))


@dataclass(frozen=True)
class Coverage:
    """How many of the expected units a rolled-up figure comes from."""

    reported: int
    expected: int
    level: str  # Level.PROVINCE or Level.MINISTRY

    @property
    def complete(self) -> bool:
        return self.reported >= self.expected

    @property
    def text(self) -> str:
        """ "tổng hợp từ 31/34 tỉnh, thành phố" (documents are Vietnamese)."""
        return f"tổng hợp từ {self.reported}/{self.expected} {UNIT_WORDS[self.level]}"

    def as_json(self) -> dict:
        return {
            "reported": self.reported,
            "expected": self.expected,
            "level": self.level,
            "complete": self.complete,
        }


@dataclass(frozen=True)
class Point:
    """One period of the national series: the national row, or an unsaved row rolled up."""

    row: IndicatorValue
    coverage: Coverage | None = None  # set on a roll-up
    #: a derived indicator's point: the numerator's and the denominator's points
    inputs: tuple[Point, Point] | None = None

    @property
    def rolled_up(self) -> bool:
        return self.coverage is not None

    @property
    def on(self) -> dt.date:
        return self.row.period_end


@dataclass
class NationalSeries:
    """The national figure of one indicator: points with a value, oldest first."""

    points: list[Point] = field(default_factory=list)
    latest: Point | None = None  # the latest period, a national "not available" included
    notes: list[str] = field(default_factory=list)  # periods not rolled up, and why

    def pairs(self) -> list[tuple[dt.date, Decimal]]:
        """(period end, value): what ``status.evaluate`` reads."""
        return [(p.on, p.row.value) for p in self.points]


def rollup_level(indicator: Indicator) -> str | None:
    """The level whose values roll up into the national figure, None when none does."""
    if indicator.aggregation == Aggregation.NONE:
        return None
    levels = set(indicator.levels or [])
    return next((level for level, _kind in ROLLUP_LEVELS if level in levels), None)


def national_figures(
    indicators: Iterable[Indicator], as_of: dt.date, *, known_on: dt.date | None = None
) -> dict[int, NationalSeries]:
    """The national series of each indicator, periods ended by ``as_of`` (see the module).

    A derived indicator's series is computed from its inputs' national series
    (``derived``), for the periods where both have a figure; its own rows are never read."""
    indicators = list(indicators)
    formulas = plan(indicators)
    found = _read_figures(formulas.base, as_of, known_on)
    for indicator in formulas.derived:
        top, bottom = formulas.inputs[indicator.pk]
        found[indicator.pk] = _derive(indicator, found[top.pk], found[bottom.pk])
    for pk, reason in formulas.broken.items():
        found[pk] = NationalSeries(notes=[_("Not computed: %(reason)s.") % {"reason": reason}])
    return {i.pk: found[i.pk] for i in indicators}


def _derive(indicator: Indicator, top: NationalSeries, bottom: NationalSeries) -> NationalSeries:
    """numerator / denominator × scale, period by period (``derived.divide``)."""
    tops = {(p.row.period_start, p.on): p for p in top.points}
    bottoms = {(p.row.period_start, p.on): p for p in bottom.points}
    values, notes = divide(
        indicator,
        {k: p.row for k, p in tops.items()},
        {k: p.row for k, p in bottoms.items()},
    )
    keys = [(v.period_start, v.period_end) for v in values]
    points = [Point(v, inputs=(tops[k], bottoms[k])) for v, k in zip(values, keys, strict=True)]
    return NationalSeries(points=points, latest=points[-1] if points else None, notes=notes)


def _read_figures(
    indicators: list[Indicator], as_of: dt.date, known_on: dt.date | None
) -> dict[int, NationalSeries]:
    """The national series of indicators that are not derived (three queries)."""
    found = {i.pk: NationalSeries() for i in indicators}
    nationals = approved(
        IndicatorValue.objects.filter(
            indicator_id__in=list(found), org_unit__isnull=True, period_end__lte=as_of
        ),
        known_on,
    ).select_related("source_directive")
    national_ends: dict[int, set[dt.date]] = defaultdict(set)
    latest: dict[int, Point] = {}
    for row in nationals.order_by("indicator_id", "period_end", "id"):
        point = Point(row)
        latest[row.indicator_id] = point
        if row.value is not None:
            found[row.indicator_id].points.append(point)
            national_ends[row.indicator_id].add(row.period_end)
    rolled = _rollups(indicators, as_of, known_on, found)
    for pk, series in found.items():
        extra = [p for p in rolled.get(pk, []) if p.on not in national_ends[pk]]
        if extra:
            series.points = sorted(series.points + extra, key=lambda p: p.on)  # stable
        candidates = [c for c in (latest.get(pk), extra[-1] if extra else None) if c]
        if candidates:
            # the later period; on the same day a national value, then a roll-up, then a
            # national "not available"
            series.latest = max(
                candidates,
                key=lambda p: (p.on, p.row.value is not None, not p.rolled_up),
            )
    return found


def _rollups(
    indicators: list[Indicator],
    as_of: dt.date,
    known_on: dt.date | None,
    found: dict[int, NationalSeries],
) -> dict[int, list[Point]]:
    """Rolled-up points of each indicator, for periods without a national value."""
    by_id: dict[int, Indicator] = {}
    for indicator in indicators:
        level = rollup_level(indicator)
        if level is None:
            continue
        if indicator.aggregation == Aggregation.WEIGHTED_MEAN and not indicator.weight_indicator_id:
            found[indicator.pk].notes.append(
                _("Not rolled up: a weighted mean needs its weight indicator, and none is named.")
            )
            continue
        by_id[indicator.pk] = indicator
    if not by_id:
        return {}
    kinds = dict(ROLLUP_LEVELS)
    units = {
        u.pk: u
        for u in OrgUnit.objects.filter(kind__in=list(kinds.values())).only(
            "pk", "kind", "valid_from", "valid_to", "successor_id"
        )
    }
    provinces = sum(
        1 for u in units.values() if u.kind == OrgKind.PROVINCE and u.is_valid_on(as_of)
    )
    moved: dict[int, int | None] = {}  # units gone by ``as_of`` -> the unit carrying them
    for unit in units.values():
        if not unit.is_valid_on(as_of):
            carrier = carrier_on(unit, as_of, units)
            moved[unit.pk] = carrier.pk if carrier else None
    carriers: dict[int, list[int]] = defaultdict(list)
    for pk, carrier in moved.items():
        if carrier is not None:
            carriers[carrier].append(pk)
    carrier_expr = (
        Case(
            *[When(org_unit_id__in=pks, then=Value(c)) for c, pks in carriers.items()],
            default=F("org_unit_id"),
            output_field=IntegerField(),
        )
        if carriers
        else F("org_unit_id")
    )
    by_level = Q()
    for level, kind in ROLLUP_LEVELS:
        ids = [pk for pk, i in by_id.items() if rollup_level(i) == level]
        if ids:
            by_level |= Q(indicator_id__in=ids, org_unit__kind=kind)
    has_national = approved(
        IndicatorValue.objects.filter(
            indicator_id=OuterRef("indicator_id"),
            org_unit__isnull=True,
            period_end=OuterRef("period_end"),
            value__isnull=False,
        ),
        known_on,
    )
    weight = approved(
        IndicatorValue.objects.filter(
            indicator_id=OuterRef("indicator__weight_indicator_id"),
            org_unit_id=OuterRef("org_unit_id"),
            period_start=OuterRef("period_start"),
            period_end=OuterRef("period_end"),
            value__isnull=False,
        ),
        known_on,
    ).order_by("-id")
    number = DecimalField(max_digits=30, decimal_places=6)
    rows = (
        approved(
            IndicatorValue.objects.filter(
                by_level, value__isnull=False, period_end__lte=as_of
            ).exclude(org_unit_id__in=[pk for pk, c in moved.items() if c is None]),
            known_on,
        )
        .filter(~Exists(has_national))
        .alias(
            carrier=carrier_expr,
            weight=Case(
                When(
                    indicator__aggregation=Aggregation.WEIGHTED_MEAN,
                    then=Subquery(weight.values("value")[:1]),
                ),
                default=None,
                output_field=number,
            ),
        )
        .annotate(  # a mean is taken per carrying unit first; the others need no groups
            part=Case(
                When(indicator__aggregation=Aggregation.MEAN, then=carrier_expr),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .values("indicator_id", "period_start", "period_end", "part")
        .annotate(
            label=Max("period_label"),
            total=Sum("value"),
            n=Count("id"),
            low=Min("value"),
            high=Max("value"),
            reported=Count("carrier", distinct=True),
            weighted=Sum(ExpressionWrapper(F("value") * F("weight"), output_field=number)),
            weights=Sum("weight"),
            weighed=Count("weight"),
        )
        .order_by("indicator_id", "period_end", "period_start")
    )
    periods: dict[tuple[int, dt.date, dt.date], list[dict]] = defaultdict(list)
    for row in rows:
        periods[(row["indicator_id"], row["period_start"], row["period_end"])].append(row)
    points: dict[int, dict[dt.date, Point]] = defaultdict(dict)
    for (pk, start, end), parts in periods.items():
        indicator = by_id[pk]
        level = rollup_level(indicator)
        expected = provinces if level == Level.PROVINCE else 1
        value, reported, note = _combine(indicator, parts)
        label = parts[0]["label"] or f"{start:%d/%m/%Y} – {end:%d/%m/%Y}"
        expected = max(expected, reported)
        if note:
            found[pk].notes.append(f"{label}: {note}")
            continue
        if reported * 100 < expected * min_coverage():
            found[pk].notes.append(
                _(
                    "%(period)s: only %(reported)s of %(expected)s units reported, below "
                    "%(min)s %%: not rolled up."
                )
                % {
                    "period": label,
                    "reported": reported,
                    "expected": expected,
                    "min": min_coverage(),
                }
            )
            continue
        coverage = Coverage(reported, expected, level)
        point = Point(
            IndicatorValue(
                indicator=indicator,
                period_start=start,
                period_end=end,
                period_label=label,
                value=value,
                state=ValueState.APPROVED,
            ),
            coverage,
        )
        held = points[pk].get(end)  # a quarter and a year ending the same day: most units
        if held is None or (reported, end - start) > (
            held.coverage.reported,
            held.on - held.row.period_start,
        ):
            points[pk][end] = point
    return {pk: [by_end[end] for end in sorted(by_end)] for pk, by_end in points.items()}


def _combine(indicator: Indicator, parts: list[dict]) -> tuple[Decimal | None, int, str]:
    """The national figure of one period from its grouped rows: (value, units, why not)."""
    aggregation = indicator.aggregation
    if aggregation == Aggregation.MEAN:  # one part per carrying unit
        means = [Decimal(p["total"]) / p["n"] for p in parts]
        return sum(means, Decimal(0)) / len(means), len(means), ""
    (part,) = parts
    reported = part["reported"]
    if aggregation == Aggregation.SUM:
        return Decimal(part["total"]), reported, ""
    if aggregation == Aggregation.MIN:
        return Decimal(part["low"]), reported, ""
    if aggregation == Aggregation.MAX:
        return Decimal(part["high"]), reported, ""
    missing = part["n"] - part["weighed"]
    if not missing and not part["weights"]:
        return None, reported, _("not rolled up: the weights add up to zero.")
    if missing:
        return (
            None,
            reported,
            _(
                "not rolled up: %(missing)s of %(n)s units have no value of the weight "
                "indicator for the period."
            )
            % {"missing": missing, "n": part["n"]},
        )
    return Decimal(part["weighted"]) / Decimal(part["weights"]), reported, ""
