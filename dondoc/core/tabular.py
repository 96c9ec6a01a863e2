"""Reading uploads within fixed bounds, before any real work is done: limits, refusals, text, CSV.

An uploaded file is hostile until read: a 6 KB XLSX may declare a million rows, a 1.6 MB XLSX may
inflate to 1.5 GB, a CSV may hold one 20 MB field or a NUL. :class:`Limits` holds the bounds,
:class:`Budget` the seconds allowed, and every reader raises :class:`InputRefused` when a bound
is crossed; its Vietnamese and English messages name the limit, and callers turn it into the
refusal shown to the user. :func:`decode_text` and :func:`read_csv_table` read text and CSV;
``dondoc.core.xlsx_reader`` reads XLSX with the same limits.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

__all__ = [
    "DEFAULT_LIMITS",
    "Budget",
    "InputRefused",
    "Limits",
    "csv_records",
    "decode_text",
    "number_vi",
    "read_csv_table",
    "refuse_nul",
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


def number_vi(number: float) -> str:
    """A number as Vietnamese writes it: 20.000."""
    return f"{number:,.0f}".replace(",", ".")


_n = number_vi


class InputRefused(Exception):
    """The input crosses one of the bounds, or cannot be read at all."""

    def __init__(self, message_vi: str, message_en: str, *, row: int = 0, limit: str = "") -> None:
        super().__init__(message_en)
        self.message_vi = message_vi
        self.message_en = message_en
        self.row = row
        self.limit = limit


class Budget:
    """Seconds allowed for reading one input; :meth:`check` refuses once they are spent.

    The seconds are the processor time of the reading thread, so a busy server does not refuse
    an ordinary file because other requests slowed it down.
    """

    def __init__(self, seconds: float = DEFAULT_LIMITS.seconds) -> None:
        self.seconds = seconds
        self.deadline = time.thread_time() + seconds

    def check(self) -> None:
        if time.thread_time() > self.deadline:
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


def too_many_rows(row: int, limits: Limits) -> InputRefused:
    return InputRefused(
        f"Tệp có dữ liệu ở dòng {_n(row)}, vượt giới hạn {_n(limits.max_rows)} dòng mỗi lần "
        "nhập; hãy chia tệp thành nhiều tệp nhỏ hơn.",
        f"The file has data in row {_n(row)}, beyond the limit of {_n(limits.max_rows)} rows "
        "per import; split it into smaller files.",
        row=row,
        limit="max_rows",
    )


def too_many_columns(row: int, column: int, limits: Limits) -> InputRefused:
    return InputRefused(
        f"Dòng {_n(row)} có dữ liệu ở cột thứ {_n(column)}, vượt giới hạn "
        f"{_n(limits.max_columns)} cột.",
        f"Row {_n(row)} has data in column {_n(column)}, beyond the limit of "
        f"{_n(limits.max_columns)} columns.",
        row=row,
        limit="max_columns",
    )


def cell_too_long(row: int, column: int, limits: Limits) -> InputRefused:
    return InputRefused(
        f"Ô ở dòng {_n(row)}, cột {_n(column)} dài hơn giới hạn {_n(limits.max_cell_chars)} ký tự.",
        f"The cell in row {_n(row)}, column {_n(column)} is longer than the limit of "
        f"{_n(limits.max_cell_chars)} characters.",
        row=row,
        limit="max_cell_chars",
    )


# --------------------------------------------------------------------------------------------
# Text and CSV


def refuse_nul(text: str) -> None:
    """Refuse a text holding a NUL character, which no database column may store."""
    at = text.find("\x00")
    if at >= 0:
        line = text.count("\n", 0, at) + 1
        raise InputRefused(
            f"Tệp có ký tự không hợp lệ (NUL) ở dòng {_n(line)}; tệp không phải văn bản "
            "thông thường.",
            f"The file holds an invalid character (NUL) at line {_n(line)}; it is not ordinary "
            "text.",
            row=line,
            limit="nul",
        )


def decode_text(data: bytes, limits: Limits = DEFAULT_LIMITS) -> str:
    """``data`` as UTF-8 text (a BOM is dropped) after checking its size, its number of lines
    (``max_rows``) and the length of each line.

    Raises :class:`UnicodeDecodeError` when the bytes are not UTF-8 (callers word that problem
    themselves) and :class:`InputRefused` when a bound is crossed.
    """
    refuse_size(len(data), limits)
    text = data.decode("utf-8-sig")
    refuse_nul(text)
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


def csv_records(
    lines: Iterable[str], *, delimiter: str = ",", limits: Limits = DEFAULT_LIMITS
) -> Iterator[tuple[int, list[str]]]:
    """The records of CSV ``lines`` (each ending in its line break), each with the number of the
    line it ends on, for a caller that keeps the place of every record (a table pasted into a
    directive). A record wider or longer than ``limits`` allow, or one the CSV rules cannot
    read, raises :class:`InputRefused`."""
    reader = csv.reader(lines, delimiter=delimiter)
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise InputRefused(
                f"Không đọc được bảng CSV ở dòng {_n(reader.line_num)}.",
                f"The CSV table can't be read at line {_n(reader.line_num)}.",
                row=reader.line_num,
            ) from None
        if reader.line_num > limits.max_rows:
            raise too_many_rows(reader.line_num, limits)
        if len(record) > limits.max_columns:
            raise too_many_columns(reader.line_num, len(record), limits)
        for column, cell in enumerate(record, 1):
            if len(cell) > limits.max_cell_chars:
                raise cell_too_long(reader.line_num, column, limits)
        yield reader.line_num, record


def read_csv_table(
    text: str,
    *,
    delimiter: str = ",",
    limits: Limits = DEFAULT_LIMITS,
    budget: Budget | None = None,
) -> list[list[str]]:
    """Rows of CSV ``text`` (already decoded), each a list of its fields, within ``limits``."""
    budget = budget or Budget(limits.seconds)
    refuse_nul(text)
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
                raise cell_too_long(number, 0, limits) from None
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
                raise too_many_rows(number, limits)
            if filled[-1] > limits.max_columns:
                raise too_many_columns(number, filled[-1], limits)
            for column, cell in enumerate(row, 1):
                if len(cell) > limits.max_cell_chars:
                    raise cell_too_long(number, column, limits)
        table.append(row[: limits.max_columns])
        if number % 256 == 0:
            budget.check()
