"""The queue's scheduler runs the reminders every morning and sweeps pending e-mail."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from dondoc.notifications.models import Notification
from dondoc.tasks import services as tasks


def test_the_scheduler_runs_the_reminders_every_morning_and_sweeps_every_minute():
    from dondoc.celery import app

    schedule = app.conf.beat_schedule
    remind = schedule["notifications-remind"]
    assert remind["task"] == "notifications.remind"
    assert remind["schedule"].hour == {7} and remind["schedule"].minute == {0}
    assert schedule["notifications-sweep"]["schedule"] == 60
    assert schedule["outbox-sweep"]["schedule"] == 60
    app.loader.import_default_modules()  # what a worker does when it starts
    assert {"notifications.remind", "notifications.sweep", "outbox.sweep"} <= set(app.tasks)


@pytest.mark.django_db(transaction=True)
def test_the_reminder_job_runs_the_rules_of_dondoc_notify_once(program, notice, most, reporter):
    from dondoc.notifications.tasks import remind

    reporter.email = "reporter@example.vn"
    reporter.save()
    tasks.create_task(
        program=program,
        content="Ban hành chương trình hành động",
        assigned_on=dt.date(2025, 1, 22),
        deadline="Quý I/2025",
        leads=[most],
    )

    with time_machine.travel(dt.datetime(2025, 4, 25, 7, 0, tzinfo=dt.UTC)):
        remind.delay()
        remind.delay()  # the scheduler and a manual run on the same day

    overdue = Notification.objects.get(user=reporter)
    assert overdue.kind == "overdue" and overdue.email_state == "sent"
