"""Writing spreadsheets and CSV: the one place where exports meet openpyxl and ``csv``.

A text that starts with "=", "+", "-", "@", a tab or a carriage return is read as a formula by
spreadsheet programs (CSV injection, OWASP). An update reading ``=HYPERLINK("http://…","Xem")``
must reach the reader as that text, never as a live link or a command, so every exporter writes
through these helpers:

* CSV: :func:`csv_writer` / :func:`csv_bytes` prefix such a field with an apostrophe
  (:func:`safe_cell`), which is what OWASP recommends and what spreadsheet programs show as text;
* XLSX: :func:`xlsx_cell` / :func:`append_row` write such a text as a string cell (never a
  formula) with Excel's "quote prefix" style, so the official report shows the text exactly as
  written ("- Đã ban hành …" keeps its dash) and it stays text when someone edits the cell.
  Characters XML cannot hold (control characters pasted from word processors) are dropped.

:func:`workbook_bytes` saves a workbook and, for a workbook held in memory, turns any formula
that slipped through into text. ``dondoc/core/tests/test_spreadsheet_guard.py`` fails when code
outside this module creates a ``csv.writer`` or an openpyxl ``Workbook``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

__all__ = [
    "FORMULA_TRIGGERS",
    "CsvWriter",
    "Workbook",
    "append_row",
    "csv_bytes",
    "csv_writer",
    "is_formula_like",
    "new_workbook",
    "safe_cell",
    "workbook_bytes",
    "xlsx_cell",
]

#: First characters that make a spreadsheet program read a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Promise) else value


def is_formula_like(value: Any) -> bool:
    """Whether ``value`` is a text a spreadsheet program would read as a formula."""
    value = _plain(value)
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def safe_cell(value: Any) -> Any:
    """``value`` as a CSV field that no spreadsheet program evaluates.

    Texts that start with a formula trigger get a leading apostrophe; numbers, dates and other
    values pass unchanged (a negative number is a number, not a formula).
    """
    value = _plain(value)
    if is_formula_like(value):
        return "'" + value
    return value


# --------------------------------------------------------------------------------------------
# CSV


class CsvWriter:
    """``csv.writer`` that writes every field through :func:`safe_cell`."""

    def __init__(self, stream: Any, **fmtparams: Any) -> None:
        self._writer = csv.writer(stream, **fmtparams)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream: Any, **fmtparams: Any) -> CsvWriter:
    return CsvWriter(stream, **fmtparams)


def csv_bytes(rows: Iterable[Iterable[Any]], *, bom: bool = True, **fmtparams: Any) -> bytes:
    """Rows as UTF-8 CSV; with a byte-order mark (the default) Excel reads the Vietnamese text."""
    buffer = io.StringIO()
    csv_writer(buffer, **fmtparams).writerows(rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


# --------------------------------------------------------------------------------------------
# XLSX


def new_workbook(*, write_only: bool = False) -> Workbook:
    """An empty workbook: write-only (streams rows, no sheet yet) or in memory (one sheet)."""
    return Workbook(write_only=write_only)


def xlsx_cell(sheet: Any, value: Any, **style: Any) -> Cell:
    """A cell for ``sheet.append``, holding ``value`` as data, never as a formula.

    ``style`` sets cell attributes such as ``font``, ``fill``, ``alignment``, ``border`` or
    ``number_format``. Works for write-only and in-memory sheets alike.
    """
    value = _plain(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if is_formula_like(value):
        _as_text(cell)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _as_text(cell: Cell) -> None:
    cell.data_type = "s"
    cell.quotePrefix = True


def append_row(sheet: Any, values: Iterable[Any], **style: Any) -> list[Cell]:
    """Append one row of safe cells to ``sheet``; returns the cells (for later styling)."""
    cells = [xlsx_cell(sheet, value, **style) for value in values]
    sheet.append(cells)
    return cells


def workbook_bytes(workbook: Workbook) -> bytes:
    """The saved workbook. Cells of an in-memory workbook that read as formulas become text."""
    if not workbook.write_only:
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        _as_text(cell)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
