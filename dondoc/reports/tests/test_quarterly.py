import datetime as dt
import io

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from openpyxl import load_workbook

from dondoc.accounts.policy import visible_tasks
from dondoc.reports import services
from dondoc.reports.models import GeneratedReport
from dondoc.reports.periods import Period
from dondoc.tasks import services as task_services
from dondoc.tasks.models import Task
from dondoc.tasks.queries import status_counts, tasks_as_of

Q1 = Period(2025, 1)
AS_OF = dt.date(2025, 4, 10)


def build():
    from dondoc.tasks.models import Program

    return services.build_quarterly(
        Program.objects.get(code="NQ57"), period=Q1, as_of=AS_OF, number="02"
    )


def test_figures_agree_with_the_dashboard_for_the_same_date(quarter, clerk):
    report = build()
    dashboard = status_counts(visible_tasks(clerk, tasks_as_of(AS_OF, Task.objects.all())), AS_OF)
    f = report.data.figures
    assert (f.assigned, f.completed, f.in_progress, f.overdue) == (
        dashboard["assigned"],
        dashboard["completed"],
        dashboard["in_progress"],
        dashboard["overdue"],
    )
    assert (f.assigned, f.completed, f.in_progress, f.overdue) == (7, 1, 6, 2)


def test_count_sentence_is_written_in_the_seed_report_style(quarter):
    text = " ".join(b.text for b in build().document.body if b.kind == "para")
    assert "đã tổ chức 02 phiên họp (các ngày 20/01 và 04/3/2025)" in text
    assert "đã giao 07 nhiệm vụ cụ thể" in text
    assert (
        "đã hoàn thành 01 nhiệm vụ và đang triển khai 06 nhiệm vụ, trong đó có 02 nhiệm vụ quá hạn "
        "(Chi tiết tại phụ lục 1 kèm theo)" in text
    )
    assert "Trong quý II/2025 có 02 nhiệm vụ đến hạn hoàn thành" in text


def test_appendix_1_lists_overdue_tasks_with_the_result_recorded_by_then(quarter):
    late = build().data.late
    assert [r.task_id for r in late] == [quarter["late_policy"].pk, quarter["late_decree"].pk]
    policy, decree = late
    assert policy.result == "Chưa có báo cáo tình hình thực hiện"
    assert decree.result.startswith("Các thành viên Chính phủ đã cho ý kiến")
    assert decree.documents == "Thông báo số 03-TB/BCĐTW ngày 06/3/2025"
    assert decree.members == "Đồng chí Nguyễn Mạnh Hùng (BCĐ TW)"
    assert decree.leads == "Đảng ủy Bộ Khoa học và Công nghệ"
    assert decree.deadline == "Tháng 3/2025"


def test_appendix_2_lists_open_tasks_due_in_the_next_quarter(quarter):
    upcoming = build().data.upcoming
    assert {r.task_id for r in upcoming} == {quarter["q2_data"].pk, quarter["q2_ai"].pk}


def test_a_result_recorded_after_the_date_is_not_shown(quarter, clerk):
    task_services.post_update(
        quarter["late_policy"],
        by=clerk,
        text="Đã trình dự thảo chính sách.",
        reported_on=dt.date(2025, 4, 9),
        recorded_on=dt.date(2025, 4, 20),
    )
    assert build().data.late[0].result == "Chưa có báo cáo tình hình thực hiện"


def test_regenerating_for_the_same_date_after_later_edits_gives_the_same_hash(quarter, clerk):
    program = quarter["done"].program
    report = services.generate_quarterly(program, period=Q1, as_of=AS_OF, by=clerk, number="02")
    task_services.post_update(
        quarter["late_policy"],
        by=clerk,
        text="Đã hoàn thành.",
        reported_on=dt.date(2025, 5, 2),
        recorded_on=dt.date(2025, 5, 2),
        status_change="completed",
        effective_on=dt.date(2025, 5, 2),
    )
    again = services.generate_quarterly(program, period=Q1, as_of=AS_OF, by=clerk, number="02")
    assert again.snapshot_hash == report.snapshot_hash
    assert again.figures == report.figures
    later = services.build_quarterly(program, period=Q1, as_of=dt.date(2025, 5, 3))
    assert later.data.snapshot_hash() != report.snapshot_hash
    assert later.data.figures.completed == 2


def test_generated_report_is_stored_with_files_parameters_and_text_sections(quarter, clerk):
    program = quarter["done"].program
    report = services.generate_quarterly(
        program,
        period=Q1,
        as_of=AS_OF,
        by=clerk,
        texts={"assessment": "Nhiều nhiệm vụ đã được khởi động.", "bottlenecks": ""},
    )
    report = GeneratedReport.objects.get(pk=report.pk)
    assert report.docx.name.endswith(".docx") and report.xlsx.name.endswith(".xlsx")
    assert report.parameters["period"] == "2025-Q1" and report.parameters["as_of"] == "2025-04-10"
    assert report.sections["assessment"] == "Nhiều nhiệm vụ đã được khởi động."
    assert len(report.snapshot_hash) == 64
    before = report.snapshot_hash
    services.update_texts(report, {"assessment": "Đã sửa."}, by=clerk)
    report.refresh_from_db()
    assert report.sections["assessment"] == "Đã sửa." and report.snapshot_hash == before
    with report.docx.open("rb") as handle:
        assert "Đã sửa." in "\n".join(p.text for p in Document(handle).paragraphs)


def _table_texts(table):
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_docx_follows_the_official_format(quarter):
    doc = Document(io.BytesIO(build().docx()))
    header = doc.tables[0]
    left, right = (cell.text for cell in header.rows[0].cells)
    assert "BAN CHỈ ĐẠO TRUNG ƯƠNG" in left and "CƠ QUAN THƯỜNG TRỰC" in left
    assert "Số 02-BC/CQTTBCĐ" in left
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in right
    assert "Hà Nội, ngày 10 tháng 4 năm 2025" in right
    party = next(r for p in header.rows[0].cells[1].paragraphs for r in p.runs if r.text)
    assert party.bold and party.underline

    texts = [p.text for p in doc.paragraphs]
    assert "BÁO CÁO" in texts
    assert "TRONG QUÝ I/2025 VÀ NHIỆM VỤ TRỌNG TÂM QUÝ II/2025" in texts
    assert any("trong đó có 02 nhiệm vụ quá hạn" in t for t in texts)
    assert "Phụ lục 1" in texts and "DANH SÁCH CÁC NHIỆM VỤ CHẬM, MUỘN" in texts
    assert "DANH SÁCH NHIỆM VỤ THỰC HIỆN TRONG QUÝ II/2025" in texts

    body_font = doc.styles["Normal"].font
    assert body_font.name == "Times New Roman" and body_font.size.pt == 14

    portrait, landscape = doc.sections
    assert portrait.orientation == WD_ORIENT.PORTRAIT and round(portrait.page_width.mm) == 210
    assert round(portrait.left_margin.mm) == 30 and round(portrait.right_margin.mm) == 15
    assert portrait.different_first_page_header_footer
    assert "PAGE" in portrait.header._element.xml
    assert landscape.orientation == WD_ORIENT.LANDSCAPE and round(landscape.page_width.mm) == 297

    appendix1, appendix2 = doc.tables[-2:]
    rows1, rows2 = _table_texts(appendix1), _table_texts(appendix2)
    assert rows1[0] == [
        "STT",
        "Nhiệm vụ cụ thể",
        "Văn bản giao nhiệm vụ",
        "Đồng chí Thành viên Ban Chỉ đạo chỉ đạo, theo dõi",
        "Cơ quan chủ trì thực hiện",
        "Thời hạn hoàn thành",
        "Kết quả thực hiện (TGV theo dõi)",
    ]
    assert len(rows1) == 1 + 2 and len(rows2) == 1 + 2 and len(rows2[0]) == 6
    assert rows1[2][1] == "Ban hành Nghị định hướng dẫn Nghị quyết số 193/2025/QH15"
    for table in (appendix1, appendix2):
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        assert (
            table.rows[1]._tr.trPr is None or table.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None
        )

    closing = doc.tables[-3]
    assert "Nơi nhận:" in closing.rows[0].cells[0].text
    assert "T/L BAN CHỈ ĐẠO" in closing.rows[0].cells[1].text


def test_xlsx_holds_the_same_appendix_rows_ready_to_print(quarter):
    report = build()
    book = load_workbook(io.BytesIO(report.xlsx()))
    sheet = book["Phụ lục 1"]
    assert [c.value for c in sheet[3]][:2] == ["STT", "Nhiệm vụ cụ thể"]
    assert sheet[3][0].font.bold
    assert sheet.freeze_panes == "A4"
    assert sheet.print_title_rows == "$3:$3"
    assert sheet.page_setup.orientation == "landscape"
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert [r[1] for r in rows] == [r.content for r in report.data.late]
    assert book["Phụ lục 2"].max_row == 3 + len(report.data.upcoming)


def test_state_format_prints_the_national_motto(quarter):
    from dondoc.reports.presets import default_template

    program = quarter["done"].program
    template = default_template(program)
    template.document_format = "state"
    template.symbol = "BC-VPCP"
    template.save()
    doc = Document(io.BytesIO(build().docx()))
    right = doc.tables[0].rows[0].cells[1].text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right and "Độc lập - Tự do - Hạnh phúc" in right
    assert "Số: 02/BC-VPCP" in doc.tables[0].rows[0].cells[0].text


@pytest.mark.parametrize("who", ["member", "agency"])
def test_briefs_count_the_tasks_of_their_subject(quarter, member_person, most, who):
    program = quarter["done"].program
    if who == "member":
        brief = services.member_brief(member_person, AS_OF)
        assert brief.counts["assigned"] == 7
    else:
        brief = services.agency_brief(program, most, AS_OF)
        assert brief.counts["assigned"] == 4
    assert len(brief.late) == 2
    doc = Document(io.BytesIO(services.brief_docx(brief, program)))
    assert any("trong đó có 02 nhiệm vụ quá hạn" in p.text for p in doc.paragraphs)


def test_a_report_without_a_number_leaves_a_blank_for_it(quarter):
    from dondoc.tasks.models import Program

    built = services.build_quarterly(Program.objects.get(code="NQ57"), period=Q1, as_of=AS_OF)
    doc = Document(io.BytesIO(built.docx()))
    left = doc.tables[0].rows[0].cells[0].text
    assert "Số " + "\u00a0" * 8 + "-BC/CQTTBCĐ" in left  # not "Số -BC/CQTTBCĐ"


def test_the_signature_block_is_kept_on_the_page_of_the_last_paragraph(quarter):
    doc = Document(io.BytesIO(build().docx()))
    body = list(doc.element.body.iterchildren())
    closing = next(t for t in doc.tables if "Nơi nhận" in t.rows[0].cells[0].text)
    before = body[body.index(closing._tbl) - 1]
    assert before.tag == qn("w:p") and "kính báo cáo" in "".join(before.itertext())
    properties = before.find(qn("w:pPr"))
    assert properties.find(qn("w:keepNext")) is not None
    assert properties.find(qn("w:keepLines")) is not None
    assert closing.rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None
