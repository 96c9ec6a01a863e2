"""The roll-up of unit values (tổng hợp số liệu các đơn vị), kept in ``IndicatorRollup``.

For each indicator and period: the count, sum, minimum and maximum of the approved values of
organisation units (the national figure entered as such, without a unit, is not part of it),
for the whole country and for each province. A province's area holds its own value and its
communes' (``OrgUnit.parent``); ministries count only in the national row.

Maintenance: ``refresh`` recomputes the rows of the (indicator, period) pairs a change touched,
from the values themselves, inside the caller's transaction — the approval's — after locking
the indicators, so two approvals of the same indicator cannot each miss the other's value.
Nothing else writes the table; ``rebuild`` recomputes everything (the migration, ``synth``).
The figures are therefore never older than the last committed approval.

``IndicatorSeriesEnds`` is maintained the same way, per (indicator, unit): the first and the
latest approved value of the unit's series, which is all the status and the composite score
read of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection, transaction

from dondoc.indicators.models import (
    Indicator,
    IndicatorRollup,
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
    }


def _insert_sql(where: str) -> list[str]:
    """The two INSERT … SELECT statements (national, by province) for the values of ``where``."""
    t = _tables()
    columns = "indicator_id, area_id, period_start, period_end, count, total, minimum, maximum"
    aggregates = "COUNT(*), SUM(v.value), MIN(v.value), MAX(v.value)"
    approved = (
        f"v.org_unit_id IS NOT NULL AND v.state = '{ValueState.APPROVED.value}' "
        f"AND v.value IS NOT NULL AND {where}"
    )
    area = (
        f"CASE WHEN u.kind = '{OrgKind.PROVINCE.value}' THEN u.id "
        f"WHEN u.kind = '{OrgKind.COMMUNE.value}' THEN u.parent_id END"
    )
    return [
        f"INSERT INTO {t['r']} ({columns}) "
        f"SELECT v.indicator_id, NULL, v.period_start, v.period_end, {aggregates} "
        f"FROM {t['v']} v WHERE {approved} "
        "GROUP BY v.indicator_id, v.period_start, v.period_end",
        f"INSERT INTO {t['r']} ({columns}) "
        f"SELECT v.indicator_id, {area}, v.period_start, v.period_end, {aggregates} "
        f"FROM {t['v']} v JOIN {t['u']} u ON u.id = v.org_unit_id "
        f"WHERE {approved} AND {area} IS NOT NULL "
        f"GROUP BY v.indicator_id, {area}, v.period_start, v.period_end",
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
        return (
            f"(SELECT w.id FROM {t['v']} w WHERE w.indicator_id = v.indicator_id "
            f"AND w.org_unit_id = v.org_unit_id AND {approved('w')} "
            f"ORDER BY w.period_end {order}, w.id {order} LIMIT 1)"
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


def refresh(pairs: Iterable[Pair], series: Iterable[Series] = ()) -> int:
    """Recompute the roll-up rows of each (indicator, period) in ``pairs`` and the series'
    ends of each (indicator, unit) in ``series``; returns how many pairs. Call it inside the
    transaction that changed the values."""
    pairs = sorted(set(pairs))
    series = sorted(set(series))
    if not pairs and not series:
        return 0
    with transaction.atomic():
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
    return len(pairs)


def refresh_values(values: Iterable[IndicatorValue]) -> int:
    """``refresh`` the pairs of these values (those of organisation units)."""
    values = [v for v in values if v.org_unit_id is not None]
    return refresh(
        [(v.indicator_id, v.period_start, v.period_end) for v in values],
        [(v.indicator_id, v.org_unit_id) for v in values],
    )


def rebuild(indicator_ids: Iterable[int] | None = None) -> None:
    """Recompute the whole table, or the rows of some indicators (in one transaction)."""
    t = _tables()
    with transaction.atomic(), connection.cursor() as cur:
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
