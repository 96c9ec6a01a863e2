"""Task status on a date from its deadline and the closure recorded by then."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dondoc.tasks.status import (
    COMPLETED_STATUSES,
    DEFAULT_DUE_SOON_DAYS,
    OPEN_STATUSES,
    STATUS_BANDS,
    STATUS_COLOURS,
    STATUS_LABELS,
    Closure,
    Status,
    closure_as_of,
    late_against_original,
    status_as_of,
)

PROPERTY_SETTINGS = settings(max_examples=300, deadline=None)
# Lists of events are slower to draw; fewer examples keep the file fast.
LIST_SETTINGS = settings(max_examples=150, deadline=None)
DUE = date(2025, 3, 31)


def completed(effective_on: date, recorded_on: date | None = None) -> Closure:
    return Closure("completed", effective_on, recorded_on or effective_on)


def cancelled(effective_on: date, recorded_on: date | None = None) -> Closure:
    return Closure("cancelled", effective_on, recorded_on or effective_on)


def reopened(recorded_on: date) -> Closure:
    return Closure("reopened", recorded_on, recorded_on)


def open_status(as_of: date, due: date | None = DUE, kind: str = "date", **kwargs) -> Status:
    return status_as_of(as_of=as_of, deadline_kind=kind, due=due, closure=None, **kwargs)


# status_as_of -------------------------------------------------------------------------------


def test_task_due_31_march_is_not_overdue_on_31_march() -> None:
    assert open_status(date(2025, 3, 31)) is Status.DUE_SOON


def test_task_due_31_march_is_overdue_on_1_april() -> None:
    assert open_status(date(2025, 4, 1)) is Status.OVERDUE


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (DUE - timedelta(days=60), Status.IN_PROGRESS),
        (DUE - timedelta(days=DEFAULT_DUE_SOON_DAYS + 1), Status.IN_PROGRESS),
        (DUE - timedelta(days=DEFAULT_DUE_SOON_DAYS), Status.DUE_SOON),
        (DUE - timedelta(days=1), Status.DUE_SOON),
        (DUE, Status.DUE_SOON),
        (DUE + timedelta(days=1), Status.OVERDUE),
        (DUE + timedelta(days=400), Status.OVERDUE),
    ],
)
def test_open_dated_task_moves_through_the_due_soon_window(as_of: date, expected: Status) -> None:
    assert open_status(as_of) is expected


def test_due_soon_window_is_configurable() -> None:
    as_of = DUE - timedelta(days=20)
    assert open_status(as_of) is Status.IN_PROGRESS
    assert open_status(as_of, due_soon_days=30) is Status.DUE_SOON
    assert open_status(DUE, due_soon_days=0) is Status.DUE_SOON
    assert open_status(DUE - timedelta(days=1), due_soon_days=0) is Status.IN_PROGRESS


def test_negative_due_soon_window_is_rejected() -> None:
    with pytest.raises(ValueError, match="due_soon_days"):
        open_status(DUE, due_soon_days=-1)


def test_unknown_deadline_kind_is_rejected() -> None:
    with pytest.raises(ValueError):
        open_status(DUE, kind="soonish")


@pytest.mark.parametrize("kind", ["continuous", "recurring"])
def test_continuous_or_recurring_task_is_regular(kind: str) -> None:
    assert open_status(date(2030, 1, 1), due=None, kind=kind) is Status.REGULAR


@pytest.mark.parametrize(
    ("kind", "due"), [("none", None), ("unrecognised", None), ("date", None), ("none", DUE)]
)
def test_task_without_a_usable_deadline_has_no_deadline_status(kind: str, due: date | None) -> None:
    assert open_status(date(2030, 1, 1), due=due, kind=kind) is Status.NO_DEADLINE


@pytest.mark.parametrize(
    ("effective_on", "expected"),
    [
        (DUE - timedelta(days=10), Status.COMPLETED_ON_TIME),
        (DUE, Status.COMPLETED_ON_TIME),
        (DUE + timedelta(days=1), Status.COMPLETED_LATE),
    ],
)
def test_completion_is_judged_by_its_effective_date(effective_on: date, expected: Status) -> None:
    # Recorded late (a report dated well after the due date) but effective earlier.
    closure = completed(effective_on, recorded_on=DUE + timedelta(days=30))
    status = status_as_of(
        as_of=DUE + timedelta(days=40), deadline_kind="date", due=DUE, closure=closure
    )
    assert status is expected


@pytest.mark.parametrize("kind", ["continuous", "recurring", "none", "unrecognised"])
def test_completed_task_without_due_date_is_completed_on_time(kind: str) -> None:
    closure = completed(date(2025, 6, 1))
    status = status_as_of(as_of=date(2025, 7, 1), deadline_kind=kind, due=None, closure=closure)
    assert status is Status.COMPLETED_ON_TIME


@pytest.mark.parametrize("kind", ["date", "continuous", "recurring", "none", "unrecognised"])
def test_cancelled_task_is_cancelled_whatever_its_deadline(kind: str) -> None:
    due = DUE if kind == "date" else None
    closure = cancelled(DUE + timedelta(days=5))
    status = status_as_of(
        as_of=DUE + timedelta(days=9), deadline_kind=kind, due=due, closure=closure
    )
    assert status is Status.CANCELLED


def test_reopened_closure_passed_directly_counts_as_open() -> None:
    status = status_as_of(
        as_of=DUE + timedelta(days=1), deadline_kind="date", due=DUE, closure=reopened(DUE)
    )
    assert status is Status.OVERDUE


def test_completion_recorded_after_the_date_does_not_count_yet() -> None:
    events = [completed(DUE - timedelta(days=5), recorded_on=DUE + timedelta(days=10))]
    before = DUE + timedelta(days=3)
    after = DUE + timedelta(days=10)
    assert (
        status_as_of(
            as_of=before, deadline_kind="date", due=DUE, closure=closure_as_of(events, before)
        )
        is Status.OVERDUE
    )
    assert (
        status_as_of(
            as_of=after, deadline_kind="date", due=DUE, closure=closure_as_of(events, after)
        )
        is Status.COMPLETED_ON_TIME
    )


# closure_as_of ------------------------------------------------------------------------------


def test_no_events_means_no_closure() -> None:
    assert closure_as_of([], DUE) is None


def test_closure_as_of_ignores_events_recorded_after_the_date() -> None:
    event = completed(date(2025, 3, 1), recorded_on=date(2025, 4, 10))
    assert closure_as_of([event], date(2025, 4, 9)) is None
    assert closure_as_of([event], date(2025, 4, 10)) == event


def test_reopening_cancels_an_earlier_completion() -> None:
    done = completed(date(2025, 3, 1), recorded_on=date(2025, 3, 2))
    again = reopened(date(2025, 3, 20))
    assert closure_as_of([done, again], date(2025, 3, 19)) == done
    assert closure_as_of([done, again], date(2025, 3, 20)) is None
    assert closure_as_of([again, done], date(2025, 4, 1)) is None  # order by recording date


def test_completion_after_reopening_is_in_force() -> None:
    first = completed(date(2025, 3, 1))
    again = reopened(date(2025, 3, 20))
    second = completed(date(2025, 4, 5))
    assert closure_as_of([first, again, second], date(2025, 5, 1)) == second


def test_events_recorded_the_same_day_last_one_wins() -> None:
    day = date(2025, 3, 10)
    done = completed(date(2025, 3, 1), recorded_on=day)
    stop = cancelled(date(2025, 3, 5), recorded_on=day)
    assert closure_as_of([done, stop], day) == stop
    assert closure_as_of([stop, done], day) == done
    assert closure_as_of([done, reopened(day)], day) is None


def test_closure_as_of_accepts_any_iterable() -> None:
    done = completed(date(2025, 3, 1))
    assert closure_as_of(iter([done]), date(2025, 3, 1)) == done


def test_unknown_closure_kind_is_rejected() -> None:
    with pytest.raises(ValueError, match="closure kind"):
        Closure("finished", DUE, DUE)  # type: ignore[arg-type]


# Labels and colours -------------------------------------------------------------------------


def test_every_status_has_a_label_a_colour_band_and_a_css_class() -> None:
    assert set(STATUS_LABELS) == set(Status)
    assert set(STATUS_BANDS) == set(Status)
    assert set(STATUS_COLOURS) == set(Status)
    assert all(cls.startswith("status-") for cls in STATUS_COLOURS.values())


def test_labels_are_the_english_message_ids() -> None:
    assert STATUS_LABELS == {
        Status.COMPLETED_ON_TIME: "Completed on time",
        Status.COMPLETED_LATE: "Completed late",
        Status.IN_PROGRESS: "In progress",
        Status.DUE_SOON: "Due soon",
        Status.OVERDUE: "Overdue",
        Status.REGULAR: "Regular",
        Status.NO_DEADLINE: "No deadline",
        Status.CANCELLED: "Cancelled",
    }


def test_colour_bands_follow_urgency() -> None:
    assert STATUS_BANDS[Status.OVERDUE] == "red"
    assert STATUS_BANDS[Status.DUE_SOON] == "orange"
    assert STATUS_BANDS[Status.IN_PROGRESS] == "green"
    assert STATUS_BANDS[Status.REGULAR] == "blue"
    assert STATUS_BANDS[Status.COMPLETED_ON_TIME] == STATUS_BANDS[Status.COMPLETED_LATE]
    assert STATUS_BANDS[Status.NO_DEADLINE] == STATUS_BANDS[Status.CANCELLED] == "grey"
    assert STATUS_COLOURS[Status.OVERDUE] == "status-overdue"


def test_open_and_completed_statuses_partition_all_but_cancelled() -> None:
    assert not OPEN_STATUSES & COMPLETED_STATUSES
    assert OPEN_STATUSES | COMPLETED_STATUSES | {Status.CANCELLED} == set(Status)


# Properties ---------------------------------------------------------------------------------

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
kinds = st.sampled_from(["completed", "cancelled", "reopened"])
RANK = {Status.IN_PROGRESS: 0, Status.DUE_SOON: 1, Status.OVERDUE: 2}


@st.composite
def closures(draw: st.DrawFn) -> Closure:
    recorded_on = draw(dates)
    effective_on = draw(st.dates(min_value=date(1999, 1, 1), max_value=recorded_on))
    return Closure(draw(kinds), effective_on, recorded_on)


@LIST_SETTINGS
@given(due=dates, days=st.lists(dates, min_size=2, max_size=20), soon=st.integers(0, 90))
def test_open_dated_task_only_moves_forward_towards_overdue(
    due: date, days: list[date], soon: int
) -> None:
    statuses = [open_status(as_of, due=due, due_soon_days=soon) for as_of in sorted(days)]
    ranks = [RANK[status] for status in statuses]
    assert ranks == sorted(ranks)


@PROPERTY_SETTINGS
@given(due=dates, as_of=dates, soon=st.integers(0, 90))
def test_open_dated_task_status_matches_distance_to_due_date(
    due: date, as_of: date, soon: int
) -> None:
    status = open_status(as_of, due=due, due_soon_days=soon)
    days_left = (due - as_of).days
    if days_left < 0:
        assert status is Status.OVERDUE
    elif days_left <= soon:
        assert status is Status.DUE_SOON
    else:
        assert status is Status.IN_PROGRESS


@LIST_SETTINGS
@given(events=st.lists(closures(), max_size=6), as_of=dates)
def test_closure_as_of_ignores_events_recorded_after_as_of(
    events: list[Closure], as_of: date
) -> None:
    known = [event for event in events if event.recorded_on <= as_of]
    later = [event for event in events if event.recorded_on > as_of]
    assert closure_as_of(events, as_of) == closure_as_of(known, as_of)
    assert closure_as_of(later, as_of) is None
    found = closure_as_of(events, as_of)
    assert found is None or (found.recorded_on <= as_of and found.kind != "reopened")


@LIST_SETTINGS
@given(events=st.lists(closures(), max_size=6), as_of=dates)
def test_reopening_recorded_last_leaves_the_task_open(events: list[Closure], as_of: date) -> None:
    latest = max((event.recorded_on for event in events), default=as_of)
    stamp = max(latest, as_of)
    assert closure_as_of([*events, reopened(stamp)], stamp) is None


@LIST_SETTINGS
@given(
    events=st.lists(closures(), max_size=6),
    as_of=dates,
    due=st.none() | dates,
    kind=st.sampled_from(["date", "continuous", "recurring", "none", "unrecognised"]),
)
def test_status_is_completed_exactly_when_a_completion_is_in_force(
    events: list[Closure], as_of: date, due: date | None, kind: str
) -> None:
    closure = closure_as_of(events, as_of)
    status = status_as_of(as_of=as_of, deadline_kind=kind, due=due, closure=closure)
    assert (status in COMPLETED_STATUSES) == (closure is not None and closure.kind == "completed")
    assert (status is Status.CANCELLED) == (closure is not None and closure.kind == "cancelled")
    if closure is None:
        assert status in OPEN_STATUSES


@pytest.mark.parametrize(
    ("status", "original", "late"),
    [
        (Status.IN_PROGRESS, Status.OVERDUE, True),  # restated "Quý II" after "Quý I" passed
        (Status.DUE_SOON, Status.OVERDUE, True),
        (Status.COMPLETED_ON_TIME, Status.COMPLETED_LATE, True),
        (Status.OVERDUE, Status.OVERDUE, False),  # late against both: simply overdue
        (Status.COMPLETED_LATE, Status.COMPLETED_LATE, False),
        (Status.IN_PROGRESS, Status.IN_PROGRESS, False),
        (Status.CANCELLED, Status.CANCELLED, False),
        (Status.REGULAR, Status.OVERDUE, True),  # changed to "Thường xuyên" once overdue
    ],
)
def test_late_against_the_original_only_when_within_the_deadline_in_force(status, original, late):
    assert late_against_original(status, original) is late
