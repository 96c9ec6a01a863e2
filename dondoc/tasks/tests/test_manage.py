"""Managing tasks in the app: each change is dated, attributed, has its reason, and leaves the
status of the task on earlier dates as it was."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from dondoc.audit.log import AuditFilter, entries
from dondoc.tasks import manage, services
from dondoc.tasks.manage import Part, SourceRef
from dondoc.tasks.models import ChangeKind, DeadlineChange, Task, TaskChange
from dondoc.tasks.queries import tasks_as_of, with_status
from dondoc.tasks.status import Status

VN = dt.timezone(dt.timedelta(hours=7))
APRIL_10 = dt.date(2025, 4, 10)


def on(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 9, tzinfo=VN), tick=False)


def status_on(task: Task, day: dt.date, deadline: str = "effective") -> str:
    return with_status(tasks_as_of(day), day, deadline=deadline).get(pk=task.pk).status


@pytest.fixture
def task(program, notice, most, member_person, clerk) -> Task:
    return services.create_task(
        program=program,
        content="Quản lý, khai thác hiệu quả đất hiếm.",
        assigned_on=dt.date(2025, 1, 22),
        deadline="Quý I/2025",
        sources=[(notice, "(3)", "")],
        leads=[most],
        members=[member_person],
        by=clerk,
    )


def test_create_records_the_task_with_its_reason_and_sources(program, notice, most, hanoi, clerk):
    with on(dt.date(2025, 5, 2)):
        task = manage.create(
            program=program,
            content="Xây dựng cơ sở dữ liệu quốc gia về đất đai.",
            sources=[SourceRef(notice, "(4)")],
            leads=[most],
            coordinators=[hanoi],
            deadline="Quý III/2025",
            reason="Bổ sung theo Thông báo 01",
            by=clerk,
        )
    assert task.assigned_on == dt.date(2025, 5, 2)
    assert task.due_on == dt.date(2025, 9, 30) and task.deadline_text == "Quý III/2025"
    assert [str(s) for s in task.sources.all()] == ["01-TB/BCĐTW (22/01/2025) (4)"]
    assert task.lead_agencies() == [most] and task.coordinating_agencies() == [hanoi]
    change = task.changes.get()
    assert (change.kind, change.by, change.reason) == (
        ChangeKind.CREATED,
        clerk,
        "Bổ sung theo Thông báo 01",
    )
    assert task.history.get().history_user == clerk


def test_a_change_without_a_reason_is_refused(task, clerk):
    with pytest.raises(AssertionError):
        manage.cancel(task, by=clerk, reason="  ", effective_on=APRIL_10)
    assert not TaskChange.objects.exists()
    assert Task.objects.get(pk=task.pk).closure_kind == ""


def test_changing_the_deadline_leaves_the_status_on_earlier_dates_as_it_was(task, clerk):
    assert status_on(task, APRIL_10) == Status.OVERDUE
    with on(dt.date(2025, 4, 15)):
        change = manage.change_deadline(
            task, by=clerk, reason="Công văn 123 điều chỉnh thời hạn", phrase="Quý II/2025"
        )
    assert change.effective_on == dt.date(2025, 4, 15) and change.due_on == dt.date(2025, 6, 30)
    assert status_on(task, APRIL_10) == Status.OVERDUE  # as reported on 10/04: unchanged
    assert status_on(task, dt.date(2025, 4, 16)) == Status.IN_PROGRESS
    assert status_on(task, dt.date(2025, 4, 16), "original") == Status.OVERDUE
    task.refresh_from_db()
    assert (task.deadline_text, task.due_on) == ("Quý I/2025", dt.date(2025, 3, 31))
    record = task.changes.get()
    assert record.kind == ChangeKind.DEADLINE
    assert record.summary == "Quý I/2025 (31/03/2025) → Quý II/2025 (30/06/2025)"


def test_a_deadline_can_become_continuous_from_a_date_on(task, clerk):
    with on(dt.date(2025, 4, 15)):
        manage.change_deadline(
            task, by=clerk, reason="Chuyển thành thường xuyên", phrase="Thường xuyên"
        )
    assert status_on(task, APRIL_10) == Status.OVERDUE
    assert status_on(task, dt.date(2025, 5, 1)) == Status.REGULAR
    assert manage.deadline_in_force(task, dt.date(2025, 5, 1)) == ("continuous", None)
    assert manage.deadline_in_force(task, APRIL_10) == ("date", dt.date(2025, 3, 31))


def test_editing_reassigning_and_splitting_later_leave_the_past_status_unchanged(
    task, clerk, hanoi, most, program
):
    before = {day: status_on(task, day) for day in (APRIL_10, dt.date(2025, 3, 1))}
    with on(dt.date(2025, 4, 20)):
        manage.edit(
            task,
            by=clerk,
            reason="Sửa lỗi chính tả",
            content="Quản lý, khai thác hiệu quả tài nguyên đất hiếm.",
            group=program.groups.get(number=3),
            sources=[SourceRef(s.directive, s.label) for s in task.sources.all()],
        )
        manage.reassign(
            task, by=clerk, reason="Giao lại", leads=[hanoi], coordinators=[most], members=[]
        )
        parts = manage.split(
            task,
            by=clerk,
            reason="Tách theo lĩnh vực",
            parts=[Part("Quản lý đất hiếm."), Part("Khai thác đất hiếm.", deadline="Năm 2026")],
        )
    assert {day: status_on(task, day) for day in before} == before
    # The parts start on the day of the split; the original stops from then on.
    assert all(p not in tasks_as_of(APRIL_10) for p in parts)
    assert status_on(task, dt.date(2025, 4, 21)) == Status.CANCELLED
    assert [p.parent_id for p in parts] == [task.pk, task.pk]
    assert parts[0].due_on == dt.date(2025, 3, 31) and parts[1].due_on == dt.date(2026, 12, 31)
    assert parts[1].lead_agencies() == [hanoi]
    kinds = list(task.changes.order_by("id").values_list("kind", flat=True))
    assert kinds == [ChangeKind.EDITED, ChangeKind.REASSIGNED, ChangeKind.SPLIT]
    reassigned = task.changes.get(kind=ChangeKind.REASSIGNED)
    assert ": Bộ KH&CN → Hà Nội\n" in reassigned.summary
    assert parts[0].changes.get().related_id == task.pk


def test_cancel_counts_from_its_effective_date_only_once_recorded(task, clerk):
    with on(dt.date(2025, 4, 20)):
        manage.cancel(task, by=clerk, reason="Không còn phù hợp", effective_on=dt.date(2025, 4, 1))
    assert status_on(task, APRIL_10) == Status.OVERDUE  # not known on 10/04
    assert status_on(task, dt.date(2025, 4, 20)) == Status.CANCELLED
    update = task.updates.get()
    assert (update.effective_on, update.recorded_on) == (dt.date(2025, 4, 1), dt.date(2025, 4, 20))
    assert "01/04/2025" in task.changes.get().summary


def test_merge_folds_the_duplicate_in_and_notes_it_on_both(task, program, notice, hanoi, clerk):
    twin = services.create_task(
        program=program,
        content="Quản lý đất hiếm",
        assigned_on=dt.date(2025, 2, 1),
        sources=[(notice, "(9)", "")],
        leads=[hanoi],
    )
    pair, _ = services.queue_duplicate(twin, task, score=0.8)
    manage.merge(task, twin, by=clerk, reason="Trùng nội dung")
    pair.refresh_from_db()
    assert (pair.state, pair.decided_by) == ("confirmed", clerk)
    twin.refresh_from_db()
    assert twin.merged_into_id == task.pk
    assert hanoi in task.lead_agencies()
    assert task.changes.get().related_id == twin.pk
    assert twin.changes.get().kind == ChangeKind.MERGED_INTO


def test_a_stale_version_is_refused_and_changes_nothing(task, clerk, hanoi):
    version = manage.version_of(task)
    with on(dt.date(2025, 4, 20)):
        manage.reassign(task, by=clerk, reason="Lần 1", leads=[hanoi], coordinators=[], members=[])
    task.refresh_from_db()
    with pytest.raises(manage.StaleTask):
        manage.change_deadline(task, by=clerk, reason="Lần 2", phrase="2026", version=version)
    assert not DeadlineChange.objects.exists()


def test_every_change_is_in_the_audit_with_its_reason(task, clerk):
    manage.change_deadline(task, by=clerk, reason="Theo Kết luận 05", phrase="Quý II/2025")
    labels = {row["model_label"] for row in entries(AuditFilter(user="clerk"))}
    assert {"tasks.taskchange", "tasks.deadlinechange"} <= labels
