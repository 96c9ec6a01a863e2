"""Reading uploaded spreadsheets and CSV within fixed bounds, before any real work is done.

An uploaded file is hostile until read: a 6 KB XLSX may declare a million rows, a 1.6 MB XLSX may
inflate to 1.5 GB, a CSV may hold one 20 MB field. The readers here never trust what a file says
about itself:

* the file's size, the zip's entry count, the total uncompressed size and each entry's
  compression ratio are checked from the zip's directory before anything is inflated;
* worksheets and shared strings are parsed as streams (one row in memory at a time), so the
  declared ``<dimension>`` is ignored and a lone cell in row 1,048,576 costs nothing;
* rows, columns, characters per cell and seconds spent are counted as the file is read.

Any bound crossed raises :class:`InputRefused`, whose Vietnamese and English messages name the
limit; callers turn it into the refusal shown to the user. Values come back as Python values
(text, numbers, dates for cells formatted as dates, booleans) or ``None``.

Public API: :class:`Limits`, :data:`DEFAULT_LIMITS`, :class:`Budget`, :class:`InputRefused`,
:func:`read_xlsx_table`, :func:`iter_xlsx_rows`, :func:`read_csv_table`, :func:`decode_text`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import posixpath
import re
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any
from xml.etree import ElementTree

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

__all__ = [
    "DEFAULT_LIMITS",
    "Budget",
    "InputRefused",
    "Limits",
    "decode_text",
    "iter_xlsx_rows",
    "read_csv_table",
    "read_xlsx_table",
    "refuse_size",
]


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 20 * 1024 * 1024  # the file as uploaded
    max_uncompressed: int = 50 * 1024 * 1024  # all parts of an XLSX once inflated
    max_ratio: int = 100  # inflated size / compressed size of one part (over 1 MB)
    max_entries: int = 1000  # parts in the zip
    max_rows: int = 20_000
    max_columns: int = 50
    max_cell_chars: int = 32_767  # Excel's own limit for one cell
    max_line_chars: int = 20_000  # one line of a text file
    seconds: float = 10.0


DEFAULT_LIMITS = Limits()


def _n(number: float) -> str:
    """A number as Vietnamese writes it: 20.000."""
    return f"{number:,.0f}".replace(",", ".")


class InputRefused(Exception):
    """The input crosses one of the bounds, or cannot be read at all."""

    def __init__(self, message_vi: str, message_en: str, *, row: int = 0, limit: str = "") -> None:
        super().__init__(message_en)
        self.message_vi = message_vi
        self.message_en = message_en
        self.row = row
        self.limit = limit


class Budget:
    """Seconds allowed for reading one input; :meth:`check` refuses once they are spent."""

    def __init__(self, seconds: float = DEFAULT_LIMITS.seconds) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise InputRefused(
                f"Việc đọc tệp vượt quá giới hạn {_n(self.seconds)} giây; tệp quá lớn hoặc có "
                "cấu trúc bất thường. Hãy chia nhỏ tệp rồi nhập lại.",
                f"Reading the file took longer than the limit of {_n(self.seconds)} seconds; the "
                "file is too large or unusual. Split it and import it again.",
                limit="seconds",
            )


def refuse_size(size: int, limits: Limits) -> None:
    if size > limits.max_bytes:
        mb = _n(limits.max_bytes / (1024 * 1024))
        raise InputRefused(
            f"Tệp lớn hơn giới hạn {mb} MB.",
            f"The file is larger than the limit of {mb} MB.",
            limit="max_bytes",
        )


def _too_many_rows(row: int, limits: Limits) -> InputRefused:
    return InputRefused(
        f"Tệp có dữ liệu ở dòng {_n(row)}, vượt giới hạn {_n(limits.max_rows)} dòng mỗi lần "
        "nhập; hãy chia tệp thành nhiều tệp nhỏ hơn.",
        f"The file has data in row {_n(row)}, beyond the limit of {_n(limits.max_rows)} rows "
        "per import; split it into smaller files.",
        row=row,
        limit="max_rows",
    )


def _too_many_columns(row: int, column: int, limits: Limits) -> InputRefused:
    return InputRefused(
        f"Dòng {_n(row)} có dữ liệu ở cột thứ {_n(column)}, vượt giới hạn "
        f"{_n(limits.max_columns)} cột.",
        f"Row {_n(row)} has data in column {_n(column)}, beyond the limit of "
        f"{_n(limits.max_columns)} columns.",
        row=row,
        limit="max_columns",
    )


def _cell_too_long(row: int, column: int, limits: Limits) -> InputRefused:
    return InputRefused(
        f"Ô ở dòng {_n(row)}, cột {_n(column)} dài hơn giới hạn {_n(limits.max_cell_chars)} ký tự.",
        f"The cell in row {_n(row)}, column {_n(column)} is longer than the limit of "
        f"{_n(limits.max_cell_chars)} characters.",
        row=row,
        limit="max_cell_chars",
    )


# --------------------------------------------------------------------------------------------
# Text and CSV


def decode_text(data: bytes, limits: Limits = DEFAULT_LIMITS) -> str:
    """``data`` as UTF-8 text (a BOM is dropped) after checking its size, its number of lines
    (``max_rows``) and the length of each line.

    Raises :class:`UnicodeDecodeError` when the bytes are not UTF-8 (callers word that problem
    themselves) and :class:`InputRefused` when a bound is crossed.
    """
    refuse_size(len(data), limits)
    text = data.decode("utf-8-sig")
    line, start = 1, 0
    while start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if end - start > limits.max_line_chars:
            raise InputRefused(
                f"Dòng {_n(line)} dài hơn giới hạn {_n(limits.max_line_chars)} ký tự; tệp không "
                "phải văn bản báo cáo hoặc bảng thông thường.",
                f"Line {_n(line)} is longer than the limit of {_n(limits.max_line_chars)} "
                "characters; the file is not an ordinary report or table.",
                row=line,
                limit="max_line_chars",
            )
        line, start = line + 1, end + 1
        if line > limits.max_rows and start < len(text):
            raise InputRefused(
                f"Tệp có hơn {_n(limits.max_rows)} dòng, vượt giới hạn mỗi lần nhập; hãy chia "
                "tệp thành nhiều tệp nhỏ hơn.",
                f"The file has more than {_n(limits.max_rows)} lines, beyond the limit per "
                "import; split it into smaller files.",
                row=line,
                limit="max_rows",
            )
    return text


def read_csv_table(
    text: str,
    *,
    delimiter: str = ",",
    limits: Limits = DEFAULT_LIMITS,
    budget: Budget | None = None,
) -> list[list[str]]:
    """Rows of CSV ``text`` (already decoded), each a list of its fields, within ``limits``."""
    budget = budget or Budget(limits.seconds)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    table: list[list[str]] = []
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return table
        except csv.Error as exc:
            number = reader.line_num
            if "field larger than field limit" in str(exc):
                raise _cell_too_long(number, 0, limits) from None
            raise InputRefused(
                f"Không đọc được tệp CSV ở dòng {_n(number)} (ký tự không hợp lệ hoặc dấu "
                "ngoặc kép không đóng).",
                f"The CSV file can't be read at line {_n(number)} (an invalid character or an "
                "unclosed quote).",
                row=number,
            ) from None
        number = len(table) + 1
        filled = [i for i, cell in enumerate(row, 1) if cell.strip()]
        if filled:
            if number > limits.max_rows:
                raise _too_many_rows(number, limits)
            if filled[-1] > limits.max_columns:
                raise _too_many_columns(number, filled[-1], limits)
            for column, cell in enumerate(row, 1):
                if len(cell) > limits.max_cell_chars:
                    raise _cell_too_long(number, column, limits)
        table.append(row[: limits.max_columns])
        if number % 256 == 0:
            budget.check()


# --------------------------------------------------------------------------------------------
# XLSX


_UNREADABLE = ("Không đọc được tệp Excel (.xlsx).", "The Excel (.xlsx) file can't be read.")
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_MB = 1024 * 1024


def _unreadable() -> InputRefused:
    return InputRefused(*_UNREADABLE)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attr(element: ElementTree.Element, name: str) -> str | None:
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value
    return None


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


class _Part(io.RawIOBase):
    """A zip member read with a byte budget and a clock; refuses a DOCTYPE (none in OOXML)."""

    def __init__(self, stream: IO[bytes], allowance: int, budget: Budget) -> None:
        self.stream, self.left, self.budget, self.first = stream, allowance, budget, True

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.stream.read(min(len(buffer), 1 << 16))
        if self.first and data:
            self.first = False
            if b"<!DOCTYPE" in data[:2048].upper():
                raise _unreadable()
        self.left -= len(data)
        if self.left < 0:
            raise InputRefused(
                "Tệp Excel khi giải nén lớn hơn kích thước khai báo.",
                "The Excel file inflates beyond its declared size.",
                limit="max_uncompressed",
            )
        self.budget.check()
        buffer[: len(data)] = data
        return len(data)


class _Book:
    def __init__(self, data: bytes, limits: Limits, budget: Budget) -> None:
        self.limits, self.budget = limits, budget
        refuse_size(len(data), limits)
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
            raise _unreadable() from None
        if len(infos) > limits.max_entries:
            raise InputRefused(
                f"Tệp Excel có hơn {_n(limits.max_entries)} thành phần.",
                f"The Excel file has more than {_n(limits.max_entries)} parts.",
                limit="max_entries",
            )
        total = sum(info.file_size for info in infos)
        if total > limits.max_uncompressed:
            mb = _n(limits.max_uncompressed / _MB)
            raise InputRefused(
                f"Tệp Excel khi giải nén lớn hơn giới hạn {mb} MB; hãy chia tệp thành nhiều tệp "
                "nhỏ hơn.",
                f"The Excel file inflates beyond the limit of {mb} MB; split it into smaller "
                "files.",
                limit="max_uncompressed",
            )
        for info in infos:
            if info.file_size > _MB and info.file_size > limits.max_ratio * max(
                info.compress_size, 1
            ):
                raise InputRefused(
                    f"Tệp Excel được nén bất thường (hơn {_n(limits.max_ratio)} lần); tệp không "
                    "được đọc.",
                    f"The Excel file is compressed abnormally (more than {_n(limits.max_ratio)} "
                    "times); it was not read.",
                    limit="max_ratio",
                )
        self.sizes = {info.filename: info.file_size for info in infos}

    def open(self, name: str) -> _Part:
        if name not in self.sizes:
            raise _unreadable()
        return _Part(self.zip.open(name), self.sizes[name], self.budget)

    def tree(self, name: str) -> ElementTree.Element:
        with self.open(name) as part:
            return ElementTree.parse(io.BufferedReader(part)).getroot()

    def relations(self, name: str) -> dict[str, str]:
        folder, base = posixpath.split(name)
        rels = posixpath.join(folder, "_rels", base + ".rels")
        if rels not in self.sizes:
            return {}
        found = {}
        for item in self.tree(rels):
            target = item.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            found[item.get("Id", "")] = posixpath.normpath(path)
        return found

    def workbook_path(self) -> str:
        for path in self.relations("").values():
            if path.endswith(".xml") and "workbook" in posixpath.basename(path).lower():
                return path
        return "xl/workbook.xml"

    def sheets(self, workbook: ElementTree.Element, path: str) -> list[tuple[str, str]]:
        rels = self.relations(path)
        found = []
        for element in workbook.iter():
            if _local(element.tag) == "sheet":
                target = rels.get(_attr(element, "id") or "")
                if target:
                    found.append((element.get("name", ""), target))
        return found

    def shared_strings(self, workbook_path: str) -> list[str]:
        rels = self.relations(workbook_path)
        path = next((p for p in rels.values() if p.lower().endswith("sharedstrings.xml")), None)
        if path is None or path not in self.sizes:
            return []
        strings: list[str] = []
        with self.open(path) as part:
            root = None
            for event, element in ElementTree.iterparse(io.BufferedReader(part), ("start", "end")):
                if root is None:
                    root = element
                if event == "end" and _local(element.tag) == "si":
                    strings.append(_rich_text(element))
                    root.clear()
                    if len(strings) % 1024 == 0:
                        self.budget.check()
        return strings

    def date_styles(self, workbook_path: str) -> set[int]:
        rels = self.relations(workbook_path)
        path = next((p for p in rels.values() if p.lower().endswith("styles.xml")), None)
        if path is None or path not in self.sizes:
            return set()
        root = self.tree(path)
        custom = {}
        xfs: list[int] = []
        for element in root.iter():
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


def _rich_text(element: ElementTree.Element) -> str:
    """The text of a shared string or an inline string, without phonetic runs."""
    parts = []
    for child in element:
        tag = _local(child.tag)
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


def iter_xlsx_rows(
    data: bytes,
    *,
    sheet: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    budget: Budget | None = None,
) -> Iterator[tuple[int, list[Any]]]:
    """``(row number, values)`` of each row holding data in ``sheet`` (default: the first).

    ``values`` runs from column A to the last filled column. Raises :class:`InputRefused`.
    """
    budget = budget or Budget(limits.seconds)
    try:
        book = _Book(data, limits, budget)
        workbook_path = book.workbook_path()
        workbook = book.tree(workbook_path)
        sheets = book.sheets(workbook, workbook_path)
        if not sheets:
            raise _unreadable()
        path = next((p for name, p in sheets if name == sheet), sheets[0][1])
        epoch = CALENDAR_WINDOWS_1900
        for element in workbook.iter():
            if _local(element.tag) == "workbookPr" and element.get("date1904") in ("1", "true"):
                epoch = CALENDAR_MAC_1904
        strings = book.shared_strings(workbook_path)
        dates = book.date_styles(workbook_path)
        yield from _sheet_rows(book.open(path), strings, dates, epoch, limits, budget)
    except InputRefused:
        raise
    except (ElementTree.ParseError, zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError):
        raise _unreadable() from None


def read_xlsx_table(
    data: bytes,
    *,
    sheet: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    budget: Budget | None = None,
) -> list[list[Any]]:
    """All rows of ``sheet`` as a list, empty rows included, row 1 first (bounded by limits)."""
    table: list[list[Any]] = []
    for number, values in iter_xlsx_rows(data, sheet=sheet, limits=limits, budget=budget):
        table.extend([] for _ in range(number - 1 - len(table)))
        table.append(values)
    return table


def _sheet_rows(
    part: _Part,
    strings: list[str],
    dates: set[int],
    epoch: dt.datetime,
    limits: Limits,
    budget: Budget,
) -> Iterator[tuple[int, list[Any]]]:
    row_element = sheet_data = None
    row_number = column = cells_seen = 0
    values: dict[int, Any] = {}
    with part:
        for event, element in ElementTree.iterparse(io.BufferedReader(part), ("start", "end")):
            tag = _local(element.tag)
            if event == "start":
                if tag == "row":
                    row_element = element
                    declared = element.get("r")
                    row_number = int(declared) if declared else row_number + 1
                    column, values = 0, {}
                elif tag == "sheetData":
                    sheet_data = element
                continue
            if tag == "c":
                reference = _CELL_REF.match(element.get("r") or "")
                column = _column_number(reference.group(1)) if reference else column + 1
                value = _cell_value(element, strings, dates, epoch)
                if value is not None and value != "":
                    if row_number > limits.max_rows:
                        raise _too_many_rows(row_number, limits)
                    if column > limits.max_columns:
                        raise _too_many_columns(row_number, column, limits)
                    if isinstance(value, str) and len(value) > limits.max_cell_chars:
                        raise _cell_too_long(row_number, column, limits)
                    values[column] = value
                if row_element is not None:
                    row_element.clear()
                cells_seen += 1
                if cells_seen % 1024 == 0:
                    budget.check()
            elif tag == "row":
                if values:
                    yield row_number, [values.get(i) for i in range(1, max(values) + 1)]
                if sheet_data is not None:
                    sheet_data.clear()
                row_element = None
                if row_number % 256 == 0:
                    budget.check()


def _cell_value(
    element: ElementTree.Element, strings: list[str], dates: set[int], epoch: dt.datetime
) -> Any:
    kind = element.get("t", "n")
    raw = None
    inline = None
    for child in element:
        tag = _local(child.tag)
        if tag == "v":
            raw = child.text or ""
        elif tag == "is":
            inline = _rich_text(child)
    if kind == "inlineStr":
        return inline or ""
    if raw is None:
        return None
    if kind == "s":
        index = int(raw)
        if not 0 <= index < len(strings):
            raise ValueError("shared string out of range")
        return strings[index]
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
    style = element.get("s")
    if style and style.isdigit() and int(style) in dates:
        try:
            return from_excel(number, epoch)
        except (ValueError, OverflowError, TypeError):
            return number
    return int(number) if number.is_integer() and abs(number) < 2**53 else number
