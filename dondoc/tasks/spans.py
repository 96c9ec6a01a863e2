"""Status spans (khoảng trạng thái): each task's status on every date, kept in the database.

A task's status on a date depends only on its timeline and that date: the closure in force
(updates *recorded* by then, ``status.closure_as_of``), the deadline in force
(``status.deadline_as_of``) and how far the date is from it. Between two of the dates where one
of these can change — an update recorded, a deadline change taking effect, the first day a
deadline is "due soon", the day after it (overdue) — the status is constant. ``TaskStatusSpan``
rows record these pieces: on any date D with ``valid_from <= D < valid_to`` the task's status
is ``status`` (against the deadline in force), ``status_original`` (against the deadline as
first assigned), with ``due_on`` the deadline in force. Each task's spans cover every date,
from ``FIRST_DAY`` to ``LAST_DAY`` (exclusive), exactly once; that the task existed (was
assigned, not merged) on D is the task's business, not the span's.

``refresh(task_ids)`` recomputes the spans of the tasks from their timeline in the caller's
transaction; every service that changes a timeline, a deadline or a task's first deadline
calls it, so the figures are never stale and no daily job is needed: "today" is just a date a
span covers. The dashboard counts the spans covering a date (``dashboard.breakdowns``).
``differences`` recomputes every span from scratch and compares (``dondoc check-figures``).

The spans are computed with ``status.status_as_of`` for ``settings.DONDOC_DUE_SOON_DAYS``;
after changing that setting, ``rebuild()`` them (``dondoc check-figures --repair``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.db import transaction

from dondoc.tasks.models import (
    PUBLISHED_STATES,
    DeadlineChange,
    ProgressUpdate,
    Task,
    TaskStatusSpan,
)
from dondoc.tasks.queries import due_soon_days
from dondoc.tasks.status import (
    Closure,
    DeadlineInForce,
    closure_as_of,
    deadline_as_of,
    status_as_of,
)

__all__ = [
    "FIRST_DAY",
    "LAST_DAY",
    "Span",
    "compute",
    "differences",
    "rebuild",
    "refresh",
]

#: The spans of a task start on this day and end (exclusive) on ``LAST_DAY``: every date a
#: page can ask for (``core.dates`` admits 1945–2100) lies between.
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2200, 1, 1)

#: Tasks read and written per batch.
BATCH = 2000


@dataclass(frozen=True)
class Span:
    """From ``valid_from`` (inclusive) to ``valid_to`` (exclusive)."""

    valid_from: dt.date
    valid_to: dt.date
    status: str
    status_original: str
    due_on: dt.date | None


def compute(
    *,
    deadline_kind: str,
    due_on: dt.date | None,
    closures: Sequence[Closure],
    changes: Sequence[DeadlineInForce],
    soon_days: int,
) -> list[Span]:
    """The spans of a task with this original deadline, its published closures (timeline
    order) and its deadline changes (order of ``effective_on``, then entry)."""
    dues = {due_on, *(c.due for c in changes)} - {None}
    cuts = {FIRST_DAY}
    cuts.update(c.recorded_on for c in closures)
    cuts.update(c.effective_on for c in changes)
    for due in dues:
        # Due soon from ``soon_days`` before the due date; overdue from the day after.
        for day in (due - dt.timedelta(days=soon_days), due + dt.timedelta(days=1)):
            cuts.add(day)
    days = sorted(d for d in cuts if FIRST_DAY <= d < LAST_DAY)
    spans: list[Span] = []
    for i, day in enumerate(days):
        end = days[i + 1] if i + 1 < len(days) else LAST_DAY
        closure = closure_as_of(closures, day)
        kind, due = deadline_as_of(deadline_kind, due_on, changes, day)
        status = status_as_of(
            as_of=day, deadline_kind=kind, due=due, closure=closure, due_soon_days=soon_days
        )
        original = status_as_of(
            as_of=day,
            deadline_kind=deadline_kind,
            due=due_on,
            closure=closure,
            due_soon_days=soon_days,
        )
        last = spans[-1] if spans else None
        if last and (last.status, last.status_original, last.due_on) == (status, original, due):
            spans[-1] = Span(last.valid_from, end, status.value, original.value, due)
        else:
            spans.append(Span(day, end, status.value, original.value, due))
    return spans


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), BATCH):
        yield list(ids[start : start + BATCH])


def _computed(ids: list[int], soon_days: int, models: dict | None = None) -> dict[int, list[Span]]:
    """The spans of the tasks ``ids`` computed from their timeline now. ``models`` replaces
    the models by name (the historical ones of a migration)."""
    m = {"Task": Task, "ProgressUpdate": ProgressUpdate, "DeadlineChange": DeadlineChange}
    m.update(models or {})
    closures: dict[int, list[Closure]] = defaultdict(list)
    events = (
        m["ProgressUpdate"]
        .objects.filter(task_id__in=ids, state__in=PUBLISHED_STATES)
        .exclude(status_change="")
        .order_by("task_id", "recorded_on", "id")
        .values_list("task_id", "status_change", "effective_on", "recorded_on")
    )
    for task_id, kind, effective, recorded in events:
        closures[task_id].append(Closure(kind, effective, recorded))
    changes: dict[int, list[DeadlineInForce]] = defaultdict(list)
    rows = (
        m["DeadlineChange"]
        .objects.filter(task_id__in=ids)
        .order_by("task_id", "effective_on", "id")
        .values_list("task_id", "deadline_kind", "due_on", "effective_on")
    )
    for task_id, kind, due, effective in rows:
        changes[task_id].append(DeadlineInForce(kind, due, effective))
    tasks = m["Task"].objects.filter(pk__in=ids).values_list("pk", "deadline_kind", "due_on")
    return {
        pk: compute(
            deadline_kind=kind,
            due_on=due,
            closures=closures.get(pk, ()),
            changes=changes.get(pk, ()),
            soon_days=soon_days,
        )
        for pk, kind, due in tasks
    }


def _stored(ids: list[int]) -> dict[int, list[Span]]:
    stored: dict[int, list[Span]] = defaultdict(list)
    rows = (
        TaskStatusSpan.objects.filter(task_id__in=ids)
        .order_by("task_id", "valid_from")
        .values_list("task_id", "valid_from", "valid_to", "status", "status_original", "due_on")
    )
    for task_id, *fields in rows:
        stored[task_id].append(Span(*fields))
    return stored


@transaction.atomic
def refresh(task_ids: Iterable[int], *, models: dict | None = None) -> int:
    """Recompute the spans of the tasks ``task_ids`` from their timeline, in the caller's
    transaction; returns the number of spans written.

    The task rows are locked first (in id order), so that two writes to one task at once
    recompute one after the other, the second reading what the first committed.
    """
    ids = sorted({int(pk) for pk in task_ids})
    if not ids:
        return 0
    written = 0
    soon = due_soon_days()
    m = {"Task": Task, "TaskStatusSpan": TaskStatusSpan, **(models or {})}
    for chunk in _chunks(ids):
        list(
            m["Task"]
            .objects.select_for_update(no_key=True)
            .filter(pk__in=chunk)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        computed = _computed(chunk, soon, models)
        m["TaskStatusSpan"].objects.filter(task_id__in=chunk).delete()
        rows = [
            m["TaskStatusSpan"](
                task_id=pk,
                valid_from=s.valid_from,
                valid_to=s.valid_to,
                status=s.status,
                status_original=s.status_original,
                due_on=s.due_on,
            )
            for pk, spans in computed.items()
            for s in spans
        ]
        m["TaskStatusSpan"].objects.bulk_create(rows, batch_size=1000)
        written += len(rows)
    return written


def rebuild(program_ids: Iterable[int] | None = None) -> int:
    """Recompute the spans of every task (of the programs ``program_ids``)."""
    tasks = Task.objects.all()
    if program_ids is not None:
        tasks = tasks.filter(program_id__in=list(program_ids))
    return refresh(tasks.order_by("pk").values_list("pk", flat=True))


@dataclass(frozen=True)
class Difference:
    """A task whose stored spans are not those its timeline gives."""

    task_id: int
    stored: list[Span]
    expected: list[Span]

    def describe(self) -> str:
        def show(spans: list[Span]) -> str:
            return "; ".join(
                f"{s.valid_from:%d/%m/%Y}–{s.valid_to:%d/%m/%Y} {s.status}"
                f"/{s.status_original} due {s.due_on:%d/%m/%Y}"
                if s.due_on
                else f"{s.valid_from:%d/%m/%Y}–{s.valid_to:%d/%m/%Y} {s.status}/{s.status_original}"
                for s in spans
            )

        return (
            f"task #{self.task_id}: stored [{show(self.stored)}], expected [{show(self.expected)}]"
        )


def differences(program_ids: Iterable[int] | None = None) -> Iterator[Difference]:
    """Each task whose stored spans differ from those recomputed from its timeline."""
    tasks = Task.objects.all()
    if program_ids is not None:
        tasks = tasks.filter(program_id__in=list(program_ids))
    ids = list(tasks.order_by("pk").values_list("pk", flat=True))
    soon = due_soon_days()
    for chunk in _chunks(ids):
        stored, expected = _stored(chunk), _computed(chunk, soon)
        for pk in chunk:
            if stored.get(pk, []) != expected.get(pk, []):
                yield Difference(pk, stored.get(pk, []), expected.get(pk, []))
    # Spans of tasks that no longer exist cannot be: the foreign key deletes them.
