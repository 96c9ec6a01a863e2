"""Status counts at checkpoints (điểm chốt): the dashboard's figures without every span.

On a date D the dashboard counts, per solution group, lead agency and member, the status span
rows covering D (``spans``): at 500,000 tasks that is more than a million rows per request. The
count on D is also the count on a nearby day C plus the rows starting between C and D minus
those ending between them. ``StatusCount`` keeps, for each checkpoint C of a program
(``StatusCheckpoint``, the 15th and the last day of every month), the number of span rows covering
C per part (``task``, ``lead``, ``member``; the shared lead rows and the collective leads are
counted from the spans, per task), key and status: a request reads the counts of the checkpoint
nearest to D and the few span rows starting or ending between the two days
(``dashboard._program_sql``).

The counts are kept **in the transaction of the write**: ``spans.refresh``, the one writer of
span rows, hands the rows it removed and those it wrote to ``apply``, which adds the
difference to every checkpoint the changed rows cover. A task deleted takes its counts with it
(``connect_signals``). Nothing is cached: a checkpoint's counts are always those of the spans,
and a date without a checkpoint nearby only reads more span rows.

``extend`` adds the checkpoints due up to a day (``dondoc check-figures --checkpoints``, the
daily ``figures.checkpoints`` job, ``dondoc synth``): each is counted from the spans in one
statement per part while writers of spans wait (PostgreSQL: a table lock; SQLite writes one
at a time anyway). ``differences`` recounts every checkpoint from the spans and compares.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from dondoc.tasks.models import Program, SpanPart, StatusCheckpoint, StatusCount, TaskStatusSpan
from dondoc.tasks.spans import stored_rows

__all__ = ["PARTS", "apply", "differences", "extend", "grid", "recount"]

#: The span parts counted at checkpoints (their rows that are not shared).
PARTS = (SpanPart.TASK.value, SpanPart.LEAD.value, SpanPart.MEMBER.value)

#: Counts written per statement.
BATCH = 500


def _month(year: int, month: int) -> list[dt.date]:
    """The checkpoints of a month: its 15th and its last day (the dates reports are made as of:
    a month's, a quarter's, a half-year's end)."""
    last = calendar.monthrange(year, month)[1]
    return [dt.date(year, month, 15), dt.date(year, month, last)]


def grid(first: dt.date, last: dt.date) -> list[dt.date]:
    """The checkpoint days from the one on or before ``first`` to the one on or after ``last``."""
    year, month = (first.year - 1, 12) if first.month == 1 else (first.year, first.month - 1)
    days: list[dt.date] = []
    while not days or days[-1] < last:
        days += _month(year, month)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    start = max(i for i, day in enumerate(days) if day <= first)
    end = min(i for i, day in enumerate(days) if day >= last)
    return days[start : max(start, end) + 1]


def _count_key(row) -> tuple | None:
    """(program, part, key, status, status_original) a span row is counted under, or None."""
    if row.shared or row.part not in PARTS:
        return None
    original = row.status_original if row.part == SpanPart.TASK else ""
    return (row.program_id, row.part, row.key or 0, row.status, original)


def apply(before: Iterable, after: Iterable) -> int:
    """Add to the counts of every checkpoint the change from the span rows ``before`` (removed)
    to ``after`` (written) — ``spans.Row`` values — in the caller's transaction; returns the
    number of counts changed. Called by ``spans.refresh`` after it wrote the rows, so that
    a checkpoint being added (which waits for writers of spans) is either seen here or counts
    what this transaction wrote."""
    old, new = Counter(before), Counter(after)
    gone, came = old - new, new - old  # rows that stay the same change nothing
    if not gone and not came:
        return 0
    programs = {row.program_id for row in (*gone, *came)}
    days: dict[int, list[dt.date]] = defaultdict(list)
    for program_id, day in (
        StatusCheckpoint.objects.filter(program_id__in=programs)
        .order_by("program_id", "day")
        .values_list("program_id", "day")
    ):
        days[program_id].append(day)
    if not days:
        return 0
    delta: dict[tuple, int] = defaultdict(int)
    for rows, sign in ((gone, -1), (came, 1)):
        for row, times in rows.items():
            key = _count_key(row)
            covered = days.get(row.program_id)
            if key is None or not covered:
                continue
            first = bisect.bisect_left(covered, row.valid_from)
            end = bisect.bisect_left(covered, row.valid_to)
            for day in covered[first:end]:
                delta[(key[0], day, *key[1:])] += sign * times
    # In one order in every transaction: two writes adding to the same counts wait for each
    # other instead of deadlocking.
    changes = sorted((*k, n) for k, n in delta.items() if n)
    _add(changes)
    return len(changes)


def _add(changes: list[tuple]) -> None:
    """Add ``n`` to the counts (program, day, part, key, status, status_original, n), creating
    those missing: one upsert per batch, the same statement on both databases."""
    if not changes:
        return
    table = connection.ops.quote_name(StatusCount._meta.db_table)
    columns = "program_id, day, part, key, status, status_original, n"
    with connection.cursor() as cursor:
        for start in range(0, len(changes), BATCH):
            batch = changes[start : start + BATCH]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(batch))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {values} "
                "ON CONFLICT (program_id, day, part, key, status, status_original) "
                f"DO UPDATE SET n = {table}.n + excluded.n",
                [value for change in batch for value in change],
            )


def _lock_spans(cursor) -> None:
    """Make writers of spans wait until this transaction ends, and wait for those writing
    (SQLite: a write transaction is alone already)."""
    if connection.vendor == "postgresql":
        spans = connection.ops.quote_name(TaskStatusSpan._meta.db_table)
        cursor.execute(f"LOCK TABLE {spans} IN SHARE ROW EXCLUSIVE MODE")


def _count_sql() -> str:
    """The counts of the span rows of a part covering a day. Parameters: program, day, part,
    program, part, day, day."""
    spans = connection.ops.quote_name(TaskStatusSpan._meta.db_table)
    original = f"CASE WHEN part = '{SpanPart.TASK.value}' THEN status_original ELSE '' END"
    return f"""
        SELECT %s, %s, %s, COALESCE(key, 0), status, {original}, COUNT(*) FROM {spans}
        WHERE program_id = %s AND part = %s AND shared = FALSE AND valid_to > %s
        AND valid_from <= %s
        GROUP BY COALESCE(key, 0), status, {original}
    """


def extend(
    program_ids: Iterable[int] | None = None,
    until: dt.date | None = None,
    since: dt.date | None = None,
) -> int:
    """Add the checkpoints missing from the first day of each program's spans (or ``since``,
    if earlier) to the one on or after ``until`` (today), with their counts; returns the
    number added."""
    until = until or timezone.localdate()
    programs = Program.objects.order_by("pk")
    if program_ids is not None:
        programs = programs.filter(pk__in=list(program_ids))
    added = 0
    counts = connection.ops.quote_name(StatusCount._meta.db_table)
    columns = "program_id, day, part, key, status, status_original, n"
    for program_id in programs.values_list("pk", flat=True):
        with transaction.atomic(), connection.cursor() as cursor:
            _lock_spans(cursor)
            # Every task has one row of part "task" from its first day (an index's first entry).
            starts = TaskStatusSpan.objects.filter(
                program_id=program_id, part=SpanPart.TASK, shared=False
            ).order_by("valid_from")
            days = [d for d in (starts.values_list("valid_from", flat=True).first(), since) if d]
            if not days:
                continue
            first = min(days)
            have = set(
                StatusCheckpoint.objects.filter(program_id=program_id).values_list("day", flat=True)
            )
            missing = [d for d in grid(first, max(first, until)) if d not in have]
            StatusCheckpoint.objects.bulk_create(
                [StatusCheckpoint(program_id=program_id, day=d) for d in missing]
            )
            for day in missing:
                for part in PARTS:
                    cursor.execute(
                        f"INSERT INTO {counts} ({columns}) {_count_sql()}",
                        [program_id, day, part, program_id, part, day, day],
                    )
            added += len(missing)
    return added


@dataclass(frozen=True)
class Difference:
    """A count of a checkpoint that is not the number of span rows covering its day."""

    program_id: int
    day: dt.date
    key: tuple  # (part, key, status, status_original)
    kept: int
    counted: int

    def describe(self) -> str:
        part, key, status, original = self.key
        return (
            f"program {self.program_id} on {self.day:%d/%m/%Y}: {part} {key} {status}"
            f"{'/' + original if original else ''}: kept {self.kept}, counted {self.counted}"
        )


def differences(program_ids: Iterable[int] | None = None) -> Iterator[Difference]:
    """Each count of each checkpoint that differs from the span rows covering its day, counted
    now."""
    checkpoints = StatusCheckpoint.objects.order_by("program_id", "day")
    if program_ids is not None:
        checkpoints = checkpoints.filter(program_id__in=list(program_ids))
    with connection.cursor() as cursor:
        for program_id, day in checkpoints.values_list("program_id", "day"):
            counted: dict[tuple, int] = {}
            for part in PARTS:
                cursor.execute(_count_sql(), [program_id, day, part, program_id, part, day, day])
                for *_ids, p, key, status, original, n in cursor.fetchall():
                    counted[(p, key, status, original)] = n
            kept = {
                (p, key, status, original): n
                for p, key, status, original, n in StatusCount.objects.filter(
                    program_id=program_id, day=day
                ).values_list("part", "key", "status", "status_original", "n")
                if n
            }
            for key in sorted(set(kept) | set(counted)):
                if kept.get(key, 0) != counted.get(key, 0):
                    yield Difference(program_id, day, key, kept.get(key, 0), counted.get(key, 0))


def recount(program_ids: Iterable[int] | None = None) -> int:
    """Count every checkpoint again from the spans (``check-figures --repair``); returns the
    number of checkpoints recounted."""
    checkpoints = StatusCheckpoint.objects.order_by("program_id", "day")
    if program_ids is not None:
        checkpoints = checkpoints.filter(program_id__in=list(program_ids))
    counts = connection.ops.quote_name(StatusCount._meta.db_table)
    columns = "program_id, day, part, key, status, status_original, n"
    done = 0
    with transaction.atomic(), connection.cursor() as cursor:
        _lock_spans(cursor)
        for program_id, day in checkpoints.values_list("program_id", "day"):
            StatusCount.objects.filter(program_id=program_id, day=day).delete()
            for part in PARTS:
                cursor.execute(
                    f"INSERT INTO {counts} ({columns}) {_count_sql()}",
                    [program_id, day, part, program_id, part, day, day],
                )
            done += 1
    return done


def _forget_task(sender, instance, **kwargs) -> None:
    """A task deleted: its span rows go with it without a signal, so take them out of the
    counts first. A program deleted takes its counts with it."""
    if isinstance(kwargs.get("origin"), Program):
        return
    apply(stored_rows([instance.pk]), ())


def connect_signals() -> None:
    """Called once, from the app's ``ready``."""
    from django.db.models.signals import pre_delete

    from dondoc.tasks.models import Task

    pre_delete.connect(_forget_task, sender=Task, dispatch_uid="checkpoints-task")
