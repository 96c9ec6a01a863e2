"""The counts kept at checkpoints follow every write in its transaction, a check recounts them,
and the dashboard reads the same figures through them as from the timeline."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dondoc.tasks import checkpoints, dashboard, services
from dondoc.tasks.models import StatusCheckpoint, StatusCount, Task
from dondoc.tasks.queries import tasks_as_of

START = dt.date(2025, 1, 10)


def test_checkpoints_are_the_15th_and_the_last_day_of_each_month_around_the_range():
    assert checkpoints.grid(dt.date(2025, 1, 20), dt.date(2025, 3, 1)) == [
        dt.date(2025, 1, 15), dt.date(2025, 1, 31), dt.date(2025, 2, 15), dt.date(2025, 2, 28),
        dt.date(2025, 3, 15),
    ]  # fmt: skip
    assert checkpoints.grid(dt.date(2025, 1, 1), dt.date(2025, 1, 2)) == [
        dt.date(2024, 12, 31), dt.date(2025, 1, 15)
    ]  # fmt: skip
    assert checkpoints.grid(dt.date(2024, 2, 15), dt.date(2024, 2, 29)) == [
        dt.date(2024, 2, 15), dt.date(2024, 2, 29)
    ]  # fmt: skip


@pytest.fixture
def counted(program, notice, most, hanoi, member_person, clerk):
    """Four tasks, one completed late, with checkpoints from their assignment to 2026."""
    tasks = [
        services.create_task(
            program=program,
            content=f"Nhiệm vụ {i}",
            assigned_on=START + dt.timedelta(days=10 * i),
            deadline=phrase,
            sources=[(notice, "", "")],
            leads=leads,
            members=[member_person] if i % 2 else [],
        )
        for i, (phrase, leads) in enumerate(
            [("Quý I/2025", [most]), ("Tháng 5/2025", [hanoi]), ("", [most]),
             ("30/06/2025", [most, hanoi])]
        )
    ]  # fmt: skip
    added = checkpoints.extend([program.pk], until=dt.date(2026, 1, 1))
    assert added == len(checkpoints.grid(START, dt.date(2026, 1, 1)))
    assert checkpoints.extend([program.pk], until=dt.date(2026, 1, 1)) == 0  # once
    services.post_update(
        tasks[0], by=clerk, text="Xong", reported_on=dt.date(2025, 5, 3),
        recorded_on=dt.date(2025, 5, 3), status_change="completed",
        effective_on=dt.date(2025, 5, 2),
    )  # fmt: skip
    return tasks


def _same_figures(program, day) -> None:
    qs = tasks_as_of(day, Task.objects.filter(program=program))
    kept, fresh = dashboard.breakdowns(qs, day), dashboard.breakdowns(qs, day, "timeline")
    assert (kept.counts, kept.statuses) == (fresh.counts, fresh.statuses), day


@pytest.mark.django_db
def test_a_write_changes_the_counts_of_the_checkpoints_it_covers_in_its_transaction(
    counted, program, most
):
    def overdue_on(day):
        return StatusCount.objects.filter(
            program=program, day=day, part="lead", key=most.pk, status="overdue"
        ).values_list("n", flat=True)

    # Due 31/03/2025, completed on 03/05/2025: overdue on 15/04, no longer on 15/05.
    assert list(overdue_on(dt.date(2025, 4, 15))) == [1]
    assert list(overdue_on(dt.date(2025, 5, 15))) in ([], [0])
    assert list(checkpoints.differences()) == []
    for day in (dt.date(2025, 4, 10), dt.date(2025, 5, 3), dt.date(2025, 7, 20)):
        _same_figures(program, day)


@pytest.mark.django_db
def test_deleting_a_task_takes_it_out_of_the_counts(counted, program):
    counted[1].delete()
    assert list(checkpoints.differences()) == []
    _same_figures(program, dt.date(2025, 6, 20))


@pytest.mark.django_db
def test_check_figures_finds_a_wrong_count_and_recounts(counted, program):
    count = StatusCount.objects.filter(program=program, n__gt=0).order_by("pk").first()
    StatusCount.objects.filter(pk=count.pk).update(n=count.n + 2)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check-figures", "--dates", "30/06/2025", "--repair", stdout=out)
    assert "checkpoint differs" in out.getvalue() and f"kept {count.n + 2}" in out.getvalue()
    assert "Recounted" in out.getvalue()
    call_command("check-figures", "--dates", "30/06/2025", stdout=StringIO())  # repaired


@pytest.mark.django_db
def test_the_daily_job_adds_the_checkpoints_due_up_to_today(counted, program, time_machine):
    from dondoc.tasks.jobs import add_checkpoints

    time_machine.move_to(dt.datetime(2026, 2, 20, 12, 0), tick=False)
    assert add_checkpoints() == 3  # 31/01, 15/02 and 28/02, the one after today
    latest = StatusCheckpoint.objects.filter(program=program).latest("day")
    assert latest.day == dt.date(2026, 2, 28)
    assert list(checkpoints.differences()) == []
