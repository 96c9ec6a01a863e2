"""Task status as of a date, in SQL.

``with_status`` annotates a Task queryset with the same status that
``dondoc.tasks.status.status_as_of`` computes in Python, so lists, counts and exports filter and
aggregate in the database. The closure (completion or cancellation) in force on the date comes
from the timeline: only updates *recorded* on or before the date count. Tasks whose status never
changed, or whose last change is before the date, use the cached columns and skip the timeline.

A task keeps ``due_on`` and ``deadline_kind`` as its original deadline. Each later deadline
(an extension granted, a deadline changed or restated) is a ``DeadlineChange`` in force from
its ``effective_on``: on a date, the latest one in force by then is the *effective* deadline
(``status.deadline_as_of`` in Python). ``with_status`` judges against the effective deadline by
default and against the original one with ``deadline="original"``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import OrderedDict
from collections.abc import Iterable
from typing import Literal

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    Expression,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from dondoc.tasks.models import DeadlineChange, ProgressUpdate, Task
from dondoc.tasks.status import LATE_STATUSES, Status


def due_soon_days() -> int:
    return settings.DONDOC_DUE_SOON_DAYS


def tasks_as_of(as_of: dt.date, queryset: QuerySet | None = None) -> QuerySet:
    """Tasks that existed (were assigned) on ``as_of``, merged duplicates left out."""
    qs = Task.objects.all() if queryset is None else queryset
    return qs.filter(merged_into__isnull=True, assigned_on__lte=as_of)


def _closure_field(as_of: dt.date, source: str, cached: str, output) -> Case:
    timeline = (
        ProgressUpdate.objects.published()
        .filter(task=OuterRef("pk"), recorded_on__lte=as_of)
        .exclude(status_change="")
        .order_by("-recorded_on", "-id")
        .values(source)[:1]
    )
    return Case(
        When(status_events_from__isnull=True, then=Value(None, output_field=output)),
        When(status_events_from__gt=as_of, then=Value(None, output_field=output)),
        When(status_events_to__lte=as_of, then=F(cached)),
        default=Subquery(timeline, output_field=output),
        output_field=output,
    )


def _effective_field(as_of: dt.date, column: str, original: str, output) -> Case:
    """``column`` of the latest deadline change in force on ``as_of``, else ``original``."""
    in_force = DeadlineChange.objects.filter(effective_on__lte=as_of)
    latest = (
        in_force.filter(task=OuterRef("pk")).order_by("-effective_on", "-id").values(column)[:1]
    )
    # The status expression refers to this value several times; the uncorrelated IN is computed
    # once per query (a hashed set), so only tasks whose deadline changed pay for the lookup.
    # A change to a deadline without a date keeps its NULL due date.
    return Case(
        When(pk__in=in_force.values("task_id"), then=Subquery(latest, output_field=output)),
        default=F(original),
        output_field=output,
    )


def effective_due_field(as_of: dt.date) -> Case:
    """The due date in force on ``as_of``: the latest deadline change by then, else ``due_on``."""
    return _effective_field(as_of, "due_on", "due_on", DateField())


def effective_kind_field(as_of: dt.date) -> Case:
    """The deadline kind in force on ``as_of`` (a change may make a dated task continuous)."""
    return _effective_field(as_of, "deadline_kind", "deadline_kind", CharField())


def _status_pieces(as_of: dt.date, soon: dt.date) -> QuerySet:
    """Every piece of the status SQL, annotated on ``Task`` the way the ORM spells it: the
    closure and deadline in force on ``as_of``, the status against each deadline and
    ``late_against_original``. ``with_status`` and its siblings compile these once per
    (database, date, "due soon" date) and reuse the SQL (``_Compiled``)."""
    qs = Task.objects.annotate(
        closure_kind_as_of=_closure_field(as_of, "status_change", "closure_kind", CharField()),
        closure_on_as_of=_closure_field(as_of, "effective_on", "closure_on", DateField()),
        due_on_as_of=effective_due_field(as_of),
        deadline_kind_as_of=effective_kind_field(as_of),
    )
    qs = qs.annotate(
        status=_status_case(as_of, soon, "due_on_as_of", "deadline_kind_as_of"),
        status_original=_status_case(as_of, soon, "due_on", "deadline_kind"),
    )
    late = [s.value for s in LATE_STATUSES]
    changed = DeadlineChange.objects.filter(effective_on__lte=as_of).values("task_id")
    # Only tasks whose deadline changed by then evaluate the status against the original
    # deadline (an uncorrelated IN, computed once per query).
    return qs.annotate(
        late_against_original=Case(
            When(~Q(pk__in=changed), then=Value(False)),
            When(
                Q(status_original__in=late) & ~Q(status__in=[*late, Status.CANCELLED.value]),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


_OUTPUT_FIELDS = {
    "closure_kind_as_of": CharField,
    "closure_on_as_of": DateField,
    "due_on_as_of": DateField,
    "deadline_kind_as_of": CharField,
    "status": CharField,
    "status_original": CharField,
    "late_against_original": BooleanField,
}
_COMPILED: OrderedDict[tuple, tuple[list[str], tuple]] = OrderedDict()
_COMPILED_MAX = 256
#: Aliases of the subqueries inside a piece, renamed so that they cannot meet the alias of the
#: task table in the query the piece is placed in (which may itself be a subquery's "U0").
_INNER_ALIAS = re.compile(r"(?<![\w\"])U(\d+)(?![\w\"])")


def _compile_piece(connection, name: str, as_of: dt.date, soon: dt.date):
    """The SQL of piece ``name`` split where the task table's alias goes, and its params."""
    key = (connection.alias, connection.vendor, name, as_of, soon)
    found = _COMPILED.get(key)
    if found is not None:
        return found
    query = _status_pieces(as_of, soon).query
    sql, params = query.get_compiler(connection=connection).compile(query.annotations[name])
    sql = _INNER_ALIAS.sub(r"ds_u\1", sql)
    table = connection.ops.quote_name(Task._meta.db_table)
    parts = sql.split(table + ".")
    if sql.count(table) != len(parts) - 1:  # the table named other than as a column's owner
        raise AssertionError(f"Unexpected SQL for {name}: {sql}")
    found = _COMPILED[key] = (parts, tuple(params))
    if len(_COMPILED) > _COMPILED_MAX:
        _COMPILED.popitem(last=False)
    return found


class _Compiled(Expression):
    """A piece of the status SQL (``_status_pieces``), compiled once and reused.

    Building and compiling the status CASE, with its correlated subqueries spelled out again
    wherever a value is used, costs milliseconds of Python on every query; the SQL only
    depends on the database, the date and the "due soon" date. Only the alias of the task
    table changes from one query to the next: it is read from the task's primary key column,
    resolved in the query like any expression (and relabelled with it inside a subquery).
    The SQL is the same text the ORM writes for the pieces (``_status_pieces``).
    """

    def __init__(self, name: str, as_of: dt.date, soon: dt.date) -> None:
        super().__init__(output_field=_OUTPUT_FIELDS[name]())
        self.name, self.as_of, self.soon = name, as_of, soon
        self.pk = F("pk")

    def get_source_expressions(self) -> list:
        return [self.pk]

    def set_source_expressions(self, exprs: list) -> None:
        (self.pk,) = exprs

    def as_sql(self, compiler, connection):
        pk_sql, _ = compiler.compile(self.pk)
        alias = pk_sql.rsplit(".", 1)[0]
        parts, params = _compile_piece(connection, self.name, self.as_of, self.soon)
        return "(" + f"{alias}.".join(parts) + ")", list(params)

    @property
    def identity(self) -> tuple:
        return (type(self), self.name, self.as_of, self.soon, self.pk)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Compiled) and self.identity == other.identity

    def __hash__(self) -> int:
        return hash((self.name, self.as_of, self.soon))


def _soon(as_of: dt.date, soon_days: int | None) -> dt.date:
    return as_of + dt.timedelta(days=due_soon_days() if soon_days is None else soon_days)


def with_status(
    queryset: QuerySet,
    as_of: dt.date,
    soon_days: int | None = None,
    name: str = "status",
    deadline: Literal["effective", "original"] = "effective",
) -> QuerySet:
    """Annotate ``name`` (a ``Status`` value) as of ``as_of``.

    ``deadline="effective"`` (the default) judges against the deadline in force on ``as_of``
    (deadline changes in force by then count) and also annotates it as ``due_on_as_of`` and
    ``deadline_kind_as_of``;
    ``"original"`` judges against ``due_on`` as first assigned.
    """
    if deadline not in ("effective", "original"):
        raise ValueError(f"deadline must be 'effective' or 'original', not {deadline!r}")
    soon = _soon(as_of, soon_days)
    qs = queryset
    if "closure_kind_as_of" not in qs.query.annotations:
        qs = qs.annotate(
            closure_kind_as_of=_Compiled("closure_kind_as_of", as_of, soon),
            closure_on_as_of=_Compiled("closure_on_as_of", as_of, soon),
        )
    if deadline == "effective":
        if "due_on_as_of" not in qs.query.annotations:
            qs = qs.annotate(
                due_on_as_of=_Compiled("due_on_as_of", as_of, soon),
                deadline_kind_as_of=_Compiled("deadline_kind_as_of", as_of, soon),
            )
        piece = "status"
    else:
        piece = "status_original"
    return qs.annotate(**{name: _Compiled(piece, as_of, soon)})


def _status_case(as_of: dt.date, soon: dt.date, due: str, kind: str) -> Case:
    """The status against the deadline in the fields ``due`` and ``kind``, from the closure
    annotations of ``with_status``."""
    return Case(
        When(closure_kind_as_of="cancelled", then=Value(Status.CANCELLED.value)),
        When(
            Q(closure_kind_as_of="completed")
            & (Q(**{f"{due}__isnull": True}) | Q(closure_on_as_of__lte=F(due))),
            then=Value(Status.COMPLETED_ON_TIME.value),
        ),
        When(closure_kind_as_of="completed", then=Value(Status.COMPLETED_LATE.value)),
        When(
            **{f"{kind}__in": ["continuous", "recurring"]},
            then=Value(Status.REGULAR.value),
        ),
        When(
            Q(**{f"{due}__isnull": True}) | Q(**{f"{kind}__in": ["none", "unrecognised"]}),
            then=Value(Status.NO_DEADLINE.value),
        ),
        When(**{f"{due}__lt": as_of}, then=Value(Status.OVERDUE.value)),
        When(**{f"{due}__lte": soon}, then=Value(Status.DUE_SOON.value)),
        default=Value(Status.IN_PROGRESS.value),
        output_field=CharField(),
    )


def with_both_statuses(
    queryset: QuerySet, as_of: dt.date, soon_days: int | None = None
) -> QuerySet:
    """Annotate ``status`` (against the deadline in force on ``as_of``) and ``status_original``
    (against the original deadline): what ``status_counts`` groups by."""
    qs = with_status(queryset, as_of, soon_days)
    return with_status(qs, as_of, soon_days, name="status_original", deadline="original")


def with_late_against_original(
    queryset: QuerySet, as_of: dt.date, soon_days: int | None = None
) -> QuerySet:
    """Annotate ``status`` (``with_status``, unless already there) and
    ``late_against_original``: past the original deadline although within the one in force on
    ``as_of`` (``status.late_against_original``). Only tasks whose deadline changed by then
    evaluate the status against the original deadline (an uncorrelated IN, computed once per
    query)."""
    qs = queryset
    if "status" not in qs.query.annotations:
        qs = with_status(qs, as_of, soon_days)
    return qs.annotate(
        late_against_original=_Compiled("late_against_original", as_of, _soon(as_of, soon_days))
    )


def status_counts(queryset: QuerySet, as_of: dt.date, soon_days: int | None = None) -> dict:
    """Counts the way the report writes them: assigned, completed, in progress, overdue...

    ``queryset`` must already be limited with ``tasks_as_of``. One query. ``overdue`` counts
    against the deadline in force on ``as_of`` (extensions included); ``overdue_original``
    against the original deadline, so a report can say both.
    """
    qs = with_both_statuses(queryset, as_of, soon_days)
    # Grouping evaluates each status once per task; one FILTER per status would repeat it.
    rows = qs.values_list("status", "status_original").annotate(n=Count("pk")).order_by()
    return counts_from_groups(rows)


def counts_from_groups(groups: Iterable[tuple[str, str | None, int]]) -> dict:
    """``status_counts``' figures from (status, status against the original deadline, number of
    tasks) groups, so that a query which groups differently can give the same figures."""
    row = {s.value: 0 for s in Status} | {"total": 0, "overdue_original": 0}
    for status, status_original, n in groups:
        row[status] += n
        row["total"] += n
        if status_original == Status.OVERDUE.value:
            row["overdue_original"] += n
    counts = {s: row[s.value] for s in Status}
    completed = counts[Status.COMPLETED_ON_TIME] + counts[Status.COMPLETED_LATE]
    cancelled = counts[Status.CANCELLED]
    return {
        "assigned": row["total"] - cancelled,
        "completed": completed,
        "in_progress": row["total"] - completed - cancelled,
        "overdue": counts[Status.OVERDUE],
        "overdue_original": row["overdue_original"],
        "cancelled": cancelled,
        "by_status": counts,
    }
