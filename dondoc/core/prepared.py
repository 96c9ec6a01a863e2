"""Queries whose SQL depends only on their shape, compiled by the ORM once and run again.

Building and compiling a queryset costs Python milliseconds on every request, often more than
the database takes to answer it. For a query whose text depends only on the number of ids it
is given (an ``IN`` list), the ORM writes it once per number and database from stand-in ids,
and each stand-in's place among the parameters is noted; a call puts its own ids in those
places. Nothing is kept but the SQL text and the compiler that converts its rows (dates on
SQLite): every call runs the statement, so the rows are always the database's current ones.

``rows(key, build, ids)``: ``build(ids)`` returns the queryset (``values_list``), built from
``ids`` and nothing else that varies; its other parameters are kept as written. The ids may
also go in as one array parameter (``AnyOf``: ``= ANY(%s)`` on PostgreSQL). A query in
which a stand-in does not come out as a parameter of its own is not kept and runs through the
ORM every time. With ``DONDOC_VERIFY_KEPT_SQL`` (on in the test suite) every reuse is checked
against what the ORM writes for the call's own ids (:func:`verify_kept`).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Lookup, QuerySet

#: Stand-in ids from here up: no row has one.
STAND_IN = 2_000_000_000

_KEPT: OrderedDict[tuple, tuple[Any, str, list] | None] = OrderedDict()
_KEPT_MAX = 512
_LOCK = threading.Lock()


class AnyOf(Lookup):
    """``AnyOf(F("task_id"), ids)``: the column is one of ``ids``, written ``= ANY(%s)`` with
    the ids as one array parameter on PostgreSQL (a statement of the same text and one
    parameter whatever their number, where ``IN (%s, %s, ...)`` passes one parameter per id),
    and as an ``IN`` list elsewhere."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids = list(self.rhs)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, ids]
        return f"{lhs} IN ({', '.join(['%s'] * len(ids))})", [*lhs_params, *ids]


def _compile(queryset: QuerySet, count: int) -> tuple[Any, str, list, Any] | None:
    if queryset.db != DEFAULT_DB_ALIAS:
        return None
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    # Per parameter: the index of an id, [the indexes of the ids of an array], or (a constant,).
    places: list = []
    seen: set[int] = set()
    for param in params:
        if isinstance(param, int) and not isinstance(param, bool) and param >= STAND_IN:
            index = param - STAND_IN
            if index >= count:
                return None
            places.append(index)
            seen.add(index)
        elif isinstance(param, list) and param and all(_stands_in(p) for p in param):
            indexes = [p - STAND_IN for p in param]  # the ids as one array parameter
            if max(indexes) >= count:
                return None
            places.append(indexes)
            seen.update(indexes)
        else:
            places.append((param,))
    if seen != set(range(count)):
        return None  # an id went into the SQL otherwise than as a parameter
    # What ``results_iter`` works out again on every call (a look-up per selected column, most
    # of which convert nothing): once, with the statement.
    fields = [column[0] for column in compiler.select[: compiler.col_count]]
    converters = None if compiler.has_composite_fields(fields) else compiler.get_converters(fields)
    return compiler, sql, places, converters


def _converted(found: tuple, fetched: list):
    """The rows ``fetched`` by the kept statement ``found`` as ``results_iter`` gives them."""
    compiler, _sql, _places, converters = found
    if converters is None:
        return compiler.results_iter(results=[fetched])
    return compiler.apply_converters(fetched, converters) if converters else fetched


def _stands_in(param: Any) -> bool:
    return isinstance(param, int) and not isinstance(param, bool) and param >= STAND_IN


def _statement(
    key: tuple, build: Callable[[Sequence[int]], QuerySet], ids: list[int], constant: bool = False
):
    connection = connections[DEFAULT_DB_ALIAS]
    full_key = (connection.vendor, *key, len(ids))
    try:
        return _KEPT[full_key]
    except KeyError:
        found = None
        # An empty IN list: the ORM knows there is nothing to ask. A ``constant`` query takes
        # no ids at all: its text never varies.
        if ids or constant:
            found = _compile(build([STAND_IN + i for i in range(len(ids))]), len(ids))
        with _LOCK:
            _KEPT[full_key] = found
            if len(_KEPT) > _KEPT_MAX:
                _KEPT.popitem(last=False)
        return found


_PLACE_OR_IN_LIST = re.compile(r"IN \((?:%s, )*%s\)|%s")


def _in_lists_sorted(sql: str, params: list) -> list:
    """``params`` with the values of each ``IN (...)`` list of ``sql`` in a fixed order: the
    ORM writes a set of ids in the set's order, which says nothing of the query."""
    out, index = list(params), 0
    for place in _PLACE_OR_IN_LIST.finditer(sql):
        count = place[0].count("%s")
        if count > 1:
            out[index : index + count] = sorted(out[index : index + count], key=repr)
        index += count
    return out


def verify_kept(queryset: QuerySet | None, sql: str, params: list, key: tuple) -> None:
    """Raise when a kept statement filled with a call's values is not what the ORM writes for
    them (the order of an ``IN`` list aside): its key left out something the statement
    depends on."""
    if queryset is None:
        raise AssertionError(f"A kept statement ran where the ORM asks nothing: {key!r}")
    fresh_sql, fresh_params = queryset.query.get_compiler(using=queryset.db).as_sql()
    verify_sql(fresh_sql, fresh_params, sql, params, key)


def verify_sql(fresh_sql: str, fresh_params: Any, sql: str, params: list, key: tuple) -> None:
    """``verify_kept`` for a statement the ORM wrote as ``fresh_sql`` and ``fresh_params``."""
    if fresh_sql != sql or _in_lists_sorted(sql, list(params)) != _in_lists_sorted(
        fresh_sql, list(fresh_params)
    ):
        raise AssertionError(
            f"A kept statement differs from the ORM's for {key!r}:\n"
            f"{sql} {params!r}\n{fresh_sql} {list(fresh_params)!r}"
        )


def _run(found: tuple, ids: list[int], build=None, key: tuple = ()) -> list:
    _compiler, sql, places, _converters = found
    params = [
        ids[p] if isinstance(p, int) else [ids[i] for i in p] if isinstance(p, list) else p[0]
        for p in places
    ]
    if build is not None and settings.DONDOC_VERIFY_KEPT_SQL:
        verify_kept(build(ids), sql, params, key)
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def instances(
    key: tuple,
    build: Callable[[Sequence[int]], QuerySet],
    ids: Sequence[int],
    *,
    constant: bool = False,
) -> list:
    """The model objects of ``build(ids)`` (with what it selects related and annotates), its
    SQL compiled once per ``key``, database and number of ids: what the ORM's ``ModelIterable``
    makes of the rows, from the kept compiler's description of its columns. ``constant``: a
    query that takes no ids (``ids`` empty), compiled once all the same."""
    from django.db.models.query import get_related_populators

    ids = [int(i) for i in ids]
    found = _statement(key, build, ids, constant)
    if found is None:
        return list(build(ids))
    compiler = found[0]
    fetched = _run(found, ids, build, key)
    select, klass_info = compiler.select, compiler.klass_info
    annotations = compiler.annotation_col_map
    model = klass_info["model"]
    fields = klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    names = [column[0].target.attname for column in select[start:end]]
    populators = get_related_populators(klass_info, select, DEFAULT_DB_ALIAS)
    out = []
    for row in _converted(found, fetched):
        obj = model.from_db(DEFAULT_DB_ALIAS, names, row[start:end])
        for populator in populators:
            populator.populate(row, obj)
        for name, position in annotations.items():
            setattr(obj, name, row[position])
        out.append(obj)
    return out


def rows(key: tuple, build: Callable[[Sequence[int]], QuerySet], ids: Sequence[int]) -> list[tuple]:
    """The rows of ``build(ids)`` as tuples, its SQL compiled once per ``key``, database and
    number of ids."""
    ids = [int(i) for i in ids]
    found = _statement(key, build, ids)
    if found is None:  # the ORM, every time
        return [tuple(row) for row in build(ids)]
    fetched = _run(found, ids, build, key)
    return [tuple(row) for row in _converted(found, fetched)]


def _plain_converters(compiler: Any) -> list[tuple[int, list]]:
    """The converters of ``compiler``'s columns that change what the driver gives: not the
    ``int()`` an integer expression's value goes through (the drivers give integers for
    integer columns already), but the dates from text on SQLite, say. Worked out once per
    kept compiler."""
    plain = getattr(compiler, "dondoc_plain_converters", None)
    if plain is None:
        columns = [column[0] for column in compiler.select[0 : compiler.col_count]]
        plain = []
        for index, (converters, expression) in compiler.get_converters(columns).items():
            integer = expression.output_field.get_internal_type() in (
                "IntegerField",
                "BigIntegerField",
                "SmallIntegerField",
                "PositiveIntegerField",
                "PositiveBigIntegerField",
                "PositiveSmallIntegerField",
            )
            kept = [
                c
                for c in converters
                if not (integer and getattr(expression, "convert_value", None) is c)
            ]
            if kept:
                plain.append((index, [(c, expression) for c in kept]))
        compiler.dondoc_plain_converters = plain
    return plain


def plain_rows(
    key: tuple, build: Callable[[Sequence[int]], QuerySet], ids: Sequence[int]
) -> list[tuple]:
    """``rows`` for a statement whose integer columns hold integers (counts, positions, ids,
    constants): the rows as the driver gives them, converted only where the driver's value is
    not the column's (``_plain_converters``); a page reads hundreds of such rows."""
    ids = [int(i) for i in ids]
    found = _statement(key, build, ids)
    if found is None:  # the ORM, every time
        return [tuple(row) for row in build(ids)]
    fetched = _run(found, ids, build, key)
    converters = _plain_converters(found[0])
    if not converters:
        return fetched
    connection = connections[DEFAULT_DB_ALIAS]
    out = []
    for row in fetched:
        row = list(row)
        for index, steps in converters:
            value = row[index]
            for converter, expression in steps:
                value = converter(value, expression, connection)
            row[index] = value
        out.append(tuple(row))
    return out
