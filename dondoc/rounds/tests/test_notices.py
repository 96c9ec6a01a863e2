"""Told when it happens: a round opened (every expected agency), a report sent to the head."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dondoc.accounts.models import Membership, Role, User
from dondoc.accounts.policy import can
from dondoc.conftest import PASSWORD
from dondoc.notifications.models import (
    EmailState,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from dondoc.orgs.models import OrgKind, OrgUnit
from dondoc.rounds import services
from dondoc.rounds.models import Submission
from dondoc.rounds.services import RoundError

pytestmark = pytest.mark.django_db

VN = dt.timezone(dt.timedelta(hours=7))


@pytest.fixture(autouse=True)
def during_the_quarter():
    """The tests run on 01/07/2025: Q2 is due on 05/07, Q3 is being opened."""
    with time_machine.travel(dt.datetime(2025, 7, 1, 10, tzinfo=VN), tick=False):
        yield


def _person(username: str, role: str, *units: OrgUnit) -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        role=role,
        full_name=username.title(),
        email=f"{username}@example.vn",
    )
    for unit in units:
        Membership.objects.create(user=user, org_unit=unit)
    return user


def _open(program, agencies, by, title="Quý III/2025"):
    return services.open_round(
        program=program,
        title=title,
        period_start=dt.date(2025, 7, 1),
        period_end=dt.date(2025, 9, 30),
        due_on=dt.date(2025, 10, 5),
        lock_on=dt.date(2025, 10, 31),
        agencies=agencies,
        by=by,
    )


def _told(kind: str) -> dict[str, Notification]:
    found = Notification.objects.filter(kind=kind).select_related("user")
    return {n.user.username: n for n in found}


def test_opening_a_round_tells_the_reporters_and_heads_of_each_expected_agency(
    program, most, hanoi, clerk, tracker, reporter, other_reporter, head, observer
):
    outside = OrgUnit.objects.create(code="da-nang", kind=OrgKind.PROVINCE, name="Thành ủy Đà Nẵng")
    _person("danang", Role.REPORTER, outside)

    round_ = _open(program, [most, hanoi], clerk)

    told = _told(NotificationKind.ROUND_OPENED)
    assert set(told) == {"reporter", "head", "other"}
    first = told["reporter"]
    assert "Quý III/2025" in first.subject and "05/10/2025" in first.subject
    assert "01/07/2025" in first.body and "30/09/2025" in first.body
    assert "31/10/2025" in first.body  # the lock date
    assert first.url == reverse("rounds:submission", args=[round_.pk, most.pk])
    assert told["other"].url == reverse("rounds:submission", args=[round_.pk, hanoi.pk])
    for name, agency in (("reporter", most), ("head", most), ("other", hanoi)):
        user = told[name].user
        assert can(user, "round.view", round_)
        assert can(user, "submission.view", Submission(round=round_, agency=agency))


def test_a_user_of_two_expected_agencies_is_told_once_with_a_link_to_the_to_do(
    program, most, hanoi, clerk
):
    both = _person("both", Role.REPORTER, most, hanoi)

    _open(program, [most, hanoi], clerk)

    notices = Notification.objects.filter(user=both)
    assert notices.count() == 1
    assert notices[0].url == reverse("rounds:todo")
    assert "Bộ KH&CN" in notices[0].body and "Hà Nội" in notices[0].body


def test_the_users_of_a_province_merged_before_the_period_are_told_through_its_successor(
    program, clerk
):
    """A province merged on 01/07/2025 is not expected in Q3: the one it merged into is, and
    the merged province's former users see nothing of the round, so they are not told."""
    new = OrgUnit.objects.create(code="tuyen-quang", kind=OrgKind.PROVINCE, name="Tuyên Quang")
    old = OrgUnit.objects.create(
        code="ha-giang",
        kind=OrgKind.PROVINCE,
        name="Hà Giang",
        valid_to=dt.date(2025, 6, 30),
        successor=new,
    )
    _person("new", Role.REPORTER, new)
    _person("old", Role.REPORTER, old)

    _open(program, [old], clerk)

    assert set(_told(NotificationKind.ROUND_OPENED)) == {"new"}


@pytest.mark.django_db(transaction=True)
def test_the_round_opened_e_mail_leaves_in_one_job_once_the_round_is_saved(
    program, most, hanoi, clerk
):
    for number in range(3):
        _person(f"reporter{number}", Role.REPORTER, most, hanoi)
    quiet = _person("quiet", Role.AGENCY_HEAD, most)
    NotificationPreference.objects.create(user=quiet, email_round_opened=False)

    with transaction.atomic():
        _open(program, [most, hanoi], clerk)
        assert mail.outbox == []
        assert len(connection.run_on_commit) == 1  # one job for every recipient

    assert sorted(m.to[0] for m in mail.outbox) == [
        f"reporter{number}@example.vn" for number in range(3)
    ]
    assert "Quý III/2025" in mail.outbox[0].subject
    assert "/rounds/todo/" in mail.outbox[0].body  # two agencies: the to-do
    assert Notification.objects.get(user=quiet).email_state == EmailState.NONE  # the bell only


@pytest.mark.django_db(transaction=True)
def test_a_round_whose_opening_rolls_back_tells_nobody(program, most, clerk, reporter):
    reporter.email = "reporter@example.vn"
    reporter.save()

    with pytest.raises(RuntimeError), transaction.atomic():
        _open(program, [most], clerk)
        raise RuntimeError("the page failed after the round was saved")

    assert not Notification.objects.exists()
    assert mail.outbox == []
    _open(program, [most], clerk)  # the same round, opened for good this time
    assert [m.to for m in mail.outbox] == [["reporter@example.vn"]]


def _agencies(count: int) -> list[OrgUnit]:
    units = OrgUnit.objects.bulk_create(
        [
            OrgUnit(code=f"tinh-{n}", kind=OrgKind.PROVINCE, name=f"Tỉnh số {n}")
            for n in range(count)
        ]
    )
    for unit in units:
        _person(f"r-{unit.code}", Role.REPORTER, unit)
        _person(f"h-{unit.code}", Role.AGENCY_HEAD, unit)
    return units


def _statements_to_open(program, units, clerk) -> int:
    with CaptureQueriesContext(connection) as queries:
        _open(program, units, clerk, title=f"Quý III/2025 ({len(units)})")
    return len(queries)


def test_opening_a_round_for_45_agencies_costs_as_many_statements_as_for_two(program, clerk):
    units = _agencies(47)
    few = _statements_to_open(program, units[:2], clerk)
    many = _statements_to_open(program, units[2:], clerk)

    assert Notification.objects.filter(kind=NotificationKind.ROUND_OPENED).count() == 2 * 47
    # SQLite writes the 90 notifications in two INSERTs of at most 999 parameters each.
    assert many <= few + 1, (few, many)
    assert many <= 30


# Sent to the head ------------------------------------------------------------------------------


def test_sending_the_report_to_the_head_tells_the_agency_heads_only(
    q2, most, hanoi, clerk, tracker, reporter, other_reporter, head
):
    hanoi_head = _person("hanoi_head", Role.AGENCY_HEAD, hanoi)
    submission = services.start_submission(q2, most, by=reporter)
    Notification.objects.all().delete()

    services.send_to_head(submission, by=reporter, note="Đã cập nhật 3 nhiệm vụ.")

    told = _told(NotificationKind.SUBMISSION_AWAITING_APPROVAL)
    assert set(told) == {"head"}
    notice = told["head"]
    assert "Quý II/2025" in notice.subject and "Bộ KH&CN" in notice.subject
    assert "Reporter" in notice.body and "Đã cập nhật 3 nhiệm vụ." in notice.body
    assert notice.url == reverse("rounds:submission", args=[q2.pk, most.pk])
    assert can(head, "submission.submit", submission)
    assert not can(hanoi_head, "submission.view", submission)
    assert Notification.objects.count() == 1


def test_a_head_who_sends_the_report_to_the_heads_is_not_told_of_it(q2, most, head):
    deputy = _person("deputy", Role.AGENCY_HEAD, most)
    submission = services.start_submission(q2, most, by=head)

    services.send_to_head(submission, by=head)

    assert set(_told(NotificationKind.SUBMISSION_AWAITING_APPROVAL)) == {"deputy"}
    assert deputy.notifications.count() == 1


def test_a_report_already_with_the_head_is_not_sent_to_them_again(q2, most, reporter, head):
    submission = services.start_submission(q2, most, by=reporter)
    services.send_to_head(submission, by=reporter)

    with pytest.raises(RoundError):
        services.send_to_head(submission, by=reporter)

    assert (
        head.notifications.filter(kind=NotificationKind.SUBMISSION_AWAITING_APPROVAL).count() == 1
    )


def test_each_return_and_new_sending_to_the_head_is_told_again(q2, most, reporter, head, tracker):
    submission = services.start_submission(q2, most, by=reporter)
    services.send_to_head(submission, by=reporter)
    services.submit(submission, by=head)
    services.return_for_correction(submission, by=tracker, comment="Thiếu số liệu")

    services.send_to_head(submission, by=reporter)

    assert (
        head.notifications.filter(kind=NotificationKind.SUBMISSION_AWAITING_APPROVAL).count() == 2
    )


def test_a_round_opened_on_its_page_rings_the_reporters_bell_and_opens_the_submission(
    client, program, most, clerk, reporter
):
    client.force_login(clerk)
    client.post(
        reverse("rounds:round-open"),
        {
            "program": program.pk, "title": "Quý III/2025", "period_start": "01/07/2025",
            "period_end": "30/09/2025", "due_on": "05/10/2025", "grace_days": "0",
            "agencies": [most.pk], "requires_task_updates": "on",
        },
    )  # fmt: skip
    notice = reporter.notifications.get()

    client.force_login(reporter)
    page = client.get(reverse("rounds:todo")).content.decode()
    assert '<span class="bell-count">1</span>' in page
    listing = client.get(reverse("notification-list")).content.decode()
    assert "Quý III/2025" in listing and "05/10/2025" in listing
    response = client.post(reverse("notification-read", args=[notice.pk]), {"open": "1"})
    assert response.status_code == 302
    assert client.get(response.url).status_code == 200
    notice.refresh_from_db()
    assert notice.read_at is not None
