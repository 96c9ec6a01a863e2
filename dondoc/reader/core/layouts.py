"""Layouts of task lists the older rules do not cover, pure: no Django.

Each helper here answers one question about a layout real directives use, and is called from
the table, structure or assignment rules with a small hook:

- ``table_cell``: whether an item is a table row written back as an item and its field line
  ("Cơ quan phối hợp: …; Thời gian hoàn thành: …"): its "Nhiệm vụ" cell is one task even when
  it holds two paragraphs, each opening with a verb.
- ``marked_periods``: a table whose time is not written but marked, an "x" under period
  columns ("Quý I  Quý II  Quý III  Quý IV" under "Thời gian thực hiện năm 2026"), with the
  marks written back as one time cell, the period of the last mark.
"""

from __future__ import annotations

import re

__all__ = ["marked_periods", "table_cell"]

#: two labels on one field line, as a table row is written back ("…; Thời gian hoàn thành: …")
_ROW_FIELDS = re.compile(
    r"(?:co quan|don vi|thoi gian|san pham|thanh vien)[^;:]{0,30}:.*; "
    r"(?:co quan|don vi|thoi gian|san pham|thanh vien)[^;:]{0,30}:"
)


def table_cell(fields: list[tuple[int, int]], folded: str) -> bool:
    """Whether an item's field lines are a table row's cells written on one line."""
    return any(_ROW_FIELDS.search(folded[a:b].lower()) for a, b in fields)


#: a period column's heading: "Quý I", "Quý IV", "Tháng 3", "T3", "Năm 2026"
_PERIOD = re.compile(r"^(?:Qu[ýy] (?:I{1,3}|IV)|Th[áa]ng \d{1,2}|T\d{1,2}|N[ăa]m \d{4})$")
_CELLS = re.compile(r"\S+(?: \S+)*")
_MARK = re.compile(r"^[xX✓✔•+*]$")
_YEAR = re.compile(r"(?:n[ăa]m|year)\s+(\d{4})\b", re.IGNORECASE)


def _period_columns(line: str) -> list[tuple[int, int, str]] | None:
    """The period columns ending a heading line ((start, end, heading)), at least two, or
    None."""
    if len(line) > 2000:
        return None
    cells = [(m.start(), m.end(), m.group(0)) for m in _CELLS.finditer(line)]
    periods: list[tuple[int, int, str]] = []
    for cell in reversed(cells):
        if not _PERIOD.match(cell[2]):
            break
        periods.insert(0, cell)
    if len(periods) < 2 or len(cells) - len(periods) < 2:
        return None
    return periods


def marked_periods(lines: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """A table out of ``pdftotext -layout`` whose time is marked by an "x" under period
    columns, with the period columns written as one time column: the heading's periods become
    "Thời gian" and a row's marks the heading of its last marked period (a work over two
    quarters is due at the end of the second), with the year of a spanning heading above
    ("Thời gian thực hiện năm 2026") when there is one. Lines that are not such a table are
    kept as they are."""
    out = list(lines)
    columns: list[tuple[int, int, str]] | None = None
    year = ""
    for n, (line, start) in enumerate(lines):
        if line == "\f" or "  " not in line:
            continue
        found = _period_columns(line)
        if found is not None:
            columns = found
            first = found[0][0]
            # the spanning heading above the periods: its year, and no row of the table
            for back in range(n - 1, max(-1, n - 3), -1):
                above = lines[back][0]
                if above.strip() and len(above) - len(above.lstrip()) >= first - 20:
                    if m := _YEAR.search(above):
                        year = m.group(1)
                    out[back] = ("", lines[back][1])
                    break
                if above.strip():
                    break
            out[n] = (line[:first].rstrip().ljust(first) + "Thời gian", start)
            continue
        if columns is None:
            continue
        first = columns[0][0]
        tail = line[first - 3 :] if len(line) > first - 3 else ""
        marks = list(_CELLS.finditer(tail))
        if not marks or not all(_MARK.match(m.group(0)) for m in marks):
            continue
        centres = [(a + b) / 2 for a, b, _h in columns]
        last = max(
            min(range(len(columns)), key=lambda i: abs(centres[i] - (first - 3 + m.start())))
            for m in marks
        )
        label = columns[last][2]
        if year and not re.search(r"\d{4}", label):
            label = f"{label}/{year}"
        out[n] = (line[: first - 3].rstrip().ljust(first) + label, start)
    return out
