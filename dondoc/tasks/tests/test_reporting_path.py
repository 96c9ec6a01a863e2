"""One reporting path through the pages: the task page writes a draft, its author edits or
withdraws it, the head approves it, a published update is corrected by a dated correction, a
form posted twice records once, and a stale form is a conflict, not an overwrite."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from dondoc.accounts.models import Membership, Role, User
from dondoc.conftest import PASSWORD
from dondoc.tasks import reporting, services
from dondoc.tasks.models import ProgressUpdate, Task, UpdateState

VN = dt.timezone(dt.timedelta(hours=7))
TOKEN = "0123456789abcdef0123456789abcdef"


@pytest.fixture(autouse=True)
def during_the_quarter():
    with time_machine.travel(dt.datetime(2025, 7, 2, 9, tzinfo=VN), tick=False):
        yield


@pytest.fixture
def head(most) -> User:
    user = User.objects.create_user(
        username="head", password=PASSWORD, role=Role.AGENCY_HEAD, full_name="Head"
    )
    Membership.objects.create(user=user, org_unit=most)
    return user


@pytest.fixture
def shared(program, notice, most, hanoi) -> Task:
    return services.create_task(
        program=program,
        content="Xây dựng cơ sở dữ liệu quốc gia về đất hiếm",
        assigned_on=dt.date(2025, 1, 22),
        deadline="Quý IV/2025",
        sources=[(notice, "(1)", "")],
        leads=[most],
        coordinators=[hanoi],
    )


def _post_update(client, task, text, token=TOKEN):
    return client.post(
        reverse("task-detail", args=[task.pk]),
        {"text": text, "reported_on": "01/07/2025", "form_token": token},
        follow=True,
    )


def test_the_task_page_records_a_reporters_update_as_a_draft(client, shared, reporter):
    client.force_login(reporter)
    response = _post_update(client, shared, "Đang xây dựng dự thảo")
    update = ProgressUpdate.objects.get()
    assert update.state == UpdateState.DRAFT and update.agency.name.startswith("Đảng")
    html = response.content.decode()
    assert "Bản nháp: chờ lãnh đạo cơ quan duyệt" in html
    assert "Đã lưu vào bản nháp của cơ quan" in html


def test_a_form_posted_twice_records_one_update(client, shared, reporter):
    client.force_login(reporter)
    _post_update(client, shared, "Đang xây dựng dự thảo")
    second = _post_update(client, shared, "Đang xây dựng dự thảo")
    assert ProgressUpdate.objects.count() == 1
    assert second.status_code == 200


def test_the_same_token_from_another_user_spoils_nothing(client, shared, reporter, other_reporter):
    client.force_login(reporter)
    _post_update(client, shared, "Của Bộ")
    client.force_login(other_reporter)
    _post_update(client, shared, "Của Hà Nội")
    assert sorted(ProgressUpdate.objects.values_list("text", flat=True)) == ["Của Bộ", "Của Hà Nội"]


def test_the_author_edits_a_draft_and_a_stale_form_is_a_conflict(client, shared, reporter, most):
    update, _ = reporting.record_update(shared, by=reporter, text="Lần 1", agency=most)
    client.force_login(reporter)
    url = reverse("update-edit", args=[update.pk])
    assert client.get(url).status_code == 200
    form = {"text": "Lần 2", "reported_on": "01/07/2025", "version": update.version}
    client.post(url, form)
    stale = client.post(url, {**form, "text": "Lần 3 (trang cũ)"}, follow=True)
    update.refresh_from_db()
    assert update.text == "Lần 2"
    assert "hãy tải lại trang" in stale.content.decode()


def test_only_the_author_changes_or_withdraws_a_draft(client, shared, reporter, head, most):
    update, _ = reporting.record_update(shared, by=reporter, text="Lần 1", agency=most)
    client.force_login(head)
    assert client.get(reverse("update-edit", args=[update.pk])).status_code == 404
    withdraw = reverse("update-withdraw", args=[update.pk])
    assert client.post(withdraw, {"version": update.version}).status_code == 404
    client.force_login(reporter)
    assert client.post(withdraw, {"version": update.version}).status_code == 302
    update.refresh_from_db()
    assert update.state == UpdateState.WITHDRAWN
    assert not ProgressUpdate.objects.published().exists()


def test_the_head_approves_a_draft_once(client, shared, reporter, head, most, other_reporter):
    update, _ = reporting.record_update(shared, by=reporter, text="Lần 1", agency=most)
    url = reverse("update-approve", args=[update.pk])
    client.force_login(reporter)
    assert client.post(url, {"version": update.version}).status_code == 404
    client.force_login(head)
    assert client.post(url, {"version": update.version}).status_code == 302
    again = client.post(url, {"version": update.version}, follow=True)
    assert ProgressUpdate.objects.get().state == UpdateState.PUBLISHED
    html = again.content.decode()
    assert "Cập nhật này đã được duyệt và công bố." in html


def test_a_correction_keeps_the_original_marked_on_the_timeline(
    client, shared, reporter, head, most, other_reporter
):
    original, _ = reporting.record_update(shared, by=head, text="Đạt 50%", agency=most)
    client.force_login(reporter)
    client.post(
        reverse("update-correct", args=[original.pk]),
        {"text": "Đạt 40% (đính chính)", "reported_on": "02/07/2025", "form_token": TOKEN},
    )
    correction = ProgressUpdate.objects.get(corrects=original)
    assert correction.state == UpdateState.DRAFT
    original.refresh_from_db()
    assert original.state == UpdateState.PUBLISHED  # until the head approves the correction
    reporting.approve([correction], by=head)
    original.refresh_from_db()
    assert original.state == UpdateState.CORRECTED and original.text == "Đạt 50%"
    client.force_login(other_reporter)
    html = client.get(reverse("task-detail", args=[shared.pk])).content.decode()
    assert "<del>Đạt 50%</del>" in html and "Đạt 40% (đính chính)" in html


def test_a_published_update_cannot_be_edited_as_a_draft(client, shared, head, most):
    published, _ = reporting.record_update(shared, by=head, text="Đạt 50%", agency=most)
    client.force_login(head)
    assert client.get(reverse("update-edit", args=[published.pk])).status_code == 404
    with pytest.raises(reporting.UpdateConflict):
        reporting.edit_draft(
            published, by=head, text="x", reported_on=dt.date(2025, 7, 1), version=None
        )


def test_another_agency_cannot_correct_or_approve(client, shared, head, most, other_reporter):
    published, _ = reporting.record_update(shared, by=head, text="Đạt 50%", agency=most)
    client.force_login(other_reporter)
    assert client.get(reverse("update-correct", args=[published.pk])).status_code == 404
    assert client.post(
        reverse("update-approve", args=[published.pk]), {"version": 1}
    ).status_code in (302, 404)
    published.refresh_from_db()
    assert published.state == UpdateState.PUBLISHED


def test_a_step_goes_back_only_to_a_page_of_this_site(client, shared, reporter, most):
    update, _ = reporting.record_update(shared, by=reporter, text="Lần 1", agency=most)
    client.force_login(reporter)
    url = reverse("update-edit", args=[update.pk])
    form = {"text": "Lần 2", "reported_on": "01/07/2025", "version": update.version}
    away = client.post(url, {**form, "next": "/\\evil.example/"})
    assert away["Location"].startswith(reverse("task-detail", args=[shared.pk]))
    home = client.post(url, {**form, "version": update.version + 1, "next": "/rounds/todo/"})
    assert home["Location"] == "/rounds/todo/"
