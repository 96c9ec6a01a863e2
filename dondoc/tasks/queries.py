"""Task status as of a date, in SQL.

``with_status`` annotates a Task queryset with the same status that
``dondoc.tasks.status.status_as_of`` computes in Python, so lists, counts and exports filter and
aggregate in the database. The closure (completion or cancellation) in force on the date comes
from the timeline: only updates *recorded* on or before the date count. Tasks whose status never
changed, or whose last change is before the date, use the cached columns and skip the timeline.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import (
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

from dondoc.tasks.models import ProgressUpdate, Task
from dondoc.tasks.status import Status


def due_soon_days() -> int:
    return settings.DONDOC_DUE_SOON_DAYS


def tasks_as_of(as_of: dt.date, queryset: QuerySet | None = None) -> QuerySet:
    """Tasks that existed (were assigned) on ``as_of``, merged duplicates left out."""
    qs = Task.objects.all() if queryset is None else queryset
    return qs.filter(merged_into__isnull=True, assigned_on__lte=as_of)


def _closure_field(as_of: dt.date, source: str, cached: str, output) -> Case:
    timeline = (
        ProgressUpdate.objects.filter(task=OuterRef("pk"), recorded_on__lte=as_of)
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


def with_status(
    queryset: QuerySet, as_of: dt.date, soon_days: int | None = None, name: str = "status"
) -> QuerySet:
    """Annotate ``status`` (a ``Status`` value) as of ``as_of``."""
    soon = as_of + dt.timedelta(days=due_soon_days() if soon_days is None else soon_days)
    qs = queryset.annotate(
        closure_kind_as_of=_closure_field(as_of, "status_change", "closure_kind", CharField()),
        closure_on_as_of=_closure_field(as_of, "effective_on", "closure_on", DateField()),
    )
    return qs.annotate(
        **{
            name: Case(
                When(closure_kind_as_of="cancelled", then=Value(Status.CANCELLED.value)),
                When(
                    Q(closure_kind_as_of="completed")
                    & (Q(due_on__isnull=True) | Q(closure_on_as_of__lte=F("due_on"))),
                    then=Value(Status.COMPLETED_ON_TIME.value),
                ),
                When(closure_kind_as_of="completed", then=Value(Status.COMPLETED_LATE.value)),
                When(
                    deadline_kind__in=["continuous", "recurring"],
                    then=Value(Status.REGULAR.value),
                ),
                When(
                    Q(due_on__isnull=True) | Q(deadline_kind__in=["none", "unrecognised"]),
                    then=Value(Status.NO_DEADLINE.value),
                ),
                When(due_on__lt=as_of, then=Value(Status.OVERDUE.value)),
                When(due_on__lte=soon, then=Value(Status.DUE_SOON.value)),
                default=Value(Status.IN_PROGRESS.value),
                output_field=CharField(),
            )
        }
    )


def status_counts(queryset: QuerySet, as_of: dt.date, soon_days: int | None = None) -> dict:
    """Counts the way the report writes them: assigned, completed, in progress, overdue...

    ``queryset`` must already be limited with ``tasks_as_of``. One query.
    """
    qs = with_status(queryset, as_of, soon_days)
    agg = {s.value: Count("pk", filter=Q(status=s.value)) for s in Status}
    row = qs.aggregate(total=Count("pk"), **agg)
    counts = {s: row[s.value] for s in Status}
    completed = counts[Status.COMPLETED_ON_TIME] + counts[Status.COMPLETED_LATE]
    cancelled = counts[Status.CANCELLED]
    return {
        "assigned": row["total"] - cancelled,
        "completed": completed,
        "in_progress": row["total"] - completed - cancelled,
        "overdue": counts[Status.OVERDUE],
        "cancelled": cancelled,
        "by_status": counts,
    }
