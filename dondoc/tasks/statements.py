"""The task list's rows statement, written once per filter shape and run on every request.

Building the list's query through the ORM (the policy's narrowing, the filters, the status
span's join, the windows) and compiling it cost more Python than the database takes to answer
it. Its text depends only on the shape of the filters (which are given, how many ids or
statuses: ``filters.Values.shape``), on what the policy narrows the reader's tasks by
(``policy.task_visibility_key``), on the page's offset and size and on the columns asked. So
the ORM builds it once per such key from stand-in values, and where each stand-in landed
among the parameters is noted; a request puts its own values in those places. Only the SQL
text is kept: every request runs it and reads the database's rows as they are.

With ``DONDOC_VERIFY_KEPT_SQL`` (on in the test suite) every reuse is checked against what the
ORM writes for the request's own values, so a key that leaves out something the statement
depends on (the reader's narrowing, say) fails the tests that meet it.

A statement whose parameters hold a value derived from a stand-in (a date computed from the
"as of" date, say), which could not be put back, is not kept: that shape goes through the ORM.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
import threading
from collections import OrderedDict
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Count, IntegerField, Window
from django.db.models.expressions import RawSQL
from django.db.models.query import EmptyQuerySet

from dondoc.accounts.policy import task_visibility_key
from dondoc.core.prepared import verify_sql
from dondoc.tasks.filters import (
    ROW_FIELDS,
    Values,
    build_tasks,
    counted,
    merged_page,
    page_tasks,
    span_page,
)

_INT = 2_000_000_000  # stand-in ids from here up: no real row has one
_TEXT = "zqstandin"
_DAY_YEAR = 1000  # stand-in dates: 1 January of 1001, 1002...
_TEXT_DAY = re.compile(r"^1[01]\d\d-\d\d-\d\d")
_LIST_FIELDS = tuple(
    f.name for f in dataclasses.fields(Values) if f.name not in ("late_against_original", "sort")
)


#: The name of the page's ids in a paged statement (``_Paged``).
PAGE = "list_page"


@dataclasses.dataclass
class _Paged:
    """A list's rows read in two steps in one statement: ``page`` finds the ids of the page's
    rows in the list's order and the list's windows (``total_rows``, ``spanned_rows``) from
    the tasks' and spans' filter and sort columns alone; ``rows`` reads the page's columns for
    those ids only (``WITH list_page AS (page) rows``). Read in one step, every column of
    every matching task (its text among them) was kept for the windows and sorted before the
    page was cut: at 500,000 tasks, the 75,716 open tasks due by a date spilled 15 MB to
    disk for 50 rows."""

    page: Any
    rows: Any  # ``filters.page_tasks``: the filters are not evaluated again for 50 ids


def _compiled(q: Any) -> tuple[Any, str, list]:
    """The compiler that converts the rows of ``q`` (a queryset or ``_Paged``), its SQL and
    its parameters."""
    if isinstance(q, _Paged):
        page_sql, page_params = q.page.query.get_compiler(using=DEFAULT_DB_ALIAS).as_sql()
        compiler = q.rows.query.get_compiler(using=DEFAULT_DB_ALIAS)
        sql, params = compiler.as_sql()
        name = connections[DEFAULT_DB_ALIAS].ops.quote_name(PAGE)
        return compiler, f"WITH {name} AS ({page_sql}) {sql}", [*page_params, *params]
    compiler = q.query.get_compiler(using=DEFAULT_DB_ALIAS)
    sql, params = compiler.as_sql()
    return compiler, sql, list(params)


@dataclasses.dataclass
class Statement:
    compiler: Any
    sql: str
    places: list[tuple]  # per parameter: ("const", value) or (kind, field, index[, pattern])
    names: list[str]


_KEPT: OrderedDict[tuple, Statement | None] = OrderedDict()
_KEPT_MAX = 256
_LOCK = threading.Lock()


def _stand_ins(values: Values) -> tuple[Values, dict]:
    """``values`` with each value replaced by a distinct stand-in, and where each came from."""
    slots: dict[Any, tuple[str, int | None]] = {}
    counter = itertools.count(1)

    def stand(value: Any, name: str, index: int | None) -> Any:
        n = next(counter)
        if isinstance(value, dt.date):
            out: Any = dt.date(_DAY_YEAR + n, 1, 1)
        elif isinstance(value, str):
            out = f"{_TEXT}{n}z"
        else:
            out = _INT + n
        slots[out] = (name, index)
        return out

    changes = {}
    for name in _LIST_FIELDS:
        value = getattr(values, name)
        if isinstance(value, list):
            changes[name] = [stand(v, name, i) for i, v in enumerate(value)]
        elif value not in (None, ""):
            changes[name] = stand(value, name, None)
    return dataclasses.replace(values, **changes), slots


def _looks_like_stand_in(param: Any) -> bool:
    if isinstance(param, bool):
        return False
    if isinstance(param, int):
        return param >= _INT
    if isinstance(param, dt.date):
        return param.year < 1100
    if isinstance(param, str):
        return _TEXT in param or bool(_TEXT_DAY.match(param))
    return False


def _queryset(
    user: Any, values: Values, offset: int, limit: int, annotations: tuple, kind: str = "rows"
):
    """The queryset the ORM builds for ``values``, or None (nothing to ask, or not the default
    database): for ``kind`` "rows", the rows with the windows ``total_rows`` and
    ``spanned_rows`` (``filters.counted``); "walk", the rows alone with their ``span_task_id``, a
    plain ``LIMIT`` that an ordered walk can stop early; "status walk", the same for the one
    status asked, read in order from its spans (``filters.build_tasks(..., by_status=True)``);
    "count", the number of tasks (one row
    ``total_rows``, none when no task matches), without the status spans' join (for filters
    that do not ask for a status: ``filters.counted_alone``; a range of deadlines is tested
    on a span covering the date)."""
    if kind == "count":
        qs = build_tasks(user, values, source="none")
        if isinstance(qs, EmptyQuerySet) or qs.db != DEFAULT_DB_ALIAS:
            return None
        # Grouped by the program every listed task has: one row, or none for no task.
        return (
            qs.order_by().values("program_id").annotate(total_rows=Count("pk")).values("total_rows")
        )
    qs = build_tasks(
        user, values, source="spans", by_status=kind == "status walk", walk=kind == "walk"
    )
    if isinstance(qs, EmptyQuerySet) or qs.db != DEFAULT_DB_ALIAS:
        return None
    names = (*ROW_FIELDS, "status", "due_on_as_of", "late_against_original", *annotations)
    if kind == "status walk":  # the page's tasks found from the spans alone, then read
        page = span_page(values, offset, limit)
        return qs.filter(pk__in=page).values(*names, "span_task_id")
    if kind == "merged":
        return qs.filter(pk__in=merged_page(values, offset, limit)).values(*names, "span_task_id")
    if kind == "walk":
        return qs.values(*names, "span_task_id")[offset : offset + limit]
    windows = {"total_rows": Window(Count("pk")), "spanned_rows": Window(Count("span_task_id"))}
    page = counted(qs.annotate(**windows).values("pk", *windows))[offset : offset + limit]
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    name = quote(PAGE)

    def window(column: str) -> RawSQL:  # the same on every row of the page
        return RawSQL(f"SELECT MAX({quote(column)}) FROM {name}", (), IntegerField())

    ids = RawSQL(f"SELECT {quote('pk')} FROM {name}", ())
    rows = page_tasks(values, ids).annotate(**{column: window(column) for column in windows})
    return _Paged(page, rows.values(*names, *windows))


def _write(
    user: Any, values: Values, offset: int, limit: int, annotations: tuple, kind: str
) -> Statement | None:
    connection = connections[DEFAULT_DB_ALIAS]
    stand, slots = _stand_ins(values)
    rows = _queryset(user, stand, offset, limit, annotations, kind)
    if rows is None:
        return None
    compiler, sql, params = _compiled(rows)
    adapted = {}  # a date as the database adapter writes it (text on SQLite)
    for value, slot in slots.items():
        if isinstance(value, dt.date):
            adapted[connection.ops.adapt_datefield_value(value)] = slot
    texts = {value: slot for value, slot in slots.items() if isinstance(value, str)}
    places: list[tuple] = []
    for param in params:
        try:
            if param in slots:
                places.append(("value", *slots[param]))
                continue
            if param in adapted:
                places.append(("date", *adapted[param]))
                continue
        except TypeError:  # not hashable: no stand-in
            pass
        if isinstance(param, str):
            inside = [text for text in texts if text in param]
            if len(inside) == 1 and param.count(inside[0]) == 1 and param != inside[0]:
                places.append(("like", *texts[inside[0]], param.replace(inside[0], "\0")))
                continue
        if _looks_like_stand_in(param):
            return None
        places.append(("const", param))
    query = compiler.query
    if query.selected:  # the columns in the order written (``values()``'s, annotations too)
        row_names = list(query.selected)
    else:
        row_names = [*query.extra_select, *query.values_select, *query.annotation_select]
    return Statement(compiler, sql, places, row_names)


def _param(place: tuple, values: Values, connection) -> Any:
    kind = place[0]
    if kind == "const":
        return place[1]
    _kind, name, index = place[:3]
    value = getattr(values, name)
    if index is not None:
        value = value[index]
    if kind == "date":
        return connection.ops.adapt_datefield_value(value)
    if kind == "like":
        return place[3].replace("\0", connection.ops.prep_for_like_query(value))
    return value


def rows(
    user: Any, values: Values, offset: int, limit: int, annotations: tuple = ()
) -> list[dict] | None:
    """Rows ``offset`` to ``offset + limit`` of the tasks ``user`` may see filtered by
    ``values`` (``filters.build_tasks(..., source="spans")``) as dicts of the row fields,
    ``status``, ``due_on_as_of``, ``late_against_original``, the ``annotations`` and the
    windows ``total_rows`` and ``spanned_rows``; None when the shape has no kept statement."""
    return _run(user, values, offset, limit, tuple(annotations), "rows")


def walk(
    user: Any,
    values: Values,
    offset: int,
    limit: int,
    annotations: tuple = (),
    *,
    by_status: bool = False,
) -> list[dict] | None:
    """``rows`` without the windows, each row with its ``span_task_id`` (None for a task without a
    span on the date, in assignment order; in deadline order the walk goes along the spans
    and passes such a task): a plain ``ORDER BY … LIMIT`` that PostgreSQL can answer by
    walking the tasks in the page's order (an index) and stopping at the page's last row, for
    a list whose number is known otherwise (``filters.filtered_rows``). ``by_status``: the tasks of
    the one status ``values`` asks for, walked along their status spans' index in the page's
    order (``filters.build_tasks``)."""
    kind = "status walk" if by_status else "walk"
    return _run(user, values, offset, limit, tuple(annotations), kind)


def count(user: Any, values: Values) -> int | None:
    """The number of tasks ``user`` may see filtered by ``values``, which ask for no status
    (the tasks' filters alone: no status is read); None when the shape has no kept
    statement."""
    found = _run(user, values, 0, 0, (), "count")
    if found is None:
        return None
    return found[0]["total_rows"] if found else 0


def merged(
    user: Any,
    values: Values,
    offset: int,
    limit: int,
    annotations: tuple = (),
    statuses: list[str] | tuple = (),
) -> list[dict] | None:
    """Rows ``offset`` to ``offset + limit`` of a list of several ``statuses`` (those of
    ``values`` that have tasks) sorted by deadline, assignment date or lead agency, as
    ``walk``: the page's
    tasks found by merging the first ``offset + limit`` of each status read along its spans
    (``filters.merged_page``), then read. None when the shape has no kept statement."""
    if not statuses:
        return []
    some = dataclasses.replace(values, statuses=sorted(statuses))
    return _run(user, some, offset, limit, tuple(annotations), "merged")


def _statement(
    user: Any, values: Values, offset: int, limit: int, annotations: tuple, kind: str
) -> tuple[Statement, list] | None:
    """The kept statement for the request and its parameters (None when the shape has none)."""
    connection = connections[DEFAULT_DB_ALIAS]
    key = (
        connection.vendor,
        kind,
        task_visibility_key(user),
        values.shape(),
        offset,
        limit,
        annotations,
    )
    try:
        statement = _KEPT[key]
    except KeyError:
        statement = _write(user, values, offset, limit, annotations, kind)
        with _LOCK:
            _KEPT[key] = statement
            if len(_KEPT) > _KEPT_MAX:
                _KEPT.popitem(last=False)
    if statement is None:
        return None
    params = [_param(place, values, connection) for place in statement.places]
    if settings.DONDOC_VERIFY_KEPT_SQL:
        fresh = _queryset(user, values, offset, limit, annotations, kind)
        if fresh is None:
            raise AssertionError(f"A kept statement ran where the ORM asks nothing: {key!r}")
        _compiler, fresh_sql, fresh_params = _compiled(fresh)
        verify_sql(fresh_sql, fresh_params, statement.sql, params, key)
    return statement, params


def _fetch(connection, statement: Statement, sql: str, params: list) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    names = statement.names
    converted = statement.compiler.results_iter(results=[fetched])
    return [dict(zip(names, row, strict=True)) for row in converted]


def _run(
    user: Any, values: Values, offset: int, limit: int, annotations: tuple, kind: str
) -> list[dict] | None:
    found = _statement(user, values, offset, limit, annotations, kind)
    if found is None:
        return None
    statement, params = found
    return _fetch(connections[DEFAULT_DB_ALIAS], statement, statement.sql, params)
