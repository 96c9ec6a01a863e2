"""Notifications through a real worker process, the real broker and a real SMTP server.

The worker is ``celery -A dondoc worker`` started as a child process (RabbitMQ, see
``settings_test``); it reads the test database, which the test commits to.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
import subprocess
import sys
import time

import pytest
from django.core.management import call_command

from dondoc.accounts.models import Role
from dondoc.conftest import _user
from dondoc.notifications import services
from dondoc.notifications.models import EmailState, Notification, NotificationKind
from dondoc.tasks import services as tasks

pytestmark = pytest.mark.worker


@pytest.fixture
def reviewers(clerk, tracker):
    second = _user("clerk2", Role.STANDING_OFFICE)
    for user in (clerk, tracker, second):
        user.email = f"{user.username}@example.vn"
        user.save()
    return [clerk, tracker, second]


@pytest.fixture
def submission(program, most, reporter, clerk):
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
    return rounds.start_submission(round_, most, by=reporter)


def _submit(submission, reporter) -> float:
    from dondoc.rounds import services as rounds

    rounds.submit(submission, by=reporter)  # commits; the job leaves after the commit
    return time.monotonic()


def test_a_submission_reaches_the_standing_office_within_seconds(
    worker, mailbox, reviewers, submission, reporter
):
    submitted = _submit(submission, reporter)

    mailbox.wait_for(3, timeout=20)
    elapsed = time.monotonic() - submitted

    assert len(mailbox.to("clerk@example.vn")) == 1
    assert len(mailbox.to("tracker@example.vn")) == 1
    subject = mailbox.to("clerk@example.vn")[0]["Subject"]
    assert "Bộ KH&CN" in subject and "Quý II/2025" in subject
    assert elapsed < 10, f"{elapsed:.2f} s from submission to the Standing Office's mailbox"
    print(f"submission to mailbox: {elapsed:.2f} s")


def test_a_worker_killed_mid_job_loses_no_notification_and_sends_none_twice(
    worker, mailbox, reviewers, submission, reporter
):
    mailbox.messages.clear()
    mailbox.hold_next(after=1)  # one message goes, the second is mid-send when the worker dies
    _submit(submission, reporter)
    assert mailbox.holding.wait(20), "the worker never started sending"

    worker.kill()  # SIGKILL while the SMTP exchange is open
    mailbox.release()
    sending = Notification.objects.filter(email_state=EmailState.SENDING).count()
    sent_before = len(mailbox.messages)
    worker.start()  # the broker hands the unacknowledged job to the new worker

    mailbox.wait_for(3, timeout=30)
    time.sleep(1.5)  # anything sent twice would arrive now
    assert sending == 1 and sent_before == 1
    recipients = sorted(m["To"] for m in mailbox.messages)
    assert recipients == ["clerk2@example.vn", "clerk@example.vn", "tracker@example.vn"]
    states = set(
        Notification.objects.filter(kind=NotificationKind.SUBMISSION_SUBMITTED).values_list(
            "email_state", flat=True
        )
    )
    assert states == {EmailState.SENT}


def test_the_scheduler_sweep_delivers_what_a_lost_job_left_pending(
    worker_env, tmp_path, mailbox, reviewers
):
    from dondoc.outbox.testing import Worker

    clerk = reviewers[0]
    # Written but never queued, as when the broker was down at commit time.
    services.notify(
        [clerk],
        kind=NotificationKind.SUBMISSION_SUBMITTED,
        key="lost-job",
        subject="Báo cáo đã gửi",
        send=False,
    )
    scheduler = Worker({**worker_env, "DONDOC_SWEEP_SECONDS": "1"}, tmp_path, beat=True)
    scheduler.start()
    try:
        mailbox.wait_for(1, timeout=20)
    finally:
        scheduler.stop()
    assert mailbox.to("clerk@example.vn")[0]["Subject"].endswith("Báo cáo đã gửi")


@pytest.fixture
def overdue_tasks(program, notice, most, member_person, reporter, committee_member, tracker):
    for user in (reporter, committee_member, tracker):
        user.email = f"{user.username}@example.vn"
        user.save()
    for content, deadline in [
        ("Ban hành chương trình", "Quý I/2025"),
        ("Hoàn thiện CSDL", "Tháng 4/2025"),
    ]:
        tasks.create_task(
            program=program,
            content=content,
            assigned_on=dt.date(2025, 1, 22),
            deadline=deadline,
            leads=[most],
            members=[member_person],
        )


def call_command_output(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _notify(env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "dondoc", "notify", "--today", "25/04/2025"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def test_kill_9_during_dondoc_notify_then_a_rerun_finishes_without_duplicates(
    worker_env, mailbox, overdue_tasks
):
    env = {**worker_env, "DONDOC_MAIL_LEASE_SECONDS": "2"}
    mailbox.hold_next(after=2)  # two messages go, the third is mid-send when the run dies
    run = _notify(env)
    assert mailbox.holding.wait(30), "dondoc notify never started sending"
    os.killpg(run.pid, signal.SIGKILL)
    run.wait(10)
    mailbox.release()
    first = len(mailbox.messages)

    time.sleep(2.5)  # the killed run's claim on the message it was sending runs out
    rerun = _notify(env)
    output = rerun.communicate(timeout=60)[0].decode()
    assert rerun.returncode == 0, output
    assert "0 e-mails" not in output
    assert "0 notifications created, 0 e-mails" in call_command_output(
        "notify", "--today", "25/04/2025"
    )

    # reporter and member: overdue and due soon; the Working Group: overdue.
    recipients = sorted(m["To"] for m in mailbox.messages)
    assert recipients == sorted(
        ["reporter@example.vn"] * 2 + ["member@example.vn"] * 2 + ["tracker@example.vn"]
    )
    assert len({(m["To"], m["Subject"]) for m in mailbox.messages}) == 5
    assert first == 2
    assert Notification.objects.count() == 5
    assert set(Notification.objects.values_list("email_state", flat=True)) == {EmailState.SENT}
