"""Reading a task table in any layout (bảng nhiệm vụ theo mẫu bất kỳ): CSV, XLSX, DOCX.

A plan's appendix lists its tasks in its authors' own columns. :func:`read_table` finds the
header by the meaning of the headings (:data:`TASK_COLUMNS`, ``dondoc.core.columns``), or takes
the columns given (:func:`parse_columns_option`), and returns each task row with its values
under stable keys, the section rows (a group of tasks: "I", "II.", "A | Nhóm nhiệm vụ về thể
chế") and the problems of the file itself. Checking each value against the database is the
import service's job. Rules in ``docs/data-formats.md``.

Pure Python, no Django.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass, field

from dondoc.core.columns import (
    find_header_row,
    fold_heading,
    is_numbering_row,
    recognise_columns,
)
from dondoc.core.docx_reader import read_docx_tables
from dondoc.core.tabular import (
    DEFAULT_LIMITS,
    Budget,
    InputRefused,
    Limits,
    read_csv_table,
    refuse_size,
)
from dondoc.core.text import fold, normalize_spaces
from dondoc.core.xlsx_reader import read_xlsx_sheet, xlsx_sheet_names
from dondoc.tasks.importers.agencies import (
    COLLECTIVE_AGENCIES,
    AgencyNames,
    split_agency_names,
)
from dondoc.tasks.importers.appendix import _TRAILER_RE, Problem
from dondoc.tasks.importers.template import COLUMNS as TEMPLATE_COLUMNS

__all__ = [
    "COLLECTIVE_AGENCIES",
    "EXTENSIONS",
    "TASK_COLUMNS",
    "AgencyNames",
    "ColumnsOptionError",
    "Problem",
    "Section",
    "TableRead",
    "TableRow",
    "is_template_header",
    "parse_columns_option",
    "read_table",
    "split_agency_names",
]

EXTENSIONS = (".csv", ".xlsx", ".docx")

#: Key -> headings that mean it. ``result`` (a reported "Kết quả thực hiện") is recognised so
#: that it is not taken for ``output`` (the expected "Kết quả"/"Sản phẩm" of a plan).
TASK_COLUMNS: dict[str, list[str]] = {
    "stt": ["STT", "TT", "Số TT", "Số thứ tự"],
    "content": [
        "Nội dung nhiệm vụ",
        "Tên nhiệm vụ",
        "Nhiệm vụ",
        "Nội dung",
        "Nhiệm vụ, giải pháp",
        "Nhiệm vụ cụ thể",
        "Nội dung công việc",
    ],
    "lead": [
        "Cơ quan chủ trì",
        "Cơ quan chủ trì thực hiện",
        "Đơn vị chủ trì",
        "Chủ trì",
        "Cơ quan thực hiện",
        "Đơn vị thực hiện",
    ],
    "coordinating": [
        "Cơ quan phối hợp",
        "Đơn vị phối hợp",
        "Phối hợp",
        "Cơ quan phối hợp thực hiện",
    ],
    "deadline": [
        "Thời hạn",
        "Thời hạn hoàn thành",
        "Thời gian hoàn thành",
        "Tiến độ",
        "Thời gian thực hiện",
        "Tiến độ hoàn thành",
    ],
    "output": [
        "Kết quả",
        "Sản phẩm",
        "Kết quả, sản phẩm",
        "Sản phẩm đầu ra",
        "Hình thức văn bản",
        "Kết quả đầu ra",
        "Sản phẩm dự kiến",
    ],
    "result": ["Kết quả thực hiện", "Tình hình thực hiện"],
    "documents": ["Văn bản giao", "Văn bản giao nhiệm vụ", "Căn cứ"],
    "members": ["Thành viên Ban Chỉ đạo", "Lãnh đạo chỉ đạo", "Lãnh đạo phụ trách"],
    "group": ["Nhóm", "Nhóm nhiệm vụ", "Nhóm nhiệm vụ, giải pháp"],
    "note": ["Ghi chú"],
}
KEYS: tuple[str, ...] = tuple(TASK_COLUMNS)
#: Keys whose cells list names; a line break between two names becomes "; ".
_LIST_KEYS = frozenset({"lead", "coordinating", "members"})
#: Keys a section row may fill besides its number and title.
_SECTION_KEYS = frozenset({"stt", "content", "group", "note"})
_EXPECTED = ("Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời hạn", "Kết quả")

_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50}
_ROMAN = re.compile(r"^(X{0,3})(IX|IV|V?I{0,3})$")
_SECTION_MARK = re.compile(r"^(?P<mark>[IVXL]{1,6}|[A-Z])\s*[.):]?(?:\s+|$)(?P<rest>.*)$", re.S)
_LEADING_NUMBER = re.compile(r"^(?:nhom\s*)?(\d{1,2})\s*[.):]?(?:\s|$)")
_NUMBER = re.compile(r"^(\d{1,4}(?:\.\d{1,4})*)\.?$")
_LETTER = re.compile(r"^([a-zđ])\s*[.)]$|^\(([a-zđ])\)$")


@dataclass(frozen=True)
class Section:
    """A section row: a group of the tasks below it (nhóm nhiệm vụ). ``row`` is 1-based in the
    table, ``roman`` the marker as printed ("II", "A"; "" when none), ``number`` its value."""

    row: int
    number: int | None
    roman: str
    title: str


@dataclass
class TableRow:
    """One task row. ``number`` is its STT ("11.1"; "" when none), ``parent_number`` the STT of
    the row it is a sub-row of, ``label`` how messages name it ("STT 11.1", "Dòng 17")."""

    row: int
    label: str
    number: str
    parent_number: str | None
    section: Section | None
    values: dict[str, str]


@dataclass
class TableRead:
    """What was read: the header row (1-based; 0 when none), its headings, the columns used
    (key -> 0-based index), the task rows, the sections and the problems of the file."""

    headings: list[str] = field(default_factory=list)
    header_row: int = 0
    columns: dict[str, int] = field(default_factory=dict)
    rows: list[TableRow] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: Which sheet or table of the file was read ("Trang tính “Kế hoạch”", "Bảng 2").
    source: str = ""


class ColumnsOptionError(ValueError):
    """A ``--columns`` option that cannot be applied; ``str()`` gives Vietnamese / English."""

    def __init__(self, message_vi: str, message_en: str) -> None:
        super().__init__(f"{message_vi} / {message_en}")
        self.message_vi, self.message_en = message_vi, message_en


# --------------------------------------------------------------------------------------------
# Headings


def is_template_header(headings: list[str]) -> bool:
    """Whether ``headings`` are exactly our own template's (by heading or key, any order), so
    the file belongs to the template importer."""
    lookup = {fold(c.heading): c.key for c in TEMPLATE_COLUMNS} | {
        c.key: c.key for c in TEMPLATE_COLUMNS
    }
    keys = set()
    for heading in headings:
        text = fold(str(heading or "")).strip(" :*")
        if not text:
            continue
        if text not in lookup:
            return False
        keys.add(lookup[text])
    return keys == {c.key for c in TEMPLATE_COLUMNS}


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _letter_index(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number - 1


def parse_columns_option(text: str, headings: list[str]) -> dict[str, int]:
    """``{key: 0-based column}`` from "content=B,lead=Cơ quan chủ trì,deadline=5".

    A column is named by its heading (diacritics and case ignored), its 1-based number or its
    letter. A heading may contain commas. Raises :class:`ColumnsOptionError`.
    """
    items: list[str] = []
    for piece in (text or "").split(","):
        if "=" in piece or not items:
            items.append(piece)
        else:
            items[-1] += "," + piece
    folded = [fold_heading(h) for h in headings]
    keys = ", ".join(KEYS)
    found: dict[str, int] = {}
    for item in items:
        key, sep, value = (part.strip() for part in item.partition("="))
        key = key.lower()
        if not sep or not key or not value:
            raise ColumnsOptionError(
                f"Không hiểu “{item.strip()}”; hãy viết dạng khoá=cột, ví dụ content=B.",
                f"Can't read “{item.strip()}”; write key=column, e.g. content=B.",
            )
        if key not in TASK_COLUMNS:
            raise ColumnsOptionError(
                f"Không có khoá “{key}”; các khoá là: {keys}.",
                f"There is no key “{key}”; the keys are: {keys}.",
            )
        if key in found:
            raise ColumnsOptionError(
                f"Khoá “{key}” được ghi hai lần.", f"The key “{key}” is given twice."
            )
        column = _column_of(value, folded)
        if column is None:
            shown = ", ".join(f"{_column_letter(i)}: “{h}”" for i, h in enumerate(headings) if h)
            raise ColumnsOptionError(
                f"Không có cột “{value}” (cho khoá {key}); các cột là: {shown}.",
                f"There is no column “{value}” (for key {key}); the columns are: {shown}.",
            )
        if column in found.values():
            raise ColumnsOptionError(
                f"Cột “{value}” được dùng cho hai khoá.", f"The column “{value}” is used twice."
            )
        found[key] = column
    return found


def _column_of(value: str, folded_headings: list[str]) -> int | None:
    width = len(folded_headings)
    wanted = fold_heading(value)
    if wanted and wanted in folded_headings:
        return folded_headings.index(wanted)
    if value.isdigit():
        index = int(value) - 1
        return index if 0 <= index < width else None
    if re.fullmatch(r"[A-Za-z]{1,2}", value):
        index = _letter_index(value)
        return index if 0 <= index < width else None
    starting = [i for i, h in enumerate(folded_headings) if wanted and h.startswith(wanted)]
    return starting[0] if len(starting) == 1 else None


# --------------------------------------------------------------------------------------------
# Grids: the cells of a file, before any meaning


@dataclass
class _Grid:
    rows: list[list[str]]
    continued: set[tuple[int, int]] = field(default_factory=set)
    source: str = ""


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _csv_grids(data: bytes, limits: Limits, budget: Budget) -> list[_Grid]:
    refuse_size(len(data), limits)
    text = data.decode("utf-8-sig")  # UnicodeDecodeError is worded by the caller
    try:
        delimiter = csv.Sniffer().sniff(text[:4096].split("\n", 1)[0], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    rows = read_csv_table(text, delimiter=delimiter, limits=limits, budget=budget)
    return [_Grid([[_text(c) for c in row] for row in rows])]


def _xlsx_grids(data: bytes, limits: Limits, budget: Budget) -> list[_Grid]:
    grids = []
    for name in xlsx_sheet_names(data, limits=limits, budget=budget):
        sheet = read_xlsx_sheet(data, sheet=name, limits=limits, budget=budget)
        rows = [[_text(c) for c in row] for row in sheet.rows]
        grids.append(_Grid(rows, sheet.continued, source=f"Trang “{name}”"))
        if _header(grids[-1].rows)[0] is not None:
            break  # the first sheet with a recognisable header is the one read
    return grids


def _docx_grids(data: bytes, limits: Limits, budget: Budget) -> list[_Grid]:
    return [
        _Grid(table.rows, table.continued, source=f"Bảng {number}")
        for number, table in enumerate(read_docx_tables(data, limits=limits, budget=budget), 1)
    ]


def _header(rows: list[list[str]]) -> tuple[int | None, int]:
    """The header's index and how many keys it names (content counting double)."""
    index = find_header_row(rows, TASK_COLUMNS)
    if index is None:
        return None, 0
    found = recognise_columns(rows[index], TASK_COLUMNS)
    return index, len(found) + ("content" in found)


# --------------------------------------------------------------------------------------------
# Reading


def read_table(
    data: bytes,
    filename: str,
    columns: dict[str, int] | None = None,
    *,
    limits: Limits = DEFAULT_LIMITS,
) -> TableRead:
    """The task rows of a CSV, XLSX or DOCX table (see the module's docstring).

    ``columns`` (key -> 0-based index) replaces the recognised mapping. Never raises on the
    file's content: a refusal (size, zip bomb, unreadable file) is the one problem returned.
    """
    budget = Budget(limits.seconds)
    extension = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    readers = {".csv": _csv_grids, ".xlsx": _xlsx_grids, ".docx": _docx_grids}
    if extension not in readers:
        return TableRead(
            problems=[
                Problem(
                    0,
                    None,
                    "Only CSV, XLSX and DOCX tables can be read.",
                    "Chỉ đọc được bảng trong tệp CSV, XLSX và DOCX.",
                )
            ]
        )
    try:
        grids = readers[extension](data, limits, budget)
    except InputRefused as refusal:
        return TableRead(
            problems=[Problem(refusal.row, None, refusal.message_en, refusal.message_vi)]
        )
    except UnicodeDecodeError:
        return TableRead(
            problems=[
                Problem(
                    0,
                    None,
                    "The file is not UTF-8 encoded; save it as “CSV UTF-8” and import it again.",
                    "Tệp không được mã hoá UTF-8; hãy lưu lại tệp dạng “CSV UTF-8” rồi nhập lại.",
                )
            ]
        )
    return _read_grid(_choose(grids), columns, budget)


def _choose(grids: list[_Grid]) -> _Grid:
    best, best_score = None, 0
    for grid in grids:
        score = _header(grid.rows)[1]
        if score > best_score:
            best, best_score = grid, score
    if best is not None:
        return best
    filled = [g for g in grids if any(any(c for c in row) for row in g.rows)]
    return max(filled, key=lambda g: len(g.rows)) if filled else _Grid([])


def _header_rows(
    rows: list[list[str]], columns: dict[str, int] | None
) -> tuple[int | None, list[str], int, list[int]]:
    """(header index, headings, first data index, indexes of the header rows)."""
    index = find_header_row(rows, TASK_COLUMNS)
    if index is None and columns is not None:
        index = find_header_row(rows, TASK_COLUMNS, min_keys=1)
    if index is None:
        first = next((i for i, row in enumerate(rows) if any(row)), None)
        if first is None:
            return None, [], 0, []
        return (None, list(rows[first]), first + 1, [first])
    headings = list(rows[index])
    start, header_indexes = index + 1, [index]
    below = next(
        (i for i in range(index + 1, min(index + 3, len(rows))) if not is_numbering_row(rows[i])),
        None,
    )
    if below is not None and any(rows[below]):
        combined = _combine(headings, rows[below])
        alone = recognise_columns(headings, TASK_COLUMNS)
        stt = alone.get("stt")
        numbered = stt is not None and stt < len(rows[below]) and rows[below][stt].strip()
        if (
            not numbered
            and recognise_columns(rows[below], TASK_COLUMNS)
            and len(recognise_columns(combined, TASK_COLUMNS)) > len(alone)
        ):
            headings, start = combined, below + 1
            header_indexes.append(below)
    return index, headings, start, header_indexes


def _combine(top: list[str], below: list[str]) -> list[str]:
    """Headings of a two-row header: "Cơ quan thực hiện" over "Chủ trì" | "Phối hợp"."""
    width = max(len(top), len(below))
    combined, parent = [], ""
    for i in range(width):
        upper = top[i].strip() if i < len(top) else ""
        lower = below[i].strip() if i < len(below) else ""
        parent = upper or parent
        if lower:
            combined.append(f"{parent} – {lower}" if parent else lower)
        else:
            combined.append(upper)
    return combined


def _read_grid(grid: _Grid, columns: dict[str, int] | None, budget: Budget) -> TableRead:
    rows = grid.rows
    index, headings, start, header_indexes = _header_rows(rows, columns)
    result = TableRead(
        headings=headings,
        header_row=(header_indexes[0] + 1) if header_indexes else 0,
        source=grid.source,
    )
    if columns is None:
        if index is None:
            result.problems.append(_no_header(headings))
            return result
        columns = recognise_columns(headings, TASK_COLUMNS)
    result.columns = dict(columns)
    if "content" not in columns:
        result.problems.append(_no_content(headings))
        return result
    _Rows(grid, columns, result, header_indexes, budget).read(start)
    return result


def _shown(headings: list[str]) -> str:
    return ", ".join(f"“{normalize_spaces(h)}”" for h in headings if str(h).strip()) or "—"


def _no_header(found: list[str]) -> Problem:
    expected = ", ".join(f"“{h}”" for h in _EXPECTED)
    return Problem(
        0,
        None,
        f"No header row with recognisable columns was found (first row: {_shown(found)}); "
        f"expected headings such as {expected}, or give the columns.",
        f"Không tìm thấy dòng tiêu đề có cột nhận ra được (dòng đầu: {_shown(found)}); cần các "
        f"tiêu đề như {expected}, hoặc hãy chỉ rõ các cột.",
    )


def _no_content(headings: list[str]) -> Problem:
    return Problem(
        0,
        "content",
        f"No column holds the task content (headings: {_shown(headings)}); expected "
        "“Nội dung nhiệm vụ”, “Tên nhiệm vụ” or “Nhiệm vụ”.",
        f"Không có cột nội dung nhiệm vụ (các cột: {_shown(headings)}); cần cột “Nội dung "
        "nhiệm vụ”, “Tên nhiệm vụ” hoặc “Nhiệm vụ”.",
    )


def _roman_value(mark: str) -> int | None:
    if not mark or not _ROMAN.match(mark):
        return None
    total = 0
    for i, letter in enumerate(mark):
        value = _ROMAN_VALUES[letter]
        following = _ROMAN_VALUES[mark[i + 1]] if i + 1 < len(mark) else 0
        total += -value if value < following else value
    return total


def _join_lines(text: str, key: str) -> str:
    lines = [normalize_spaces(line) for line in text.split("\n")]
    lines = [line for line in lines if line]
    if key == "content":
        return "\n".join(lines)
    if key not in _LIST_KEYS:
        return " ".join(lines)
    joined = ""
    for line in lines:
        if not joined:
            joined = line
        elif (
            joined.endswith((",", ";", "-", "–"))
            or fold(joined).endswith(" va")
            or not (line[0].isupper() or line[0] in "-+•")
        ):
            joined = f"{joined} {line}"
        else:
            joined = f"{joined}; {line}"
    return joined


class _Rows:
    """Walks the data rows: sections, sub-rows, merged cells, repeated headers."""

    def __init__(
        self,
        grid: _Grid,
        columns: dict[str, int],
        result: TableRead,
        header_indexes: list[int],
        budget: Budget,
    ) -> None:
        self.grid, self.columns, self.result, self.budget = grid, columns, result, budget
        self.headers = {self._key(grid.rows[i]) for i in header_indexes}
        self.section: Section | None = None
        self.parents: set[str] = set()  # numbers of the rows of the current section
        self.last_top: str | None = None
        self.above: dict[int, str] = {}  # last value of each column, for vertical merges

    @staticmethod
    def _key(row: list[str]) -> tuple[str, ...]:
        folded = [fold_heading(c) for c in row]
        while folded and not folded[-1]:
            folded.pop()
        return tuple(folded)

    def cell(self, row: list[str], key: str) -> str:
        column = self.columns.get(key)
        return row[column] if column is not None and column < len(row) else ""

    def read(self, start: int) -> None:
        rows = self.grid.rows
        for index in range(start, len(rows)):
            if index % 256 == 0:
                self.budget.check()
            row = rows[index]
            filled = [
                j for j, c in enumerate(row) if c.strip() and (index, j) not in self.grid.continued
            ]
            if not filled:
                self._remember(index, row)
                continue
            if is_numbering_row(row) or self._key(row) in self.headers:
                continue
            first = fold(row[filled[0]])
            if (
                len(filled) <= 2
                and _TRAILER_RE.match(first)
                and "content" not in self._keys(filled)
            ):
                break
            section = self._section(index, row, filled)
            if section:
                self.result.sections.append(section)
                self.section, self.parents, self.last_top = section, set(), None
                continue
            self._task(index, row)
        self._label()

    def _keys(self, filled: list[int]) -> set[str]:
        return {k for k, c in self.columns.items() if c in filled}

    def _remember(self, index: int, row: list[str]) -> None:
        for j, value in enumerate(row):
            if (index, j) not in self.grid.continued:
                self.above[j] = value

    def _section(self, index: int, row: list[str], filled: list[int]) -> Section | None:
        stt = normalize_spaces(self.cell(row, "stt"))
        mark = stt.rstrip(".):").strip()
        if mark and (_roman_value(mark) or re.fullmatch(r"[A-Z]", mark)):
            title_cells = [row[j] for j in filled if j != self.columns.get("stt")]
            title = normalize_spaces(" ".join(title_cells))
            return self._make_section(index, mark, title)
        if not set(filled) <= {0, 1} or self._keys(filled) - _SECTION_KEYS:
            return None
        if _NUMBER.match(stt):
            return None
        text = normalize_spaces(" ".join(row[j] for j in filled))
        marked = _SECTION_MARK.match(text)
        if marked and (_roman_value(marked["mark"]) or len(marked["mark"]) == 1):
            return self._make_section(index, marked["mark"], normalize_spaces(marked["rest"]))
        return self._make_section(index, "", text)

    def _make_section(self, index: int, mark: str, title: str) -> Section:
        number = _roman_value(mark)
        if number is None and len(mark) == 1 and mark.isalpha():
            number = ord(mark) - 64
        if number is None:
            leading = _LEADING_NUMBER.match(fold(title))
            number = int(leading[1]) if leading else None
        return Section(index + 1, number, mark, title)

    def _task(self, index: int, row: list[str]) -> None:
        values: dict[str, str] = {}
        merged_content = False
        for key, column in self.columns.items():
            raw = row[column] if column < len(row) else ""
            if (index, column) in self.grid.continued and not raw.strip():
                if key == "content":
                    merged_content = True
                elif key != "stt":
                    raw = self.above.get(column, "")
            values[key] = _join_lines(raw, key)
        self._remember(index, row)
        for key in KEYS:
            values.setdefault(key, "")
        if merged_content and self.result.rows and not values["stt"]:
            self._merge_into_previous(values)
            return
        if not values["content"]:
            self.result.problems.append(
                Problem(
                    index + 1,
                    "content",
                    f"Row {index + 1} has no task content.",
                    f"Dòng {index + 1} không có nội dung nhiệm vụ.",
                )
            )
            return
        number, parent = self._number(values["stt"])
        self.result.rows.append(TableRow(index + 1, "", number, parent, self.section, values))

    def _merge_into_previous(self, values: dict[str, str]) -> None:
        """A row under a content cell merged over several rows adds to that task."""
        previous = self.result.rows[-1].values
        for key, value in values.items():
            if key in ("stt", "content") or not value or value == previous.get(key):
                continue
            separator = "; " if key in _LIST_KEYS else "\n" if key == "note" else "; "
            previous[key] = f"{previous[key]}{separator}{value}" if previous.get(key) else value

    def _number(self, stt: str) -> tuple[str, str | None]:
        stt = stt.strip()
        numbered = _NUMBER.match(stt)
        if numbered:
            number = numbered[1]
            parent = number.rpartition(".")[0] or None
            if parent is None:
                self.last_top = number
            elif parent not in self.parents:
                parent = None
            self.parents.add(number)
            return number, parent
        lettered = _LETTER.match(fold(stt))
        if lettered and self.last_top is not None:
            number = f"{self.last_top}.{lettered[1] or lettered[2]}"
            self.parents.add(number)
            return number, self.last_top
        return stt, None

    def _label(self) -> None:
        seen: dict[str, int] = {}
        for row in self.result.rows:
            if row.number:
                seen[row.number] = seen.get(row.number, 0) + 1
        for row in self.result.rows:
            if not row.number:
                row.label = f"Dòng {row.row}"
            elif seen[row.number] > 1 and row.section is not None:
                mark = row.section.roman or str(row.section.number or row.section.row)
                row.label = f"Mục {mark}, STT {row.number}"
            else:
                row.label = f"STT {row.number}"
