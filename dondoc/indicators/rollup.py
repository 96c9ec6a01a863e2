"""The roll-up of unit values (tổng hợp số liệu các đơn vị), kept in ``IndicatorRollup``.

For each indicator and period: the count, sum, minimum and maximum of the approved values of
organisation units (the national figure entered as such, without a unit, is not part of it),
for the whole country and for each province. A province's area holds its own value and its
communes' (``OrgUnit.parent``); ministries count only in the national row.

Maintenance: ``refresh`` recomputes the rows of the (indicator, period) pairs a change touched,
from the values themselves, inside the caller's transaction — the approval's — after locking
the indicators, so two approvals of the same indicator cannot each miss the other's value.
Nothing else writes the table; ``rebuild`` recomputes everything (the migration, ``synth``,
``dondoc check-figures --repair``). The figures are therefore never older than the last
committed approval.

``IndicatorNationalRollup`` holds each period's national figure rolled up exactly as
``national.national_figures`` computes it (communes standing in for a province without a
value, merged provinces carried by their successors, weighted means), under the units'
current structure, whose fingerprint ``rebuild`` stamps: after a merger is recorded the
readers fall back to the values until the next rebuild.

``IndicatorSeriesEnds`` is maintained the same way, per (indicator, unit): the first and the
latest approved value of the unit's series, which is all the status and the composite score
read of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection, transaction

from dondoc.core.dates import MAX_DATE
from dondoc.indicators import national
from dondoc.indicators.models import (
    Aggregation,
    Indicator,
    IndicatorNationalRollup,
    IndicatorRollup,
    IndicatorRollupStructure,
    IndicatorSeriesEnds,
    IndicatorValue,
    ValueState,
)
from dondoc.orgs.models import OrgKind, OrgUnit

Pair = tuple[int, dt.date, dt.date]  # (indicator id, period start, period end)
Series = tuple[int, int]  # (indicator id, organisation unit id)


def _tables() -> dict[str, str]:
    qn = connection.ops.quote_name
    return {
        "r": qn(IndicatorRollup._meta.db_table),
        "e": qn(IndicatorSeriesEnds._meta.db_table),
        "v": qn(IndicatorValue._meta.db_table),
        "u": qn(OrgUnit._meta.db_table),
        "i": qn(Indicator._meta.db_table),
    }


def _insert_sql(where: str) -> list[str]:
    """The two INSERT … SELECT statements (national, by province) for the values of ``where``.

    A commune's value counts for its province only when the province has no value of its own
    for the period; a weighted mean's weight is the unit's approved value of the weight
    indicator for the same period (the latest row), as ``national.compute`` reads it."""
    t = _tables()
    approved_state = ValueState.APPROVED.value
    columns = (
        "indicator_id, area_id, period_start, period_end, count, total, minimum, maximum, "
        "weighted, weights, weighed"
    )
    weight = (
        f"CASE WHEN i.aggregation = '{Aggregation.WEIGHTED_MEAN.value}' THEN "
        f"(SELECT w.value FROM {t['v']} w WHERE w.indicator_id = i.weight_indicator_id "
        "AND w.org_unit_id = v.org_unit_id AND w.period_start = v.period_start "
        f"AND w.period_end = v.period_end AND w.state = '{approved_state}' "
        "AND w.value IS NOT NULL ORDER BY w.id DESC LIMIT 1) END"
    )
    aggregates = (
        "COUNT(*), SUM(v.value), MIN(v.value), MAX(v.value), SUM(v.value * v.weight), "
        "SUM(v.weight), COUNT(v.weight)"
    )
    own = (
        f"(u.kind <> '{OrgKind.COMMUNE.value}' OR NOT EXISTS (SELECT 1 FROM {t['v']} o "
        "WHERE o.indicator_id = v.indicator_id AND o.org_unit_id = u.parent_id "
        "AND o.period_start = v.period_start AND o.period_end = v.period_end "
        f"AND o.state = '{approved_state}' AND o.value IS NOT NULL))"
    )
    values = (
        f"(SELECT v.indicator_id, v.org_unit_id, v.period_start, v.period_end, v.value, "
        f"{weight} AS weight FROM {t['v']} v JOIN {t['i']} i ON i.id = v.indicator_id "
        f"WHERE v.org_unit_id IS NOT NULL AND v.state = '{approved_state}' "
        f"AND v.value IS NOT NULL AND {where})"
    )
    area = (
        f"CASE WHEN u.kind = '{OrgKind.PROVINCE.value}' THEN u.id "
        f"WHEN u.kind = '{OrgKind.COMMUNE.value}' THEN u.parent_id END"
    )
    base = f"FROM {values} v JOIN {t['u']} u ON u.id = v.org_unit_id WHERE {own}"
    return [
        f"INSERT INTO {t['r']} ({columns}) "
        f"SELECT v.indicator_id, NULL, v.period_start, v.period_end, {aggregates} {base} "
        "GROUP BY v.indicator_id, v.period_start, v.period_end",
        f"INSERT INTO {t['r']} ({columns}) "
        f"SELECT v.indicator_id, {area}, v.period_start, v.period_end, {aggregates} {base} "
        f"AND {area} IS NOT NULL GROUP BY v.indicator_id, {area}, v.period_start, v.period_end",
    ]


def lock_indicators(ids: Iterable[int]) -> None:
    """Lock the indicators' rows until the transaction ends, in id order: one writer of an
    indicator's roll-up at a time; a concurrent approval waits, then sees the values."""
    assert transaction.get_connection().in_atomic_block, "lock inside transaction.atomic()"
    list(
        Indicator.objects.select_for_update(no_key=True, of=("self",))
        .filter(pk__in=sorted(set(ids)))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _ends_sql(where: str) -> str:
    """INSERT … SELECT of the first and latest approved value of each unit's series."""
    t = _tables()

    def approved(alias: str) -> str:
        return f"{alias}.state = '{ValueState.APPROVED.value}' AND {alias}.value IS NOT NULL"

    def probe(order: str) -> str:
        # as ``derived.unit_series`` orders a series: by end, then start; of two rows of one
        # period the later
        return (
            f"(SELECT w.id FROM {t['v']} w WHERE w.indicator_id = v.indicator_id "
            f"AND w.org_unit_id = v.org_unit_id AND {approved('w')} "
            f"ORDER BY w.period_end {order}, w.period_start {order}, w.id DESC LIMIT 1)"
        )

    return (
        "WITH g AS MATERIALIZED ("
        f"SELECT v.indicator_id, v.org_unit_id, COUNT(*) AS n, {probe('ASC')} AS first_id, "
        f"{probe('DESC')} AS last_id FROM {t['v']} v "
        f"WHERE v.org_unit_id IS NOT NULL AND {approved('v')} "
        f"AND {where} GROUP BY v.indicator_id, v.org_unit_id) "
        f"INSERT INTO {t['e']} (indicator_id, org_unit_id, unit_kind, count, first_id, "
        "first_on, first_value, last_id, last_on, last_value) "
        "SELECT g.indicator_id, g.org_unit_id, u.kind, g.n, f.id, f.period_end, f.value, l.id, "
        f"l.period_end, l.value FROM g JOIN {t['v']} f ON f.id = g.first_id "
        f"JOIN {t['v']} l ON l.id = g.last_id JOIN {t['u']} u ON u.id = g.org_unit_id"
    )


def _with_weighted(pairs: list[Pair]) -> list[Pair]:
    """The pairs, and the same periods of the weighted means weighed by their indicators."""
    weighed_by: dict[int, list[int]] = {}
    for pk, weight in Indicator.objects.filter(
        weight_indicator_id__in={p[0] for p in pairs}, aggregation=Aggregation.WEIGHTED_MEAN
    ).values_list("pk", "weight_indicator_id"):
        weighed_by.setdefault(weight, []).append(pk)
    extra = [(pk, start, end) for i, start, end in pairs for pk in weighed_by.get(i, [])]
    return sorted(set(pairs) | set(extra))


def _write_national(indicator_ids: list[int], pairs: list[Pair] | None) -> None:
    """Recompute ``IndicatorNationalRollup`` for the pairs (None: every period of the
    indicators) with the units' current structure (``national.compute`` on ``MAX_DATE``)."""
    rows = IndicatorNationalRollup.objects.filter(indicator_id__in=indicator_ids)
    if pairs is not None:
        for pk, start, end in pairs:
            rows.filter(indicator_id=pk, period_start=start, period_end=end).delete()
    else:
        rows.delete()
    by_id = national._rollable(list(Indicator.objects.filter(pk__in=indicator_ids)), {})
    rolled = national.compute(by_id, on=MAX_DATE, units=national._rolled_units(), pairs=pairs)
    write_national(rolled)


def write_national(rolled: dict[int, list[national.Rolled]]) -> None:
    """Insert the national roll-ups ``national.compute`` (or ``national.combine``) gave."""
    IndicatorNationalRollup.objects.bulk_create(
        [
            IndicatorNationalRollup(
                indicator_id=r.indicator_id,
                period_start=r.start,
                period_end=r.end,
                period_label=r.label,
                value="" if r.value is None else str(r.value),
                reported=r.reported,
                units=r.units,
                missing_weights=r.missing_weights,
            )
            for rows_ in rolled.values()
            for r in rows_
        ],
        batch_size=2000,
    )


def refresh(pairs: Iterable[Pair], series: Iterable[Series] = ()) -> int:
    """Recompute the roll-up rows of each (indicator, period) in ``pairs`` (and of the weighted
    means weighed by those indicators), their national figures, and the series' ends of each
    (indicator, unit) in ``series``; returns how many pairs. Call it inside the transaction
    that changed the values."""
    pairs = sorted(set(pairs))
    series = sorted(set(series))
    if not pairs and not series:
        return 0
    with transaction.atomic():
        pairs = _with_weighted(pairs) if pairs else pairs
        lock_indicators({p[0] for p in pairs} | {s[0] for s in series})
        t = _tables()
        with connection.cursor() as cur:
            for indicator_id, unit_id in series:
                cur.execute(
                    f"DELETE FROM {t['e']} WHERE indicator_id = %s AND org_unit_id = %s",
                    [indicator_id, unit_id],
                )
                cur.execute(
                    _ends_sql("v.indicator_id = %s AND v.org_unit_id = %s"),
                    [indicator_id, unit_id],
                )
            for indicator_id, start, end in pairs:
                params = [indicator_id, start, end]
                cur.execute(
                    f"DELETE FROM {t['r']} WHERE indicator_id = %s AND period_start = %s "
                    "AND period_end = %s",
                    params,
                )
                where = "v.indicator_id = %s AND v.period_start = %s AND v.period_end = %s"
                for sql in _insert_sql(where):
                    cur.execute(sql, params)
        if pairs:
            _write_national(sorted({p[0] for p in pairs}), pairs)
    return len(pairs)


def refresh_values(values: Iterable[IndicatorValue]) -> int:
    """``refresh`` the pairs of these values (those of organisation units)."""
    values = [v for v in values if v.org_unit_id is not None]
    return refresh(
        [(v.indicator_id, v.period_start, v.period_end) for v in values],
        [(v.indicator_id, v.org_unit_id) for v in values],
    )


#: Sort and hash memory of a rebuild's statements (PostgreSQL, this transaction only): they
#: group and order every value, 10 million of them at national scale, and with the default
#: 4 MB they sort on disk (a 1.1 million-value rebuild: 106 s with 4 MB, 79 s with 256 MB).
REBUILD_WORK_MEM = "256MB"


def _large_sorts(cur) -> None:
    if connection.vendor == "postgresql":
        cur.execute(f"SET LOCAL work_mem = '{REBUILD_WORK_MEM}'")


def rebuild(indicator_ids: Iterable[int] | None = None) -> None:
    """Recompute the whole table, or the rows of some indicators (in one transaction)."""
    t = _tables()
    with transaction.atomic(), connection.cursor() as cur:
        _large_sorts(cur)
        if indicator_ids is None:
            cur.execute(f"DELETE FROM {t['r']}")
            cur.execute(f"DELETE FROM {t['e']}")
            statements = [*_insert_sql("1 = 1"), _ends_sql("1 = 1")]
            params: list = []
        else:
            ids = sorted(set(indicator_ids))
            if not ids:
                return
            marks = ", ".join(["%s"] * len(ids))
            cur.execute(f"DELETE FROM {t['r']} WHERE indicator_id IN ({marks})", ids)
            cur.execute(f"DELETE FROM {t['e']} WHERE indicator_id IN ({marks})", ids)
            where = f"v.indicator_id IN ({marks})"
            statements = [*_insert_sql(where), _ends_sql(where)]
            params = ids
        for sql in statements:
            cur.execute(sql, params)
    with transaction.atomic():
        with connection.cursor() as cur:
            _large_sorts(cur)
        ids = list(Indicator.objects.values_list("pk", flat=True))
        _write_national(ids if indicator_ids is None else sorted(set(indicator_ids)), None)
        if indicator_ids is None:
            stamp_structure()


def stamp_structure() -> None:
    """Record the units' structure the national roll-ups were computed with."""
    text, _since, _provinces = national.structure()
    IndicatorRollupStructure.objects.all().delete()
    IndicatorRollupStructure.objects.create(fingerprint=text)
