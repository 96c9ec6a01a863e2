"""The hot reads of the indicator list and the composite, as SQL written once per process.

The list of 200 indicators and the composite of every province read a few hundred rows; what
cost most was not the database but building each query through the ORM on every request and
one model instance per row and per related row (a group, an agency, a programme per
indicator). Here each statement's text is built once from the models' tables and columns
(``_sql``), rows become model instances as the ORM's ``from_db`` makes them, without running
``Model.__init__`` field by field (``build``), and related objects are shared: one group
object for all the indicators of that group.

The figures are those of the ORM queries they replace: same rows, same columns, the backend's
converters applied (SQLite's decimals and dates; PostgreSQL needs none).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import connection
from django.db.models import Model, QuerySet
from django.db.models.base import ModelState

from dondoc.indicators.models import (
    Indicator,
    IndicatorNationalRollup,
    IndicatorSeriesEnds,
    IndicatorValue,
    StatusOverride,
    Target,
    ValueState,
    WeightChange,
)
from dondoc.orgs.models import OrgUnit
from dondoc.tasks.models import Program, SolutionGroup


def _columns(model: type[Model]) -> list:
    return list(model._meta.concrete_fields)


@functools.cache
def _converters(model: type[Model], vendor: str) -> tuple:
    """(position, converters) of the columns that the backend converts (none on PostgreSQL
    for these models but the JSON list of levels)."""
    found = []
    for n, field in enumerate(_columns(model)):
        column = field.get_col(model._meta.db_table)
        funcs = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if funcs:
            found.append((n, column, tuple(funcs)))
    return tuple(found)


def build(model: type[Model], rows: Iterable[Sequence], start: int = 0) -> list[Model]:
    """Instances of ``model`` from rows whose columns ``start``… are the model's concrete
    fields in order (``select_list``): what ``model.from_db`` returns, built directly."""
    attnames = [f.attname for f in _columns(model)]
    end = start + len(attnames)
    converters = _converters(model, connection.vendor)
    alias = connection.alias
    new = model.__new__
    found = []
    for row in rows:
        values = list(row[start:end])
        for n, column, funcs in converters:
            value = values[n]
            for func in funcs:
                value = func(value, column, connection)
            values[n] = value
        obj = new(model)
        state = ModelState()
        state.adding = False
        state.db = alias
        obj._state = state
        obj.__dict__.update(zip(attnames, values, strict=True))
        found.append(obj)
    return found


def select_list(model: type[Model], alias: str) -> str:
    """The model's concrete columns, qualified by ``alias``, in field order."""
    qn = connection.ops.quote_name
    return ", ".join(f"{alias}.{qn(f.column)}" for f in _columns(model))


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _placeholders(n: int) -> str:
    return ", ".join(["%s"] * n) if n else "NULL"


def _in(column: str, ids: list[int]) -> tuple[str, list]:
    """``column`` among ``ids``: one array parameter on PostgreSQL (a short statement whose
    conversion the driver caches), a list of placeholders elsewhere."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(ids)]
    return f"{column} IN ({_placeholders(len(ids))})", list(ids)


# The indicators, with their group, agency and programme shared -------------------------------


@functools.cache
def _indicators_sql(vendor: str) -> tuple[str, int, int, int]:
    width = (len(_columns(Indicator)), len(_columns(SolutionGroup)), len(_columns(OrgUnit)))
    sql = (
        f"SELECT {select_list(Indicator, 'i')}, {select_list(SolutionGroup, 'g')}, "
        f"{select_list(OrgUnit, 'a')}, {select_list(Program, 'p')} "
        f"FROM {_table(Indicator)} i "
        f"LEFT JOIN {_table(SolutionGroup)} g ON g.id = i.group_id "
        f"LEFT JOIN {_table(OrgUnit)} a ON a.id = i.responsible_agency_id "
        f"INNER JOIN {_table(Program)} p ON p.id = i.program_id "
        "WHERE i.id IN ({chosen}) ORDER BY i.program_id, i.sort_key, i.id"
    )
    return sql, *width


def _shared(model: type[Model], rows: list, start: int, key: int, cache: dict) -> list:
    """One instance per id among the rows (``key``: the id's column), None where absent."""
    out = []
    width = len(_columns(model))
    for row in rows:
        pk = row[key]
        if pk is None:
            out.append(None)
            continue
        if pk not in cache:
            cache[pk] = build(model, [row[start : start + width]])[0]
        out.append(cache[pk])
    return out


def indicators(queryset: QuerySet) -> list[Indicator]:
    """The indicators of ``queryset`` with their group, responsible agency and programme (as
    ``select_related`` would give them, one object per distinct related row), in catalogue
    order (``Indicator.Meta.ordering``, or the queryset's own ``order_by``). One query."""
    chosen, params = queryset.order_by().values("pk").query.sql_with_params()
    text, ni, ng, na = _indicators_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(text.replace("{chosen}", chosen), params)
        rows = cursor.fetchall()
    found = build(Indicator, rows)
    groups = _shared(SolutionGroup, rows, ni, ni, {})
    agencies = _shared(OrgUnit, rows, ni + ng, ni + ng, {})
    programs = _shared(Program, rows, ni + ng + na, ni + ng + na, {})
    cache = Indicator.group.field.set_cached_value
    for indicator, group, agency, program in zip(found, groups, agencies, programs, strict=True):
        cache(indicator, group)
        Indicator.responsible_agency.field.set_cached_value(indicator, agency)
        Indicator.program.field.set_cached_value(indicator, program)
    if queryset.query.order_by:  # an explicit order: the queryset's
        order = {pk: n for n, pk in enumerate(queryset.values_list("pk", flat=True))}
        found.sort(key=lambda i: order.get(i.pk, len(order)))
    return found


@functools.cache
def _targets_sql(vendor: str) -> str:
    return (
        f"SELECT {select_list(Target, 't')} FROM {_table(Target)} t "
        "WHERE {ids} ORDER BY t.indicator_id, t.due_on, t.id"
    )


def targets(found: list[Indicator]) -> dict[int, list[Target]]:
    """Each indicator's targets by due date, each target holding its indicator (one query);
    also kept on the indicator for ``targets_of``."""
    by_id = {i.pk: i for i in found}
    result: dict[int, list[Target]] = {pk: [] for pk in by_id}
    if not by_id:
        return result
    where, params = _in("t.indicator_id", list(by_id))
    with connection.cursor() as cursor:
        cursor.execute(_targets_sql(connection.vendor).replace("{ids}", where), params)
        rows = cursor.fetchall()
    cache = Target.indicator.field.set_cached_value
    for target in build(Target, rows):
        cache(target, by_id[target.indicator_id])
        result[target.indicator_id].append(target)
    for pk, items in result.items():
        by_id[pk]._loaded_targets = items
    return result


def targets_of(indicator: Indicator) -> list[Target]:
    """The indicator's targets as loaded by ``targets``, else its prefetched or queried ones."""
    loaded = getattr(indicator, "_loaded_targets", None)
    return loaded if loaded is not None else list(indicator.targets.all())


def with_targets(queryset: QuerySet) -> list[Indicator]:
    """``indicators`` with their targets (``targets_of``): two queries."""
    found = indicators(queryset)
    targets(found)
    return found


# National rows --------------------------------------------------------------------------------


def _approved_sql(alias: str, known_on: dt.date | None) -> tuple[str, list]:
    state = f"{alias}.state = %s"
    if known_on is None:
        return state, [ValueState.APPROVED.value]
    return (
        f"{state} AND COALESCE({alias}.approved_on, {alias}.recorded_on, {alias}.period_end) <= %s",
        [ValueState.APPROVED.value, known_on],
    )


def national_ends(ids: list[int], as_of: dt.date, known_on: dt.date | None) -> list[IndicatorValue]:
    """Of each indicator's approved national rows (no unit) ended by ``as_of``: the first and
    the latest with a figure, and the latest (one statement; each probe reads one or two
    entries of the national rows' index). Oldest first per indicator; ``source_directive``
    is left to be read on access (national rows rarely carry one)."""
    if not ids:
        return []
    v = _table(IndicatorValue)
    approved, extra = _approved_sql("u", known_on)
    chosen, chosen_params = _in("i.id", ids)
    probes, params = [], []
    for order, figure in (("u.period_end, u.id", True), ("u.period_end DESC, u.id DESC", True),
                          ("u.period_end DESC, u.id DESC", False)):  # fmt: skip
        probes.append(
            f"SELECT (SELECT u.id FROM {v} u WHERE u.indicator_id = i.id "
            f"AND u.org_unit_id IS NULL AND u.period_end <= %s AND {approved}"
            f"{' AND u.value IS NOT NULL' if figure else ''} ORDER BY {order} LIMIT 1) "
            f"FROM {_table(Indicator)} i WHERE {chosen}"
        )
        params += [as_of, *extra, *chosen_params]
    sql = (
        f"SELECT {select_list(IndicatorValue, 'r')} FROM {v} r WHERE r.id IN "
        f"({' UNION '.join(probes)}) ORDER BY r.indicator_id, r.period_end, r.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return build(IndicatorValue, cursor.fetchall())


@functools.cache
def _national_rollup_sql(vendor: str) -> str:
    n, v = _table(IndicatorNationalRollup), _table(IndicatorValue)
    return (
        "SELECT r.indicator_id, r.period_start, r.period_end, r.period_label, r.value, "
        f"r.reported, r.units, r.missing_weights FROM {n} r "
        "WHERE {ids} AND r.period_end <= %s "
        f"AND NOT EXISTS (SELECT 1 FROM {v} u WHERE u.indicator_id = r.indicator_id "
        "AND u.org_unit_id IS NULL AND u.period_end = r.period_end AND u.value IS NOT NULL "
        "AND u.state = %s) ORDER BY r.indicator_id, r.period_end, r.period_start"
    )


def national_rollups(ids: list[int], as_of: dt.date) -> list[tuple]:
    """``IndicatorNationalRollup`` rows of the periods ended by ``as_of`` without an approved
    national figure: (indicator, start, end, label, value, reported, units, missing)."""
    if not ids:
        return []
    where, params = _in("r.indicator_id", ids)
    sql = _national_rollup_sql(connection.vendor).replace("{ids}", where)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, as_of, ValueState.APPROVED.value])
        rows = cursor.fetchall()
    field = IndicatorNationalRollup._meta.get_field("value")
    column = field.get_col(IndicatorNationalRollup._meta.db_table)
    funcs = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
    if funcs:
        rows = [list(r) for r in rows]
        for r in rows:
            for func in funcs:
                r[4] = func(r[4], column, connection)
    return rows


# Provinces' series ends, overrides ------------------------------------------------------------


@functools.cache
def _ends_sql(vendor: str) -> str:
    e, u = _table(IndicatorSeriesEnds), _table(OrgUnit)
    return (
        "SELECT e.indicator_id, e.org_unit_id, o.name, e.first_id, e.first_on, e.first_value, "
        f"e.last_id, e.last_on, e.last_value FROM {e} e INNER JOIN {u} o ON o.id = e.org_unit_id "
        "WHERE e.unit_kind = %s AND {ids}"
    )


def series_ends(kind: str, ids: list[int]) -> list[tuple]:
    """``IndicatorSeriesEnds`` of units of ``kind``: (indicator, unit, unit's name, first id,
    first on, first value, last id, last on, last value); values as floats."""
    if not ids:
        return []
    where, params = _in("e.indicator_id", ids)
    sql = _ends_sql(connection.vendor).replace("{ids}", where)
    with connection.cursor() as cursor:
        cursor.execute(sql, [kind, *params])
        rows = cursor.fetchall()
    if connection.vendor == "postgresql":
        return rows
    # other backends: dates and decimals as the ORM converts them
    converted = []
    date = IndicatorSeriesEnds._meta.get_field("first_on")
    number = IndicatorSeriesEnds._meta.get_field("first_value")
    table = IndicatorSeriesEnds._meta.db_table

    def conv(field, value):
        column = field.get_col(table)
        for func in connection.ops.get_db_converters(column) + column.get_db_converters(connection):
            value = func(value, column, connection)
        return value

    for r in rows:
        converted.append(
            (r[0], r[1], r[2], r[3], conv(date, r[4]), conv(number, r[5]), r[6],
             conv(date, r[7]), conv(number, r[8]))
        )  # fmt: skip
    return converted


def overrides(ids: list[int], as_of: dt.date) -> list[StatusOverride]:
    """Status overrides set on or before ``as_of``, latest first per indicator."""
    if not ids:
        return []
    where, params = _in("s.indicator_id", ids)
    sql = (
        f"SELECT {select_list(StatusOverride, 's')} FROM {_table(StatusOverride)} s "
        f"WHERE {where} AND s.set_on <= %s ORDER BY s.indicator_id, s.set_on DESC, s.id DESC"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, as_of])
        return build(StatusOverride, cursor.fetchall())


def weight_changes(ids: list[int], on: dt.date) -> list[tuple[int, Decimal]]:
    """(indicator, weight) of the weight changes effective on or before ``on``, oldest first."""
    if not ids:
        return []
    where, params = _in("w.indicator_id", ids)
    sql = (
        f"SELECT w.indicator_id, w.weight FROM {_table(WeightChange)} w WHERE {where} "
        "AND w.effective_on <= %s ORDER BY w.effective_on, w.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, on])
        rows = cursor.fetchall()
    field = WeightChange._meta.get_field("weight")
    column = field.get_col(WeightChange._meta.db_table)
    funcs = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
    found = []
    for pk, weight in rows:
        for func in funcs:
            weight = func(weight, column, connection)
        found.append((pk, weight))
    return found


def structure(on: dt.date | None, *, built: bool = False) -> dict:
    """The aggregate over the units that values roll up through, for ``national.structure``:
    n, top, start, end, parents, successors, provinces existing ``on`` and, with ``built``,
    the fingerprint ``IndicatorRollupStructure`` was stamped with (one statement)."""
    from dondoc.indicators.models import IndicatorRollupStructure
    from dondoc.orgs.models import OrgKind

    valid = "kind = %s"
    params: list = [OrgKind.PROVINCE.value]
    if on is not None:
        valid += (
            " AND (valid_from IS NULL OR valid_from <= %s) AND (valid_to IS NULL OR valid_to >= %s)"
        )
        params += [on, on]
    stamp = (
        f", (SELECT s.fingerprint FROM {_table(IndicatorRollupStructure)} s ORDER BY s.id LIMIT 1)"
        if built
        else ", NULL"
    )
    sql = (
        "SELECT COUNT(id), MAX(id), MAX(valid_from), MAX(valid_to), SUM(parent_id), "
        f"SUM(successor_id), SUM(CASE WHEN {valid} THEN 1 ELSE 0 END){stamp} "
        f"FROM {_table(OrgUnit)} WHERE kind IN (%s, %s, %s)"
    )
    params += [OrgKind.PROVINCE.value, OrgKind.MINISTRY.value, OrgKind.COMMUNE.value]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        n, top, start, end, parents, successors, provinces, fingerprint = cursor.fetchone()
    start, end = (dt.date.fromisoformat(d) if isinstance(d, str) else d for d in (start, end))
    return {
        "n": n,
        "top": top,
        "start": start,
        "end": end,
        "parents": parents,
        "successors": successors,
        "provinces": provinces or 0,
        "built": fingerprint if built else None,
    }


def national_rows(ids: list[int], as_of: dt.date, known_on: dt.date | None) -> list[IndicatorValue]:
    """Every approved national row (no unit) of the indicators ended by ``as_of``, with its
    source directive, oldest first per indicator (one statement)."""
    from dondoc.tasks.models import Directive

    if not ids:
        return []
    approved, extra = _approved_sql("r", known_on)
    chosen, chosen_params = _in("r.indicator_id", ids)
    width = len(_columns(IndicatorValue))
    sql = (
        f"SELECT {select_list(IndicatorValue, 'r')}, {select_list(Directive, 'd')} "
        f"FROM {_table(IndicatorValue)} r LEFT JOIN {_table(Directive)} d "
        f"ON d.id = r.source_directive_id WHERE {chosen} AND r.org_unit_id IS NULL "
        f"AND r.period_end <= %s AND {approved} ORDER BY r.indicator_id, r.period_end, r.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*chosen_params, as_of, *extra])
        rows = cursor.fetchall()
    found = build(IndicatorValue, rows)
    directives = _shared(Directive, rows, width, width, {})
    cache = IndicatorValue.source_directive.field.set_cached_value
    for row, directive in zip(found, directives, strict=True):
        cache(row, directive)
    return found
