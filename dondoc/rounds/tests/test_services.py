"""The submission state machine, the lock date and timeliness."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine

from dondoc.core.uploads import check_upload
from dondoc.rounds import services
from dondoc.rounds.completeness import ReportStatus, report_status
from dondoc.rounds.models import EventKind, SubmissionState
from dondoc.tasks.services import IncomingFile

VN = dt.timezone(dt.timedelta(hours=7))


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=VN)


@pytest.fixture(autouse=True)
def during_the_round():
    """Unless a test travels elsewhere, it runs on 01/07/2025, before the due date."""
    with time_machine.travel(at("2025-07-01"), tick=False):
        yield


def test_draft_submit_return_resubmit_accept_keeps_every_step(
    q2, most, most_tasks, reporter, head, tracker
):
    submission = services.start_submission(q2, most, by=reporter)
    services.add_update(submission, most_tasks[0], by=reporter, text="Đã trình Quốc hội")
    submission = services.submit(submission, by=head)
    assert submission.state == SubmissionState.SUBMITTED
    submission = services.return_for_correction(submission, by=tracker, comment="Thiếu số liệu")
    assert submission.state == SubmissionState.RETURNED
    assert submission.is_draft and submission.review_comment == "Thiếu số liệu"
    services.add_update(submission, most_tasks[1], by=reporter, text="Bổ sung số liệu")
    submission = services.submit(submission, by=head)
    submission = services.accept(submission, by=tracker)
    assert submission.state == SubmissionState.ACCEPTED
    kinds = list(submission.events.values_list("kind", flat=True))
    assert kinds == [
        EventKind.CREATED,
        EventKind.UPDATE,
        EventKind.SUBMITTED,
        EventKind.RETURNED,
        EventKind.UPDATE,
        EventKind.SUBMITTED,
        EventKind.ACCEPTED,
    ]
    assert submission.history.count() >= 4


def test_updates_of_a_submission_go_to_the_task_timeline(q2, most, most_tasks, reporter):
    submission = services.start_submission(q2, most, by=reporter)
    upload = io.BytesIO(b"%PDF-1.4 evidence")
    checked, problems = check_upload(upload, "bao-cao.pdf")
    assert not problems
    update = services.add_update(
        submission,
        most_tasks[0],
        by=reporter,
        text="Đã hoàn thiện dự thảo",
        files=[IncomingFile(upload, checked)],
    )
    assert update.task == most_tasks[0]
    assert update.agency == most
    assert list(submission.updates.all()) == [update]
    assert update.attachments.get().original_name == "bao-cao.pdf"


def test_a_submitted_report_cannot_be_changed_or_submitted_twice(
    q2, most, most_tasks, reporter, head
):
    submission = services.submit(services.start_submission(q2, most, by=reporter), by=head)
    with pytest.raises(services.RoundError):
        services.add_update(submission, most_tasks[0], by=reporter, text="x")
    with pytest.raises(services.RoundError):
        services.submit(submission, by=head)


def test_only_a_submitted_report_can_be_reviewed(q2, most, reporter, tracker):
    submission = services.start_submission(q2, most, by=reporter)
    with pytest.raises(services.RoundError):
        services.accept(submission, by=tracker)


def test_returning_needs_a_comment(q2, most, reporter, head, tracker):
    submission = services.submit(services.start_submission(q2, most, by=reporter), by=head)
    with pytest.raises(services.RoundError):
        services.return_for_correction(submission, by=tracker, comment="  ")


def test_after_the_lock_date_only_a_reopening_lets_the_agency_submit(
    q2, most, reporter, head, clerk
):
    with time_machine.travel(at("2025-07-20"), tick=False):
        submission = services.start_submission(q2, most, by=reporter)
    with time_machine.travel(at("2025-08-01"), tick=False):
        assert not services.agency_may_change(submission)
        with pytest.raises(services.RoundError):
            services.submit(submission, by=head)
        submission = services.reopen(q2, most, by=clerk, comment="Gia hạn")
        assert services.agency_may_change(submission)
        submission = services.submit(submission, by=head)
        assert submission.state == SubmissionState.SUBMITTED
        assert not submission.reopened
        assert report_status(submission) == ReportStatus.LATE


def test_reopening_an_accepted_report_makes_it_a_draft_again(
    q2, most, reporter, head, tracker, clerk
):
    submission = services.submit(services.start_submission(q2, most, by=reporter), by=head)
    services.accept(submission, by=tracker)
    submission = services.reopen(q2, most, by=clerk)
    assert submission.state == SubmissionState.DRAFT


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at("2025-07-05", 23), ReportStatus.ON_TIME),  # due date
        (at("2025-07-07", 23), ReportStatus.ON_TIME),  # last grace day, Vietnam time
        (at("2025-07-08", 0), ReportStatus.LATE),
    ],
)
def test_timeliness_counts_grace_days_in_local_time(q2, most, reporter, head, moment, expected):
    with time_machine.travel(moment, tick=False):
        submission = services.submit(services.start_submission(q2, most, by=reporter), by=head)
    assert report_status(submission) == expected


def test_timeliness_is_that_of_the_first_submission(q2, most, reporter, head, tracker):
    with time_machine.travel(at("2025-07-03"), tick=False):
        submission = services.submit(services.start_submission(q2, most, by=reporter), by=head)
        submission = services.return_for_correction(submission, by=tracker, comment="Sửa")
    assert report_status(submission) == ReportStatus.DRAFT
    with time_machine.travel(at("2025-07-15"), tick=False):
        submission = services.submit(submission, by=head)
    assert submission.first_submitted_at < submission.submitted_at
    assert report_status(submission) == ReportStatus.ON_TIME


def test_a_round_opened_by_kind_takes_the_units_existing_at_the_period_end(
    program, clerk, most, hanoi
):
    from dondoc.orgs.models import OrgKind, OrgUnit

    OrgUnit.objects.create(
        code="ha-tay", kind=OrgKind.PROVINCE, name="Tỉnh ủy Hà Tây", valid_to=dt.date(2008, 7, 31)
    )
    round_ = services.open_round(
        program=program,
        title="Quý II/2025",
        period_start=dt.date(2025, 4, 1),
        period_end=dt.date(2025, 6, 30),
        due_on=dt.date(2025, 7, 5),
        kinds=[OrgKind.PROVINCE],
        by=clerk,
    )
    assert list(round_.agencies.all()) == [hanoi]
