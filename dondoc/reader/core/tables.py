"""Task tables as text (bảng nhiệm vụ dạng văn bản), pure: no Django.

A plan's appendix out of a PDF ("pdftotext -layout") or a copied table arrives as lines whose
cells are separated by tabs or runs of two spaces or more, a row's cells wrapped over the next
lines under their columns, page numbers and repeated headings between rows::

    STT   Nội dung nhiệm vụ        Cơ quan chủ trì       Cơ quan phối hợp   Thời gian   Sản phẩm
    I     THỂ CHẾ, CHÍNH SÁCH
    1     Ban hành Kế hoạch ...    Sở Khoa học và Công   Các sở, ban,       Quý I/2025  Kế hoạch
          giai đoạn 2025 - 2030    nghệ                  ngành

``rewrite_tables(lines)`` finds such a table by its heading row and writes each row the way
the structure reader already reads a plan: "1. Ban hành Kế hoạch … giai đoạn 2025 - 2030"
and under it one field line "Cơ quan chủ trì: …; Cơ quan phối hợp: …; Thời gian hoàn thành:
…; Sản phẩm: …" (a group row "I" becomes a section "I. THỂ CHẾ, CHÍNH SÁCH", a sub-row
"6.1" an item under row 6).
"""

from __future__ import annotations

import re
import unicodedata

from dondoc.core.tabular import InputRefused, csv_records

__all__ = ["centred_rows", "delimited_rows", "pipe_rows", "rewrite_tables", "stacked_rows"]

_HEADINGS = [
    ("stt", re.compile(r"^(?:stt|tt|so tt|so thu tu)$")),
    # a members' table's "Đơn vị tham mưu": the unit that does the work for the member
    ("lead", re.compile(r"chu tri|tham muu")),
    ("coordinating", re.compile(r"phoi hop|tham gia")),
    # one column for both ("Cơ quan thực hiện"), its cells "Chủ trì: …; Phối hợp: …"
    ("agencies", re.compile(r"^(?:co quan|don vi)(?: don vi)? thuc hien$")),
    # a timetable's "Đơn vị được kiểm tra": the work is done at each unit in turn
    ("object", re.compile(r"duoc (?:kiem tra|giam sat|khao sat|lam viec)|^doi tuong")),
    ("deadline", re.compile(r"thoi gian|thoi han|tien do")),
    ("output", re.compile(r"san pham|ket qua|hinh thuc")),
    ("members", re.compile(r"phu trach")),
    ("content", re.compile(r"noi dung|nhiem vu|cong viec|ten de an|giai phap")),
]
_LABELS = {
    "lead": "Cơ quan chủ trì",
    "coordinating": "Cơ quan phối hợp",
    "deadline": "Thời gian hoàn thành",
    "output": "Sản phẩm",
    "members": "Thành viên phụ trách",
}
_NUMBER = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3}){0,3}|[IVXL]{1,6})\.?$")
_ROMAN = re.compile(r"^[IVXL]{1,6}\.?$")
_RUNS = re.compile(r"\S+(?: \S+)*")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^\w ]+", " ", text).strip()


def _cells(line: str) -> list[tuple[int, str]]:
    """(position, text) of each cell: by index for tabs, by column for runs of spaces."""
    if "\t" in line:
        return [(i, c.strip()) for i, c in enumerate(line.split("\t")) if c.strip()]
    return [(m.start(), m.group(0)) for m in _RUNS.finditer(line)]


def _heading(line: str, more: list[str] = ()) -> list[tuple[int, str]] | None:
    """The columns of a heading row ((position, key) in order), or None; ``more`` are the
    lines the headings wrapped onto ("Cơ quan" over "chủ trì")."""
    cells = _cells(line)
    if len(cells) < 3:
        return None
    if more and "\t" in line:
        # a tabbed heading over two lines ("Cơ quan thực hiện" over "Chủ trì | Phối hợp"):
        # columns by tab, the lower line filling the cells a spanning heading left empty
        texts = [c.strip() for c in line.split("\t")]
        for extra in more:
            for position, text in _cells(extra):
                if position >= len(texts):
                    texts.extend([""] * (position + 1 - len(texts)))
                texts[position] = f"{texts[position]} {text}".strip()
        cells = [(p, t) for p, t in enumerate(texts) if t]
    elif more:
        texts = [text for _p, text in cells]
        starts = [p for p, _t in cells]
        for extra in more:
            for position, text in _cells(extra):
                column = position if "\t" in extra else _nearest(position, starts)
                if 0 <= column < len(texts):
                    texts[column] = f"{texts[column]} {text}"
        cells = list(zip(starts, texts, strict=True))
    columns, used = [], set()
    for position, text in cells:
        folded = _fold(text)
        for key, pattern in _HEADINGS:
            if key not in used and pattern.search(folded):
                columns.append((position, key))
                used.add(key)
                break
        else:
            columns.append((position, ""))
    fields = used & {"lead", "coordinating", "agencies", "deadline", "output"}
    if used & {"content", "object"} and len(fields) >= 2:
        return columns
    return None


def _nearest(position: int, starts: list[int], after: int = -1) -> int:
    best, distance = None, None
    for index, start in enumerate(starts):
        if index <= after:
            continue
        d = abs(start - position)
        if distance is None or d < distance:
            best, distance = index, d
    return best if best is not None else len(starts) - 1


def _opens_row(line: str) -> bool:
    cells = _cells(line)
    return len(cells) >= 2 and line[:1] not in (" ", "\t") and bool(_NUMBER.match(cells[0][1]))


def _heading_lines(lines: list[tuple[str, int]], n: int) -> list[str]:
    """The lines right under a heading line that continue its headings (indented, or all in
    lowercase), at most two."""
    out = []
    for line, _start in lines[n + 1 : n + 3]:
        cells = _cells(line)
        if not cells or line == "\f" or _opens_row(line):
            break
        if line[:1] in (" ", "\t") or all(text[:1].islower() for _p, text in cells):
            out.append(line)
        else:
            break
    return out


def _row_follows(lines: list[tuple[str, int]], n: int) -> bool:
    """Whether a numbered row comes within the next two lines that have text."""
    seen = 0
    for line, _start in lines[n + 1 :]:
        if not line.strip() or line == "\f":
            continue
        if _opens_row(line):
            return True
        seen += 1
        if seen >= 2:
            return False
    return False


def _page_break(lines: list[tuple[str, int]], n: int) -> bool:
    """Whether the heading row comes back within the next lines with text, past page numbers
    and other running lines: line ``n`` is then page furniture, not a row."""
    seen = 0
    for line, _start in lines[n + 1 : n + 8]:
        if not line.strip() or line == "\f":
            continue
        if _heading(line) is not None:
            return True
        if len(line.strip()) > 120 or _opens_row(line):
            return False
        seen += 1
        if seen >= 3:
            return False
    return False


def _running_line(cells: list[tuple[int, str]]) -> bool:
    """A page number beside a running header ("46   CÔNG BÁO/Số 1123/Ngày 26-8-2025"):
    two cells, the second opening with a word in capitals and holding a number."""
    if len(cells) != 2:
        return False
    text = cells[1][1]
    word = text.split()[0]
    return len(word) > 2 and word.isupper() and bool(re.search(r"\d", text))


#: "(đồng chí Bộ trưởng Nguyễn Mạnh Hùng làm Trưởng đoàn)" in the lead's cell: who heads it.
_LEADER = re.compile(r"\s*\(((?:đồng chí|đ/c)\s[^()]+)\)", re.IGNORECASE)
_ACTIVITY = re.compile(r"duoc (kiem tra|giam sat|khao sat|lam viec)")


def _subject(lines: list[tuple[str, int]], upto: int, activity: str) -> str:
    """What a timetable's work is, from the document's title ("KẾ HOẠCH / kiểm tra việc thực
    hiện Nghị quyết … tại một số tỉnh ủy …"): the title's words up to "tại"; else the activity
    itself ("Kiểm tra")."""
    for n in range(min(upto, 60)):
        line = lines[n][0].strip()
        if not _fold(line).startswith(activity + " "):
            continue
        title = [line]
        for more, _at in lines[n + 1 : n + 4]:
            if not more.strip() or (more.strip()[:1].isupper() and not title[-1].endswith(",")):
                break
            title.append(more.strip())
        words = " ".join(title).split()
        folded = [_fold(w) for w in words]
        if "tai" in folded:
            words = words[: folded.index("tai")]
        return " ".join(words)
    return activity


_UNDER = re.compile(r"^(\d{1,2})\.\s+\S")


def _under(lines: list[tuple[str, int]], n: int) -> str:
    """The number of the numbered heading right above a table ("2. Lịch kiểm tra và thành
    phần Đoàn"), whose items its rows are; "" when there is none."""
    for line, _at in reversed(lines[max(0, n - 3) : n]):
        if line.strip():
            m = _UNDER.match(line.strip())
            return m.group(1) if m and len(line) < 160 and not line.rstrip().endswith(".") else ""
    return ""


_AGENCY_LABEL = re.compile(
    r"(?:(?:c[ơo] quan|đ[ơo]n v[ịi])\s+)?(?P<role>ch[ủu]\s+tr[ìi]|ph[ốo]i\s+h[ợo]p)\s*:",
    re.IGNORECASE,
)


#: "Văn phòng Trung ương Đảng (chủ trì), Tổ giúp việc Ban Chỉ đạo": the lead marked in its cell
_LEAD_MARK = re.compile(r"\s*\(\s*ch[ủu]\s+tr[ìi]\s*\)\s*[,;]?\s*", re.IGNORECASE)


def _split_agencies(row: dict[str, str]) -> dict[str, str]:
    """A "Cơ quan thực hiện" cell split into its lead and coordinating agencies ("Chủ trì:
    Sở Tư pháp; Phối hợp: các sở, ngành"); a cell without labels names the lead. A lead's
    cell that marks its lead ("X (chủ trì), Y") gives the others as partners."""
    mark = _LEAD_MARK.search(row.get("lead", ""))
    if mark and not row.get("coordinating", "").strip():
        lead = row["lead"]
        rest = lead[mark.end() :].strip(" ,;.")
        row["lead"] = lead[: mark.start()].strip(" ,;")
        if rest and row["lead"]:
            row["coordinating"] = rest
        elif rest:
            row["lead"] = rest
    cell = " ".join(row.pop("agencies", "").split())
    if not cell:
        return row
    labels = list(_AGENCY_LABEL.finditer(cell))
    if not labels:
        return {"lead": cell, **row} if not row.get("lead") else row
    parts: dict[str, str] = {}
    for index, label in enumerate(labels):
        end = labels[index + 1].start() if index + 1 < len(labels) else len(cell)
        key = "lead" if _fold(label.group("role")) == "chu tri" else "coordinating"
        text = cell[label.end() : end].strip(" ;.,")
        if text:
            parts[key] = f"{parts[key]}, {text}" if key in parts else text
    for key, text in parts.items():
        if not row.get(key):
            row[key] = text
    return row


def _render(row: dict[str, str], subject: str = "", under: str = "") -> list[str]:
    row = _split_agencies(dict(row))
    number = row.get("stt", "").rstrip(".")
    if under and number.isdigit():
        number = f"{under}.{number}"
    content = re.sub(r"\s+", " ", row.get("content", "")).strip()
    place = " ".join(row.get("object", "").split())
    if not content and place and subject:
        content = f"{subject[:1].upper()}{subject[1:]} tại {place}"
    leader = _LEADER.search(row.get("lead", ""))
    if leader and not row.get("members"):
        row = {**row, "lead": _LEADER.sub("", row["lead"]), "members": leader.group(1)}
    if not number and not content:
        return []
    lines = [f"{number}. {content}" if number else content]
    fields = [
        f"{label}: {' '.join(row[key].split())}"
        for key, label in _LABELS.items()
        if row.get(key, "").strip()
    ]
    if fields and not _ROMAN.match(number or "x"):
        lines.append("; ".join(fields))
    return lines


def _join(before: str, more: str) -> str:
    if not before:
        return more
    if before.endswith("-") and more[:1].islower():
        return before[:-1] + more
    return f"{before} {more}"


_PIPE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")
_EMPHASIS = re.compile(r"(?<!\\)(\*\*|__)(.+?)\1")
_BREAK = re.compile(r"\s*<br\s*/?>\s*", re.IGNORECASE)


def _pipe_cell(cell: str) -> str:
    """A Markdown cell's text: no bold marks, escapes undone, a line break ("<br>") as ", "."""
    cell = _EMPHASIS.sub(r"\2", cell.strip())
    cell = _BREAK.sub(", ", cell).replace("\\*", "*").replace("\\|", "|")
    return cell.strip(" ;")


def pipe_rows(lines: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """A Markdown table ("| TT | Nội dung | … |", a rule "| --- | --- |" under its heading row,
    as a converter writes a Word table) with its rows as tabbed lines, the rule dropped: the
    table reader then reads it as it reads a table copied out of Word."""
    out: list[tuple[str, int]] = []
    for line, start in lines:
        stripped = line.strip()
        if stripped.startswith("|") and stripped.count("|") >= 3:
            if _PIPE_RULE.match(stripped):
                continue
            inner = stripped[1:-1] if stripped.endswith("|") else stripped[1:]
            cells = [_pipe_cell(c) for c in re.split(r"(?<!\\)\|", inner)]
            out.append(("\t".join(cells), start))
        else:
            out.append((line, start))
    return out


_DELIMITERS = (";", ",")


def _delimited_heading(line: str) -> str | None:
    """The delimiter of a spreadsheet's heading row exported as text ("STT;Nội dung nhiệm
    vụ;Cơ quan chủ trì;…"), or None: at least three cells, one of them the content's."""
    for delimiter in _DELIMITERS:
        if line.count(delimiter) < 2 or "\t" in line:
            continue
        try:
            cells = next((record for _, record in csv_records([line], delimiter=delimiter)), [])
        except InputRefused:
            continue
        columns = _heading("\t".join(c.strip() for c in cells)) if len(cells) >= 3 else None
        if columns and any(key == "content" for _, key in columns):
            return delimiter
    return None


def _delimited_block(lines: list[tuple[str, int]], n: int, delimiter: str) -> int:
    """The end of the table whose heading is line ``n``: lines holding the delimiter, and the
    lines a quoted cell runs onto (its quote still open)."""
    quoted = False
    end = n
    while end < len(lines):
        line = lines[end][0]
        if not quoted and delimiter not in line:
            break
        quoted ^= line.count('"') % 2 == 1
        end += 1
    return end


def delimited_rows(lines: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """A task table exported from a spreadsheet as delimited text (CSV with ";" or ","): a
    cell in double quotes when it holds the delimiter or a line break, quotes inside doubled.
    Each record becomes one tabbed line at the place of its first line, a cell's line breaks
    read as spaces, empty records dropped; a title row above the heading ("DANH MỤC …;;;;")
    loses its empty cells. The table reader then reads it as a table copied out of Word."""
    out: list[tuple[str, int]] = []
    n = 0
    while n < len(lines):
        delimiter = _delimited_heading(lines[n][0])
        if delimiter is None:
            out.append(lines[n])
            n += 1
            continue
        if out and re.fullmatch(rf"[^{delimiter}]+{delimiter}{{2,}}\s*", out[-1][0]):
            out[-1] = (out[-1][0].rstrip().rstrip(delimiter), out[-1][1])
        end = _delimited_block(lines, n, delimiter)
        block = lines[n:end]
        # where each record starts: the reader counts the lines it reads
        starts = [start for _, start in block]
        rows: list[tuple[str, int]] = []
        try:
            for line_num, record in csv_records(
                [f"{line}\n" for line, _ in block], delimiter=delimiter
            ):
                first = starts[min(len(starts) - 1, line_num - 1 - _record_lines(record))]
                cells = [re.sub(r"\s+", " ", cell).strip() for cell in record]
                while cells and not cells[-1]:
                    cells.pop()
                if cells:
                    rows.append(("\t".join(cells), first))
        except InputRefused:
            rows = block  # not a table the CSV rules read: its lines as they are
        out.extend(rows)
        n = end
    return out


def _record_lines(record: list[str]) -> int:
    """How many line breaks a parsed record held inside its quoted cells."""
    return sum(cell.count("\n") for cell in record)


def _column_key(text: str) -> str | None:
    folded = _fold(text)
    if len(folded) > 40:
        return None
    return next((key for key, pattern in _HEADINGS if pattern.search(folded)), None)


def _stacked_heading(lines: list[tuple[str, int]], n: int) -> list[str] | None:
    """The column keys of a heading written one cell a line from line ``n`` ("STT" /
    "Nhiệm vụ" / "Cơ quan chủ trì" / …, blank lines between), or None."""
    keys: list[str] = []
    for line, _at in lines[n : n + 24]:
        if not line.strip():
            continue
        key = _column_key(line.strip())
        if key is None or key in keys or (not keys and key != "stt"):
            break
        keys.append(key)
    fields = set(keys) & {"lead", "coordinating", "agencies", "deadline", "output", "members"}
    if len(keys) >= 3 and set(keys) & {"content", "object"} and len(fields) >= 2:
        return keys
    return None


#: a cell that names an agency ("Cục …", "Sở …", "Ủy ban nhân dân …", "Các đơn vị …")
_AGENCY_CELL = re.compile(
    r"^(?:cuc|vu|bo|so|van phong|uy ban|ubnd|trung tam|tong cuc|thanh tra|vien|ban|cong an"
    r"|hoi dong|dang uy|tinh uy|thanh uy|cac|doanh nghiep|bao|dai|truong|hoc vien)\b"
)


def _rejoined(cells: list[str], keys: list[str]) -> list[str]:
    """``cells`` with one wrapped cell joined again: a cell wrapped onto a capital ("… trên
    Cổng" / "Dịch vụ công quốc gia") splits in two; the join kept puts agencies in the agency
    columns, then prefers a narrow column (not the content) and a later one."""
    time_last = keys[-1] == "deadline" and _TIME_CELL.search(_fold(cells[-1])) is not None
    best: tuple[tuple[int, int, int], list[str]] | None = None
    for i in range(len(cells) - 1 - time_last):
        joined = [*cells[:i], _join(cells[i], cells[i + 1]), *cells[i + 2 :]]
        fit = sum(
            1
            for key, cell in zip(keys, joined, strict=False)
            if key in ("lead", "coordinating") and _AGENCY_CELL.match(_fold(cell))
        )
        score = (fit, keys[i] != "content", i)
        if best is None or score > best[0]:
            best = (score, joined)
    return best[1] if best else cells[: len(keys)]


def _stacked_row(row: list[str], keys: list[str]) -> str:
    """A flattened row's lines (its number first) as a tabbed line under ``keys``."""
    cells = [""] * len(keys)
    cells[0] = row[0]
    rest = row[1:]
    while len(rest) > len(keys) - 1:
        rest = _rejoined(rest, keys[1:])
    if len(rest) == len(keys) - 1 or len(rest) <= 1:
        cells[1 : 1 + len(rest)] = rest
    else:
        if "deadline" in keys and _TIME_CELL.search(_fold(rest[-1])):
            cells[keys.index("deadline")] = rest.pop()
        free = [i for i in range(1, len(keys)) if not cells[i]]
        for i, text in zip(free, rest, strict=False):
            cells[i] = text
    return "\t".join(cells)


def stacked_rows(lines: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """A table flattened one cell a line (a Word table whose cells became paragraphs: "STT",
    "Nhiệm vụ", "Cơ quan chủ trì", …, then "1", "Xây dựng …", "Bộ Tư pháp", …) with each of
    its rows as one tabbed line: a row opens at a line holding only its number; a row with a
    cell for each column keeps their order, one with fewer puts a time in the time column
    and the others in order; a row of a number and a title alone is a group row."""
    out: list[tuple[str, int]] = []
    n = 0
    while n < len(lines):
        line, start = lines[n]
        keys = _stacked_heading(lines, n) if _fold(line) in ("stt", "tt") else None
        if keys is None:
            out.append((line, start))
            n += 1
            continue
        heading: list[str] = []
        spaced = False  # a blank line between the heading's cells: cells are paragraphs
        while len(heading) < len(keys):  # past the heading's cells
            if lines[n][0].strip():
                heading.append(lines[n][0].strip())
            elif heading:
                spaced = True
            n += 1
        out.append(("\t".join(heading), start))
        row: list[str] = []
        row_at = start
        gap = False
        while n < len(lines):
            text, at = lines[n]
            stripped = text.strip()
            if not stripped:
                gap = True
                n += 1
                continue
            if _fold(stripped) in ("stt", "tt") and _stacked_heading(lines, n) == keys:
                # the heading repeated on a new page, after the page's number
                if len(row) == 1:
                    row = []
                seen = 0
                while n < len(lines) and seen < len(keys):
                    seen += bool(lines[n][0].strip())
                    n += 1
                gap = True
                continue
            goes_on = len(row) >= 2 and (
                (spaced and not gap)
                or (not spaced and (stripped[:1].islower() or stripped[:1] in ",;)"))
            )
            if goes_on:
                # a cell wrapped at the printed line's end ("Bộ Khoa học" / "và Công nghệ")
                row[-1] = _join(row[-1], stripped)
            elif _NUMBER.match(stripped):
                if row:
                    out.append((_stacked_row(row, keys), row_at))
                row, row_at = [stripped], at
            elif _MARKED.match(stripped):
                break  # "III. TỔ CHỨC THỰC HIỆN": the document goes on
            elif (
                row
                and len(stripped) < 600
                and (
                    len(row) < len(keys)
                    # a time column last: a row whose cells wrapped onto capitals goes on to it
                    or (
                        keys[-1] == "deadline"
                        and len(row) < len(keys) + 2
                        and not _TIME_CELL.search(_fold(row[-1]))
                    )
                )
            ):
                row.append(stripped)
            else:
                break
            gap = False
            n += 1
        if row:
            out.append((_stacked_row(row, keys), row_at))
        out.append(("", lines[n][1] if n < len(lines) else start))
    return out


_MARKED = re.compile(r"^(?:[IVXL]{1,6}|\d{1,2}(?:\.\d{1,2})*)[.)]\s+\S")
#: A cell that is a time: "Quý II/2025", "Trước ngày 30/6/2025", "Năm 2026", "Hằng năm".
_TIME_CELL = re.compile(
    r"^(?:truoc |trong |cham nhat |tu )?(?:quy|thang|nam|ngay|hang|dinh ky|thuong xuyen|\d)"
)


#: a cell repeating the one above it: "nt" (như trên), "Như trên", "-nt-", "Như trên."
_DITTO = re.compile(r"^(?:nt|n t|nhu tren|nhu tren da neu)$")


class _Above:
    """Fills a row's "nt" / "Như trên" cells with the cells of the row above (of the same
    table; a group row between them is no row)."""

    def __init__(self) -> None:
        self.cells: dict[str, str] = {}

    def __call__(self, row: dict[str, str]) -> dict[str, str]:
        filled = dict(row)
        for key, text in row.items():
            if key not in ("stt", "content") and text and _DITTO.match(_fold(text)):
                filled[key] = self.cells.get(key, "")
        if not _ROMAN.match(row.get("stt", "") or "x") and filled.get("content"):
            self.cells = filled
        return filled


def rewrite_tables(lines: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The ``(line, start)`` list with every task table written as items and field lines."""
    out: list[tuple[str, int]] = []
    n = 0
    while n < len(lines):
        line, start = lines[n]
        if "\t" not in line and "  " not in line.strip():
            out.append((line, start))  # one cell: no heading row (the common case, fast)
            n += 1
            continue
        columns = _heading(line) if line != "\f" and len(line) < 2000 else None
        wrapped = _heading_lines(lines, n) if line != "\f" and len(line) < 2000 else []
        if wrapped:
            columns = _heading(line, wrapped) or columns
            if columns is not None:
                n += len(wrapped)
        if columns is None:
            out.append((line, start))
            n += 1
            continue
        keys = [key for _p, key in columns]
        heading_starts = [p for p, _k in columns]
        if "\t" in line and heading_starts[-1] >= len(keys):
            # a tabbed row's cells go by tab: a heading cell left empty keeps its place
            keys = [""] * (heading_starts[-1] + 1)
            for position, key in columns:
                keys[position] = key
        activity = _ACTIVITY.search(_fold(line)) if "object" in keys else None
        subject = _subject(lines, n, activity.group(1)) if activity else ""
        under = _under(lines, n)
        starts = list(heading_starts)
        tabbed = "\t" in line
        above = _Above()
        given_lead = ""  # the lead named by a sub-heading row ("Bộ Nội vụ chủ trì:")
        row: dict[str, str] | None = None
        last_column = len(keys) - 1  # where the row's last line stopped (tabbed tables)
        row_start = start
        n += 1
        while n < len(lines):
            line, at = lines[n]
            stripped = line.strip()
            if not stripped or line == "\f":
                n += 1
                continue
            if _heading(line) is not None:  # the heading repeated on a new page
                n += 1 + len(_heading_lines(lines, n))
                continue
            cells = _cells(line)
            if _lead_heading(cells) and not {"lead", "agencies"} & set(keys):
                # "Bộ Nội vụ chủ trì:" over the rows it leads, in a table without a lead column
                if row is not None:
                    out.extend((text, row_start) for text in _render(above(row), subject, under))
                row = None
                given_lead = _LEAD_HEADING.match(cells[0][1]).group(1)
                n += 1
                continue
            first = cells[0][1] if cells else ""
            indented = line[:1] in (" ", "\t")
            opens = bool(_NUMBER.match(first)) and len(cells) >= 2 and not indented
            if (
                tabbed
                and not opens
                and row is not None
                and "\t" in line
                and (first[:1].islower() or _fills_row(line, last_column, len(keys)))
                and last_column < len(keys) - 1
            ):
                # a tabbed row whose cell wrapped onto the next line: that line goes on from
                # the column the row's line stopped in ("… dữ liệu các" / "ngành giao thông …")
                for index, text in enumerate(line.split("\t")):
                    column = min(last_column + index, len(keys) - 1)
                    if text.strip():
                        row[keys[column]] = _join(row.get(keys[column], ""), text.strip())
                last_column = min(last_column + line.count("\t"), len(keys) - 1)
                n += 1
                continue
            if (not opens or _running_line(cells)) and not indented and _page_break(lines, n):
                # a running footer or header before the heading repeated on the next page
                n += 1
                continue
            if not opens and not (indented and row is not None):
                if len(cells) == 1 and re.fullmatch(
                    r"[-–\s\d/]+|(?:trang|page)\s*\d+.*", first, re.IGNORECASE
                ):
                    n += 1  # a page number between rows
                    continue
                if len(cells) <= 2 and len(stripped) < 200 and _row_follows(lines, n):
                    # a group row without a number ("A. NHIỆM VỤ CHUNG"): kept as it is
                    if row is not None:
                        out.extend(
                            (text, row_start) for text in _render(above(row), subject, under)
                        )
                    row = None
                    out.append((" ".join(c for _p, c in cells), at))
                    n += 1
                    continue
                break
            if opens:
                if row is not None:
                    out.extend((text, row_start) for text in _render(above(row), subject, under))
                if _ROMAN.match(first):
                    given_lead = ""  # a new group: its own lead, if any
                row, row_start = ({"lead": given_lead} if given_lead else {}), at
                positions: list[int] = []
                after = -1
                for index, (position, text) in enumerate(cells):
                    column = position if tabbed else _nearest(position, heading_starts, after)
                    column = min(column, len(keys) - 1)
                    if index == 0:
                        column = 0
                    after = column
                    key = keys[column]
                    row[key] = _join(row.get(key, ""), text)
                    positions.append(column)
                    if not tabbed:
                        starts[column] = position
                last_column = len(line.split("\t")) - 1 if tabbed else len(keys) - 1
            else:
                for position, text in cells:
                    column = position if tabbed else _nearest(position, starts)
                    column = min(column, len(keys) - 1)
                    key = keys[column]
                    row[key] = _join(row.get(key, ""), text)
            n += 1
        if row is not None:
            out.extend((text, row_start) for text in _render(above(row), subject, under))
        if n < len(lines):
            # the table ends a paragraph: what follows it ("Ghi chú:") is text of its own
            out.append(("", lines[n][1]))
    return out


#: a sub-heading row giving the lead of the rows under it: "Bộ Nội vụ chủ trì:"
_LEAD_HEADING = re.compile(r"^([^\W\d][^:]{2,120}?)\s+ch[ủu] tr[ìi]\s*:$", re.IGNORECASE)


def _lead_heading(cells: list[tuple[int, str]]) -> bool:
    """Whether a table line is a sub-heading naming the lead of the rows under it ("Bộ Giáo
    dục và Đào tạo chủ trì:", alone in its row, its number cell empty)."""
    return len(cells) == 1 and bool(_LEAD_HEADING.match(cells[0][1]))


def _fills_row(line: str, last_column: int, width: int) -> bool:
    """Whether a tabbed line without a number goes on with the row above it: a cell of two
    paragraphs ("Hướng dẫn …." / "Tổ chức …<tab>Các bộ…<tab>…") puts the row's other cells on
    its second line, which then holds exactly the columns the row's first line left over."""
    cells = line.split("\t")
    return bool(cells[0].strip()) and last_column + len(cells) - 1 == width - 1


def _slices(line: str, starts: list[int]) -> list[str]:
    """A line cut at its table's column starts (columns may stand one space apart)."""
    bounds = [*starts[1:], max(len(line), starts[-1])]
    out, at = [], 0
    for stop in bounds:
        out.append(line[at:stop].strip())
        at = stop
    return out


def _centred_block(block: list[str], starts: list[int]) -> list[str] | None:
    """The cells of a row whose number stands on one line of it, not always the first (a
    row vertically centred), or None when the block is not such a row."""
    numbered = [
        i for i, line in enumerate(block) if _NUMBER.match(line[: starts[1]].strip() or "x")
    ]
    if len(numbered) != 1 or any(
        line[: starts[1]].strip() for i, line in enumerate(block) if i != numbered[0]
    ):
        return None
    cells = [""] * len(starts)
    for line in block:
        for column, text in enumerate(_slices(line, starts)):
            if text:
                cells[column] = _join(cells[column], text)
    return cells


def centred_rows(lines: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """A table out of ``pdftotext -layout`` whose columns stand one space apart and whose rows,
    separated by blank lines, have their number and time on a middle line: each row written
    as one tabbed line (the heading too), which ``rewrite_tables`` then reads."""
    out: list[tuple[str, int]] = []
    n = 0
    while n < len(lines):
        line, start = lines[n]
        columns = None
        if line != "\f" and "\t" not in line and "  " in line.strip() and len(line) < 2000:
            columns = _heading(line)
            wrapped = _heading_lines(lines, n)
            if wrapped:
                columns = _heading(line, wrapped) or columns
        if columns is None or columns[0][1] != "stt":
            out.append((line, start))
            n += 1
            continue
        starts = [p for p, _k in columns]
        heading = [line, *wrapped]
        titles = [""] * len(starts)
        for text in heading:
            for column, cell in enumerate(_slices(text, starts)):
                if cell:
                    titles[column] = _join(titles[column], cell)
        rows: list[tuple[str, int]] = [("\t".join(titles), start)]
        centred = False
        m = n + len(heading)
        while m < len(lines):
            if not lines[m][0].strip() or lines[m][0] == "\f":
                m += 1
                continue
            first = m
            while m < len(lines) and lines[m][0].strip() and lines[m][0] != "\f":
                m += 1
            block = [text for text, _s in lines[first:m]]
            if _heading(block[0]) is not None:
                continue  # the heading repeated on a new page
            group = block[0].strip()
            if len(block) > 1 and _MARKED.match(group) and group.isupper():
                # a group row right above a row: "II. PHÁT TRIỂN HẠ TẦNG SỐ, DỮ LIỆU SỐ"
                rows.append((group, lines[first][1]))
                block, first = block[1:], first + 1
            cells = _centred_block(block, starts)
            if cells is not None:
                centred = centred or not _NUMBER.match(block[0][: starts[1]].strip() or "x")
                rows.append(("\t".join(cells), lines[first][1]))
                continue
            stripped = block[0].strip()
            if len(block) == 1 and _MARKED.match(stripped) and stripped.isupper():
                rows.append((stripped, lines[first][1]))  # a group row: "II. HẠ TẦNG SỐ"
                continue
            if len(block) == 1 and re.search(r"\s{3,}\d{1,3}$", stripped):
                continue  # a running footer with its page number
            m = first
            break
        if not centred:
            out.append((line, start))
            n += 1
            continue
        out.extend(rows)
        out.append(("", lines[m - 1][1] if m > 0 else start))
        n = m
    return out
