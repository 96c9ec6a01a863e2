"""Layouts of task lists the older rules do not cover, pure: no Django.

Each helper here answers one question about a layout real directives use, and is called from
the table, structure or assignment rules with a small hook:

- ``table_cell``: whether an item is a table row written back as an item and its field line
  ("Cơ quan phối hợp: …; Thời gian hoàn thành: …"): its "Nhiệm vụ" cell is one task even when
  it holds two paragraphs, each opening with a verb.
- ``marked_periods``: a table whose time is not written but marked, an "x" under period
  columns ("Quý I  Quý II  Quý III  Quý IV" under "Thời gian thực hiện năm 2026"), with the
  marks written back as one time cell, the period of the last mark.
- ``cell_lines``: an HTML table pasted as one cell a line, rows between blank lines, empty
  cells as a no-break space, a notes column the reader does not know, a lead cell merged over
  a group of rows (printed once, on the group's first row), a cell broken by a line break.
- ``period_heading``: a work programme's period heading alone on its line with its year
  ("Tháng 01/2027", "Quý II/2027", "6 tháng cuối năm 2027"): a section whose title is the time
  of the lines under it (``period_phrases``).
- ``content_label``: a task written as a block of labelled lines ("Nhiệm vụ 3: <title>" over
  "- Nội dung: …", "- Cơ quan chủ trì: …", "- Thời hạn: …"): the "Nội dung" line is the
  block's work, not an item under it.
- ``lone_footers`` and ``parenthesis_goes_on``: a page break inside a line of a work
  programme, its running footer and page number between the line and its trailing
  parenthesis ("… Bắc Ninh" / "Chương trình công tác năm 2027 …" / "2" / "(Ban Tổ chức Trung
  ương chủ trì, …)").
"""

from __future__ import annotations

import re
import unicodedata

from dondoc.reader.core.tables import _column_key
from dondoc.reader.core.when import DeadlinePhrase

__all__ = [
    "cell_lines",
    "content_label",
    "lone_footers",
    "marked_periods",
    "parenthesis_goes_on",
    "period_heading",
    "period_phrases",
    "table_cell",
]

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


_NBSP = "\u00a0"
_NUMBER = re.compile(r"^\d{1,3}\.?$")
_AGENCY = re.compile(
    r"^(?:bo|uy ban|ubnd|so|cuc|vu|van phong|ban|dang uy|tinh uy|thanh uy|cac|hoi dong"
    r"|tong cuc|thanh tra|ngan hang|kiem toan|toa an|vien|dai|thong tan xa)\b"
)


def _folded(text: str) -> str:
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^\w ]+", " ", text).replace(_NBSP, " ").strip()


def _column(text: str) -> str:
    """A heading cell's column, as the table reader names it; "" for a column it does not know
    ("Ghi chú")."""
    return _column_key(text) or ""


def _blank(line: str) -> bool:
    """An empty line between rows (a cell holding only a no-break space is a cell)."""
    return not line.strip(" \t\r")


def _cell_heading(lines: list[tuple[str, int]], n: int) -> list[str] | None:
    """The heading cells from line ``n`` ("STT" / "Cơ quan chủ trì" / "Nhiệm vụ" / … / "Ghi
    chú", up to a blank line), when a column the other rules do not know ("Ghi chú") stands
    among them; else None."""
    cells: list[str] = []
    for line, _at in lines[n : n + 12]:
        if _blank(line):
            break
        if len(line.strip()) > 40 or (cells and _NUMBER.match(line.strip())):
            return None  # rows right under the heading: not this layout
        cells.append(line.strip())
    else:
        return None
    keys = [_column(cell) for cell in cells]
    if (
        len(cells) < 4
        or keys[0] != "stt"
        or "content" not in keys
        or "" not in keys[1:]
        or len({"lead", "coordinating", "deadline"} & set(keys)) < 2
    ):
        return None
    return cells


def _row_cells(block: list[str], keys: list[str], lead_above: str) -> list[str]:
    """A row's cells (its number first) under ``keys``: a cell broken by a line break ("Bộ
    Khoa học và Công nghệ;" / "Bộ Tài chính") joined again; a row with one cell fewer than the
    heading, whose cell under the lead column names no agency, has the lead of the row above
    (a cell merged over the group's rows)."""
    cells = [line.replace(_NBSP, " ").strip() for line in block]
    n = 1
    while len(cells) > len(keys) and n < len(cells) - 1:
        if cells[n].endswith((";", ",")):
            cells[n : n + 2] = [f"{cells[n]} {cells[n + 1]}"]
        else:
            n += 1
    if len(cells) == len(keys) - 1 and "lead" in keys and lead_above:
        at = keys.index("lead")
        if at < len(cells) and not _AGENCY.match(_folded(cells[at])):
            cells.insert(at, lead_above)
    return cells


def cell_lines(lines: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """A table pasted one cell a line (rows between blank lines) with each row as one tabbed
    line, which the table reader then reads; other lines are kept as they are."""
    out: list[tuple[str, int]] = []
    n = 0
    while n < len(lines):
        line, start = lines[n]
        heading = (
            _cell_heading(lines, n) if len(line.strip()) <= 12 and _column(line) == "stt" else None
        )
        if heading is None:
            out.append((line, start))
            n += 1
            continue
        keys = [_column(cell) for cell in heading]
        out.append(("\t".join(heading), start))
        n += len(heading)
        lead_above = ""
        while n < len(lines):
            if _blank(lines[n][0]):
                n += 1
                continue
            first = n
            while n < len(lines) and not _blank(lines[n][0]):
                n += 1
            block = [text for text, _at in lines[first:n]]
            if not _NUMBER.match(block[0].strip()) or len(block) > 2 * len(keys):
                n = first
                break
            cells = _row_cells(block, keys, lead_above)
            if "lead" in keys and keys.index("lead") < len(cells):
                lead_above = cells[keys.index("lead")]
            out.append(("\t".join(cells), lines[first][1]))
        out.append(("", lines[n][1] if n < len(lines) else start))
    return out


#: "Tháng 01/2027", "Quý II/2027", "QUÝ III NĂM 2027", "Thang 11/2027" alone on a line
_PERIOD_HEADING = re.compile(
    r"^(?P<period>(?:Th[áa]ng|TH[ÁA]NG)\s+(?P<month>\d{1,2})|(?:Qu[ýy]|QU[ÝY])\s+(?P<quarter>I{1,3}|IV))"
    r"\s*(?:/|\s+(?:n[ăa]m|N[ĂA]M)\s+)(?P<year>20\d\d)\s*[.:]?\s*$"
)


def period_heading(line: str) -> tuple[str, str, int] | None:
    """("period", the period's short label as a clerk keys it ("T01", "QII"), 0: the heading is
    its own title) for a period heading line, or None."""
    m = _PERIOD_HEADING.match(line)
    if m is None or (m.group("month") and not 1 <= int(m.group("month")) <= 12):
        return None
    label = f"T{int(m.group('month')):02d}" if m.group("month") else f"Q{m.group('quarter')}"
    return "period", label, 0


def _period_time(line: str) -> str:
    m = _PERIOD_HEADING.match(line)
    if m.group("month"):
        return f"Tháng {int(m.group('month')):02d}/{m.group('year')}"
    return f"Quý {m.group('quarter')}/{m.group('year')}"


def period_phrases(parts: list, text: str) -> list[DeadlinePhrase]:
    """The times of the period sections ("Thang 11/2027" → "Tháng 11/2027"): each the time of
    the work under it."""
    out = []
    for part in parts:
        line = text[part.span[0] : part.span[1]]
        if part.kind == "section" and _PERIOD_HEADING.match(line):
            out.append(DeadlinePhrase(*part.span, _period_time(line), True))
    return out


#: "– Nội dung: Chỉ đạo xây dựng …", "- Nội dung nhiệm vụ: …"
_CONTENT_LABEL = re.compile(
    r"^[-–•+]\s*(?:N[ộo]i dung|N[ỘO]I DUNG)(?: (?:nhi[ệe]m v[ụu]|c[ôo]ng vi[ệe]c))?\s*:\s*(?=\S)"
)


def content_label(line: str) -> int | None:
    """Where the work begins on a block's "- Nội dung: …" line, or None for another line."""
    m = _CONTENT_LABEL.match(line)
    return m.end() if m else None


_BARE_PAGE = re.compile(r"^\d{1,4}$")


def lone_footers(lines: list[str]) -> set[str]:
    """Running footers seen once: a short line with a bare page number under it, the two alone
    between blank lines (a page's foot), the line without a full stop."""
    out = set()
    for n in range(1, len(lines) - 1):
        line = lines[n]
        if (
            line
            and not lines[n - 1]
            and _BARE_PAGE.match(lines[n + 1])
            and (n + 2 == len(lines) or not lines[n + 2])
            and len(line) <= 120
            and line[-1:] not in ".;:"
            and line[:1].isupper()
        ):
            out.add(line)
    return out


#: a line that is only a parenthesis naming who does the work: "(X chủ trì, phối hợp Y)"
_DOERS_ONLY = re.compile(r"^\([^()]*(?:ch[ủu] tr[ìi]|chu[ẩa]n b[ịi]|ph[ốo]i h[ợo]p)[^()]*\)[.;]?$")


def parenthesis_goes_on(previous: str, line: str) -> bool:
    """Whether ``line``, a parenthesis naming who does the work, closes ``previous``, a line
    without its end, even across a page break."""
    return previous[:2] in ("- ", "– ", "+ ") and bool(_DOERS_ONLY.match(line))
