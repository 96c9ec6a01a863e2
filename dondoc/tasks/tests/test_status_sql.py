"""The status computed in SQL (queries.py) agrees with the pure function (status.py)."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from dondoc.tasks import services
from dondoc.tasks.models import Task
from dondoc.tasks.queries import (
    status_counts,
    tasks_as_of,
    with_late_against_original,
    with_status,
)
from dondoc.tasks.status import (
    Closure,
    Status,
    closure_as_of,
    late_against_original,
    status_as_of,
)

PHRASES = ["Quý I/2025", "Tháng 5/2025", "2025", "Thường xuyên", "Hằng quý", "", "Sau khi xong"]
START = dt.date(2025, 1, 1)


def _python_status(task: Task, as_of: dt.date) -> Status:
    events = [
        Closure(u.status_change, u.effective_on, u.recorded_on)
        for u in task.updates.published().exclude(status_change="").order_by("recorded_on", "id")
    ]
    return status_as_of(
        as_of=as_of,
        deadline_kind=task.deadline_kind,
        due=task.due_on,
        closure=closure_as_of(events, as_of),
    )


@pytest.mark.django_db
def test_sql_status_matches_python_status_on_random_timelines(program, clerk):
    rng = random.Random(57)
    for i in range(60):
        task = services.create_task(
            program=program,
            content=f"Nhiệm vụ {i}",
            assigned_on=START,
            deadline=rng.choice(PHRASES),
        )
        for _ in range(rng.randint(0, 3)):
            recorded = START + dt.timedelta(days=rng.randint(0, 300))
            kind = rng.choice(["completed", "cancelled", "reopened", ""])
            services.post_update(
                task,
                by=clerk,
                text="Cập nhật",
                reported_on=recorded,
                recorded_on=recorded,
                status_change=kind,
                effective_on=recorded - dt.timedelta(days=rng.randint(0, 40)),
            )
    for offset in range(0, 330, 23):
        as_of = START + dt.timedelta(days=offset)
        in_sql = dict(with_status(tasks_as_of(as_of), as_of).values_list("pk", "status"))
        for task in Task.objects.prefetch_related("updates"):
            assert in_sql[task.pk] == _python_status(task, as_of), (task.pk, as_of)


@pytest.mark.django_db
def test_sql_and_python_statuses_agree_and_ignore_drafts_on_random_timelines(program, clerk):
    rng = random.Random(9)
    states = ["draft", "published", "corrected", "withdrawn"]
    for i in range(40):
        task = services.create_task(
            program=program, content=f"Nhiệm vụ {i}", assigned_on=START, deadline="Quý II/2025"
        )
        for _ in range(rng.randint(1, 4)):
            recorded = START + dt.timedelta(days=rng.randint(0, 300))
            services.post_update(
                task,
                by=clerk,
                text="Cập nhật",
                reported_on=recorded,
                recorded_on=recorded,
                status_change=rng.choice(["completed", "cancelled", "reopened"]),
                effective_on=recorded,
                state=rng.choice(states),
            )
        services.refresh_closure(task)
    drafted = Task.objects.filter(updates__state="draft").distinct().count()
    assert drafted > 5  # the timelines do mix drafts in
    for task in Task.objects.prefetch_related("updates"):
        published = [u for u in task.updates.all() if u.state in ("published", "corrected")]
        last = max(published, key=lambda u: (u.recorded_on, u.id), default=None)
        expected = "" if last is None or last.status_change == "reopened" else last.status_change
        assert task.closure_kind == expected, task.pk  # the cached closure ignores drafts
    for offset in range(0, 400, 29):
        as_of = START + dt.timedelta(days=offset)
        in_sql = dict(with_status(tasks_as_of(as_of), as_of).values_list("pk", "status"))
        for task in Task.objects.all():
            assert in_sql[task.pk] == _python_status(task, as_of), (task.pk, as_of)


@pytest.mark.django_db
def test_completion_recorded_later_does_not_count_for_an_earlier_date(program, clerk):
    task = services.create_task(
        program=program, content="Ban hành kế hoạch", assigned_on=START, deadline="Quý I/2025"
    )
    services.post_update(
        task,
        by=clerk,
        text="Đã ban hành",
        reported_on=dt.date(2025, 3, 20),
        recorded_on=dt.date(2025, 4, 15),
        status_change="completed",
        effective_on=dt.date(2025, 3, 20),
    )

    def status_on(day):
        return with_status(tasks_as_of(day), day).get(pk=task.pk).status

    assert status_on(dt.date(2025, 4, 10)) == Status.OVERDUE
    assert status_on(dt.date(2025, 4, 15)) == Status.COMPLETED_ON_TIME


@pytest.mark.django_db
def test_counts_follow_the_report_wording(program, clerk):
    day = dt.date(2025, 4, 10)
    done = services.create_task(
        program=program, content="A", assigned_on=START, deadline="Quý I/2025"
    )
    services.create_task(program=program, content="B", assigned_on=START, deadline="Quý I/2025")
    services.create_task(program=program, content="C", assigned_on=START, deadline="Quý II/2025")
    services.create_task(program=program, content="D", assigned_on=day + dt.timedelta(days=1))
    services.post_update(
        done, by=clerk, text="Xong", recorded_on=day, reported_on=day, status_change="completed"
    )
    counts = status_counts(tasks_as_of(day), day)
    assert (counts["assigned"], counts["completed"], counts["in_progress"], counts["overdue"]) == (
        3,
        1,
        2,
        1,
    )


def _python_status_with_extensions(task: Task, as_of: dt.date, deadline: str) -> Status:
    from dondoc.tasks.status import DeadlineInForce, deadline_as_of

    events = [
        Closure(u.status_change, u.effective_on, u.recorded_on)
        for u in task.updates.exclude(status_change="").order_by("recorded_on", "id")
    ]
    changes = [
        DeadlineInForce(c.deadline_kind, c.due_on, c.effective_on)
        for c in task.deadline_changes.order_by("effective_on", "id")
    ]
    kind, due = task.deadline_kind, task.due_on
    if deadline == "effective":
        kind, due = deadline_as_of(kind, due, changes, as_of)
    return status_as_of(
        as_of=as_of,
        deadline_kind=kind,
        due=due,
        closure=closure_as_of(events, as_of),
    )


@pytest.mark.django_db
def test_sql_status_matches_python_status_with_deadline_extensions(program, clerk):
    from dondoc.followups import services as followups

    rng = random.Random(2025)
    for i in range(50):
        task = services.create_task(
            program=program,
            content=f"Nhiệm vụ gia hạn {i}",
            assigned_on=START,
            deadline=rng.choice(PHRASES[:3]),
        )
        for _ in range(rng.randint(0, 2)):
            recorded = START + dt.timedelta(days=rng.randint(0, 300))
            services.post_update(
                task,
                by=clerk,
                text="Cập nhật",
                reported_on=recorded,
                recorded_on=recorded,
                status_change=rng.choice(["completed", "cancelled", "reopened", ""]),
                effective_on=recorded - dt.timedelta(days=rng.randint(0, 40)),
            )
        # Each extension goes past the deadline then in force, granted in date order.
        granted = sorted(rng.randint(0, 300) for _ in range(rng.randint(0, 3)))
        in_force = task.due_on
        for day in granted:
            in_force += dt.timedelta(days=rng.randint(1, 120))
            followups.grant_extension(
                task, by=clerk, new_due_on=in_force, granted_on=START + dt.timedelta(days=day)
            )
    tasks = list(Task.objects.prefetch_related("updates", "deadline_changes"))
    for offset in range(0, 330, 29):
        as_of = START + dt.timedelta(days=offset)
        for deadline in ("effective", "original"):
            in_sql = dict(
                with_status(tasks_as_of(as_of), as_of, deadline=deadline).values_list(
                    "pk", "status"
                )
            )
            for task in tasks:
                expected = _python_status_with_extensions(task, as_of, deadline)
                assert in_sql[task.pk] == expected, (task.pk, as_of, deadline)


@pytest.mark.django_db
def test_an_extension_counts_from_the_day_it_was_granted(program, clerk):
    from dondoc.followups import services as followups

    task = services.create_task(
        program=program, content="Xây dựng cơ sở dữ liệu", assigned_on=START, deadline="Quý I/2025"
    )
    followups.grant_extension(
        task, by=clerk, new_due_on=dt.date(2025, 6, 30), granted_on=dt.date(2025, 4, 15)
    )

    def status_on(day, deadline="effective"):
        return with_status(tasks_as_of(day), day, deadline=deadline).get(pk=task.pk).status

    assert status_on(dt.date(2025, 4, 10)) == Status.OVERDUE  # not yet extended
    assert status_on(dt.date(2025, 4, 20)) == Status.IN_PROGRESS
    assert status_on(dt.date(2025, 4, 20), "original") == Status.OVERDUE
    assert status_on(dt.date(2025, 7, 1)) == Status.OVERDUE  # late against the extension too


@pytest.mark.django_db
def test_counts_say_overdue_against_both_the_original_and_the_extended_deadline(program, clerk):
    from dondoc.followups import services as followups

    day = dt.date(2025, 4, 20)
    extended = services.create_task(
        program=program, content="A", assigned_on=START, deadline="Quý I/2025"
    )
    services.create_task(program=program, content="B", assigned_on=START, deadline="Quý I/2025")
    followups.grant_extension(
        extended, by=clerk, new_due_on=dt.date(2025, 6, 30), granted_on=dt.date(2025, 4, 1)
    )
    counts = status_counts(tasks_as_of(day), day)
    assert (counts["overdue"], counts["overdue_original"]) == (1, 2)


@pytest.mark.django_db
def test_sql_status_matches_python_status_with_deadline_changes_of_any_kind(program, clerk):
    """Deadlines changed in the app (to a date, to "Thường xuyên", to none) and extensions
    interleave; SQL and Python pick the same deadline in force on every date."""
    from dondoc.followups import services as followups
    from dondoc.tasks import manage

    rng = random.Random(2026)
    for i in range(40):
        task = services.create_task(
            program=program,
            content=f"Nhiệm vụ điều chỉnh {i}",
            assigned_on=START,
            deadline=rng.choice(PHRASES[:3]),
        )
        for _ in range(rng.randint(0, 3)):
            day = START + dt.timedelta(days=rng.randint(0, 300))
            if rng.random() < 0.3:
                followups.grant_extension(
                    task,
                    by=clerk,
                    new_due_on=task.due_on + dt.timedelta(days=rng.randint(1, 120)),
                    granted_on=day,
                )
            else:
                manage.change_deadline(
                    task,
                    by=clerk,
                    reason="Điều chỉnh theo văn bản mới",
                    phrase=rng.choice(PHRASES[:6]),
                    effective_on=day,
                    origin=rng.choice(["changed", "restated"]),
                )
        if rng.random() < 0.4:
            recorded = START + dt.timedelta(days=rng.randint(0, 300))
            services.post_update(
                task,
                by=clerk,
                text="Hoàn thành",
                reported_on=recorded,
                recorded_on=recorded,
                status_change="completed",
                effective_on=recorded - dt.timedelta(days=rng.randint(0, 40)),
            )
    tasks = list(Task.objects.prefetch_related("updates", "deadline_changes"))
    for offset in range(0, 330, 23):
        as_of = START + dt.timedelta(days=offset)
        for deadline in ("effective", "original"):
            in_sql = dict(
                with_status(tasks_as_of(as_of), as_of, deadline=deadline).values_list(
                    "pk", "status"
                )
            )
            for task in tasks:
                expected = _python_status_with_extensions(task, as_of, deadline)
                assert in_sql[task.pk] == expected, (task.pk, as_of, deadline)
        # Late against the original deadline although within the one in force: the same.
        late_in_sql = dict(
            with_late_against_original(tasks_as_of(as_of), as_of).values_list(
                "pk", "late_against_original"
            )
        )
        for task in tasks:
            expected = late_against_original(
                _python_status_with_extensions(task, as_of, "effective"),
                _python_status_with_extensions(task, as_of, "original"),
            )
            assert late_in_sql[task.pk] == expected, (task.pk, as_of)
    assert any(
        with_late_against_original(tasks_as_of(d), d).filter(late_against_original=True)
        for d in (START + dt.timedelta(days=n) for n in range(0, 330, 23))
    )
