"""Hostile imports are refused quickly, with the limit named, and write nothing."""

from __future__ import annotations

import random
import time

import pytest

from dondoc.core.tabular import Budget, InputRefused
from dondoc.core.tests.xlsx_files import inline, sheet, xlsx
from dondoc.tasks.importers.appendix import parse_report_appendices
from dondoc.tasks.importers.service import REPORT_LIMITS, import_file
from dondoc.tasks.tests.test_import_report import count_all_rows


def refused_quickly(program, data: bytes, name: str, seconds: float = 5) -> dict:
    before = count_all_rows()
    started = time.monotonic()
    summary = import_file(data, filename=name, program=program)
    assert time.monotonic() - started < seconds
    assert not summary.ok
    assert count_all_rows() == before
    [problem] = summary.rejected
    return problem


@pytest.mark.django_db
def test_an_xlsx_declaring_the_whole_grid_is_refused_naming_the_row_limit(program):
    data = xlsx(
        sheet(f'<row r="1048576">{inline("XFD1048576", "x")}</row>', dimension="A1:XFD1048576")
    )
    problem = refused_quickly(program, data, "bom.xlsx")
    assert "20.000 dòng" in problem["reason"]
    assert problem["row"] == 1048576


@pytest.mark.django_db
def test_an_xlsx_inflating_to_a_gigabyte_is_refused_before_inflating(program):
    head = sheet("").encode().split(b"<sheetData>")[0] + b"<sheetData>"
    row = b'<row><c t="inlineStr"><is><t>' + b"a" * 1000 + b"</t></is></c></row>"
    data = xlsx([head, *[row * 1000] * 60, b"</sheetData></worksheet>"])
    problem = refused_quickly(program, data, "bom.xlsx")
    assert "50 MB" in problem["reason"]


@pytest.mark.django_db
def test_a_csv_with_an_oversized_field_or_a_nul_is_refused_not_a_crash(program):
    header = "STT,Nội dung nhiệm vụ\n".encode()
    problem = refused_quickly(program, header + b"1," + b"x" * 200_000 + b"\n", "big.csv")
    assert "32.767 ký tự" in problem["reason"]
    problem = refused_quickly(program, header + b"1,x\n" * 1500 + b"2,\x00\n", "nul.csv")
    assert "NUL" in problem["reason"]


@pytest.mark.django_db
def test_twenty_megabytes_of_junk_text_is_refused_by_its_size_at_once(program):
    rng = random.Random(57)
    junk = "".join(rng.choice("abcđ 1/-\t\n") for _ in range(1 << 16)).encode() * 320
    assert len(junk) > 20 * 1024 * 1024
    problem = refused_quickly(program, junk, "junk.txt", seconds=3)
    assert "5 MB" in problem["reason"]


@pytest.mark.django_db
def test_a_text_of_too_many_lines_is_refused_naming_the_line_limit(program):
    rows = "1\tx\ty\tz\tw\tv\tu\n" * 60_000
    text = f"Số: 02-BC/BCĐTW\nHà Nội, ngày 10 tháng 4 năm 2025\nPHỤ LỤC 1\n{rows}".encode()
    assert len(text) < REPORT_LIMITS.max_bytes
    problem = refused_quickly(program, text, "report.txt")
    assert "50.000 dòng" in problem["reason"]


@pytest.mark.django_db
def test_an_endless_line_of_text_is_refused_naming_the_line_length(program):
    problem = refused_quickly(program, b"x" * 1_000_000, "report.txt")
    assert "20.000 ký tự" in problem["reason"]


def test_the_report_parser_stops_when_its_time_budget_is_spent():
    text = "Số: 02-BC/BCĐTW\nPHỤ LỤC 1\n1\ta\tb\tc\td\te\tf\n" + "\tx y z\t\t\t\t\t\n" * 40_000
    started = time.monotonic()
    with pytest.raises(InputRefused) as caught:
        parse_report_appendices(text, budget=Budget(0.2))
    assert time.monotonic() - started < 3
    assert caught.value.limit == "seconds"


@pytest.mark.django_db
def test_the_upload_page_shows_the_refusal_of_a_dimension_bomb_within_seconds(client, clerk):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from dondoc.tasks.importers import views
    from dondoc.tasks.models import Program

    Program.objects.create(code="NQ57", name="Nghị quyết 57")
    client.force_login(clerk)
    data = xlsx(
        sheet(f'<row r="1048576">{inline("XFD1048576", "x")}</row>', dimension="A1:XFD1048576")
    )
    started = time.monotonic()
    page = client.post(
        reverse("import-upload"), {"file": SimpleUploadedFile("nhiem-vu.xlsx", data)}
    )
    assert time.monotonic() - started < 10  # the page's first rendering included
    body = page.content.decode()
    assert "vượt giới hạn 20.000 dòng mỗi lần nhập" in body
    assert reverse("import-confirm") not in body
    assert views.SESSION_KEY not in client.session
