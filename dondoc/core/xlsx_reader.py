"""Reading an uploaded XLSX within fixed bounds, without trusting what the file says of itself.

* The zip is opened by :class:`~dondoc.core.ooxml.Package`: the file's size, the entry count,
  the total inflated size and each part's compression ratio are checked from the zip's directory
  before anything is inflated; each part is then read with a byte allowance, so a zip that
  understates its sizes is refused too.
* The sheet and its shared strings are parsed as an event stream (expat callbacks, no tree):
  one row is in memory at a time, the declared ``<dimension>`` is ignored, and a lone cell in
  row 1,048,576 or column XFD costs nothing before it is refused.
* Rows, columns, characters per cell and seconds are counted as the file is read.

Any bound crossed raises :class:`~dondoc.core.tabular.InputRefused`. Values come back as text,
numbers, datetimes (cells formatted as dates), booleans, or ``None``; formulas give their cached
value. A cell continuing a merged range downwards (``<mergeCell>``, the vertical part of the
range, in its first column) is recorded as the DOCX reader records ``<w:vMerge/>``: the caller
may take the value above (an agency merged over several tasks) while still seeing the row's own
emptiness; the columns a range covers to the right are empty, as in a DOCX ``gridSpan``.
Public API: :func:`read_xlsx_table`, :func:`read_xlsx_sheet`, :func:`iter_xlsx_rows`,
:func:`xlsx_sheet_names`.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from dondoc.core.ooxml import DAMAGED, EXCEL, Package, local_name, unreadable
from dondoc.core.tabular import (
    DEFAULT_LIMITS,
    Budget,
    InputRefused,
    Limits,
    cell_too_long,
    too_many_columns,
    too_many_rows,
)

__all__ = ["XlsxSheet", "iter_xlsx_rows", "read_xlsx_sheet", "read_xlsx_table", "xlsx_sheet_names"]

_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_RANGE_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7}):\$?([A-Za-z]{1,3})\$?(\d{1,7})$")
_local = local_name


def _unreadable() -> InputRefused:
    return unreadable(EXCEL)


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def _related(book: Package, workbook_path: str, suffix: str) -> str | None:
    rels = book.relations(workbook_path)
    path = next((p for p in rels.values() if p.lower().endswith(suffix)), None)
    return path if path in book.sizes else None


def _shared_strings(book: Package, workbook_path: str) -> list[str]:
    path = _related(book, workbook_path, "sharedstrings.xml")
    if path is None:
        return []
    strings: list[str] = []
    parts: list[str] = []
    state = {"t": False, "phonetic": False}

    def start(name: str, _attrs: dict) -> None:
        tag = _local(name)
        if tag == "t" and not state["phonetic"]:
            state["t"] = True
        elif tag == "rPh":
            state["phonetic"] = True

    def end(name: str) -> None:
        tag = _local(name)
        if tag == "t":
            state["t"] = False
        elif tag == "rPh":
            state["phonetic"] = False
        elif tag == "si":
            strings.append("".join(parts))
            parts.clear()

    def text(data: str) -> None:
        if state["t"]:
            parts.append(data)

    for _ in book.parse(path, start, end, text):
        pass
    return strings


def _date_styles(book: Package, workbook_path: str) -> set[int]:
    path = _related(book, workbook_path, "styles.xml")
    if path is None:
        return set()
    custom, xfs = {}, []
    for element in book.tree(path).iter():
        tag = _local(element.tag)
        if tag == "numFmt":
            custom[int(element.get("numFmtId", "0"))] = element.get("formatCode", "")
        elif tag == "cellXfs":
            xfs = [int(xf.get("numFmtId", "0")) for xf in element if _local(xf.tag) == "xf"]
    dates = set()
    for index, fmt_id in enumerate(xfs):
        code = custom.get(fmt_id, BUILTIN_FORMATS.get(fmt_id, ""))
        if code and is_date_format(code):
            dates.add(index)
    return dates


def _workbook(book: Package) -> tuple[str, list[tuple[str, str]], Any]:
    """The workbook part's path, its sheets as ``(name, part path)`` and its date epoch."""
    workbook_path = next(
        (p for p in book.relations("").values() if posixpath.basename(p) == "workbook.xml"),
        "xl/workbook.xml",
    )
    workbook = book.tree(workbook_path)
    rels = book.relations(workbook_path)
    sheets, epoch = [], CALENDAR_WINDOWS_1900
    for element in workbook.iter():
        tag = _local(element.tag)
        if tag == "sheet":
            rel = next((v for k, v in element.attrib.items() if _local(k) == "id"), "")
            if rels.get(rel):
                sheets.append((element.get("name", ""), rels[rel]))
        elif tag == "workbookPr" and element.get("date1904") in ("1", "true"):
            epoch = CALENDAR_MAC_1904
    if not sheets:
        raise _unreadable()
    return workbook_path, sheets, epoch


def xlsx_sheet_names(
    data: bytes, *, limits: Limits = DEFAULT_LIMITS, budget: Budget | None = None
) -> list[str]:
    """Names of the workbook's sheets in their order. Raises ``InputRefused``."""
    budget = budget or Budget(limits.seconds)
    try:
        return [name for name, _path in _workbook(Package(data, limits, budget, EXCEL))[1]]
    except InputRefused:
        raise
    except DAMAGED:
        raise _unreadable() from None


def iter_xlsx_rows(
    data: bytes,
    *,
    sheet: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    budget: Budget | None = None,
    merges: list[tuple[int, int, int, int]] | None = None,
) -> Iterator[tuple[int, list[Any]]]:
    """``(row number, values)`` of each row holding data in ``sheet`` (default: the first).

    ``values`` runs from column A to the row's last filled column. When ``merges`` is a list,
    the sheet's merged ranges are appended to it as ``(first row, first column, last row, last
    column)``, 1-based, once the rows are read (they follow the rows in the file). Raises
    ``InputRefused``.
    """
    budget = budget or Budget(limits.seconds)
    try:
        book = Package(data, limits, budget, EXCEL)
        workbook_path, sheets, epoch = _workbook(book)
        path = next((p for name, p in sheets if name == sheet), sheets[0][1])
        cells = _Cells(_shared_strings(book, workbook_path), _date_styles(book, workbook_path))
        yield from _sheet_rows(book, path, cells, epoch, limits, budget, merges)
    except InputRefused:
        raise
    except DAMAGED:
        raise _unreadable() from None


def read_xlsx_table(
    data: bytes,
    *,
    sheet: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    budget: Budget | None = None,
    merges: list[tuple[int, int, int, int]] | None = None,
) -> list[list[Any]]:
    """All rows of ``sheet``, row 1 first, empty rows kept as ``[]`` (bounded by ``limits``).

    ``merges`` collects the merged ranges as :func:`iter_xlsx_rows` does."""
    table: list[list[Any]] = []
    rows = iter_xlsx_rows(data, sheet=sheet, limits=limits, budget=budget, merges=merges)
    for number, values in rows:
        table.extend([] for _ in range(number - 1 - len(table)))
        table.append(values)
    return table


@dataclass
class XlsxSheet:
    """One sheet: its rows (row 1 first, empty rows as ``[]``), and the (row, column) indexes
    (0-based) of the empty cells continuing a merged range from the row above."""

    rows: list[list[Any]] = field(default_factory=list)
    continued: set[tuple[int, int]] = field(default_factory=set)


def read_xlsx_sheet(
    data: bytes,
    *,
    sheet: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    budget: Budget | None = None,
) -> XlsxSheet:
    """The rows of ``sheet`` as :func:`read_xlsx_table` gives them, with its merged cells.

    Only cells inside the rows read and the widest row are recorded, so a range declared over
    the whole sheet costs no more than the table it covers.
    """
    budget = budget or Budget(limits.seconds)
    merges: list[tuple[int, int, int, int]] = []
    rows = read_xlsx_table(data, sheet=sheet, limits=limits, budget=budget, merges=merges)
    width = max((len(row) for row in rows), default=0)
    continued = set()
    steps = 0
    for first_row, first_column, last_row, _last_column in merges:
        if first_column > width:
            continue
        for number in range(first_row + 1, min(last_row, len(rows)) + 1):
            steps += 1
            if steps % 4096 == 0:
                budget.check()
            row = rows[number - 1]
            if len(row) < first_column or row[first_column - 1] in (None, ""):
                continued.add((number - 1, first_column - 1))
    return XlsxSheet(rows, continued)


class _Cells:
    def __init__(self, strings: list[str], dates: set[int]) -> None:
        self.strings, self.dates = strings, dates

    def value(self, kind: str, style: str | None, raw: str | None, inline: str, epoch) -> Any:
        if kind == "inlineStr":
            return inline
        if raw is None:
            return None
        if kind == "s":
            index = int(raw)
            if not 0 <= index < len(self.strings):
                raise ValueError("shared string out of range")
            return self.strings[index]
        if kind in ("str", "e"):
            return raw
        if kind == "b":
            return raw.strip() == "1"
        if kind == "d":
            try:
                return dt.datetime.fromisoformat(raw.strip())
            except ValueError:
                return raw
        number = float(raw)
        if style and style.isdigit() and int(style) in self.dates:
            try:
                return from_excel(number, epoch)
            except (ValueError, OverflowError, TypeError):
                return number
        return int(number) if number.is_integer() and abs(number) < 2**53 else number


class _Tags(dict):
    """Local names of the qualified names expat reports, computed once per name."""

    def __missing__(self, name: str) -> str:
        self[name] = local = _local(name)
        return local


def _sheet_rows(
    book: Package,
    path: str,
    cells: _Cells,
    epoch,
    limits: Limits,
    budget: Budget,
    merges: list[tuple[int, int, int, int]] | None = None,
) -> Iterator[tuple[int, list[Any]]]:
    """Rows of the sheet part ``path`` as expat reads it, one row held at a time; its merged
    ranges (vertical ones only: a range within one row changes nothing) go to ``merges``."""
    ready: list[tuple[int, list[Any]]] = []
    row: dict[int, Any] = {}
    text: list[str] = []
    inline: list[str] = []
    tags = _Tags()
    max_rows, max_columns, max_chars = limits.max_rows, limits.max_columns, limits.max_cell_chars
    row_number = column = length = seen = 0
    capture: str | None = None
    phonetic = False
    kind: str = "n"
    style: str | None = None
    raw: str | None = None

    def start(name: str, attrs: dict) -> None:
        nonlocal row_number, column, length, seen, capture, phonetic, kind, style, raw
        tag = tags[name]
        if tag == "c":
            reference = _CELL_REF.match(attrs.get("r", ""))
            column = _column_number(reference[1]) if reference else column + 1
            kind, style, raw = attrs.get("t", "n"), attrs.get("s"), None
            inline.clear()
            seen += 1
            if seen % 4096 == 0:
                budget.check()
        elif tag in ("v", "t") and not phonetic:
            capture, length = tag, 0
            text.clear()
        elif tag == "rPh":
            phonetic = True
        elif tag == "mergeCell" and merges is not None:
            ref = _RANGE_REF.match(attrs.get("ref", ""))
            if ref and int(ref[4]) > int(ref[2]):
                first, last = _column_number(ref[1]), _column_number(ref[3])
                merges.append((int(ref[2]), min(first, last), int(ref[4]), max(first, last)))
            seen += 1
            if seen % 4096 == 0:
                budget.check()
        elif tag == "row":
            declared = attrs.get("r", "")
            row_number = int(declared) if declared.isdigit() else row_number + 1
            column = 0
            row.clear()

    def end(name: str) -> None:
        nonlocal capture, phonetic, raw
        tag = tags[name]
        if tag == "c":
            value = cells.value(kind, style, raw, "".join(inline), epoch)
            if value is None or value == "":
                return
            if row_number > max_rows:
                raise too_many_rows(row_number, limits)
            if column > max_columns:
                raise too_many_columns(row_number, column, limits)
            if isinstance(value, str) and len(value) > max_chars:
                raise cell_too_long(row_number, column, limits)
            row[column] = value
        elif tag == "v" and capture == "v":
            raw, capture = "".join(text), None
        elif tag == "t" and capture == "t":
            inline.append("".join(text))
            capture = None
        elif tag == "rPh":
            phonetic = False
        elif tag == "row" and row:
            ready.append((row_number, [row.get(i) for i in range(1, max(row) + 1)]))
            row.clear()

    def characters(data: str) -> None:
        nonlocal length
        if capture is not None:
            length += len(data)
            if length > max_chars:
                raise cell_too_long(row_number, column, limits)
            text.append(data)

    for _ in book.parse(path, start, end, characters):
        yield from ready
        ready.clear()
