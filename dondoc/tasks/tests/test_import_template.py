"""The CSV/XLSX import template: produced, filled, imported; bad files change nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from dondoc.tasks.importers import template as tpl
from dondoc.tasks.importers.service import import_file
from dondoc.tasks.models import ProgressUpdate, Task
from dondoc.tasks.tests.test_import_report import count_all_rows

ROWS = [
    {
        "stt": "1",
        "noi_dung": "Xây dựng, ban hành Danh mục Công nghệ chiến lược.",
        "van_ban": "01-TB/BCĐTW ngày 22/01/2025",
        "thanh_vien": "Nguyễn Mạnh Hùng",
        "co_quan_chu_tri": "Đảng uỷ Bộ KH&CN",
        "co_quan_phoi_hop": "Thành uỷ TP Hà Nội",
        "thoi_han": "Quý I/2025",
        "nhom": "3",
        "ket_qua": "Đã xây dựng dự thảo, đang lấy ý kiến.",
        "ngay_ket_qua": "10/04/2025",
        "hoan_thanh": "",
    },
    {
        "stt": "2",
        "noi_dung": "Phát động phong trào thi đua thực hiện Nghị quyết số 57-NQ/TW.",
        "van_ban": "Thông báo số 01-TB/BCDTW ngày 22/01/2025",
        "thanh_vien": "",
        "co_quan_chu_tri": "Đảng ủy Bộ Khoa học và Công nghệ",
        "co_quan_phoi_hop": "",
        "thoi_han": "sau khi có ý kiến",
        "nhom": "",
        "ket_qua": "Đã phát động.",
        "ngay_ket_qua": "20/03/2025",
        "hoan_thanh": "15/03/2025",
    },
    {
        "stt": "3",
        "noi_dung": "Rà soát, cập nhật Chiến lược dữ liệu quốc gia.",
        "van_ban": "01-TB/BCĐTW",
        "thanh_vien": "Nguyễn Mạnh Hùng",
        "co_quan_chu_tri": "Hà Nội",
        "co_quan_phoi_hop": "",
        "thoi_han": "Thường xuyên",
        "nhom": "",
        "ket_qua": "",
        "ngay_ket_qua": "",
        "hoan_thanh": "",
    },
]


@pytest.fixture
def setup(program, notice, most, hanoi, member_person):
    return program


def filled_csv(rows=ROWS, header=None) -> bytes:
    """The produced CSV template with ``rows`` appended (example row kept: it is skipped)."""
    text = tpl.template_csv().decode("utf-8-sig")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([row.get(key, "") for key in tpl.KEYS])
    if header is not None:
        text = ",".join(header) + "\r\n" + text.split("\r\n", 1)[1]
    return (text + out.getvalue()).encode("utf-8")


def filled_xlsx(rows=ROWS) -> bytes:
    book = load_workbook(io.BytesIO(tpl.template_xlsx()))
    sheet = book[tpl.DATA_SHEET]
    for row in rows:
        values = [row.get(key, "") for key in tpl.KEYS]
        values[tpl.KEYS.index("ngay_ket_qua")] = (
            dt.datetime.strptime(row["ngay_ket_qua"], "%d/%m/%Y") if row["ngay_ket_qua"] else None
        )
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_template_has_headings_example_widths_and_instructions():
    book = load_workbook(io.BytesIO(tpl.template_xlsx()))

    sheet = book[tpl.DATA_SHEET]
    assert [c.value for c in sheet[1]] == [c.heading for c in tpl.COLUMNS]
    assert sheet["A2"].value == "Ví dụ"
    assert sheet.column_dimensions["B"].width == 60
    guide = book[tpl.HELP_SHEET]
    keys = [row[1].value for row in guide.iter_rows(min_row=2, max_row=len(tpl.COLUMNS) + 1)]
    assert keys == list(tpl.KEYS)


@pytest.mark.parametrize(("name", "make"), [("tasks.csv", filled_csv), ("tasks.xlsx", filled_xlsx)])
def test_filled_template_round_trips(setup, notice, most, hanoi, name, make):
    summary = import_file(make(), filename=name, program=setup)

    assert summary.ok, summary.rejected
    assert summary.created == 3
    first = Task.objects.get(content__startswith="Xây dựng, ban hành Danh mục")
    assert first.lead_agencies() == [most]
    assert first.coordinating_agencies() == [hanoi]
    assert first.group.number == 3
    assert first.due_on == dt.date(2025, 3, 31)
    assert list(first.directives.all()) == [notice]
    update = first.updates.get()
    assert (update.text, update.reported_on) == (
        "Đã xây dựng dự thảo, đang lấy ý kiến.",
        dt.date(2025, 4, 10),
    )
    second = Task.objects.get(content__startswith="Phát động")
    assert (second.closure_kind, second.closure_on) == ("completed", dt.date(2025, 3, 15))
    assert second.deadline_kind == "unrecognised"
    assert any("sau khi có ý kiến" in w["reason"] for w in summary.warnings)
    third = Task.objects.get(content__startswith="Rà soát")
    assert third.deadline_kind == "continuous"
    assert third.lead_agencies() == [hanoi]

    again = import_file(make(), filename=name, program=setup)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert ProgressUpdate.objects.count() == 2


def assert_rejected_without_writes(setup, data: bytes, name: str):
    before = count_all_rows()
    summary = import_file(data, filename=name, program=setup)
    assert not summary.ok
    assert count_all_rows() == before
    return summary.rejected


def test_wrong_columns_are_rejected(setup):
    header = [*[c.heading for c in tpl.COLUMNS][:-1], "Ghi chú"]
    rejected = assert_rejected_without_writes(setup, filled_csv(header=header), "t.csv")

    assert rejected[0]["row"] == 1
    assert "Ngày hoàn thành" in rejected[0]["reason"] and "Ghi chú" in rejected[0]["reason"]


@pytest.mark.parametrize("encoding", ["latin-1", "cp1258"])
def test_a_csv_not_in_utf8_is_rejected(setup, encoding):
    data = filled_csv().decode("utf-8-sig").encode(encoding, errors="replace")

    rejected = assert_rejected_without_writes(setup, data, "t.csv")

    assert "UTF-8" in rejected[0]["reason"]


def test_a_row_without_content_rejects_the_file_naming_row_and_column(setup):
    rows = [ROWS[0], {**ROWS[1], "noi_dung": " "}, ROWS[2]]

    rejected = assert_rejected_without_writes(setup, filled_csv(rows), "t.csv")

    assert [(r["row"], r["column"]) for r in rejected] == [(4, "noi_dung")]
    assert rejected[0]["column_label"] == "Nội dung nhiệm vụ"


def test_unknown_agency_member_document_and_bad_dates_are_each_named(setup):
    rows = [
        {**ROWS[0], "co_quan_chu_tri": "Đảng ủy Bộ Không Tồn Tại"},
        {**ROWS[1], "thanh_vien": "Nguyễn Văn Ai"},
        {**ROWS[2], "van_ban": "99-TB/BCĐTW ngày 01/01/2025", "ket_qua": "x"},
        {**ROWS[0], "stt": "4", "nhom": "9", "hoan_thanh": "31/02/2025"},
    ]

    rejected = assert_rejected_without_writes(setup, filled_xlsx(rows), "t.xlsx")

    found = {(r["row"], r["column"]) for r in rejected}
    assert found == {
        (3, "co_quan_chu_tri"),
        (4, "thanh_vien"),
        (5, "van_ban"),
        (5, "ngay_ket_qua"),
        (6, "nhom"),
        (6, "hoan_thanh"),
    }
    assert any("Đảng ủy Bộ Không Tồn Tại" in r["reason"] for r in rejected)


def test_other_file_types_are_refused(setup):
    rejected = assert_rejected_without_writes(setup, b"%PDF-1.4", "report.pdf")

    assert rejected[0]["column"] == "file"
