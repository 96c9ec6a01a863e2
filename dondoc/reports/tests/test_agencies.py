"""Reporting completeness and action plans in the quarterly report, as of the report's date."""

import datetime as dt
import io
import zipfile

from django.template.loader import render_to_string
from docx import Document
from openpyxl import load_workbook

from dondoc.orgs.models import OrgKind
from dondoc.reports import services
from dondoc.reports.periods import Period
from dondoc.reports.tests.conftest import on_day
from dondoc.rounds import services as rounds
from dondoc.rounds.completeness import completeness_as_of
from dondoc.rounds.plans import action_plan_counts

Q1 = Period(2025, 1)
AS_OF = dt.date(2025, 4, 10)
EARLIER = dt.date(2025, 4, 5)

SENT_BY_APRIL_10 = (
    "Tính đến ngày 10/4/2025, đã nhận báo cáo quý I/2025 của 02/04 tỉnh ủy, thành ủy và 01/02 "
    "đảng ủy bộ, ngành; còn 02/04 tỉnh ủy, thành ủy (trong đó 01 đã có dự thảo báo cáo) và "
    "01/02 đảng ủy bộ, ngành (đã có dự thảo báo cáo) chưa gửi báo cáo."
)
SENT_BY_APRIL_5 = (
    "Tính đến ngày 05/4/2025, đã nhận báo cáo quý I/2025 của 01/04 tỉnh ủy, thành ủy và 01/02 "
    "đảng ủy bộ, ngành; còn 03/04 tỉnh ủy, thành ủy và 01/02 đảng ủy bộ, ngành chưa gửi báo cáo."
)
PLANS_BY_APRIL_10 = (
    "Đến ngày 10/4/2025, đã có 03/04 địa phương, 01/02 bộ, ngành ban hành chương trình, kế hoạch "
    "hành động thực hiện Nghị quyết số 57-NQ/TW; còn 01/04 địa phương, 01/02 bộ, ngành chưa ban "
    "hành."
)
PLANS_BY_APRIL_5 = (
    "Đến ngày 05/4/2025, đã có 02/04 địa phương, 01/02 bộ, ngành ban hành chương trình, kế hoạch "
    "hành động thực hiện Nghị quyết số 57-NQ/TW; còn 02/04 địa phương, 01/02 bộ, ngành chưa ban "
    "hành."
)


def build(program, as_of: dt.date = AS_OF):
    return services.build_quarterly(program, period=Q1, as_of=as_of, number="02")


def _opening(report):
    return next(b for b in report.document.body if b.notes)


def test_completeness_footnote_counts_the_reports_sent_by_the_date(program, agencies):
    report = build(program)
    opening = _opening(report)
    assert opening.text.startswith("Thực hiện nhiệm vụ được giao")
    (note,) = report.document.footnotes
    assert note.text == SENT_BY_APRIL_10
    # Called where the seed calls it: after "the agencies' reports".
    before, _note = opening.segments()[0]
    assert before.endswith("trên cơ sở báo cáo của các Đảng ủy, cơ quan liên quan")

    assert report.document.footnotes[0].text != build(program, EARLIER).document.footnotes[0].text
    assert build(program, EARLIER).document.footnotes[0].text == SENT_BY_APRIL_5


def test_completeness_rows_are_the_round_dashboard_counts_on_the_date(program, agencies):
    rows = build(program).data.completeness
    by_kind = {row.kind: row for row in rows}
    counted = {c.kind: c for c in completeness_as_of(agencies["round"], AS_OF).by_kind}
    for kind in (OrgKind.PROVINCE, OrgKind.MINISTRY):
        row, count = by_kind[kind], counted[kind]
        assert (row.expected, row.submitted, row.on_time, row.late, row.drafts) == (
            count.expected,
            count.submitted,
            count.on_time,
            count.late,
            count.drafts,
        )
    province = by_kind[OrgKind.PROVINCE]
    assert (province.expected, province.on_time, province.late, province.nothing) == (4, 1, 1, 1)


def test_action_plan_sentence_counts_plans_issued_by_the_date(program, agencies):
    paragraphs = [b.text for b in build(program).document.body if b.kind == "para"]
    assert PLANS_BY_APRIL_10 in paragraphs
    assert PLANS_BY_APRIL_5 in [b.text for b in build(program, EARLIER).document.body]
    rows = build(program).data.action_plans
    counts = action_plan_counts(program, AS_OF)
    assert [(r.issued, r.expected) for r in rows] == [
        (len(c.issued), c.expected) for c in counts.kinds if c.expected
    ]


def test_without_rounds_or_action_plans_the_report_says_nothing_about_them(program, quarter):
    report = build(program)
    assert report.document.footnotes == []
    assert not report.data.completeness and not report.data.action_plans
    text = " ".join(b.text for b in report.document.body)
    assert "đã nhận báo cáo" not in text and "kế hoạch hành động" not in text
    assert "{reports_note}" not in text
    assert "completeness" not in report.data.snapshot()
    assert load_workbook(io.BytesIO(report.xlsx())).sheetnames == [
        "Phụ lục 1",
        "Phụ lục 2",
        "Theo phiên họp",
        "Theo nhóm nhiệm vụ",
        "Theo cơ quan chủ trì",
    ]


def test_a_round_opened_after_the_date_is_left_out(program, quarter, clerk, hanoi):
    with on_day(dt.date(2025, 4, 11)):
        rounds.open_round(
            program=program,
            title="Quý I/2025",
            period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2025, 3, 31),
            due_on=dt.date(2025, 4, 15),
            agencies=[hanoi],
            by=clerk,
        )
    assert build(program).document.footnotes == []
    assert build(program, dt.date(2025, 4, 12)).document.footnotes[0].text == (
        "Tính đến ngày 12/4/2025, chưa nhận được báo cáo quý I/2025 của 01/01 tỉnh ủy, thành ủy."
    )


def test_reports_and_plans_recorded_after_the_date_keep_the_snapshot_hash(program, agencies, clerk):
    stored = services.generate_quarterly(program, period=Q1, as_of=AS_OF, by=clerk, number="02")
    assert stored.figures["completeness"][0]["submitted"] == 2
    units = agencies["units"]
    with on_day(dt.date(2025, 4, 12)):
        submission = rounds.start_submission(agencies["round"], units["hung-yen"], by=clerk)
        rounds.submit(submission, by=clerk)
        rounds.record_action_plan(
            program=program,
            agency=units["ha-nam"],
            number="05-KH/TU",
            issued_on=dt.date(2025, 4, 12),
            by=clerk,
        )
    again = services.generate_quarterly(program, period=Q1, as_of=AS_OF, by=clerk, number="02")
    assert again.snapshot_hash == stored.snapshot_hash
    later = build(program, dt.date(2025, 4, 12))
    assert later.data.snapshot_hash() != stored.snapshot_hash
    assert later.document.footnotes[0].text.startswith(
        "Tính đến ngày 12/4/2025, đã nhận báo cáo quý I/2025 của 03/04 tỉnh ủy, thành ủy"
    )


def test_docx_xlsx_and_preview_carry_the_same_sentences(program, agencies):
    report = build(program)
    docx = report.docx()
    doc = Document(io.BytesIO(docx))
    opening = next(p for p in doc.paragraphs if p.text.startswith("Thực hiện nhiệm vụ"))
    assert opening._p.xpath(".//w:footnoteReference")
    assert PLANS_BY_APRIL_10 in [p.text for p in doc.paragraphs]
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        footnotes = archive.read("word/footnotes.xml").decode()
        assert "footnotes.xml" in archive.read("word/_rels/document.xml.rels").decode()
    assert SENT_BY_APRIL_10 in footnotes

    workbook = load_workbook(io.BytesIO(report.xlsx()))
    sheet = workbook["Tình hình gửi báo cáo"]
    assert [c.value for c in sheet[3]][:4] == [
        "Kỳ báo cáo",
        "Cơ quan",
        "Phải gửi báo cáo",
        "Đã gửi",
    ]
    assert [c.value for c in sheet[4]][:4] == ["Quý I/2025", "Tỉnh ủy, thành ủy", 4, 2]
    plans = workbook["Kế hoạch hành động"]
    assert [c.value for c in plans[4]] == ["Địa phương", 4, 3, 1]
    assert [c.value for c in plans[5]] == ["Bộ, ngành", 2, 1, 1]

    html = render_to_string("reports/_document.html", {"document": report.document})
    assert SENT_BY_APRIL_10 in html and PLANS_BY_APRIL_10 in html
    assert 'href="#note-1"' in html
