"""The task management pages as each kind of user meets them."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from dondoc.tasks import manage, services
from dondoc.tasks.models import ChangeKind, DeadlineChange, Task, TaskChange

VN = dt.timezone(dt.timedelta(hours=7))
MAY_2 = dt.datetime(2025, 5, 2, 9, tzinfo=VN)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(MAY_2, tick=False):
        yield


@pytest.fixture
def task(program, notice, most, member_person) -> Task:
    return services.create_task(
        program=program,
        content="Quản lý, khai thác hiệu quả đất hiếm.",
        assigned_on=dt.date(2025, 1, 22),
        deadline="Quý I/2025",
        sources=[(notice, "(3)", "")],
        leads=[most],
        members=[member_person],
    )


def _create_body(notice, most, **extra) -> dict:
    return {
        "program": notice.program_id,
        "content": "Xây dựng cơ sở dữ liệu quốc gia về đất hiếm.",
        "directive_0": notice.pk,
        "label_0": "(7)",
        "leads": [most.pk],
        "deadline": "Quý III/2025",
        "reason": "Bổ sung theo Thông báo 01",
        **extra,
    }


def test_the_clerk_checks_the_deadline_then_creates_the_task(client, clerk, notice, most):
    client.force_login(clerk)
    page = client.get(reverse("task-create"))
    assert page.status_code == 200
    assert "Lý do thay đổi" in page.content.decode()

    preview = client.post(reverse("task-create"), _create_body(notice, most, preview="1"))
    assert preview.status_code == 200 and "30/09/2025" in preview.content.decode()
    assert not Task.objects.exists()

    saved = client.post(reverse("task-create"), _create_body(notice, most))
    task = Task.objects.get()
    assert saved.status_code == 302 and saved["Location"] == reverse("task-detail", args=[task.pk])
    assert task.due_on == dt.date(2025, 9, 30) and task.assigned_on == dt.date(2025, 5, 2)
    assert task.sources.get().label == "(7)"
    assert task.changes.get().by == clerk


def test_an_empty_group_is_suggested_from_its_keywords(client, clerk, notice, most, program):
    group = program.groups.get(number=3)
    group.keywords = "đất hiếm\ncơ sở dữ liệu"
    group.save()
    client.force_login(clerk)
    client.post(reverse("task-create"), _create_body(notice, most))
    assert Task.objects.get().group == group


@pytest.mark.parametrize(
    "typed", ["32/01/2025", "31/12/9999", "01/01/0001", "mùa xuân", "99999999/1/1"]
)
def test_a_typed_date_that_cannot_be_is_a_message_never_a_500(client, clerk, task, typed):
    client.force_login(clerk)
    url = reverse("task-cancel", args=[task.pk])
    response = client.post(url, {"effective_on": typed, "reason": "Dừng"})
    assert response.status_code == 200
    assert 'class="errorlist"' in response.content.decode()
    assert not TaskChange.objects.exists()


@pytest.mark.parametrize("typed", ["32/01/2025", "Quý V/2025", "sau khi xong"])
def test_a_deadline_not_understood_is_refused_with_a_message(client, clerk, task, typed):
    client.force_login(clerk)
    response = client.post(
        reverse("task-deadline", args=[task.pk]), {"deadline": typed, "reason": "Điều chỉnh"}
    )
    assert response.status_code == 200
    assert (
        "không hiểu" in response.content.decode().lower()
        or "errorlist" in response.content.decode()
    )
    assert not DeadlineChange.objects.exists()


def test_the_tracker_changes_the_deadline_and_the_task_shows_its_history(client, tracker, task):
    client.force_login(tracker)
    url = reverse("task-deadline", args=[task.pk])
    assert "<strong>31/03/2025</strong>" in client.get(url).content.decode()  # in force today
    version = manage.version_of(task)
    response = client.post(
        url, {"deadline": "30/06/2025", "reason": "Công văn 12/VP", "version": version}
    )
    assert response.status_code == 302
    page = client.get(reverse("task-detail", args=[task.pk])).content.decode()
    assert "Lịch sử thời hạn" in page
    assert "30/06/2025" in page and "Công văn 12/VP" in page
    assert "31/03/2025" in page  # the deadline as first assigned stays on record
    listed = client.get(reverse("task-list")).content.decode()
    assert "<strong>30/06/2025</strong>" in listed  # the list shows the deadline in force


def test_a_reassignment_reads_in_the_readers_language(client, tracker, task, hanoi):
    with translation.override("vi"):  # written by a user reading in Vietnamese
        manage.reassign(
            task, by=tracker, reason="Giao lại", leads=[hanoi], coordinators=[hanoi], members=[]
        )
    earlier = TaskChange.objects.create(  # as the summaries were stored before, rendered
        task=task,
        kind=ChangeKind.REASSIGNED,
        changed_on=dt.date(2025, 4, 1),
        reason="Trước đây",
        summary="Cơ quan phối hợp: — → Sở KH&CN Hà Nội",
    )
    client.force_login(tracker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("task-detail", args=[task.pk])).content.decode()
    assert "Coordinating agencies: — → Sở KH&amp;CN Hà Nội" in page  # the earlier summary
    assert f"Coordinating agencies: — → {hanoi}" in page
    assert "Lead agency: " in page and "Supervising members: " in page
    assert "Cơ quan phối hợp" not in page and "Cơ quan chủ trì:" not in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    page = client.get(reverse("task-detail", args=[task.pk])).content.decode()
    assert "Cơ quan phối hợp: — → Sở KH&amp;CN Hà Nội" in page
    assert earlier.summary == TaskChange.objects.get(pk=earlier.pk).summary  # stored as it was


def test_a_form_loaded_before_another_change_is_refused(client, clerk, tracker, task, hanoi):
    client.force_login(clerk)
    stale = manage.version_of(task)
    manage.reassign(task, by=tracker, reason="Giao lại", leads=[hanoi], coordinators=[], members=[])
    response = client.post(
        reverse("task-deadline", args=[task.pk]),
        {"deadline": "2026", "reason": "Điều chỉnh", "version": stale},
    )
    assert response.status_code == 302
    assert not DeadlineChange.objects.exists()


@pytest.mark.parametrize(
    "name",
    ["task-edit", "task-reassign", "task-deadline", "task-split", "task-merge", "task-cancel"],
)
def test_reporters_cannot_manage_and_another_agency_does_not_see_the_task(
    client, reporter, other_reporter, task, name
):
    url = reverse(name, args=[task.pk])
    client.force_login(reporter)  # of the lead agency: may see, may not change
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "x"}).status_code == 403
    client.force_login(other_reporter)
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "x"}).status_code == 404


def test_the_task_page_offers_management_only_to_those_who_may(client, clerk, reporter, task):
    client.force_login(clerk)
    page = client.get(reverse("task-detail", args=[task.pk])).content.decode()
    assert reverse("task-split", args=[task.pk]) in page
    client.force_login(reporter)
    page = client.get(reverse("task-detail", args=[task.pk])).content.decode()
    assert reverse("task-edit", args=[task.pk]) not in page


def test_split_and_merge_through_the_pages(client, clerk, task, program, notice, hanoi):
    client.force_login(clerk)
    response = client.post(
        reverse("task-split", args=[task.pk]),
        {
            "content_0": "Quản lý đất hiếm.",
            "content_1": "Khai thác đất hiếm.",
            "deadline_1": "Năm 2026",
            "close_original": "on",
            "reason": "Tách theo lĩnh vực",
            "version": manage.version_of(task),
        },
    )
    assert response.status_code == 302
    parts = list(Task.objects.filter(parent=task).order_by("pk"))
    assert [p.due_on for p in parts] == [dt.date(2025, 3, 31), dt.date(2026, 12, 31)]
    task.refresh_from_db()
    assert task.closure_kind == "cancelled"

    response = client.post(
        reverse("task-merge", args=[parts[0].pk]),
        {"duplicate": parts[1].pk, "reason": "Trùng", "version": manage.version_of(parts[0])},
    )
    assert response.status_code == 302
    assert Task.objects.get(pk=parts[1].pk).merged_into_id == parts[0].pk
    assert parts[0].changes.filter(kind=ChangeKind.MERGED).exists()
    again = client.get(reverse("task-edit", args=[parts[1].pk]))  # a merged task is frozen
    assert again.status_code == 302


def test_merging_a_task_into_itself_is_a_message(client, clerk, task):
    client.force_login(clerk)
    response = client.post(
        reverse("task-merge", args=[task.pk]), {"duplicate": task.pk, "reason": "Trùng"}
    )
    assert response.status_code == 200 and "errorlist" in response.content.decode()


def test_the_deadline_preview_shows_the_date_read(client, clerk):
    client.force_login(clerk)
    response = client.get(reverse("task-deadline-preview"), {"deadline": "Quý II/2025"})
    assert "30/06/2025" in response.content.decode()


def test_a_cancelled_task_cannot_be_cancelled_again(client, clerk, task):
    client.force_login(clerk)
    url = reverse("task-cancel", args=[task.pk])
    first = client.post(
        url, {"effective_on": "01/05/2025", "reason": "Dừng", "version": manage.version_of(task)}
    )
    assert first.status_code == 302
    second = client.post(
        url,
        {
            "effective_on": "02/05/2025",
            "reason": "Dừng lần hai",
            "version": manage.version_of(task),
        },
    )
    assert (
        second.status_code == 200 and "Nhiệm vụ này đã dừng thực hiện." in second.content.decode()
    )
    assert task.updates.count() == 1
