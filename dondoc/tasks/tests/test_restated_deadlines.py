"""A later document that restates a task with a new deadline governs from its date; a
restatement in other substance keeps two tasks, linked as related."""

from __future__ import annotations

import datetime as dt

import pytest

from dondoc.tasks import manage, services
from dondoc.tasks.importers.service import Related, import_file
from dondoc.tasks.models import DeadlineChange, DuplicateCandidate, Task, TaskChange, TaskRelation
from dondoc.tasks.queries import tasks_as_of, with_late_against_original
from dondoc.tasks.tests.test_import_template import filled_csv

CONTENT = "Chỉ đạo triển khai mạng di động băng thông rộng 5G trên toàn quốc."
PLAN_DAY = dt.date(2025, 4, 15)


@pytest.fixture
def plan(program, committee):
    directive, _created = services.ensure_directive(
        program=program, kind="plan", number="05-KH/BCĐTW", date=PLAN_DAY, issuer=committee
    )
    return directive


@pytest.fixture
def five_g(program, notice, most):
    return services.create_task(
        program=program,
        content=CONTENT,
        assigned_on=notice.date,
        deadline="Quý I/2025",
        sources=[(notice, "(8)", CONTENT)],
        leads=[most],
    )


def row(deadline: str, document: str = "05-KH/BCĐTW ngày 15/04/2025", **values) -> dict:
    return {
        "stt": "1",
        "noi_dung": CONTENT,
        "van_ban": document,
        "co_quan_chu_tri": "Đảng ủy Bộ Khoa học và Công nghệ",
        "thoi_han": deadline,
        **values,
    }


def import_rows(program, *rows, **kwargs):
    data = filled_csv(list(rows))
    summary = import_file(data, filename="ke-hoach.csv", program=program, **kwargs)
    assert summary.ok, summary.rejected
    return summary


def status_on(task: Task, day: dt.date) -> tuple[str, bool]:
    found = with_late_against_original(tasks_as_of(day), day).get(pk=task.pk)
    return found.status, found.late_against_original


def test_a_later_document_restating_a_task_sets_its_deadline_from_its_date(program, plan, five_g):
    summary = import_rows(program, row("Quý III/2025"))

    assert (summary.created, summary.linked) == (0, 1)
    change = five_g.deadline_changes.get()
    assert (change.origin, change.effective_on, change.deadline_text, change.source) == (
        "restated",
        PLAN_DAY,
        "Quý III/2025",
        plan,
    )
    [note] = [w["reason"] for w in summary.warnings if "Quý III/2025" in w["reason"]]
    assert "15/04/2025" in note
    five_g.refresh_from_db()
    assert (five_g.deadline_text, five_g.due_on) == ("Quý I/2025", dt.date(2025, 3, 31))
    assert status_on(five_g, PLAN_DAY - dt.timedelta(days=1)) == ("overdue", False)
    assert status_on(five_g, PLAN_DAY) == ("in_progress", True)
    assert status_on(five_g, dt.date(2025, 10, 1)) == ("overdue", False)  # late against both

    changes = TaskChange.objects.count()
    again = import_rows(program, row("Quý III/2025"))
    assert (again.linked, again.unchanged) == (0, 1)
    assert DeadlineChange.objects.count() == 1 and TaskChange.objects.count() == changes


def test_an_unreadable_or_not_later_deadline_is_kept_and_warned_about(
    program, notice, plan, five_g
):
    summary = import_rows(
        program,
        row("sau khi Bộ Chính trị cho ý kiến"),
        row("Quý II/2025", document="01-TB/BCĐTW ngày 22/01/2025", stt="2"),
    )

    assert not DeadlineChange.objects.exists()
    kept = [w for w in summary.warnings if "the assigned deadline was kept" in w["reason_en"]]
    assert len(kept) == 2


def test_a_second_restatement_of_the_same_day_records_nothing(five_g, plan):
    done, change = manage.restate_deadline(five_g, phrase="Quý II/2025", document=plan)
    assert done == manage.RESTATED and change.source == plan

    assert manage.restate_deadline(five_g, phrase="Quý II/2025", document=plan) == (
        manage.SAME,
        None,
    )
    assert manage.restate_deadline(five_g, phrase="2025", document=plan) == (
        manage.ALREADY,
        None,
    )
    assert five_g.deadline_changes.count() == 1


def test_the_task_page_names_the_restating_document_and_the_list_flags_late_against_original(
    client, clerk, program, plan, five_g
):
    manage.restate_deadline(five_g, phrase="Quý III/2025", document=plan, label="STT 5")
    client.force_login(clerk)

    page = client.get(f"/tasks/{five_g.pk}/").content.decode()
    assert "Kế hoạch 05-KH/BCĐTW ngày 15/04/2025 nêu lại thời hạn: Quý III/2025 (STT 5)" in page

    listed = client.get("/tasks/", {"as_of": "2025-04-20", "late_against_original": "1"})
    assert listed.context["page"].paginator.count == 1
    assert "Quá thời hạn ban đầu" in listed.content.decode()
    earlier = client.get("/tasks/", {"as_of": "2025-04-10", "late_against_original": "1"})
    assert earlier.context["page"].paginator.count == 0


def test_a_hand_made_related_link_keeps_two_tasks_shown_on_both_pages(
    client, clerk, program, plan, five_g
):
    other = "Phủ sóng 5G tại các khu công nghiệp, khu công nghệ cao trước tháng 9/2025."
    links = {"STT 1": Related(five_g)}

    summary = import_rows(program, row("Quý III/2025", noi_dung=other), links=links)
    again = import_rows(program, row("Quý III/2025", noi_dung=other), links=links)

    assert (summary.created, again.created) == (1, 0)
    new = Task.objects.get(content=other)
    relation = TaskRelation.objects.get()
    assert (relation.task, relation.related, relation.kind, relation.source) == (
        new,
        five_g,
        "restates",
        plan,
    )
    assert not five_g.deadline_changes.exists()
    client.force_login(clerk)
    assert f'Nêu lại nhiệm vụ <a href="/tasks/{five_g.pk}/">' in (
        client.get(f"/tasks/{new.pk}/").content.decode()
    )
    assert f'Được nêu lại tại nhiệm vụ <a href="/tasks/{new.pk}/">' in (
        client.get(f"/tasks/{five_g.pk}/").content.decode()
    )


def test_reviewing_a_pair_as_related_links_them_and_as_different_unlinks(
    client, clerk, program, notice, most, five_g
):
    other = services.create_task(
        program=program, content="Phủ sóng 5G", assigned_on=PLAN_DAY, leads=[most]
    )
    third = services.create_task(
        program=program, content="Mạng 5G ở nông thôn", assigned_on=PLAN_DAY, leads=[most]
    )
    related_pair, _ = services.queue_duplicate(other, five_g, score=0.7, source=notice)
    different_pair, _ = services.queue_duplicate(third, five_g, score=0.6, source=notice)
    services.relate_tasks(third, five_g, kind="restates", source=notice)
    client.force_login(clerk)

    client.post(f"/duplicates/{related_pair.pk}/decide/", {"decision": "related"})
    services.decide_duplicate(different_pair, same=False, by=clerk)

    assert DuplicateCandidate.objects.get(pk=related_pair.pk).state == "related"
    [relation] = TaskRelation.objects.all()
    assert {relation.task, relation.related} == {other, five_g}
    assert relation.kind == "related"


def test_a_number_read_without_its_diacritics_is_the_same_directive(program, committee, plan):
    """A PDF whose font lost the "Đ" gives "05-KH/BCDTW": the plan already recorded, not a new
    one; another day's plan of that number, or another issuer's, is another directive."""
    again, created = services.ensure_directive(
        program=program, kind="plan", number="05-kh/bcdtw ", date=PLAN_DAY, issuer=plan.issuer
    )
    assert (again, created) == (plan, False)
    _other_day, created = services.ensure_directive(
        program=program,
        kind="plan",
        number="05-KH/BCDTW",
        date=PLAN_DAY + dt.timedelta(days=1),
        issuer=committee,
    )
    assert created
