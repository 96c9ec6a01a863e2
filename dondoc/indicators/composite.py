"""Composite scores of the indicator set (điểm số động), recomputable for any past date.

The rule, stated on the scores page as well:

* each indicator carries a weight: High 2.0, Medium 1.5, Low 1.0; the weight on a date is the
  latest ``WeightChange`` effective on or before it, else the catalogue's weight;
* an indicator's completion is the share of the way from its baseline to the target of its
  current milestone covered by its latest approved national figure on the date (the national
  value, else the roll-up of the provinces': ``national.national_figures``; ``status.completion``),
  kept between 0 and 1;
* its score is completion × weight;
* a composite index (per solution group, per responsible agency, per province) is the
  weighted mean of the completions of its indicators: Σ score / Σ weight, in per cent.
  Indicators without a value or with a qualitative target are left out and listed as such.

Nothing is cached: the figures come from the values and weight changes as they stood.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from dondoc.indicators import reads
from dondoc.indicators.derived import unit_series
from dondoc.indicators.models import Indicator
from dondoc.indicators.national import national_figures
from dondoc.indicators.queries import goals
from dondoc.indicators.status import completion, current_aim, current_completion
from dondoc.orgs.models import OrgKind


@dataclass
class Score:
    indicator: Indicator
    weight: Decimal
    completion: float | None  # capped to [0, 1]; None when it cannot be computed
    latest_value: float | None = None
    latest_on: dt.date | None = None
    target: float | None = None
    due_on: dt.date | None = None

    @property
    def score(self) -> float | None:
        return None if self.completion is None else self.completion * float(self.weight)


@dataclass
class Index:
    """A composite index over ``scores`` (a group, an agency or a province)."""

    key: object
    label: str
    scores: list[Score] = field(default_factory=list)

    @property
    def counted(self) -> list[Score]:
        return [s for s in self.scores if s.completion is not None]

    @property
    def weight(self) -> float:
        return sum(float(s.weight) for s in self.counted)

    @property
    def value(self) -> float | None:
        """Σ score / Σ weight, in per cent; None when no indicator counts."""
        if not self.counted:
            return None
        return 100 * sum(s.score for s in self.counted) / self.weight

    @property
    def left_out(self) -> list[Score]:
        return [s for s in self.scores if s.completion is None]


def weights_on(indicators: list[Indicator], on: dt.date) -> dict[int, Decimal]:
    """The weight of each indicator in force on ``on``."""
    weights = {i.pk: i.weight for i in indicators}
    for pk, weight in reads.weight_changes(list(weights), on):
        weights[pk] = weight
    return weights


def _score(indicator, targets, series, weight, as_of, own_baseline=True, goals_=None) -> Score:
    """The score of a series: ``status.current_completion``, which gives ``evaluate``'s
    completion, latest point, target and due date without the rest of the assessment."""
    baseline = (
        (indicator.baseline_on, indicator.baseline_value)
        if own_baseline and indicator.baseline_value is not None and indicator.baseline_on
        else None
    )
    share, latest, target, due_on = current_completion(
        goals_ if goals_ is not None else goals(targets),
        series,
        as_of,
        indicator.direction,
        baseline,
    )
    if share is not None:
        share = min(1.0, max(0.0, share))
    return Score(
        indicator,
        weight,
        share,
        latest.value if latest else None,
        latest.on if latest else None,
        target,
        due_on,
    )


def indicator_scores(indicators: list[Indicator], as_of: dt.date) -> list[Score]:
    """Scores of the national figures, rolled up from the units where there is no national
    value (the indicators' targets loaded by ``reads.with_targets`` or prefetched)."""
    weights = weights_on(indicators, as_of)
    series = national_figures(indicators, as_of, ends_only=True)
    return [
        _score(i, reads.targets_of(i), series[i.pk].pairs(), weights[i.pk], as_of)
        for i in indicators
    ]


def by_group(scores: list[Score]) -> list[Index]:
    found: dict[object, Index] = {}
    for s in scores:
        group = s.indicator.group
        key = group.pk if group else None
        label = f"{group.number}. {group.title}" if group else ""
        found.setdefault(key, Index(key, label)).scores.append(s)
    return sorted(found.values(), key=lambda x: (x.key is None, x.label))


def by_agency(scores: list[Score]) -> list[Index]:
    found: dict[object, Index] = {}
    for s in scores:
        agency = s.indicator.responsible_agency
        if agency is None:
            continue
        found.setdefault(agency.pk, Index(agency, agency.name)).scores.append(s)
    return sorted(found.values(), key=lambda x: x.label)


def by_province(indicators: list[Indicator], as_of: dt.date, *, exact: bool = False) -> list[Index]:
    """Each province's index over its own approved values (a derived indicator's computed from
    the province's values of its inputs), against the national targets.

    A score reads only the first and the latest value of a series (``status.evaluate``): they
    come from ``IndicatorSeriesEnds``, maintained with the approvals, for every series whose
    latest value ended by ``as_of``; the other series (a past date) and derived indicators are
    read from the values (every series with ``exact``)."""
    weights = weights_on(indicators, as_of)
    by_id = {i.pk: i for i in indicators}
    order = {i.pk: n for n, i in enumerate(indicators)}
    aims = {i.pk: goals(reads.targets_of(i)) for i in indicators}
    #: what every series of an indicator is measured against (``status.current_aim``)
    aimed = {pk: current_aim(g, as_of, by_id[pk].direction) for pk, g in aims.items()}
    scores: list[tuple[int, int, Score]] = []  # (indicator's rank, unit, score)
    names: dict[int, str] = {}
    direct = [] if exact else [i.pk for i in indicators if not i.derived]
    later: set[int] = set()
    ends = reads.series_ends(OrgKind.PROVINCE, direct)
    for pk, unit_id, name, first_id, first_on, first, last_id, last_on, last in ends:
        if pk in later:
            continue
        if last_on > as_of:
            later.add(pk)
            continue
        names[unit_id] = name
        # ``_score`` of the series [(first_on, first), (last_on, last)] without building it:
        # both ends carry a figure and ended by ``as_of``; the unit's own first value is the
        # baseline, counted only when it is earlier than the latest (``current_completion``)
        i = by_id[pk]
        latest = float(last)
        share = target = due_on = None
        if aimed[pk] is not None:
            target, due_on = aimed[pk]
            base = float(first) if first_id != last_id and first_on < last_on else None
            share = min(1.0, max(0.0, completion(base, latest, target, i.direction)))
        scores.append(
            (order[pk], unit_id, Score(i, weights[pk], share, latest, last_on, target, due_on))
        )
    if later:
        scores = [s for s in scores if s[2].indicator.pk not in later]
    slow = [i for i in indicators if exact or i.derived or i.pk in later]
    values = unit_series(slow, as_of, unit_kinds=[OrgKind.PROVINCE]) if slow else {}
    for indicator_id, units in values.items():
        for unit_id, rows in units.items():
            names[unit_id] = rows[0].org_unit.name
            points = [(r.period_end, r.value) for r in rows]
            i = by_id[indicator_id]
            score = _score(i, None, points, weights[indicator_id], as_of, False, aims[indicator_id])
            scores.append((order[indicator_id], unit_id, score))
    found: dict[int, Index] = {}
    for _rank, unit_id, score in sorted(scores, key=lambda s: s[0]):
        found.setdefault(unit_id, Index(unit_id, names[unit_id])).scores.append(score)
    return sorted(found.values(), key=lambda x: x.label)
