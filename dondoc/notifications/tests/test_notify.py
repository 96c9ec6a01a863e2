"""``dondoc notify``: reminders once, through a real SMTP server, as each user prefers."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from dondoc.notifications.models import Notification, NotificationKind
from dondoc.notifications.services import save_preferences
from dondoc.tasks import services

TODAY = dt.date(2025, 4, 25)


@pytest.fixture
def people(reporter, other_reporter, committee_member, tracker, clerk):
    for user in (reporter, other_reporter, committee_member, tracker, clerk):
        user.email = f"{user.username}@example.vn"
        user.save()
    return reporter


@pytest.fixture
def tasks(program, notice, most, hanoi, member_person, people):
    overdue = services.create_task(
        program=program,
        content="Ban hành chương trình hành động thực hiện Nghị quyết",
        assigned_on=dt.date(2025, 1, 22),
        deadline="Quý I/2025",
        leads=[most],
        members=[member_person],
    )
    due_soon = services.create_task(
        program=program,
        content="Hoàn thiện cơ sở dữ liệu quốc gia về khoa học và công nghệ",
        assigned_on=dt.date(2025, 1, 22),
        deadline="Tháng 4/2025",
        leads=[most],
        members=[member_person],
    )
    later = services.create_task(
        program=program,
        content="Phủ sóng 5G toàn quốc",
        assigned_on=dt.date(2025, 1, 22),
        deadline="2025",
        leads=[hanoi],
    )
    return overdue, due_soon, later


def notify(*args: str) -> str:
    out = io.StringIO()
    call_command("notify", "--today", TODAY.strftime("%d/%m/%Y"), *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_notify_delivers_each_reminder_once_through_smtp(smtp, tasks):
    overdue, _due_soon, _later = tasks

    notify()

    assert len(smtp.to("reporter@example.vn")) == 2  # lead agency: overdue and due soon
    assert len(smtp.to("member@example.vn")) == 2  # supervising member: the same two
    assert len(smtp.to("tracker@example.vn")) == 1  # the Working Group: overdue only
    assert smtp.to("other@example.vn") == []  # Hà Nội's task is not due yet
    assert smtp.to("clerk@example.vn") == []
    assert len(smtp.messages) == 5
    message = smtp.to("tracker@example.vn")[0]
    assert f"#{overdue.pk}" in message["Subject"]
    assert "31/03/2025" in message["Subject"]
    assert f"/tasks/{overdue.pk}/" in message.get_content()

    out = notify()

    assert len(smtp.messages) == 5  # nothing twice
    assert "0 notifications created, 0 e-mails" in out
    assert Notification.objects.count() == 5


@pytest.mark.django_db(transaction=True)
def test_daily_digest_groups_a_users_items_into_one_message(smtp, tasks, reporter):
    save_preferences(reporter, digest=True)

    notify()
    notify()

    messages = smtp.to("reporter@example.vn")
    assert len(messages) == 1
    body = messages[0].get_content()
    overdue, due_soon, _later = tasks
    assert f"#{overdue.pk}" in body and f"#{due_soon.pk}" in body
    assert len(smtp.messages) == 4  # member 2, tracker 1, reporter's digest 1


@pytest.mark.django_db(transaction=True)
def test_preferences_turn_email_off_but_keep_the_notification(smtp, tasks, committee_member):
    save_preferences(committee_member, email_overdue=False)

    notify()

    subjects = smtp.subjects("member@example.vn")
    assert len(subjects) == 1 and "đến hạn" in subjects[0].lower()
    kinds = set(Notification.objects.filter(user=committee_member).values_list("kind", flat=True))
    assert kinds == {NotificationKind.OVERDUE, NotificationKind.DUE_SOON}


@pytest.mark.django_db
def test_each_user_chooses_how_early_to_be_reminded(tasks, reporter, committee_member):
    save_preferences(reporter, due_soon_days=3)  # the task is due in 5 days

    notify()

    assert not Notification.objects.filter(user=reporter, kind="due_soon").exists()
    assert Notification.objects.filter(user=committee_member, kind="due_soon").exists()


@pytest.mark.django_db
def test_a_task_within_its_extended_deadline_is_not_overdue(tasks, tracker):
    from dondoc.followups.services import grant_extension

    overdue, _due_soon, _later = tasks
    grant_extension(
        overdue, by=tracker, new_due_on=dt.date(2025, 9, 30), granted_on=dt.date(2025, 4, 2)
    )

    notify()

    assert not Notification.objects.filter(kind="overdue").exists()


@pytest.mark.django_db
def test_dry_run_lists_and_changes_nothing(tasks):
    out = notify("--dry-run")

    assert "would create 5 notifications" in out
    assert Notification.objects.count() == 0


@pytest.mark.django_db
def test_a_round_closing_reminds_agencies_that_have_not_submitted(
    program, most, hanoi, reporter, other_reporter, clerk
):
    from dondoc.rounds import services as rounds

    round_ = rounds.open_round(
        program=program,
        title="Quý II/2025",
        period_start=dt.date(2025, 4, 1),
        period_end=dt.date(2025, 6, 30),
        due_on=dt.date(2025, 7, 5),
        agencies=[most, hanoi],
        by=clerk,
    )
    submission = rounds.start_submission(round_, most, by=reporter)
    rounds.submit(submission, by=reporter)

    call_command("notify", "--today", "01/07/2025", stdout=io.StringIO())

    assert Notification.objects.filter(kind="round_closing").count() == 1
    closing = Notification.objects.get(kind="round_closing")
    assert closing.user == other_reporter
    assert "05/07/2025" in closing.subject

    call_command("notify", "--today", "07/07/2025", stdout=io.StringIO())

    missed = Notification.objects.filter(kind="round_missed")
    assert set(missed.values_list("user__username", flat=True)) == {"other", "clerk"}
    summary = missed.get(user=clerk)
    assert "Hà Nội" in summary.body and "KH&CN" not in summary.body


@pytest.mark.django_db
def test_a_returned_submission_is_notified_to_its_agency(program, most, reporter, tracker, clerk):
    from dondoc.rounds import services as rounds

    round_ = rounds.open_round(
        program=program,
        title="Quý II/2025",
        period_start=dt.date(2025, 4, 1),
        period_end=dt.date(2025, 6, 30),
        due_on=dt.date(2025, 7, 5),
        agencies=[most],
        by=clerk,
    )
    submission = rounds.start_submission(round_, most, by=reporter)
    rounds.submit(submission, by=reporter)
    rounds.return_for_correction(submission, by=tracker, comment="Bổ sung số liệu quý II")

    call_command("notify", stdout=io.StringIO())
    call_command("notify", stdout=io.StringIO())

    returned = Notification.objects.get(kind="submission_returned")
    assert returned.user == reporter
    assert "Bổ sung số liệu" in returned.body
