"""Drafts are drafts: an agency's progress update is seen outside the agency only once its head
has approved it. One test per reader of the timeline; each fails if a draft leaks there."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from dondoc.accounts.models import ApiToken, Membership, Role, User
from dondoc.conftest import PASSWORD
from dondoc.core.uploads import check_upload
from dondoc.reports import services as report_services
from dondoc.reports.periods import Period
from dondoc.tasks import reporting, services
from dondoc.tasks.models import ProgressUpdate, Task, UpdateState
from dondoc.tasks.queries import status_counts, tasks_as_of, with_status
from dondoc.tasks.services import IncomingFile

VN = dt.timezone(dt.timedelta(hours=7))
TODAY = dt.date(2025, 7, 2)
DRAFT_TEXT = "Bản nháp: đã hoàn thành 80% khối lượng"


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
    """An overdue task the ministry leads and Hà Nội coordinates."""
    return services.create_task(
        program=program,
        content="Xây dựng cơ sở dữ liệu quốc gia về đất hiếm",
        assigned_on=dt.date(2025, 1, 22),
        deadline="Quý I/2025",
        sources=[(notice, "(1)", "")],
        leads=[most],
        coordinators=[hanoi],
    )


@pytest.fixture
def draft(shared, reporter, most) -> ProgressUpdate:
    upload = io.BytesIO(b"%PDF-1.4 minh chung")
    checked, _problems = check_upload(upload, "minh-chung.pdf")
    update, created = reporting.record_update(
        shared,
        by=reporter,
        text=DRAFT_TEXT,
        agency=most,
        reported_on=dt.date(2025, 6, 30),
        files=[IncomingFile(upload, checked)],
    )
    assert created and update.state == UpdateState.DRAFT
    return update


def _page(client, user, task) -> str:
    client.force_login(user)
    response = client.get(reverse("task-detail", args=[task.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_task_page_of_another_agency_does_not_show_the_draft(
    client, shared, draft, reporter, other_reporter, clerk
):
    assert DRAFT_TEXT in _page(client, reporter, shared)
    assert DRAFT_TEXT not in _page(client, other_reporter, shared)
    assert DRAFT_TEXT not in _page(client, clerk, shared)


def test_the_change_history_of_another_agency_does_not_show_the_draft(
    client, shared, draft, other_reporter
):
    html = _page(client, other_reporter, shared)
    assert "Progress update of 30/06/2025" not in html
    assert "Cập nhật tiến độ ngày 30/06/2025" not in html


def test_another_agency_cannot_download_the_drafts_attachment(
    client, draft, reporter, other_reporter
):
    attachment = draft.attachments.get()
    url = reverse("attachment-download", args=[attachment.pk])
    client.force_login(other_reporter)
    assert client.get(url).status_code == 404
    client.force_login(reporter)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_do_not_carry_the_draft(client, program, shared, draft, reporter, clerk, fmt):
    for user in (reporter, clerk):
        client.force_login(user)
        response = client.get(reverse(f"task-export-{fmt}"), {"program": program.code})
        assert response.status_code == 200
        if fmt == "csv":
            text = response.content.decode("utf-8-sig")
        else:
            book = load_workbook(io.BytesIO(response.content))
            text = " ".join(
                str(c)
                for ws in book.worksheets
                for row in ws.iter_rows(values_only=True)
                for c in row
            )
        assert shared.content in text
        assert DRAFT_TEXT not in text


def test_the_api_timeline_of_another_agency_does_not_show_the_draft(
    client, shared, draft, reporter, other_reporter
):
    def timeline(user):
        _token, key = ApiToken.issue(user, "test", "read")
        response = client.get(f"/api/tasks/{shared.pk}", HTTP_AUTHORIZATION=f"Bearer {key}")
        assert response.status_code == 200
        return response.json()["updates"]

    assert [u["text"] for u in timeline(other_reporter)] == []
    mine = timeline(reporter)
    assert [(u["text"], u["state"]) for u in mine] == [(DRAFT_TEXT, "draft")]


def test_the_api_refuses_evidence_on_another_agencys_draft(client, shared, draft, other_reporter):
    _token, key = ApiToken.issue(other_reporter, "test", "read,write")
    response = client.post(
        f"/api/tasks/{shared.pk}/updates/{draft.pk}/attachments",
        {"files": SimpleUploadedFile("x.pdf", b"%PDF-1.4 x", content_type="application/pdf")},
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 404


def test_a_draft_completion_changes_no_status_in_python_or_sql(shared, reporter, most):
    # Only the Standing Office completes tasks, and it publishes directly; a draft carrying a
    # status change (recorded by other means) must still move nothing until approved.
    services.post_update(
        shared,
        by=reporter,
        text="Đã hoàn thành",
        agency=most,
        status_change="completed",
        effective_on=dt.date(2025, 6, 30),
        state=UpdateState.DRAFT,
    )
    shared.refresh_from_db()
    assert shared.closure_kind == ""  # the cached closure (status.py's input)
    sql = with_status(Task.objects.filter(pk=shared.pk), TODAY).get().status
    assert sql == "overdue"
    counts = status_counts(tasks_as_of(TODAY, Task.objects.all()), TODAY)
    assert counts["completed"] == 0 and counts["overdue"] == 1


def test_the_dashboard_of_another_agency_does_not_count_a_draft_completion(
    client, shared, reporter, other_reporter, most, program
):
    services.post_update(
        shared,
        by=reporter,
        text="Đã hoàn thành",
        agency=most,
        status_change="completed",
        state=UpdateState.DRAFT,
    )
    client.force_login(other_reporter)
    response = client.get(f"/api/dashboard?program={program.code}", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json()["completed"] == 0


def test_the_quarterly_report_does_not_take_the_draft_as_the_result(program, shared, draft):
    report = report_services.build_quarterly(program, period=Period(2025, 2), as_of=TODAY)
    late = {row.task_id: row for row in report.data.late}
    assert DRAFT_TEXT not in late[shared.pk].result


def test_once_the_head_approves_the_other_agency_sees_it_recorded_today(
    client, program, shared, draft, head, other_reporter
):
    reporting.approve([draft], by=head)
    draft.refresh_from_db()
    assert draft.state == UpdateState.PUBLISHED and draft.approved_by == head
    assert draft.recorded_on == TODAY  # "as of" an earlier date it was not known outside
    assert DRAFT_TEXT in _page(client, other_reporter, shared)
    report = report_services.build_quarterly(program, period=Period(2025, 2), as_of=TODAY)
    assert {r.task_id: r for r in report.data.late}[shared.pk].result == DRAFT_TEXT
    before = report_services.build_quarterly(
        program, period=Period(2025, 2), as_of=dt.date(2025, 7, 1)
    )
    assert {r.task_id: r for r in before.data.late}[shared.pk].result != DRAFT_TEXT


def test_a_program_may_let_reporters_publish_directly(shared, reporter, most, program):
    program.updates_need_approval = False
    program.save()
    update, _created = reporting.record_update(shared, by=reporter, text="Công bố", agency=most)
    assert update.state == UpdateState.PUBLISHED


def test_the_head_and_the_standing_office_publish_their_own_updates(shared, head, clerk, most):
    by_head, _ = reporting.record_update(shared, by=head, text="Lãnh đạo", agency=most)
    by_clerk, _ = reporting.record_update(shared, by=clerk, text="Văn phòng")
    assert by_head.state == by_clerk.state == UpdateState.PUBLISHED


def test_the_api_records_one_update_for_a_repeated_idempotency_key(client, shared, reporter):
    _token, key = ApiToken.issue(reporter, "test", "read,write")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}", "HTTP_IDEMPOTENCY_KEY": "lan-gui-0001"}
    url = f"/api/tasks/{shared.pk}/updates"
    first = client.post(url, {"text": "Một lần"}, content_type="application/json", **headers)
    again = client.post(url, {"text": "Một lần"}, content_type="application/json", **headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and first.json()["state"] == "draft"
    assert ProgressUpdate.objects.count() == 1
    bad = client.post(
        url,
        {"text": "x"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
        HTTP_IDEMPOTENCY_KEY="no spaces!",
    )
    assert bad.status_code == 400


def test_the_task_page_keeps_each_readers_narrowing_whoever_came_first(
    client, program, shared, draft, reporter, other_reporter, clerk, hanoi
):
    # The page's statements are compiled once per narrowing by the policy (``core.prepared``).
    hanoi_only = services.create_task(
        program=program,
        content="Việc riêng của Hà Nội",
        assigned_on=dt.date(2025, 1, 22),
        leads=[hanoi],
    )
    for user, sees_draft, sees_hanoi_only in (
        (other_reporter, False, True),
        (reporter, True, False),
        (clerk, False, True),
        (other_reporter, False, True),
        (reporter, True, False),
    ):
        assert (DRAFT_TEXT in _page(client, user, shared)) is sees_draft, user
        response = client.get(reverse("task-detail", args=[hanoi_only.pk]))
        assert response.status_code == (200 if sees_hanoi_only else 404), user
