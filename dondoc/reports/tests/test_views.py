import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from docx import Document

from dondoc.reports.models import GeneratedReport
from dondoc.reports.periods import Period
from dondoc.reports.services import generate_quarterly

AS_OF = dt.date(2025, 4, 10)


def login(client, user):
    client.force_login(user)
    return client


def test_clerk_previews_then_generates_the_quarterly_report(client, clerk, quarter):
    login(client, clerk)
    data = {
        "program": quarter["done"].program_id,
        "period": "2025-Q1",
        "as_of": "10/04/2025",
        "number": "02",
        "assessment": "Bước đầu tạo chuyển biến.",
    }
    preview = client.post(reverse("reports:new"), {**data, "action": "preview"})
    assert preview.status_code == 200
    assert "trong đó có 02 nhiệm vụ quá hạn" in preview.content.decode()
    assert not GeneratedReport.objects.exists()

    response = client.post(reverse("reports:new"), {**data, "action": "generate"})
    report = GeneratedReport.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "reports:detail", args=[report.pk]
    )
    detail = client.get(response.url).content.decode()
    assert "Bước đầu tạo chuyển biến." in detail
    assert "DANH SÁCH CÁC NHIỆM VỤ CHẬM, MUỘN" in detail

    docx = client.get(reverse("reports:download", args=[report.pk, "docx"]))
    assert docx.status_code == 200
    assert Document(io.BytesIO(b"".join(docx.streaming_content))).tables
    xlsx = client.get(reverse("reports:download", args=[report.pk, "xlsx"]))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_quarter_written_wrongly_is_refused_in_vietnamese_friendly_form(client, clerk, quarter):
    login(client, clerk)
    response = client.post(
        reverse("reports:new"),
        {"program": quarter["done"].program_id, "period": "Q5", "as_of": "2025-04-10"},
    )
    assert response.status_code == 200 and not GeneratedReport.objects.exists()
    assert "“Q5” không phải là quý: hãy viết theo dạng Quý I/2025." in response.content.decode()


def test_text_sections_are_edited_on_the_stored_report(client, clerk, quarter):
    report = generate_quarterly(quarter["done"].program, period=Period(2025, 1), as_of=AS_OF)
    login(client, clerk)
    client.post(reverse("reports:texts", args=[report.pk]), {"recommendations": "Kiến nghị A."})
    report.refresh_from_db()
    assert report.sections["recommendations"] == "Kiến nghị A."


def test_report_list_query_count_is_bounded(client, clerk, quarter, django_assert_max_num_queries):
    program = quarter["done"].program
    for _ in range(3):
        generate_quarterly(program, period=Period(2025, 1), as_of=AS_OF)
    login(client, clerk)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("reports:list"))
    assert response.status_code == 200
    assert response.content.decode().count("Quý I/2025") >= 3  # quarters shown as typed


@pytest.mark.parametrize("user", ["reporter", "other_reporter"])
def test_reporters_cannot_see_or_generate_the_quarterly_report(client, request, quarter, user):
    login(client, request.getfixturevalue(user))
    assert client.get(reverse("reports:list")).status_code == 403
    assert client.get(reverse("reports:new")).status_code == 403


def test_tracker_generates_and_member_only_reads(client, tracker, committee_member, quarter):
    login(client, tracker)
    assert client.get(reverse("reports:new")).status_code == 200
    client.logout()
    login(client, committee_member)
    assert client.get(reverse("reports:list")).status_code == 200
    assert client.get(reverse("reports:new")).status_code == 403


def test_reporter_sees_the_brief_of_their_agency_only(client, reporter, most, hanoi, quarter):
    login(client, reporter)
    own = client.get(reverse("reports:agency-brief", args=[most.pk]), {"as_of": "2025-04-10"})
    assert own.status_code == 200
    assert "Đảng ủy Bộ Khoa học và Công nghệ chủ trì" in own.content.decode()
    other = client.get(reverse("reports:agency-brief", args=[hanoi.pk]))
    assert other.status_code == 404


def test_a_brief_shows_each_task_in_full(client, reporter, most, quarter):
    long = quarter["late_policy"]
    long.content = (
        "Xây dựng chính sách hợp tác công tư về khoa học, công nghệ, đổi mới sáng tạo và chuyển "
        "đổi số, trong đó quy định rõ cơ chế chia sẻ rủi ro, phân chia lợi ích và quyền sở hữu "
        "kết quả nghiên cứu giữa Nhà nước và doanh nghiệp (đoạn cuối của nội dung)"
    )
    long.save()
    login(client, reporter)
    url = reverse("reports:agency-brief", args=[most.pk])
    page = client.get(url, {"as_of": "2025-04-10"}).content.decode()
    assert "(đoạn cuối của nội dung)" in page
    docx = client.get(url, {"as_of": "2025-04-10", "format": "docx"})
    cells = [
        c.text for t in Document(io.BytesIO(docx.content)).tables for r in t.rows for c in r.cells
    ]
    assert any(c.endswith("(đoạn cuối của nội dung)") for c in cells)
    assert not any(c.endswith("…") for c in cells)


def test_member_brief_downloads_as_docx(client, committee_member, member_person, quarter):
    login(client, committee_member)
    url = reverse("reports:member-brief", args=[member_person.pk])
    page = client.get(url, {"as_of": "2025-04-10"})
    assert "Nguyễn Mạnh Hùng" in page.content.decode()
    response = client.get(url, {"as_of": "2025-04-10", "format": "docx"})
    assert response["Content-Disposition"].startswith("attachment")
    doc = Document(io.BytesIO(response.content))
    assert any("02 nhiệm vụ quá hạn" in p.text for p in doc.paragraphs)


def test_pdf_without_libreoffice_says_so_clearly(client, clerk, quarter, monkeypatch):
    report = generate_quarterly(quarter["done"].program, period=Period(2025, 1), as_of=AS_OF)
    monkeypatch.setattr("shutil.which", lambda _name: None)
    login(client, clerk)
    response = client.get(reverse("reports:download", args=[report.pk, "pdf"]), follow=True)
    assert "LibreOffice" in response.content.decode()


def test_report_command_writes_docx_and_xlsx(quarter, tmp_path):
    out = io.StringIO()
    call_command(
        "report",
        "quarterly",
        "--period=2025-Q1",
        "--as-of=2025-04-10",
        f"--output={tmp_path / 'q1.docx'}",
        f"--xlsx={tmp_path / 'q1.xlsx'}",
        stdout=out,
    )
    assert "overdue 2" in out.getvalue() and "appendix 2: 2 rows" in out.getvalue()
    assert (tmp_path / "q1.docx").stat().st_size > 0 and (tmp_path / "q1.xlsx").exists()
    assert not GeneratedReport.objects.exists()


def test_a_number_typed_with_its_symbol_is_kept_as_the_number(client, clerk, quarter):
    login(client, clerk)
    data = {
        "program": quarter["done"].program_id,
        "period": "2025-Q1",
        "as_of": "10/04/2025",
        "action": "generate",
    }
    client.post(reverse("reports:new"), {**data, "number": "05-BC/CQTTBCĐ"})
    report = GeneratedReport.objects.get()
    assert report.number == "05"
    assert (
        "Số 05-BC/CQTTBCĐ"
        in client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    )
    wrong = client.post(reverse("reports:new"), {**data, "number": "05-BC/VPTW"})
    refused = "Chỉ ghi số (ví dụ 05): ký hiệu BC/CQTTBCĐ được thêm tự động."
    assert refused in wrong.content.decode()
    assert GeneratedReport.objects.count() == 1
