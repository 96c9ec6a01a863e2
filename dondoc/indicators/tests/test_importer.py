"""Importing a catalogue table in its authors' layout: one step, atomic, cells named."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import docx
import pytest

from dondoc.core.spreadsheet import append_row, new_workbook, workbook_bytes
from dondoc.indicators.importer import import_catalogue
from dondoc.indicators.models import Indicator, Target
from dondoc.orgs.models import OrgKind, OrgUnit

HEADINGS = [
    "STT",
    "Chỉ tiêu",
    "Đơn vị tính",
    "Kết quả",
    "Cơ quan chủ trì theo dõi, đánh giá",
    "Nhóm giải pháp",
    "Tần suất",
    "Giá trị cơ sở",
    "Năm cơ sở",
]
MOST = "Bộ Khoa học và Công nghệ"
MIC = "Sở Thông tin và Truyền thông"


def catalogue_rows() -> list[list[str]]:
    """A province's digital transformation plan: 44 rows, two target sections."""
    rows = [
        ["KẾ HOẠCH CHUYỂN ĐỔI SỐ TỈNH ĐỒNG NAI GIAI ĐOẠN 2025 - 2030, TẦM NHÌN 2045"],
        ["Phụ lục: Bộ chỉ tiêu theo dõi, đánh giá"],
        HEADINGS,
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)"],
        ["", "Đến năm 2030"],
    ]
    for n in range(1, 21):
        unit, target = [
            ("%", "≥ 80"),
            ("%", "> 0,7"),
            ("tổ chức", "40 - 50"),
            ("%", "16 - 18%/năm"),
            ("thứ hạng", "≤ 3 Đông Nam Á; ≤ 50 Thế giới"),
            ("thứ hạng", "Top 3 ASEAN"),
            ("doanh nghiệp", "Khoảng 10.000"),
            ("%", "tối thiểu 3%"),
            ("%", "100%"),
            ("", "Hoàn thành xây dựng đô thị thông minh"),
        ][n % 10]
        rows.append(
            [
                str(n),
                f"Chỉ tiêu số {n} của tỉnh",
                unit,
                target,
                MIC if n % 2 else MOST,
                str(1 + n % 7),
                "Năm",
                "12,5" if n % 3 == 0 else "",
                "2024" if n % 3 == 0 else "",
            ]
        )
    rows.append(["", "Trong đó:"])  # a note row without a code is skipped
    for n in range(1, 5):
        rows.append(
            [
                f"5.{n}",
                f"Thứ hạng thành phần {n}",
                "thứ hạng",
                f"≤ {n + 2}",
                MIC,
                "3",
                "Năm",
                "",
                "",
            ]
        )
    rows.append(["", "Tầm nhìn đến năm 2045"])
    for n in range(21, 33):
        rows.append(
            [str(n), f"Chỉ tiêu dài hạn {n}", "%", f"trên {n}%", MOST, "6", "6 tháng", "", ""]
        )
    rows.append(
        ["6", "Chỉ tiêu số 6 của tỉnh", "doanh nghiệp", "Khoảng 20.000", MIC, "1", "Năm", "", ""]
    )
    return rows


def xlsx(rows) -> bytes:
    book = new_workbook()
    sheet = book.active
    for row in rows:
        append_row(sheet, row)
    return workbook_bytes(book)


def csv(rows) -> bytes:
    return "\n".join(",".join(f'"{c}"' for c in row) for row in rows).encode("utf-8")


@pytest.fixture
def agencies(db):
    OrgUnit.objects.create(code="khcn", kind=OrgKind.MINISTRY, name=MOST)
    OrgUnit.objects.create(code="stttt", kind=OrgKind.OTHER, name=MIC)


def test_foreign_catalogue_imports_in_one_step(program, agencies):
    rows = catalogue_rows()
    assert len(rows) >= 40

    result = import_catalogue(xlsx(rows), "chi-tieu.xlsx", program=program)

    assert result.ok, result.problems
    assert result.counts["created"] == 36
    assert Indicator.objects.filter(program=program).count() == 36
    five = Indicator.objects.get(code="5")
    assert five.direction == "lower" and five.unit == "thứ hạng"
    assert [(t.value, t.scope) for t in five.targets.all()] == [(3, "ASEAN")]
    four = Indicator.objects.get(code="4")  # "≤ 3 Đông Nam Á; ≤ 50 Thế giới"
    assert [t.scope for t in four.targets.all()] == ["Đông Nam Á", "Thế giới"]
    assert [c.code for c in five.children.order_by("sort_key")] == ["5.1", "5.2", "5.3", "5.4"]
    assert Indicator.objects.get(code="5.2").parent == five
    six = Indicator.objects.get(code="6")  # met again under 2045: a second milestone
    assert [(t.due_on.year, t.value) for t in six.targets.all()] == [(2030, 10000), (2045, 20000)]
    three = Indicator.objects.get(code="3")
    assert (three.baseline_value, three.baseline_on.year) == (Decimal("12.5"), 2024)
    assert three.targets.get().operator == "range"
    nine = Indicator.objects.get(code="9")
    assert nine.direction == "qualitative" and nine.targets.get().qualitative
    assert Indicator.objects.get(code="25").targets.get().due_on.isoformat() == "2045-12-31"
    assert Indicator.objects.get(code="25").frequency == "half_year"
    assert Indicator.objects.get(code="2").responsible_agency.code == "khcn"


def test_reimporting_changes_nothing_and_a_changed_unit_makes_a_new_version(program, agencies):
    rows = catalogue_rows()
    import_catalogue(xlsx(rows), "chi-tieu.xlsx", program=program)
    history = Indicator.history.count() + Target.history.count()

    again = import_catalogue(xlsx(rows), "chi-tieu.xlsx", program=program)

    assert again.ok and set(again.counts) <= {"unchanged", "targets changed"}
    assert again.counts["targets changed"] == 0
    assert Indicator.history.count() + Target.history.count() == history

    rows[5][2] = "doanh nghiệp"  # indicator 1: "%" becomes "doanh nghiệp"
    changed = import_catalogue(xlsx(rows), "chi-tieu.xlsx", program=program)

    one = Indicator.objects.get(code="1")
    assert changed.counts["new version"] == 1 and one.version == 2
    assert one.definition_at(1).unit == "%"


def test_dry_run_writes_nothing_but_counts_exactly(program, agencies):
    result = import_catalogue(xlsx(catalogue_rows()), "c.xlsx", program=program, dry_run=True)

    assert result.ok and result.counts["created"] == 36
    assert not Indicator.objects.exists()


def test_bad_sheet_writes_nothing_and_names_each_cell(program, agencies):
    rows = [
        HEADINGS,
        ["", "Đến năm 2030"],
        ["1", "Tỉ lệ dân số có tài khoản số", "%", "≥ 80", MOST, "5", "Năm", "khoảng tám mươi", ""],
        ["2", "Số doanh nghiệp số", "con", "≥ 100", MOST, "6", "Năm", "", ""],
        ["3", "Số nền tảng số", "nền tảng", "≥ 5", "Sở Không Tồn Tại", "5", "Năm", "", ""],
    ]

    result = import_catalogue(csv(rows), "loi.csv", program=program)

    assert not result.ok
    assert [(p.row, p.column) for p in result.problems] == [
        (3, "Giá trị cơ sở"),
        (4, "Đơn vị tính"),
        (5, "Cơ quan chủ trì theo dõi, đánh giá"),
    ]
    assert "không phải là số" in result.problems[0].reason_vi
    assert "Unknown agency" in result.problems[2].reason_en
    assert not Indicator.objects.exists()


def test_docx_table_with_year_columns(program, agencies):
    document = docx.Document()
    table = document.add_table(rows=0, cols=4)
    for values in [
        ["Mã", "Tên chỉ tiêu", "Đơn vị", "Mục tiêu đến năm 2030", "Mục tiêu đến năm 2045"][:4],
        ["1", "Quy mô kinh tế số", "% GDP", "tối thiểu 30%"],
        ["1.1", "Kinh tế số ICT", "%", "≥ 10"],
    ]:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)

    result = import_catalogue(buffer.getvalue(), "bang.docx", program=program)

    assert result.ok, result.problems
    sub = Indicator.objects.get(code="1.1")
    assert sub.parent.code == "1" and sub.targets.get().due_on.year == 2030


def test_xlsx_agency_and_unit_merged_down_hold_for_every_row_they_cover(program, agencies):
    book = new_workbook()
    sheet = book.active
    for row in [
        ["STT", "Chỉ tiêu", "Đơn vị tính", "Mục tiêu đến năm 2030", "Cơ quan chủ trì theo dõi"],
        ["1", "Tỷ lệ dịch vụ công trực tuyến toàn trình", "%", "≥ 80", MIC],
        ["2", "Tỷ lệ hồ sơ số hóa", "", "100%", ""],
        ["3", "Tỷ lệ người dân có danh tính số", "", "≥ 90", ""],
        ["4", "Số doanh nghiệp công nghệ số", "doanh nghiệp", "Khoảng 500", MOST],
        ["5", "Số sản phẩm được đánh giá", "", "50", ""],
    ]:
        append_row(sheet, row)
    sheet.merge_cells("C2:C4")  # one unit for 1-3
    sheet.merge_cells("E2:E4")  # one agency for 1-3
    sheet.merge_cells("E5:E6")  # and another for 4-5

    result = import_catalogue(workbook_bytes(book), "chi-tieu.xlsx", program=program)

    assert result.ok, result.problems
    indicators = Indicator.objects.filter(program=program).order_by("sort_key")
    assert [(i.code, i.unit, i.responsible_agency.code) for i in indicators] == [
        ("1", "%", "stttt"),
        ("2", "%", "stttt"),
        ("3", "%", "stttt"),
        ("4", "doanh nghiệp", "khcn"),
        ("5", "", "khcn"),  # not merged: its own empty unit
    ]


def test_docx_merged_agency_holds_but_a_merged_name_stays_on_its_first_row(program, agencies):
    document = docx.Document()
    rows = [
        ["Mã", "Tên chỉ tiêu", "Đơn vị", "Mục tiêu đến năm 2030", "Cơ quan chủ trì"],
        ["1", "Quy mô kinh tế số", "% GDP", "tối thiểu 30%", MOST],
        ["2", "Kinh tế số ICT", "%", "≥ 10", ""],
        ["3", "Chỉ số đổi mới sáng tạo", "thứ hạng", "≤ 40", MIC],
        ["", "", "", "", ""],
    ]
    table = document.add_table(rows=len(rows), cols=5)
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            table.cell(i, j).text = text
    table.cell(1, 4).merge(table.cell(2, 4))
    table.cell(3, 1).merge(table.cell(4, 1))  # a name merged over an empty row: not a new row
    buffer = io.BytesIO()
    document.save(buffer)

    result = import_catalogue(buffer.getvalue(), "bang.docx", program=program)

    assert result.ok, result.problems
    assert Indicator.objects.get(code="2").responsible_agency.code == "khcn"
    assert Indicator.objects.get(code="3").responsible_agency.code == "stttt"
    assert Indicator.objects.filter(program=program).count() == 3


def test_cli_dry_run_and_refusal(program, agencies, tmp_path):
    from django.core.management import call_command

    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.csv"
    good.write_bytes(xlsx(catalogue_rows()))
    bad.write_bytes(
        csv(
            [
                HEADINGS,
                ["", "Đến năm 2030"],
                ["1", "Chỉ tiêu", "con", "≥ 1", MOST, "1", "Năm", "", ""],
            ]
        )
    )
    out = io.StringIO()

    call_command("indicators", "import", str(good), "--program", "NQ57", "--dry-run", stdout=out)
    assert "created: 36" in out.getvalue() and not Indicator.objects.exists()

    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("indicators", "import", str(bad), "--program", "NQ57", "--json", stdout=out)
    (problem,) = json.loads(out.getvalue())["problems"]
    assert (problem["row"], problem["column"]) == (3, "Đơn vị tính")
