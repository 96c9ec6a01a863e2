import contextlib
import io
import time
import zipfile

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dondoc.core.docx_reader import read_docx_tables
from dondoc.core.tabular import InputRefused, Limits

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _document(body: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "word/document.xml", f"<w:document {W}><w:body>{body}</w:body></w:document>"
        )
    return buffer.getvalue()


def _cell(text: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"


def test_tables_come_back_with_spans_and_vertical_merges_recorded():
    document = docx.Document()
    document.add_paragraph("Phụ lục")
    table = document.add_table(rows=3, cols=3)
    for i, row in enumerate([["STT", "Nội dung", "Chủ trì"], ["1", "A\nB", "Bộ Tài chính"]]):
        for j, text in enumerate(row):
            table.cell(i, j).text = text
    table.cell(2, 0).text = "2"
    table.cell(2, 1).text = "C"
    table.cell(1, 2).merge(table.cell(2, 2))
    document.add_table(rows=1, cols=2).cell(0, 0).merge(document.tables[1].cell(0, 1)).text = "X"
    buffer = io.BytesIO()
    document.save(buffer)

    first, second = read_docx_tables(buffer.getvalue())
    assert first.rows == [["STT", "Nội dung", "Chủ trì"], ["1", "A\nB", "Bộ Tài chính"], ["2", "C"]]
    assert first.continued == {(2, 2)}
    assert second.rows == [["X"]]


def test_a_nested_table_adds_its_text_to_the_outer_cell():
    inner = f"<w:tbl><w:tr>{_cell('inner')}</w:tr></w:tbl>"
    body = f"<w:tbl><w:tr>{_cell('a')}<w:tc><w:p/>{inner}</w:tc></w:tr></w:tbl>"
    (table,) = read_docx_tables(_document(body))
    assert table.rows == [["a", "inner"]]


def test_a_cell_spanning_columns_leaves_the_covered_columns_empty():
    span = '<w:gridSpan w:val="3"/>'
    body = f"<w:tbl><w:tr>{_cell('a', span)}{_cell('b')}</w:tr></w:tbl>"
    assert read_docx_tables(_document(body))[0].rows == [["a", "", "", "b"]]


def test_a_zip_bomb_is_refused_before_inflating():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<a>" + b" " * (60 * 1024 * 1024) + b"</a>")
    with pytest.raises(InputRefused) as refused:
        read_docx_tables(buffer.getvalue())
    assert refused.value.limit in ("max_uncompressed", "max_ratio")
    assert "Tệp Word" in refused.value.message_vi


def test_too_many_rows_columns_or_characters_are_refused():
    rows = "".join(f"<w:tr>{_cell(str(i))}</w:tr>" for i in range(30))
    with pytest.raises(InputRefused) as refused:
        read_docx_tables(_document(f"<w:tbl>{rows}</w:tbl>"), limits=Limits(max_rows=20))
    assert refused.value.limit == "max_rows"
    wide = "".join(_cell("x") for _ in range(8))
    with pytest.raises(InputRefused) as refused:
        read_docx_tables(
            _document(f"<w:tbl><w:tr>{wide}</w:tr></w:tbl>"), limits=Limits(max_columns=5)
        )
    assert refused.value.limit == "max_columns"
    with pytest.raises(InputRefused) as refused:
        read_docx_tables(
            _document(f"<w:tbl><w:tr>{_cell('x' * 200)}</w:tr></w:tbl>"),
            limits=Limits(max_cell_chars=100),
        )
    assert refused.value.limit == "max_cell_chars"


def test_an_oversized_file_and_a_doctype_are_refused():
    with pytest.raises(InputRefused) as refused:
        read_docx_tables(b"x" * 2000, limits=Limits(max_bytes=1000))
    assert refused.value.limit == "max_bytes"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "word/document.xml",
            '<!DOCTYPE a [<!ENTITY e "x">]><w:document ' + W + ">&e;</w:document>",
        )
    with pytest.raises(InputRefused) as refused:
        read_docx_tables(buffer.getvalue())
    assert refused.value.message_en == "The Word (.docx) file can't be read."


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000) | st.text(max_size=300).map(lambda t: _document(t)))
def test_any_bytes_give_tables_or_a_refusal_quickly(data):
    started = time.monotonic()
    with contextlib.suppress(InputRefused):
        read_docx_tables(data)
    assert time.monotonic() - started < 3
