"""Notified when it happens: submissions, reviews; many waiting e-mails become one summary."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from dondoc.notifications.models import EmailState, Notification, NotificationKind
from dondoc.tasks import services as tasks


@pytest.fixture
def people(reporter, clerk, tracker, other_reporter):
    for user in (reporter, clerk, tracker, other_reporter):
        user.email = f"{user.username}@example.vn"
        user.save()


@pytest.fixture
def submission(program, most, reporter, clerk, people, smtp):
    """The ministry's draft in a round opened earlier (whose announcement is forgotten here)."""
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
    Notification.objects.all().delete()
    smtp.messages.clear()
    return rounds.start_submission(round_, most, by=reporter)


@pytest.mark.django_db(transaction=True)
def test_a_submission_is_mailed_to_the_standing_office_and_the_working_group_at_once(
    smtp, submission, reporter
):
    from dondoc.rounds import services as rounds

    rounds.submit(submission, by=reporter)

    assert len(smtp.to("clerk@example.vn")) == 1
    assert len(smtp.to("tracker@example.vn")) == 1
    assert smtp.to("reporter@example.vn") == [] and smtp.to("other@example.vn") == []
    assert "Bộ KH&CN" in smtp.to("clerk@example.vn")[0]["Subject"]
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert kinds == {NotificationKind.SUBMISSION_SUBMITTED}


@pytest.mark.django_db(transaction=True)
def test_a_return_and_an_acceptance_are_mailed_to_the_agency(smtp, submission, reporter, tracker):
    from dondoc.rounds import services as rounds

    rounds.submit(submission, by=reporter)
    rounds.return_for_correction(submission, by=tracker, comment="Bổ sung số liệu quý II")
    rounds.submit(submission, by=reporter)
    rounds.accept(submission, by=tracker)

    subjects = smtp.subjects("reporter@example.vn")
    assert len(subjects) == 2
    assert "trả lại" in subjects[0].lower() or "returned" in subjects[0].lower()
    assert "Bổ sung số liệu quý II" in smtp.to("reporter@example.vn")[0].get_content()
    assert smtp.to("other@example.vn") == []
    assert len(smtp.to("clerk@example.vn")) == 2  # two submissions


@pytest.mark.django_db(transaction=True)
def test_a_step_that_rolls_back_notifies_nobody(smtp, submission, reporter):
    from dondoc.rounds import services as rounds

    with pytest.raises(RuntimeError), transaction.atomic():
        rounds.submit(submission, by=reporter)
        raise RuntimeError("the page failed after the step")

    assert smtp.messages == []
    assert not Notification.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_first_run_on_an_old_database_sends_one_summary_per_user(
    smtp, program, notice, most, people, reporter, settings
):
    """Years of overdue tasks: one message that lists them, not one e-mail per task."""
    settings.DONDOC_EMAIL_GROUP_OVER = 3
    for number in range(6):
        tasks.create_task(
            program=program,
            content=f"Nhiệm vụ cũ số {number}",
            assigned_on=dt.date(2024, 1, 22),
            deadline="Quý I/2024",
            leads=[most],
        )
    from django.core.management import call_command

    call_command("notify", "--today", "25/04/2025")

    messages = smtp.to("reporter@example.vn")
    assert len(messages) == 1
    body = messages[0].get_content()
    assert body.count("- ") >= 6
    assert Notification.objects.filter(user=reporter).count() == 6
    assert set(
        Notification.objects.filter(user=reporter).values_list("email_state", flat=True)
    ) == {EmailState.SENT}
