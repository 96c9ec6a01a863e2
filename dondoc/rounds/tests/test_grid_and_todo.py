"""The bulk entry grid (page and XLSX) and the reporter's and head's to-do."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from dondoc.rounds import services
from dondoc.tasks.models import ProgressUpdate, UpdateState

VN = dt.timezone(dt.timedelta(hours=7))


@pytest.fixture(autouse=True)
def during_the_round():
    with time_machine.travel(dt.datetime(2025, 7, 2, 9, tzinfo=VN), tick=False):
        yield


def _grid(q2, most):
    return reverse("rounds:grid", args=[q2.pk, most.pk])


def _save(client, q2, most, texts: dict, versions: dict | None = None):
    data = {"action": "save", "reported_on": "01/07/2025"}
    for task, text in texts.items():
        data[f"t{task.pk}-text"] = text
        data[f"t{task.pk}-version"] = str((versions or {}).get(task.pk, 0))
    return client.post(_grid(q2, most), data, follow=True)


def test_the_grid_saves_a_draft_for_each_task_at_once(client, q2, most, most_tasks, reporter):
    first, second, _theirs = most_tasks
    client.force_login(reporter)
    assert client.get(_grid(q2, most)).status_code == 200
    _save(client, q2, most, {first: "Đạt 60%", second: "Đang lấy ý kiến"})
    drafts = ProgressUpdate.objects.filter(submission_items__submission__round=q2)
    assert sorted(drafts.values_list("text", "state")) == [
        ("Đang lấy ý kiến", UpdateState.DRAFT),
        ("Đạt 60%", UpdateState.DRAFT),
    ]


def test_the_grid_changes_drafts_and_a_stale_grid_saves_nothing(
    client, q2, most, most_tasks, reporter
):
    first, second, _theirs = most_tasks
    client.force_login(reporter)
    _save(client, q2, most, {first: "Đạt 60%", second: ""})
    draft = ProgressUpdate.objects.get(text="Đạt 60%")
    _save(client, q2, most, {first: "Đạt 70%"}, {first.pk: draft.version})
    draft.refresh_from_db()
    assert draft.text == "Đạt 70%"
    stale = _save(client, q2, most, {first: "Cũ", second: "Mới"}, {first.pk: 1})
    assert "chưa lưu gì. Tải lại trang." in stale.content.decode()
    assert not ProgressUpdate.objects.filter(text__in=["Cũ", "Mới"]).exists()


def test_another_agency_cannot_open_the_grid(client, q2, most, other_reporter, clerk):
    for user in (other_reporter, clerk):
        client.force_login(user)
        assert client.get(_grid(q2, most)).status_code == 404


def test_the_xlsx_neutralises_formulas_and_round_trips(client, q2, most, most_tasks, reporter):
    first, second, _theirs = most_tasks
    first.content = '=HYPERLINK("http://evil.example","x")'
    first.save()
    client.force_login(reporter)
    _save(client, q2, most, {second: "@SUM(1)"})
    response = client.get(reverse("rounds:grid-xlsx", args=[q2.pk, most.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {r[0]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
    # The text is kept as typed, in cells marked as text: never a formula.
    assert rows[first.pk][1] == first.content
    assert rows[second.pk][5] == "@SUM(1)"
    for line in sheet.iter_rows():
        for cell in line:
            assert cell.data_type != "f"
            if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                assert cell.quotePrefix
    # Fill in the first task and send the file back: the draft is created, the second kept.
    for line in sheet.iter_rows(min_row=3):
        if line[0].value == first.pk:
            line[5].value = "Đã gửi hồ sơ"
    out = io.BytesIO()
    sheet.parent.save(out)
    upload = SimpleUploadedFile("grid.xlsx", out.getvalue())
    client.post(_grid(q2, most), {"action": "upload", "reported_on": "01/07/2025", "file": upload})
    texts = set(ProgressUpdate.objects.drafts().values_list("text", flat=True))
    assert texts == {"Đã gửi hồ sơ", "@SUM(1)"}


def test_a_refused_file_names_row_column_and_reason_and_writes_nothing(
    client, q2, most, most_tasks, reporter
):
    _first, _second, theirs = most_tasks
    client.force_login(reporter)
    sheet = load_workbook(
        io.BytesIO(client.get(reverse("rounds:grid-xlsx", args=[q2.pk, most.pk])).content)
    ).active
    sheet.cell(row=3, column=6, value="Hợp lệ")
    sheet.cell(row=4, column=1, value=theirs.pk)  # another agency's task
    sheet.cell(row=4, column=6, value="Không được")
    out = io.BytesIO()
    sheet.parent.save(out)
    response = client.post(
        _grid(q2, most),
        {
            "action": "upload",
            "reported_on": "01/07/2025",
            "file": SimpleUploadedFile("g.xlsx", out.getvalue()),
        },
    )
    html = response.content.decode()
    assert 'id="grid-problems"' in html
    assert "Dòng 4, cột Mã nhiệm vụ: không phải nhiệm vụ cơ quan báo cáo trong kỳ này" in html
    assert not ProgressUpdate.objects.exists()


def test_junk_instead_of_a_grid_is_refused_with_a_message(client, q2, most, most_tasks, reporter):
    client.force_login(reporter)
    response = client.post(
        _grid(q2, most),
        {
            "action": "upload",
            "reported_on": "01/07/2025",
            "file": SimpleUploadedFile("g.xlsx", b"PK\x03\x04 not really"),
        },
    )
    assert response.status_code == 200 and 'id="grid-problems"' in response.content.decode()


def test_the_todo_shows_the_round_progress_the_return_and_the_drafts(
    client, q2, most, most_tasks, reporter, head, tracker
):
    first, _second, _theirs = most_tasks
    submission = services.start_submission(q2, most, by=reporter)
    services.add_update(submission, first, by=reporter, text="Đạt 60%")
    client.force_login(reporter)
    html = client.get(reverse("rounds:todo")).content.decode()
    assert q2.title in html and "1/2" in html and "Đạt 60%" in html
    services.submit(submission, by=head)
    services.return_for_correction(submission, by=tracker, comment="Thiếu số liệu quý")
    html = client.get(reverse("rounds:todo")).content.decode()
    assert "Thiếu số liệu quý" in html


def test_the_head_approves_drafts_from_the_todo(client, q2, most, most_tasks, reporter, head):
    submission = services.start_submission(q2, most, by=reporter)
    update = services.add_update(submission, most_tasks[0], by=reporter, text="Đạt 60%")
    client.force_login(reporter)
    url = reverse("rounds:todo-approve")
    assert client.post(url, {f"u{update.pk}": update.version}).status_code == 404
    client.force_login(head)
    assert 'id="approve-drafts"' in client.get(reverse("rounds:todo")).content.decode()
    assert client.post(url, {f"u{update.pk}": update.version}).status_code == 302
    update.refresh_from_db()
    assert update.state == UpdateState.PUBLISHED
    assert submission.events.filter(kind="approved", by=head).count() == 1


def test_signing_in_lands_a_reporter_on_the_todo_and_a_clerk_on_the_dashboard(
    client, reporter, clerk
):
    client.force_login(reporter)
    assert client.get(reverse("rounds:home"))["Location"] == reverse("rounds:todo")
    client.force_login(clerk)
    assert client.get(reverse("rounds:home"))["Location"] == reverse("dashboard")


def test_the_signed_report_is_attached_to_the_submission(client, q2, most, most_tasks, head):
    submission = services.start_submission(q2, most, by=head)
    services.submit(submission, by=head)
    submission.refresh_from_db()
    client.force_login(head)
    url = reverse("rounds:submission", args=[q2.pk, most.pk])
    client.post(
        url,
        {
            "action": "sign",
            "version": submission.version,
            "signed_number": "15/BC-BKHCN",
            "signed_on": "01/07/2025",
            "signed_file": SimpleUploadedFile("bc.pdf", b"%PDF-1.4 ky"),
        },
    )
    submission.refresh_from_db()
    assert submission.signed_number == "15/BC-BKHCN"
    assert submission.signed_on == dt.date(2025, 7, 1)
    download = client.get(reverse("rounds:signed-report", args=[q2.pk, most.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
