"""Bounded reading of uploads: hostile spreadsheets, CSV and text are refused fast and cheaply."""

from __future__ import annotations

import struct
import time
import tracemalloc

import pytest

from dondoc.core.tabular import (
    Budget,
    InputRefused,
    Limits,
    csv_records,
    decode_text,
    read_csv_table,
)
from dondoc.core.tests.xlsx_files import inline, sheet, xlsx
from dondoc.core.xlsx_reader import read_xlsx_sheet, read_xlsx_table


def refused(read, *args, **kwargs) -> tuple[InputRefused, float, int]:
    """The refusal ``read`` raises, the seconds it took and the peak memory it allocated."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(InputRefused) as caught:
            read(*args, **kwargs)
        return caught.value, time.monotonic() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_plain_sheet_reads_as_rows_with_gaps_kept():
    data = xlsx(
        sheet(
            f'<row r="1">{inline("A1", "STT")}{inline("B1", "Nội dung")}</row>'
            f'<row r="3"><c r="A3"><v>1</v></c>{inline("C3", "x")}</row>'
        )
    )
    assert read_xlsx_table(data) == [["STT", "Nội dung"], [], [1, None, "x"]]


def _merged(rows: str, *refs: str) -> bytes:
    cells = "".join(f'<mergeCell ref="{ref}"/>' for ref in refs)
    merges = f'<mergeCells count="{len(refs)}">{cells}</mergeCells>'
    return xlsx(sheet(rows).replace("</worksheet>", f"{merges}</worksheet>"))


def test_cells_continuing_a_merged_range_downwards_are_recorded_in_its_first_column():
    rows = (
        f'<row r="1">{inline("A1", "STT")}{inline("B1", "Chủ trì")}{inline("C1", "Hạn")}</row>'
        f'<row r="2">{inline("A2", "1")}{inline("B2", "Bộ Tài chính")}{inline("C2", "2025")}</row>'
        f'<row r="3">{inline("A3", "2")}{inline("C3", "2026")}</row>'
        f'<row r="4">{inline("A4", "3")}{inline("C4", "2027")}</row>'
    )
    # B2:B4 runs down (rows 3 and 4 continue it); A1:C1 and C2:D2 stay within their row.
    read = read_xlsx_sheet(_merged(rows, "B2:B4", "A1:C1", "C2:D2"))
    assert read.rows[2] == ["2", None, "2026"]
    assert read.continued == {(2, 1), (3, 1)}


def test_a_merged_range_declared_over_the_whole_sheet_costs_only_the_rows_read():
    rows = f'<row r="1">{inline("A1", "x")}</row><row r="2">{inline("B2", "y")}</row>'
    read = read_xlsx_sheet(_merged(rows, "A1:XFD1048576", "Z1:Z9", "bad", "A3:A2"))
    assert read.continued == {(1, 0)}


def test_a_declared_dimension_of_the_whole_grid_with_one_far_cell_is_refused_at_once():
    data = xlsx(
        sheet(f'<row r="1048576">{inline("XFD1048576", "x")}</row>', dimension="A1:XFD1048576")
    )
    assert len(data) < 6 * 1024
    refusal, seconds, peak = refused(read_xlsx_table, data)
    assert refusal.limit == "max_rows"
    assert "1.048.576" in refusal.message_vi and "20.000 dòng" in refusal.message_vi
    assert seconds < 2 and peak < 20 * 1024 * 1024


def test_a_value_far_to_the_right_is_refused_without_building_the_row():
    data = xlsx(sheet(f'<row r="1">{inline("A1", "a")}{inline("XFD1", "x")}</row>'))
    refusal, seconds, peak = refused(read_xlsx_table, data)
    assert refusal.limit == "max_columns"
    assert "16.384" in refusal.message_vi and "50 cột" in refusal.message_vi
    assert seconds < 2 and peak < 20 * 1024 * 1024


def test_a_workbook_inflating_beyond_the_limit_is_refused_from_the_zip_directory():
    row = b'<row><c t="inlineStr"><is><t>' + b"a" * 1000 + b"</t></is></c></row>"
    chunks = [sheet("").encode().split(b"<sheetData>")[0] + b"<sheetData>"]
    chunks += [row * 1000] * 60  # about 60 MB inflated, well under 1 MB compressed
    chunks.append(b"</sheetData></worksheet>")
    data = xlsx(chunks)
    assert len(data) < 1024 * 1024
    refusal, seconds, peak = refused(read_xlsx_table, data)
    assert refusal.limit == "max_uncompressed"
    assert "50 MB" in refusal.message_vi
    assert seconds < 1 and peak < 20 * 1024 * 1024


def test_a_part_compressed_beyond_the_ratio_is_refused():
    data = xlsx(sheet(f'<row r="1">{inline("A1", "a" * 3_000_000)}</row>'))
    refusal, _seconds, _peak = refused(read_xlsx_table, data, limits=Limits(max_ratio=100))
    assert refusal.limit == "max_ratio"
    assert "100 lần" in refusal.message_vi


def test_a_zip_that_understates_its_sizes_is_not_believed():
    data = bytearray(xlsx(sheet(f'<row r="1">{inline("A1", "a" * 500_000)}</row>')))
    # Rewrite every central directory entry's uncompressed size to 10 bytes.
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        data[at + 24 : at + 28] = struct.pack("<I", 10)
        at = data.find(b"PK\x01\x02", at + 4)
    refusal, seconds, _peak = refused(read_xlsx_table, bytes(data))
    assert refusal.message_vi
    assert seconds < 2


def test_a_cell_longer_than_excel_allows_is_refused_with_its_place():
    data = xlsx(sheet(f'<row r="4">{inline("C4", "a" * 40_000)}</row>'))
    refusal, _seconds, _peak = refused(read_xlsx_table, data)
    assert refusal.limit == "max_cell_chars"
    assert refusal.row == 4
    assert "dòng 4, cột 3" in refusal.message_vi and "32.767 ký tự" in refusal.message_vi


def test_a_row_of_many_empty_cells_is_streamed_not_held():
    chunks = [sheet("").encode().split(b"<sheetData>")[0] + b'<sheetData><row r="1">']
    chunks += [b"<c/>" * 50_000] * 2
    chunks.append(b"</row></sheetData></worksheet>")
    data = xlsx(chunks)
    tracemalloc.start()
    try:
        assert read_xlsx_table(data, limits=Limits(max_ratio=10**6), budget=Budget(120)) == []
        assert tracemalloc.get_traced_memory()[1] < 10 * 1024 * 1024
    finally:
        tracemalloc.stop()


def test_reading_stops_when_the_time_allowed_is_spent():
    rows = "".join(f'<row r="{n}">{inline(f"A{n}", "x")}</row>' for n in range(1, 3000))
    refusal, _seconds, _peak = refused(read_xlsx_table, xlsx(sheet(rows)), budget=Budget(0))
    assert refusal.limit == "seconds"
    assert "0 giây" in refusal.message_vi


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"PK\x03\x04 not a zip",
        b"<html></html>",
        xlsx(sheet("<row><c")),
        xlsx("<!DOCTYPE x>"),
        xlsx('<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]><w>&a;&a;</w>'),
    ],
)
def test_what_is_not_a_workbook_is_refused_as_unreadable(data):
    refusal, _seconds, _peak = refused(read_xlsx_table, data)
    assert refusal.message_vi == "Không đọc được tệp Excel (.xlsx)."


def _central_entries(data: bytearray):
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        yield at
        at = data.find(b"PK\x01\x02", at + 4)


def encrypted(data: bytearray) -> None:
    for at in _central_entries(data):
        data[at + 8] |= 0x01  # general purpose flag: encrypted


def unknown_method(data: bytearray) -> None:
    for at in _central_entries(data):
        data[at + 10 : at + 12] = struct.pack("<H", 99)


def corrupt_stream(data: bytearray) -> None:
    start = data.find(b"xl/worksheets/sheet1.xml") + len("xl/worksheets/sheet1.xml")
    data[start + 10 : start + 30] = bytes(range(200, 220))


@pytest.mark.parametrize("damage", [encrypted, unknown_method, corrupt_stream])
def test_a_damaged_zip_is_refused_as_unreadable(damage):
    data = bytearray(xlsx(sheet(f'<row r="1">{inline("A1", "Nội dung " * 200)}</row>')))
    damage(data)
    refusal, _seconds, _peak = refused(read_xlsx_table, bytes(data))
    assert refusal.message_vi == "Không đọc được tệp Excel (.xlsx)."


# CSV and text ---------------------------------------------------------------------------------


def test_a_csv_field_over_the_csv_module_limit_is_refused_not_raised():
    refusal, _seconds, _peak = refused(read_csv_table, "a,b\n" + "x" * 200_000 + ",y\n")
    assert refusal.limit == "max_cell_chars"
    assert refusal.row == 2


def test_a_nul_deep_inside_a_csv_is_refused_with_its_line():
    text = "a,b\n" + "x,y\n" * 2000 + "x\x00,y\n"
    refusal, _seconds, _peak = refused(read_csv_table, text)
    assert refusal.limit == "nul"
    assert "dòng 2.002" in refusal.message_vi


def test_csv_rows_and_columns_are_bounded():
    assert refused(read_csv_table, "a\n" * 30, limits=Limits(max_rows=20))[0].limit == "max_rows"
    wide = ",".join(["x"] * 60)
    assert refused(read_csv_table, wide)[0].limit == "max_columns"
    assert read_csv_table("a,b\n\n1,2\n") == [["a", "b"], [], ["1", "2"]]


def test_text_is_bounded_in_size_lines_and_line_length():
    small = Limits(max_bytes=1000, max_rows=10, max_line_chars=50)
    assert refused(decode_text, b"x" * 1001, small)[0].limit == "max_bytes"
    assert refused(decode_text, b"x\n" * 11, small)[0].limit == "max_rows"
    assert refused(decode_text, b"x" * 51, small)[0].limit == "max_line_chars"
    assert decode_text("\ufeffPhụ lục 1\n".encode(), small) == "Phụ lục 1\n"


def test_csv_records_give_the_line_each_record_ends_on_and_refuse_what_is_too_big():
    lines = ["STT;Nội dung;Chủ trì\n", '1;"Xây dựng\n', 'đề án";Bộ Tài chính\n', "2;Hai;\n"]
    records = list(csv_records(lines, delimiter=";"))
    assert records == [
        (1, ["STT", "Nội dung", "Chủ trì"]),
        (3, ["1", "Xây dựng\nđề án", "Bộ Tài chính"]),
        (4, ["2", "Hai", ""]),
    ]
    with pytest.raises(InputRefused):
        list(csv_records(["1;" + "x" * 50 + "\n"], delimiter=";", limits=Limits(max_cell_chars=10)))
