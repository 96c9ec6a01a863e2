"""Whatever bytes arrive, an import gives a result or a refusal, never an exception, quickly."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dondoc.core.tests.xlsx_files import inline, sheet, xlsx
from dondoc.tasks.importers import template as tpl
from dondoc.tasks.importers.service import ImportSummary, import_file

SECONDS = 5
PEAK_BYTES = 64 * 1024 * 1024
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def bounded(call, *args, **kwargs):
    """``call``'s result, asserting it took under SECONDS and PEAK_BYTES of memory."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        result = call(*args, **kwargs)
        assert time.monotonic() - started < SECONDS
        assert tracemalloc.get_traced_memory()[1] < PEAK_BYTES
        return result
    finally:
        tracemalloc.stop()


def template_rows() -> st.SearchStrategy[list[list[str]]]:
    cell = st.one_of(
        st.text(max_size=40),
        st.sampled_from(["=1+1", "01-TB/BCĐTW", "Quý I/2025", "31/02/2025", "Ví dụ", "\x00"]),
    )
    return st.lists(st.lists(cell, max_size=14), max_size=12)


def as_csv(rows: list[list[str]], delimiter: str) -> bytes:
    lines = [delimiter.join(f'"{c.replace(chr(34), chr(34) * 2)}"' for c in row) for row in rows]
    header = delimiter.join(c.heading for c in tpl.COLUMNS)
    return "\n".join([header, *lines]).encode("utf-8")


def as_xlsx(rows: list[list[str]]) -> bytes:
    xml = "".join(
        f'<row r="{r}">'
        + "".join(
            inline(f"{chr(65 + c)}{r}", escape(v.replace("\x00", "")))
            for c, v in enumerate(row[:26])
        )
        + "</row>"
        for r, row in enumerate(rows, start=1)
    )
    return xlsx(sheet(xml))


@FUZZ
@given(st.binary(max_size=4096))
def test_any_bytes_as_csv_give_rows_or_problems(data):
    assert isinstance(bounded(tpl.read_csv, data), tpl.ReadTemplate)


@FUZZ
@given(template_rows(), st.sampled_from([",", ";", "\t"]))
def test_any_table_as_csv_gives_rows_or_problems(rows, delimiter):
    assert isinstance(bounded(tpl.read_csv, as_csv(rows, delimiter)), tpl.ReadTemplate)


@FUZZ
@given(st.binary(max_size=4096))
def test_any_bytes_as_xlsx_give_rows_or_problems(data):
    assert isinstance(bounded(tpl.read_xlsx, data), tpl.ReadTemplate)


@FUZZ
@given(template_rows())
def test_any_table_as_xlsx_gives_rows_or_problems(rows):
    assert isinstance(bounded(tpl.read_xlsx, as_xlsx(rows)), tpl.ReadTemplate)


TEMPLATE = tpl.template_xlsx()


@FUZZ
@given(
    st.lists(st.tuples(st.integers(0, len(TEMPLATE) - 1), st.integers(0, 255)), max_size=8),
    st.integers(1, len(TEMPLATE)),
)
def test_a_damaged_template_gives_rows_or_problems(flips, keep):
    data = bytearray(TEMPLATE[:keep])
    for at, value in flips:
        if at < len(data):
            data[at] = value
    assert isinstance(bounded(tpl.read_xlsx, bytes(data)), tpl.ReadTemplate)


@FUZZ
@given(st.text(max_size=2000), st.sampled_from(["=", "<", "&", "]]>", "<!DOCTYPE x [", "\ud7ff"]))
def test_any_sheet_xml_gives_rows_or_problems(text, noise):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in ("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml"):
            archive.writestr(name, zipfile.ZipFile(io.BytesIO(xlsx(""))).read(name))
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            zipfile.ZipFile(io.BytesIO(xlsx(""))).read("xl/_rels/workbook.xml.rels"),
        )
        archive.writestr("xl/worksheets/sheet1.xml", noise + text)
    assert isinstance(bounded(tpl.read_xlsx, buffer.getvalue()), tpl.ReadTemplate)


REPORT_LINES = st.one_of(
    st.text(max_size=80),
    st.sampled_from(
        [
            "Số: 02-BC/BCĐTW",
            "Hà Nội, ngày 10 tháng 4 năm 2025",
            "PHỤ LỤC 1",
            "Phụ lục 2",
            "STT\tNhiệm vụ cụ thể\tVăn bản giao nhiệm vụ",
            "1\tXây dựng\t01-TB/BCĐTW ngày 22/01/2025\tĐ/c Hùng\tBộ KH&CN\tQuý I/2025\tĐang làm",
            "\ttiếp theo\t\t\t\t\t",
            "2",
            "- 3 -",
        ]
    ),
)


@pytest.mark.django_db
@FUZZ
@given(st.lists(REPORT_LINES, max_size=40), st.sampled_from(["report.txt", "t.csv", "t.xlsx"]))
def test_any_report_text_gives_a_summary(program, lines, name):
    data = "\n".join(lines).encode("utf-8")
    summary = bounded(import_file, data, filename=name, program=program, dry_run=True)
    assert isinstance(summary, ImportSummary)


@pytest.mark.django_db
@FUZZ
@given(st.binary(max_size=4096), st.sampled_from(["report.txt", "t.csv", "t.xlsx", "t.pdf"]))
def test_any_bytes_give_a_summary(program, data, name):
    summary = bounded(import_file, data, filename=name, program=program, dry_run=True)
    assert isinstance(summary, ImportSummary)
