"""Completeness on a past day: only what had been sent by then counts."""

from __future__ import annotations

import datetime as dt

import time_machine

from dondoc.rounds import services
from dondoc.rounds.completeness import (
    ReportStatus,
    completeness,
    completeness_as_of,
    submission_as_of,
)
from dondoc.rounds.models import Submission, SubmissionState

VN = dt.timezone(dt.timedelta(hours=7))


def _on(day: dt.date, hour: int = 9):
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=VN), tick=False)


def _standing(round_, day: dt.date) -> dict[str, ReportStatus]:
    return {line.agency.code: line.status for line in completeness_as_of(round_, day).lines}


def test_completeness_on_a_day_replays_each_submission_timeline(q2, most, hanoi, head, tracker):
    with _on(dt.date(2025, 7, 1)):
        ours = services.start_submission(q2, most, by=head)
    with _on(dt.date(2025, 7, 3)):
        theirs = services.start_submission(q2, hanoi, by=head)
    with _on(dt.date(2025, 7, 4)):
        ours = services.submit(ours, by=head)  # on time (due 05/07)
    with _on(dt.date(2025, 7, 8)):
        ours = services.return_for_correction(ours, by=tracker, comment="Bổ sung số liệu")
    with _on(dt.date(2025, 7, 9)):
        services.submit(theirs, by=head)  # late (on time until 07/07)
    with _on(dt.date(2025, 7, 10)):
        services.submit(ours, by=head)

    assert _standing(q2, dt.date(2025, 6, 30)) == {
        most.code: ReportStatus.NOTHING,
        hanoi.code: ReportStatus.NOTHING,
    }
    assert _standing(q2, dt.date(2025, 7, 3)) == {
        most.code: ReportStatus.DRAFT,
        hanoi.code: ReportStatus.DRAFT,
    }
    assert _standing(q2, dt.date(2025, 7, 4))[most.code] == ReportStatus.ON_TIME
    assert _standing(q2, dt.date(2025, 7, 8))[most.code] == ReportStatus.DRAFT  # returned
    assert _standing(q2, dt.date(2025, 7, 9)) == {
        most.code: ReportStatus.DRAFT,
        hanoi.code: ReportStatus.LATE,
    }
    # Sent again after the correction: on time, as its first sending was.
    assert _standing(q2, dt.date(2025, 7, 10))[most.code] == ReportStatus.ON_TIME
    then = completeness_as_of(q2, dt.date(2025, 7, 9)).total
    assert (then.expected, then.submitted, then.drafts) == (2, 1, 1)
    now, today = completeness(q2).total, completeness_as_of(q2, dt.date(2030, 1, 1)).total
    assert (today.on_time, today.late, today.drafts) == (now.on_time, now.late, now.drafts)


def test_a_submission_without_recorded_steps_is_read_from_its_timestamps(q2, most):
    sent = dt.datetime(2025, 7, 4, 9, tzinfo=VN)
    submission = Submission(
        round=q2,
        agency=most,
        state=SubmissionState.ACCEPTED,
        first_submitted_at=sent,
        submitted_at=sent,
        created_at=dt.datetime(2025, 7, 1, 9, tzinfo=VN),
    )
    assert submission_as_of(submission, [], dt.date(2025, 6, 30)) is None
    assert submission_as_of(submission, [], dt.date(2025, 7, 2)).state == SubmissionState.DRAFT
    then = submission_as_of(submission, [], dt.date(2025, 7, 4))
    assert then.state == SubmissionState.SUBMITTED and then.first_on_time


def test_completeness_on_a_day_takes_a_fixed_number_of_queries(
    q2, most, hanoi, head, django_assert_max_num_queries
):
    for agency in (most, hanoi):
        with _on(dt.date(2025, 7, 2)):
            services.submit(services.start_submission(q2, agency, by=head), by=head)
    fresh = type(q2).objects.get(pk=q2.pk)
    with django_assert_max_num_queries(4):
        completeness_as_of(fresh, dt.date(2025, 7, 5))
