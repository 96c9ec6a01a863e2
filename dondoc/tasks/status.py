"""Task status (tình trạng thực hiện) on a given date.

A task's status on a date depends on its deadline and on the closure (completion or
cancellation) in force on that date. The timeline of progress updates is the record: a
completion stated in a report dated 10/04 but effective 28/03 counts from 10/04, when it became
known, and is judged on time against a 31/03 deadline because it was effective on 28/03.

``closure_as_of`` picks the closure in force on a date from the recorded events; ``status_as_of``
turns a deadline and that closure into a ``Status``. The SQL annotation in the queries module
computes the same thing in the database; the two must agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal

from dondoc.tasks.deadlines import DeadlineKind

__all__ = [
    "CLOSURE_KINDS",
    "COMPLETED_STATUSES",
    "DEFAULT_DUE_SOON_DAYS",
    "LATE_STATUSES",
    "OPEN_STATUSES",
    "STATUS_BANDS",
    "STATUS_COLOURS",
    "STATUS_LABELS",
    "Closure",
    "DeadlineInForce",
    "Extension",
    "Status",
    "closure_as_of",
    "deadline_as_of",
    "due_as_of",
    "late_against_original",
    "status_as_of",
]


class Status(StrEnum):
    """The status of a task on a date."""

    COMPLETED_ON_TIME = "completed_on_time"  # hoàn thành đúng hạn
    COMPLETED_LATE = "completed_late"  # hoàn thành quá hạn
    IN_PROGRESS = "in_progress"  # đang thực hiện, trong hạn
    DUE_SOON = "due_soon"  # sắp đến hạn
    OVERDUE = "overdue"  # quá hạn, chưa hoàn thành
    REGULAR = "regular"  # thường xuyên / định kỳ: continuous or recurring
    NO_DEADLINE = "no_deadline"  # không có thời hạn, or a deadline nobody could read
    CANCELLED = "cancelled"  # dừng thực hiện / hủy


#: Days before the due date from which an open task is "due soon".
DEFAULT_DUE_SOON_DAYS = 14

#: Tasks still to be done (chưa hoàn thành).
OPEN_STATUSES = frozenset(
    {Status.IN_PROGRESS, Status.DUE_SOON, Status.OVERDUE, Status.REGULAR, Status.NO_DEADLINE}
)
#: Tasks done (đã hoàn thành), on time or late.
COMPLETED_STATUSES = frozenset({Status.COMPLETED_ON_TIME, Status.COMPLETED_LATE})
#: Tasks past their deadline: open and overdue, or completed after it.
LATE_STATUSES = frozenset({Status.OVERDUE, Status.COMPLETED_LATE})

#: English message ids; translation into Vietnamese happens where they are shown.
STATUS_LABELS: dict[Status, str] = {
    Status.COMPLETED_ON_TIME: "Completed on time",  # Hoàn thành đúng hạn
    Status.COMPLETED_LATE: "Completed late",  # Hoàn thành quá hạn
    Status.IN_PROGRESS: "In progress",  # Đang thực hiện
    Status.DUE_SOON: "Due soon",  # Sắp đến hạn
    Status.OVERDUE: "Overdue",  # Quá hạn
    Status.REGULAR: "Regular",  # Thường xuyên, định kỳ
    Status.NO_DEADLINE: "No deadline",  # Không có thời hạn
    Status.CANCELLED: "Cancelled",  # Dừng thực hiện
}

#: Colour band of each status: red, orange, green, blue-grey, blue, grey.
STATUS_BANDS: dict[Status, str] = {
    Status.OVERDUE: "red",
    Status.DUE_SOON: "orange",
    Status.IN_PROGRESS: "green",
    Status.COMPLETED_ON_TIME: "blue-grey",
    Status.COMPLETED_LATE: "blue-grey",
    Status.REGULAR: "blue",
    Status.NO_DEADLINE: "grey",
    Status.CANCELLED: "grey",
}

#: CSS class of each status; statuses of one colour band share a class.
STATUS_COLOURS: dict[Status, str] = {
    Status.OVERDUE: "status-overdue",
    Status.DUE_SOON: "status-due-soon",
    Status.IN_PROGRESS: "status-in-progress",
    Status.COMPLETED_ON_TIME: "status-completed",
    Status.COMPLETED_LATE: "status-completed",
    Status.REGULAR: "status-regular",
    Status.NO_DEADLINE: "status-muted",
    Status.CANCELLED: "status-muted",
}

#: The kinds of ``Closure``.
CLOSURE_KINDS: tuple[str, ...] = ("completed", "cancelled", "reopened")


@dataclass(frozen=True)
class Closure:
    """A completion, cancellation or reopening as it was recorded.

    ``effective_on`` is when the task was completed or cancelled (it may be earlier than it
    was recorded); ``recorded_on`` is when it was recorded in the system, or the date of the
    report that stated it.
    """

    kind: Literal["completed", "cancelled", "reopened"]
    effective_on: date
    recorded_on: date

    def __post_init__(self) -> None:
        if self.kind not in CLOSURE_KINDS:
            raise ValueError(f"Unknown closure kind {self.kind!r}; expected one of {CLOSURE_KINDS}")


def closure_as_of(events: Iterable[Closure], as_of: date) -> Closure | None:
    """The closure in force on ``as_of``.

    That is the latest event recorded on or before ``as_of`` (of events recorded the same day,
    the last one given wins); ``None`` if that event is a reopening or there is none. Events
    recorded after ``as_of`` were not known then and are ignored, whatever their
    ``effective_on``.
    """
    current: Closure | None = None
    for event in events:
        if event.recorded_on <= as_of and (
            current is None or event.recorded_on >= current.recorded_on
        ):
            current = event
    if current is None or current.kind == "reopened":
        return None
    return current


@dataclass(frozen=True)
class Extension:
    """A deadline extension (gia hạn): the new due date, and the day it was granted."""

    new_due: date
    granted_on: date


def due_as_of(due: date | None, extensions: Iterable[Extension], as_of: date) -> date | None:
    """The deadline in force on ``as_of``: that of the latest extension granted on or before
    ``as_of`` (of extensions granted the same day, the last one given wins), else ``due``.

    Pass the result to ``status_as_of`` as ``due`` for the status against the extended
    deadline; pass the original ``due`` for the status against the original one.
    """
    current: Extension | None = None
    for extension in extensions:
        if extension.granted_on <= as_of and (
            current is None or extension.granted_on >= current.granted_on
        ):
            current = extension
    return due if current is None else current.new_due


@dataclass(frozen=True)
class DeadlineInForce:
    """A deadline that took over on ``effective_on``: changed, extended or restated.

    ``kind`` is a ``DeadlineKind`` value; ``due`` its date, if it has one.
    """

    kind: str
    due: date | None
    effective_on: date


def deadline_as_of(
    kind: str, due: date | None, changes: Iterable[DeadlineInForce], as_of: date
) -> tuple[str, date | None]:
    """The deadline (kind, due date) in force on ``as_of``: that of the latest change in force
    on or before ``as_of`` (of changes of the same day, the last one given wins), else the
    deadline as first assigned (``kind``, ``due``). A change made later never alters the
    deadline in force on an earlier date.
    """
    current: DeadlineInForce | None = None
    for change in changes:
        if change.effective_on <= as_of and (
            current is None or change.effective_on >= current.effective_on
        ):
            current = change
    return (kind, due) if current is None else (current.kind, current.due)


def status_as_of(
    *,
    as_of: date,
    deadline_kind: str,
    due: date | None,
    closure: Closure | None,
    due_soon_days: int = DEFAULT_DUE_SOON_DAYS,
) -> Status:
    """The status on ``as_of`` of a task with this deadline and closure.

    ``closure`` is what ``closure_as_of`` returns for ``as_of`` (a "reopened" closure passed
    here counts as no closure). ``due`` is the deadline to judge against: the original one, or
    the one in force on ``as_of`` after extensions (``due_as_of``), as the caller chooses.
    ``deadline_kind`` is a ``DeadlineKind`` value. In order:

    * cancelled: ``CANCELLED``;
    * completed: ``COMPLETED_ON_TIME`` when there is no due date or it was effective on or
      before it, else ``COMPLETED_LATE``;
    * continuous or recurring deadline: ``REGULAR``;
    * no deadline, an unrecognised one, or no due date: ``NO_DEADLINE``;
    * due before ``as_of``: ``OVERDUE`` (due 31/03 is overdue from 01/04, not on 31/03);
    * due within ``due_soon_days`` of ``as_of``: ``DUE_SOON``;
    * otherwise ``IN_PROGRESS``.

    Raises ``ValueError`` for an unknown deadline kind or a negative ``due_soon_days``.
    """
    kind = DeadlineKind(deadline_kind)
    if due_soon_days < 0:
        raise ValueError(f"due_soon_days must not be negative, got {due_soon_days}")
    if closure is not None and closure.kind == "cancelled":
        return Status.CANCELLED
    if closure is not None and closure.kind == "completed":
        if due is None or closure.effective_on <= due:
            return Status.COMPLETED_ON_TIME
        return Status.COMPLETED_LATE
    if kind in (DeadlineKind.CONTINUOUS, DeadlineKind.RECURRING):
        return Status.REGULAR
    if kind in (DeadlineKind.NONE, DeadlineKind.UNRECOGNISED) or due is None:
        return Status.NO_DEADLINE
    if due < as_of:
        return Status.OVERDUE
    if (due - as_of).days <= due_soon_days:
        return Status.DUE_SOON
    return Status.IN_PROGRESS


def late_against_original(status: Status | str, status_original: Status | str) -> bool:
    """Late against the original deadline (quá thời hạn ban đầu) although within the one in
    force: ``status_original`` (judged against the deadline as first assigned) is overdue or
    completed late, while ``status`` (judged against the deadline in force, after a change,
    extension or restatement) is neither, nor cancelled.

    A task late against both is simply late; one with no deadline change is never this.
    """
    return (
        Status(status_original) in LATE_STATUSES
        and Status(status) not in LATE_STATUSES
        and Status(status) != Status.CANCELLED
    )
