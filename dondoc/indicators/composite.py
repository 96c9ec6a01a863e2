"""Composite scores of the indicator set (điểm số động), recomputable for any past date.

The rule, stated on the scores page as well:

* each indicator carries a weight: High 2.0, Medium 1.5, Low 1.0; the weight on a date is the
  latest ``WeightChange`` effective on or before it, else the catalogue's weight;
* an indicator's completion is the share of the way from its baseline to the target of its
  current milestone covered by its latest approved value on the date (``status.completion``),
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

from dondoc.indicators.models import (
    Indicator,
    IndicatorSeriesEnds,
    IndicatorValue,
    ValueState,
    WeightChange,
)
from dondoc.indicators.queries import assess_indicator, goals, national_endpoints
from dondoc.indicators.status import current_completion
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
    changes = WeightChange.objects.filter(indicator_id__in=weights, effective_on__lte=on).order_by(
        "effective_on", "id"
    )
    for change in changes:
        weights[change.indicator_id] = change.weight
    return weights


def _score(indicator, targets, series, weight, as_of, own_baseline=True, goal_list=None) -> Score:
    a = assess_indicator(
        indicator,
        targets,
        series,
        as_of,
        own_baseline=own_baseline,
        goal_list=goal_list,
        project=False,
    )
    share = a.completion
    if share is not None:
        share = min(1.0, max(0.0, share))
    return Score(
        indicator,
        weight,
        share,
        a.latest.value if a.latest else None,
        a.latest.on if a.latest else None,
        a.target,
        a.due_on,
    )


def indicator_scores(indicators: list[Indicator], as_of: dt.date) -> list[Score]:
    """Scores of national values (``targets`` prefetched on the indicators)."""
    weights = weights_on(indicators, as_of)
    series = national_endpoints([i.pk for i in indicators], as_of)
    return [
        _score(i, list(i.targets.all()), series.get(i.pk, []), weights[i.pk], as_of)
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


def by_province(indicators: list[Indicator], as_of: dt.date) -> list[Index]:
    """Each province's index over its own approved values, against the national targets.

    A province's series enters only through its first and latest approved values by
    ``as_of`` (the baseline and the latest point of ``status.evaluate``): they are read from
    the maintained ``IndicatorSeriesEnds`` (one row per province and indicator); only a
    series whose latest value is after ``as_of`` (a past date) has its latest value by then
    looked up, by an index probe. Only the completion is computed (``current_completion``)."""
    weights = weights_on(indicators, as_of)
    by_id = {i.pk: i for i in indicators}
    if not by_id:
        return []
    rows = list(
        IndicatorSeriesEnds.objects.filter(
            indicator_id__in=list(by_id),
            unit_kind=OrgKind.PROVINCE,
            first_on__lte=as_of,
        ).values_list(
            "org_unit_id", "org_unit__name", "indicator_id", "first_id", "first_on",
            "first_value", "last_id", "last_on", "last_value",
        )
    )  # fmt: skip
    later = [(r[2], r[0]) for r in rows if r[7] > as_of]
    latest_by = _latest_by(later, as_of) if later else {}
    goal_lists = {pk: goals(list(i.targets.all())) for pk, i in by_id.items()}
    found: dict[int, Index] = {}
    for unit_id, unit_name, indicator_id, first_id, *first, last_id, last_on, last in rows:
        if last_on > as_of:
            last_id, last_on, last = latest_by[(indicator_id, unit_id)]
        i = by_id[indicator_id]
        points = [tuple(first)] if first_id == last_id else [tuple(first), (last_on, last)]
        share, latest, target, due = current_completion(
            goal_lists[indicator_id], points, as_of, i.direction
        )
        if share is not None:
            share = min(1.0, max(0.0, share))
        score = Score(
            i,
            weights[indicator_id],
            share,
            latest.value if latest else None,
            latest.on if latest else None,
            target,
            due,
        )
        found.setdefault(unit_id, Index(unit_id, unit_name)).scores.append(score)
    for index in found.values():
        index.scores.sort(key=lambda s: s.indicator.pk)  # as before: by indicator id
    return sorted(found.values(), key=lambda x: x.label)


def _latest_by(pairs: list[tuple[int, int]], as_of: dt.date) -> dict[tuple[int, int], tuple]:
    """The latest approved value (with a figure) by ``as_of`` of each (indicator, unit):
    (id, period end, value), one index probe each."""
    found = {}
    for indicator_id, unit_id in pairs:
        row = (
            IndicatorValue.objects.filter(
                indicator_id=indicator_id,
                org_unit_id=unit_id,
                state=ValueState.APPROVED,
                value__isnull=False,
                period_end__lte=as_of,
            )
            .order_by("-period_end", "-id")
            .values_list("id", "period_end", "value")
            .first()
        )
        found[(indicator_id, unit_id)] = row
    return found
