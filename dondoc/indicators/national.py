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

from dondoc.indicators import reads
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
    """The level whose values roll up into the national figure, None when none does: the
    provinces (an indicator collected from communes rolls up through its provinces), else
    the ministries."""
    if indicator.aggregation == Aggregation.NONE:
        return None
    levels = set(indicator.levels or [])
    if Level.COMMUNE in levels:
        levels.add(Level.PROVINCE)
    return next((level for level, _kind in ROLLUP_LEVELS if level in levels), None)


def takes_communes(indicator: Indicator) -> bool:
    """Whether communes' values stand in for a province that has none of its own."""
    return Level.COMMUNE in (indicator.levels or []) and rollup_level(indicator) == Level.PROVINCE


def national_figures(
    indicators: Iterable[Indicator],
    as_of: dt.date,
    *,
    known_on: dt.date | None = None,
    ends_only: bool = False,
    exact: bool = False,
) -> dict[int, NationalSeries]:
    """The national series of each indicator, periods ended by ``as_of`` (see the module).

    A derived indicator's series is computed from its inputs' national series
    (``derived``), for the periods where both have a figure; its own rows are never read.

    The roll-ups are read from ``IndicatorNationalRollup`` when it answers the question
    exactly (``table_answers``: the figures as known now, on a date under the units'
    current structure); otherwise, a past "known on" day or a date before the last merger,
    they are computed from the values. Both give the same figures (tested); ``exact`` always
    computes from the values (``dondoc check-figures`` compares the two).

    ``ends_only``: of the national values, only the first and the latest with a figure are
    read (and the latest, "not available" or not), with every rolled-up point: all that
    the status and the score read (``status.evaluate``), for lists of many indicators."""
    indicators = list(indicators)
    formulas = plan(indicators)
    provinces = None if exact else _answers(as_of, known_on)
    inputs = {pk for pair in formulas.inputs.values() for pk in (pair[0].pk, pair[1].pk)}
    found = _read_figures(
        formulas.base, as_of, known_on, provinces=provinces, ends_only=ends_only, full=inputs
    )
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


def _national_rows(ids: list[int], as_of: dt.date, known_on: dt.date | None, ends_only: bool):
    """The approved national rows (no unit) of the indicators, oldest first; ``ends_only``:
    only each one's first and latest with a figure, and its latest."""
    if ends_only:
        # one plain statement (``reads.national_ends``): the rows whose id one of three
        # probes gives, each reading one or two entries of the national rows' index
        return reads.national_ends(ids, as_of, known_on)
    return reads.national_rows(ids, as_of, known_on)


def _read_figures(
    indicators: list[Indicator],
    as_of: dt.date,
    known_on: dt.date | None,
    *,
    provinces: int | None = None,
    ends_only: bool = False,
    full: set[int] = frozenset(),
) -> dict[int, NationalSeries]:
    """The national series of indicators that are not derived (three queries)."""
    found = {i.pk: NationalSeries() for i in indicators}
    ids = list(found)
    whole = [pk for pk in ids if pk in full]
    nationals = list(_national_rows(whole, as_of, known_on, False)) if whole else []
    rest = [pk for pk in ids if pk not in full]
    if rest:
        nationals += _national_rows(rest, as_of, known_on, ends_only)
    national_ends: dict[int, set[dt.date]] = defaultdict(set)
    latest: dict[int, Point] = {}
    for row in sorted(nationals, key=lambda r: (r.indicator_id, r.period_end, r.id)):
        point = Point(row)
        latest[row.indicator_id] = point
        if row.value is not None:
            found[row.indicator_id].points.append(point)
            national_ends[row.indicator_id].add(row.period_end)
    if provinces is not None:  # the table answers
        rolled = _rollups_from_table(indicators, as_of, found, provinces)
    else:
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


# The roll-up -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rolled:
    """One period's roll-up before its coverage is judged against the units expected on a
    date: what ``IndicatorNationalRollup`` keeps."""

    indicator_id: int
    start: dt.date
    end: dt.date
    label: str
    value: Decimal | None  # None: not rolled up (a weighted mean's weights)
    reported: int  # carrying units with a figure
    units: int  # values counted
    missing_weights: int = 0


def structure(on: dt.date | None = None) -> tuple[str, dt.date | None, int]:
    """The units' structure as a fingerprint, the first day it is in force (the day after
    the last recorded change), and the number of provinces existing ``on`` that day: one
    aggregate over the units that values roll up through."""
    text, since, provinces, _built = _structure(on)
    return text, since, provinces


def _structure(
    on: dt.date | None, *, built: bool = False
) -> tuple[str, dt.date | None, int, str | None]:
    """``structure(on)``, and with ``built`` the fingerprint ``IndicatorRollupStructure``
    was stamped with, read by the same statement (a reader asks both on every call)."""
    got = reads.structure(on, built=built)
    days = [d for d in (got["start"], got["end"] and got["end"] + dt.timedelta(days=1)) if d]
    text = "|".join(str(got[k]) for k in ("n", "top", "start", "end", "parents", "successors"))
    return text, max(days) if days else None, got["provinces"], got.get("built")


def _answers(as_of: dt.date, known_on: dt.date | None) -> int | None:
    """The number of provinces on ``as_of`` when ``table_answers``, else None (one query)."""
    if known_on is not None and known_on < max(as_of, dt.date.today()):
        return None
    text, since, provinces, built = _structure(as_of, built=True)
    if since is not None and as_of < since:
        return None
    return provinces if built == text else None


def table_answers(as_of: dt.date, known_on: dt.date | None) -> bool:
    """Whether ``IndicatorNationalRollup`` holds the roll-ups as ``national_figures`` would
    compute them: values as known now (no ``known_on``, or one on or after both today and
    ``as_of``), ``as_of`` under the units' current structure, and the table computed with
    that structure (one query; without any unit, never: the exact path answers)."""
    return _answers(as_of, known_on) is not None


def _rollable(
    indicators: list[Indicator], found: dict[int, NationalSeries]
) -> dict[int, Indicator]:
    """The indicators that roll up; a weighted mean without its weight gets a note."""
    by_id: dict[int, Indicator] = {}
    for indicator in indicators:
        if rollup_level(indicator) is None:
            continue
        if indicator.aggregation == Aggregation.WEIGHTED_MEAN and not indicator.weight_indicator_id:
            if indicator.pk in found:
                found[indicator.pk].notes.append(
                    _("Not rolled up: a weighted mean needs its weight indicator, and none is "
                      "named.")
                )  # fmt: skip
            continue
        by_id[indicator.pk] = indicator
    return by_id


def _rolled_units() -> dict[int, OrgUnit]:
    return {
        u.pk: u
        for u in OrgUnit.objects.filter(kind__in=[k for _l, k in ROLLUP_LEVELS]).only(
            "pk", "kind", "valid_from", "valid_to", "successor_id"
        )
    }


def compute(
    by_id: dict[int, Indicator],
    *,
    on: dt.date,
    units: dict[int, OrgUnit],
    until: dt.date | None = None,
    known_on: dt.date | None = None,
    pairs: Iterable[tuple[int, dt.date, dt.date]] | None = None,
    skip_national: bool = False,
) -> dict[int, list[Rolled]]:
    """The roll-up of each period of the indicators (oldest first), the units carried by
    those existing on ``on``. A province's figure is its own values, else (an indicator
    collected from communes) its communes'; a mean is taken per province, then per carrying
    unit, then over the carriers. One grouped query."""
    if not by_id:
        return {}
    scope = Q()
    for level, kind in ROLLUP_LEVELS:
        ids = [pk for pk, i in by_id.items() if rollup_level(i) == level]
        if ids:
            scope |= Q(indicator_id__in=ids, org_unit__kind=kind)
    communal = [pk for pk, i in by_id.items() if takes_communes(i)]
    if communal:
        scope |= Q(
            indicator_id__in=communal,
            org_unit__kind=OrgKind.COMMUNE,
            org_unit__parent__isnull=False,
        )
    rows = approved(IndicatorValue.objects.filter(scope, value__isnull=False), known_on)
    if until is not None:
        rows = rows.filter(period_end__lte=until)
    if pairs is not None:
        chosen = Q()
        for pk, start, end in pairs:
            chosen |= Q(indicator_id=pk, period_start=start, period_end=end)
        if not chosen:
            return {}
        rows = rows.filter(chosen)
    if skip_national:
        has_national = approved(
            IndicatorValue.objects.filter(
                indicator_id=OuterRef("indicator_id"),
                org_unit__isnull=True,
                period_end=OuterRef("period_end"),
                value__isnull=False,
            ),
            known_on,
        )
        rows = rows.filter(~Exists(has_national))
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
    number = DecimalField(max_digits=38, decimal_places=12)
    commune = Q(org_unit__kind=OrgKind.COMMUNE)
    grouped = (
        rows.alias(
            weight=Case(
                When(
                    indicator__aggregation=Aggregation.WEIGHTED_MEAN,
                    then=Subquery(weight.values("value")[:1]),
                ),
                default=None,
                output_field=number,
            ),
        )
        .annotate(
            area=Case(
                When(commune, then=F("org_unit__parent_id")),
                default=F("org_unit_id"),
                output_field=IntegerField(),
            ),
            own=Case(When(commune, then=Value(0)), default=Value(1), output_field=IntegerField()),
        )
        .values("indicator_id", "period_start", "period_end", "area", "own")
        .annotate(
            label=Max("period_label"),
            total=Sum("value"),
            n=Count("id"),
            low=Min("value"),
            high=Max("value"),
            weighted=Sum(ExpressionWrapper(F("value") * F("weight"), output_field=number)),
            weights=Sum("weight"),
            weighed=Count("weight"),
        )
        .order_by()
    )
    periods: dict[tuple[int, dt.date, dt.date], list[dict]] = defaultdict(list)
    for row in grouped:
        periods[(row["indicator_id"], row["period_start"], row["period_end"])].append(row)
    return combine(by_id, periods, on=on, units=units)


def combine(
    by_id: dict[int, Indicator],
    periods: dict[tuple[int, dt.date, dt.date], list[dict]],
    *,
    on: dt.date,
    units: dict[int, OrgUnit],
) -> dict[int, list[Rolled]]:
    """``compute``'s second half: the national figure of each (indicator, start, end) from its
    groups of values by area (rows with ``area``, ``own`` — 1 for a province's or ministry's
    own values, 0 for its communes' —, ``label``, ``total``, ``n``, ``low``, ``high``,
    ``weighted``, ``weights``, ``weighed``, as the grouped query gives them)."""
    carriers: dict[int, int | None] = {}

    def carrier(area: int) -> int | None:
        if area not in carriers:
            unit = units.get(area)
            if unit is None:  # not a province or ministry: itself
                carriers[area] = area
            else:
                found = carrier_on(unit, on, units)
                carriers[area] = found.pk if found else None
        return carriers[area]

    result: dict[int, list[Rolled]] = defaultdict(list)
    for pk, start, end in sorted(periods, key=lambda k: (k[0], k[2], k[1])):
        parts = periods[(pk, start, end)]
        owned = {p["area"] for p in parts if p["own"]}
        by_carrier: dict[int, list[dict]] = defaultdict(list)
        for p in parts:
            if p["own"] or p["area"] not in owned:
                c = carrier(p["area"])
                if c is not None:
                    by_carrier[c].append(p)
        if not by_carrier:
            continue
        result[pk].append(_combine(by_id[pk], pk, start, end, by_carrier))
    return result


def _combine(
    indicator: Indicator, pk: int, start: dt.date, end: dt.date, by_carrier: dict[int, list[dict]]
) -> Rolled:
    """The national figure of one period from its groups, by carrying unit."""
    kept = [p for parts in by_carrier.values() for p in parts]
    label = max((p["label"] or "" for p in kept), default="")
    n = sum(p["n"] for p in kept)
    reported = len(by_carrier)
    aggregation = indicator.aggregation

    def done(value: Decimal | None, missing: int = 0) -> Rolled:
        return Rolled(pk, start, end, label, value, reported, n, missing)

    if aggregation == Aggregation.MEAN:
        means = []
        for parts in by_carrier.values():
            figures = [Decimal(p["total"]) / p["n"] for p in parts]
            means.append(
                figures[0] if len(figures) == 1 else sum(figures, Decimal(0)) / len(figures)
            )
        return done(means[0] if len(means) == 1 else sum(means, Decimal(0)) / len(means))
    if aggregation == Aggregation.SUM:
        return done(sum((Decimal(p["total"]) for p in kept), Decimal(0)))
    if aggregation == Aggregation.MIN:
        return done(min(Decimal(p["low"]) for p in kept))
    if aggregation == Aggregation.MAX:
        return done(max(Decimal(p["high"]) for p in kept))
    weighed = sum(p["weighed"] for p in kept)
    if weighed < n:
        return done(None, n - weighed)
    weights = sum((Decimal(p["weights"]) for p in kept if p["weights"] is not None), Decimal(0))
    if not weights:
        return done(None)
    weighted = sum((Decimal(p["weighted"]) for p in kept if p["weighted"] is not None), Decimal(0))
    return done(weighted / weights)


def _points(
    indicator: Indicator, rolled: list[Rolled], provinces: int, series: NationalSeries
) -> list[Point]:
    """The rolled-up points of an indicator once coverage is judged against the units
    expected on the date (``provinces`` existing then; a ministry: one); notes for the rest."""
    level = rollup_level(indicator)
    points: dict[dt.date, Point] = {}
    for r in rolled:
        label = r.label or f"{r.start:%d/%m/%Y} – {r.end:%d/%m/%Y}"
        expected = max(provinces if level == Level.PROVINCE else 1, r.reported)
        if r.value is None:
            if r.missing_weights:
                note = _(
                    "not rolled up: %(missing)s of %(n)s units have no value of the weight "
                    "indicator for the period."
                ) % {"missing": r.missing_weights, "n": r.units}
            else:
                note = _("not rolled up: the weights add up to zero.")
            series.notes.append(f"{label}: {note}")
            continue
        if r.reported * 100 < expected * min_coverage():
            series.notes.append(
                _(
                    "%(period)s: only %(reported)s of %(expected)s units reported, below "
                    "%(min)s %%: not rolled up."
                )
                % {
                    "period": label,
                    "reported": r.reported,
                    "expected": expected,
                    "min": min_coverage(),
                }
            )
            continue
        point = Point(
            unsaved_value(indicator, r.start, r.end, label, r.value),
            Coverage(r.reported, expected, level),
        )
        held = points.get(r.end)  # a quarter and a year ending the same day: most units
        if held is None or (r.reported, r.end - r.start) > (
            held.coverage.reported,
            held.on - held.row.period_start,
        ):
            points[r.end] = point
    return [points[end] for end in sorted(points)]


_DEFAULTS: dict[str, object] | None = None


def unsaved_value(
    indicator: Indicator, start: dt.date, end: dt.date, label: str, value: Decimal
) -> IndicatorValue:
    """An unsaved approved row of ``indicator`` (a rolled-up figure): the same object as
    ``IndicatorValue(indicator=..., period_start=..., ..., state=APPROVED)``, built as the ORM
    builds the rows it reads (values in field order), several times faster than keyword
    arguments; a list of 200 indicators makes one each."""
    global _DEFAULTS
    if _DEFAULTS is None:
        _DEFAULTS = {
            f.attname: f.get_default() for f in IndicatorValue._meta.concrete_fields
        }  # the defaults are constants (no callable returning a new object)
    given = {
        "indicator_id": indicator.pk,
        "period_start": start,
        "period_end": end,
        "period_label": label,
        "value": value,
        "state": ValueState.APPROVED,
    }
    row = IndicatorValue(*(given.get(k, d) for k, d in _DEFAULTS.items()))
    IndicatorValue.indicator.field.set_cached_value(row, indicator)
    return row


def _provinces_on(units: dict[int, OrgUnit], day: dt.date) -> int:
    return sum(1 for u in units.values() if u.kind == OrgKind.PROVINCE and u.is_valid_on(day))


def _rollups(
    indicators: list[Indicator],
    as_of: dt.date,
    known_on: dt.date | None,
    found: dict[int, NationalSeries],
) -> dict[int, list[Point]]:
    """Rolled-up points of each indicator, for periods without a national value, computed
    from the values (the exact path)."""
    by_id = _rollable(indicators, found)
    if not by_id:
        return {}
    units = _rolled_units()
    rolled = compute(
        by_id, on=as_of, units=units, until=as_of, known_on=known_on, skip_national=True
    )
    provinces = _provinces_on(units, as_of)
    return {pk: _points(by_id[pk], rows, provinces, found[pk]) for pk, rows in rolled.items()}


def _rollups_from_table(
    indicators: list[Indicator], as_of: dt.date, found: dict[int, NationalSeries], provinces: int
) -> dict[int, list[Point]]:
    """The same points read from ``IndicatorNationalRollup`` (``table_answers`` said it
    holds them): the periods ended by ``as_of`` without an approved national figure."""
    by_id = _rollable(indicators, found)
    if not by_id:
        return {}
    rows = reads.national_rollups(list(by_id), as_of)
    rolled: dict[int, list[Rolled]] = defaultdict(list)
    for pk, start, end, label, value, reported, n, missing in rows:
        rolled[pk].append(
            Rolled(pk, start, end, label, Decimal(value) if value else None, reported, n, missing)
        )
    return {pk: _points(by_id[pk], rows, provinces, found[pk]) for pk, rows in rolled.items()}
