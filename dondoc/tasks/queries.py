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
from collections.abc import Iterable
from typing import Literal

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
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
    soon = as_of + dt.timedelta(days=due_soon_days() if soon_days is None else soon_days)
    qs = queryset
    if "closure_kind_as_of" not in qs.query.annotations:
        qs = qs.annotate(
            closure_kind_as_of=_closure_field(as_of, "status_change", "closure_kind", CharField()),
            closure_on_as_of=_closure_field(as_of, "effective_on", "closure_on", DateField()),
        )
    if deadline == "effective":
        if "due_on_as_of" not in qs.query.annotations:
            qs = qs.annotate(
                due_on_as_of=effective_due_field(as_of),
                deadline_kind_as_of=effective_kind_field(as_of),
            )
        due, kind = "due_on_as_of", "deadline_kind_as_of"
    else:
        due, kind = "due_on", "deadline_kind"
    return qs.annotate(**{name: _status_case(as_of, soon, due, kind)})


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
    """Annotate ``status`` (``with_status``, unless already there for the same date) and
    ``late_against_original``: past the original deadline although within the one in force on
    ``as_of`` (``status.late_against_original``). Only tasks whose deadline changed by then
    evaluate the status against the original deadline (an uncorrelated IN, computed once per
    query)."""
    qs = queryset
    if "status" not in qs.query.annotations:
        qs = with_status(qs, as_of, soon_days)
    if "status_original" not in qs.query.annotations:
        soon = as_of + dt.timedelta(days=due_soon_days() if soon_days is None else soon_days)
        # Not selected: only the tasks whose deadline changed evaluate it.
        qs = qs.alias(status_original=_status_case(as_of, soon, "due_on", "deadline_kind"))
    late = [s.value for s in LATE_STATUSES]
    changed = DeadlineChange.objects.filter(effective_on__lte=as_of).values("task_id")
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
