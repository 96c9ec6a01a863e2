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

from django.db import connection

from dondoc.indicators.models import Indicator, IndicatorValue, ValueState, WeightChange
from dondoc.indicators.queries import assess_indicator, national_series
from dondoc.orgs.models import OrgKind, OrgUnit


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


def _score(indicator, targets, series, weight, as_of, own_baseline=True) -> Score:
    a = assess_indicator(indicator, targets, series, as_of, own_baseline=own_baseline)
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
    series = national_series([i.pk for i in indicators], as_of)
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
    ``as_of`` (the baseline and the latest point of ``status.evaluate``), so they are fetched
    per (province, indicator) with two index probes each, in one statement, rather than every
    value of every province."""
    weights = weights_on(indicators, as_of)
    by_id = {i.pk: i for i in indicators}
    if not by_id:
        return []
    qn = connection.ops.quote_name
    values, units = qn(IndicatorValue._meta.db_table), qn(OrgUnit._meta.db_table)
    params: dict[str, object] = {f"i{n}": pk for n, pk in enumerate(by_id)}
    params.update(approved=ValueState.APPROVED.value, as_of=as_of, province=OrgKind.PROVINCE)
    marks = ", ".join(f"%({name})s" for name in params if name.startswith("i"))

    def end(order: str) -> str:
        return (
            f"(SELECT v.id FROM {values} v WHERE v.indicator_id = i.id AND v.org_unit_id = u.id "
            "AND v.state = %(approved)s AND v.value IS NOT NULL AND v.period_end <= %(as_of)s "
            f"ORDER BY v.period_end {order}, v.id {order} LIMIT 1)"
        )

    sql = (
        "SELECT p.unit_id, p.unit_name, p.indicator_id, p.first_id, f.period_end, f.value, "
        "p.last_id, l.period_end, l.value FROM ("
        f"SELECT u.id AS unit_id, u.name AS unit_name, i.id AS indicator_id, "
        f"{end('ASC')} AS first_id, {end('DESC')} AS last_id "
        f"FROM {units} u CROSS JOIN {qn(Indicator._meta.db_table)} i "
        f"WHERE u.kind = %(province)s AND i.id IN ({marks})"
        f") p JOIN {values} f ON f.id = p.first_id JOIN {values} l ON l.id = p.last_id"
    )
    found: dict[int, Index] = {}
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    for unit_id, unit_name, indicator_id, first_id, *first, last_id, last_end, last in rows:
        i = by_id[indicator_id]
        points = (
            [_point(*first)] if first_id == last_id else [_point(*first), _point(last_end, last)]
        )
        score = _score(i, list(i.targets.all()), points, weights[indicator_id], as_of, False)
        found.setdefault(unit_id, Index(unit_id, unit_name)).scores.append(score)
    for index in found.values():
        index.scores.sort(key=lambda s: s.indicator.pk)  # as before: by indicator id
    return sorted(found.values(), key=lambda x: x.label)


def _point(end, value) -> tuple[dt.date, Decimal]:
    """A (date, value) of a raw row: SQLite may hand dates as text and decimals as floats."""
    if isinstance(end, str):
        end = dt.date.fromisoformat(end)
    return end, value if isinstance(value, Decimal) else Decimal(str(value))
