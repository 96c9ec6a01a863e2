"""Queries whose SQL depends only on their shape, compiled by the ORM once and run again.

Building and compiling a queryset costs Python milliseconds on every request, often more than
the database takes to answer it; for a query whose text depends only on a few things (the
number of ids in an ``IN`` list, say) and whose parameters are exactly the values given, the
text can be written once per shape and database and run again with new values. Nothing is
kept but SQL text and the compiler that converts its rows (dates on SQLite): every call runs
the statement, so the rows are always the database's current ones.

``rows(key, build, values)``: ``build(values)`` returns the queryset (``values_list``) whose
parameters must be exactly ``values`` in order, which is checked when it is compiled; a query
that also carries other parameters is not kept and runs through the ORM every time.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

_KEPT: OrderedDict[tuple, tuple[Any, str] | None] = OrderedDict()
_KEPT_MAX = 512
_LOCK = threading.Lock()


def _compile(queryset: QuerySet, values: Sequence) -> tuple[Any, str] | None:
    if queryset.db != DEFAULT_DB_ALIAS:
        return None
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    if list(params) != list(values):
        return None
    return compiler, sql


def rows(key: tuple, build: Callable[[Sequence], QuerySet], values: Sequence) -> list[tuple]:
    """The rows of ``build(values)`` as tuples, its SQL compiled once per ``key``, database
    and number of values."""
    values = list(values)
    if not values:  # an empty IN list: the ORM knows there is nothing to ask
        return [tuple(row) for row in build(values)]
    queryset = None
    connection = connections[DEFAULT_DB_ALIAS]
    full_key = (connection.vendor, *key, len(values))
    try:
        found = _KEPT[full_key]
    except KeyError:
        queryset = build(values)
        found = _compile(queryset, values)
        with _LOCK:
            _KEPT[full_key] = found
            if len(_KEPT) > _KEPT_MAX:
                _KEPT.popitem(last=False)
    if found is None:  # parameters other than the values: the ORM, every time
        return [tuple(row) for row in (queryset if queryset is not None else build(values))]
    compiler, sql = found
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        fetched = cursor.fetchall()
    return [tuple(row) for row in compiler.results_iter(results=[fetched])]
