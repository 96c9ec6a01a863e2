"""Reassemble the appendix tables (phụ lục) of a quarterly report from PDF-extracted text.

The Standing Office's quarterly report ends with two tables printed as tab-separated lines:

* Appendix 1 (Phụ lục 1, "Danh sách các nhiệm vụ chậm, muộn"): the late tasks, seven columns
  STT, task content (nhiệm vụ cụ thể), assigning documents (văn bản giao nhiệm vụ), supervising
  committee members (đồng chí thành viên Ban Chỉ đạo chỉ đạo, theo dõi), lead agencies (cơ quan
  chủ trì thực hiện), deadline (thời hạn hoàn thành) and result (kết quả thực hiện);
* Appendix 2 (Phụ lục 2, tasks of the next quarter): the same minus the result column.

Text extracted from a PDF carries page noise: the header row repeats on every page (with slightly
different wording), a row broken by a page continues on a line whose first cell is empty (each
non-empty cell continues the same column of the row above), lines may be truncated or wrapped,
and page numbers or image descriptions sit between rows. :func:`parse_report_appendices` undoes
this and returns the rows together with a list of :class:`Problem` instead of raising;
:func:`parse_table_rows` applies the same row logic to cells read from a CSV or XLSX template.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from dondoc.core.dates import check_range
from dondoc.core.text import fold, normalize_spaces

__all__ = [
    "COLUMNS",
    "COLUMN_LABELS_VI",
    "AppendixRow",
    "DocumentRef",
    "ParsedAppendices",
    "Problem",
    "parse_documents",
    "parse_report_appendices",
    "parse_table_rows",
    "split_agencies",
    "split_members",
]


# --------------------------------------------------------------------------------------------
# Result types


@dataclass(frozen=True)
class Problem:
    """Something in the source that needs a human look (vấn đề cần kiểm tra).

    ``line`` is 1-based in the source (0 when the problem concerns the whole document),
    ``column`` one of :data:`COLUMNS` or ``None``.
    """

    line: int
    column: str | None
    message: str
    message_vi: str = ""


@dataclass(frozen=True)
class DocumentRef:
    """A document cited as assigning a task, e.g. "Thông báo số 01-TB/BCĐTW ngày 22/01/2025"."""

    number: str
    date: dt.date | None = None


@dataclass
class AppendixRow:
    """One reassembled row of Appendix 1 or 2."""

    appendix: int
    number: int
    line: int
    content: str
    documents: list[DocumentRef]
    documents_text: str
    members: list[str]
    members_text: str
    lead_agencies: list[str]
    lead_text: str
    deadline_text: str
    result: str = ""


@dataclass
class ParsedAppendices:
    """Header facts of the report, its appendix rows and the problems met on the way."""

    title: str | None
    report_number: str | None
    report_date: dt.date | None
    rows: list[AppendixRow]
    problems: list[Problem]
    appendix_titles: dict[int, str] = field(default_factory=dict)

    def appendix(self, number: int) -> list[AppendixRow]:
        """Rows of one appendix, in source order."""
        return [row for row in self.rows if row.appendix == number]


#: Column keys, in printed order; Appendix 2 has the first six.
COLUMNS: tuple[str, ...] = (
    "number",
    "content",
    "documents",
    "members",
    "lead",
    "deadline",
    "result",
)

#: Vietnamese column headings, used in ``Problem.message_vi``.
COLUMN_LABELS_VI: dict[str, str] = {
    "number": "STT",
    "content": "Nhiệm vụ cụ thể",
    "documents": "Văn bản giao nhiệm vụ",
    "members": "Đồng chí Thành viên Ban Chỉ đạo chỉ đạo, theo dõi",
    "lead": "Cơ quan chủ trì thực hiện",
    "deadline": "Thời hạn hoàn thành",
    "result": "Kết quả thực hiện",
}

_COLUMN_COUNT = {1: 7, 2: 6}


def _column_count(appendix: int) -> int:
    try:
        return _COLUMN_COUNT[appendix]
    except KeyError:
        raise ValueError(f"appendix must be 1 or 2, not {appendix!r}") from None


# --------------------------------------------------------------------------------------------
# Cell parsers


# A document number: "01-TB/BCĐTW", "57-NQ/TW", "193/2025/NQ-QH15", "2770/VPCP-TCCV".
_DOC_NUMBER = r"\d{1,5}(?:/\d{4})?[-/][A-ZĐ][A-Za-zĐđ0-9]*(?:[-/][A-ZĐ0-9][A-Za-zĐđ0-9]*)*"
_DOC_NUMBER_RE = re.compile(rf"(?<![\w/-]){_DOC_NUMBER}")
_DATE_NUMERIC_RE = re.compile(r"ngay\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?!\d)")
_DATE_WORDS_RE = re.compile(r"ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*(?:,\s*)?nam\s*(\d{4})(?!\d)")


def _safe_date(year: str, month: str, day: str) -> dt.date | None:
    """The date, if it is one on the calendar within the supported range; else None."""
    try:
        return check_range(dt.date(int(year), int(month), int(day)))
    except ValueError:
        return None


def _find_date(folded: str) -> dt.date | None:
    """First "ngày D/M/YYYY" or "ngày D tháng M năm YYYY" in already folded text."""
    found = [m for m in (_DATE_NUMERIC_RE.search(folded), _DATE_WORDS_RE.search(folded)) if m]
    if not found:
        return None
    first = min(found, key=lambda m: m.start())
    return _safe_date(first.group(3), first.group(2), first.group(1))


def _clean_document_text(text: str) -> str:
    text = normalize_spaces(text)
    # "01- TB/BCĐ TW" -> "01-TB/BCĐTW": spaces the PDF put inside a number.
    text = re.sub(r"(?<=\d)\s*-\s+(?=[A-ZĐ])", "-", text)
    text = re.sub(r"\bBC[ĐD]\s+TW\b", "BCĐTW", text)
    return text


def _normalise_document_number(number: str) -> str:
    # OCR and typing lose the bar of "Đ" in the committee's abbreviation.
    return re.sub(r"BCD(?=TW\b|\b|/)", "BCĐ", number)


def parse_documents(text: str | None) -> list[DocumentRef]:
    """Documents cited in a "Văn bản giao nhiệm vụ" cell, in order, without repeats.

    "Thông báo số 01-TB/BCĐTW ngày 22/01/2025; Thông báo số 03-TB/BCĐTW ngày 06/3/2025" gives
    two references; a date belongs to the number it follows. "BCDTW" is read as "BCĐTW".
    """
    if not text:
        return []
    cleaned = _clean_document_text(text)
    matches = list(_DOC_NUMBER_RE.finditer(cleaned))
    refs: list[DocumentRef] = []
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(cleaned)
        ref = DocumentRef(
            number=_normalise_document_number(match.group(0)),
            date=_find_date(fold(cleaned[match.end() : end])),
        )
        if ref not in refs:
            refs.append(ref)
    return refs


# Common family names, used to split member names the PDF lost a comma between
# ("Nguyễn Mạnh Hùng Nguyễn Văn Thắng"). Names that often serve as middle or given names
# (Hoàng, Mai, Lâm, Hà, Kim, Văn...) are left out on purpose.
_SURNAMES = frozenset(
    " ".join(
        (
            "Nguyễn Trần Lê Phạm Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Lương Trịnh",
            "Đinh Trương Đoàn Tô Lại Hầu Lưu Tạ Châu Quách Vương Nghiêm Triệu Khuất Chu",
        )
    ).split()
)
_MEMBER_PREFIX_RE = re.compile(r"^(?:các\s+)?(?:đồng\s+chí|đ/c|đc)\b\.?:?\s*", re.IGNORECASE)
_COMMITTEE_TAG_RE = re.compile(r"\bBC[ĐD]\s*TW\b|\bBC[ĐD]\b", re.IGNORECASE)


def _split_run_together_names(piece: str) -> list[str]:
    words = piece.split()
    names: list[list[str]] = [[]]
    for index, word in enumerate(words):
        current = names[-1]
        if len(current) >= 2 and word in _SURNAMES and len(words) - index >= 2:
            names.append([word])
        else:
            current.append(word)
    return [" ".join(name) for name in names if name]


def split_members(text: str | None) -> list[str]:
    """Names in a "Đồng chí thành viên Ban Chỉ đạo" cell.

    "Đồng chí Phạm Minh Chính, Nguyễn Mạnh Hùng Nguyễn Văn Thắng (BCĐ TW)" gives
    ["Phạm Minh Chính", "Nguyễn Mạnh Hùng", "Nguyễn Văn Thắng"]: the "Đồng chí" prefix and
    parenthesised tags such as "(BCĐ TW)" are dropped, names are split on commas, semicolons and
    "và", and on a family name starting a new name where a comma was lost.
    """
    if not text:
        return []
    cleaned = normalize_spaces(text)
    cleaned = re.sub(r"\([^()]*\)?", " ", cleaned)  # "(BCĐ TW)", also when unclosed
    cleaned = _COMMITTEE_TAG_RE.sub(" ", cleaned)
    names: list[str] = []
    seen: set[str] = set()
    for raw in re.split(r"[,;\n]|\s+và\s+|\s+-\s+", cleaned):
        piece = normalize_spaces(raw).strip(" .:-–")
        piece = _MEMBER_PREFIX_RE.sub("", piece).strip(" .:-–")
        if not piece:
            continue
        for name in _split_run_together_names(piece):
            key = fold(name)
            if key and key not in seen:
                seen.add(key)
                names.append(name)
    return names


# Words that start the name of an agency or of a locality; a comma followed by one of them
# separates two agencies ("Đảng uỷ Bộ Tài chính, Đảng uỷ Bộ Khoa học và Công nghệ"), any other
# comma belongs to a name ("Bộ Văn hoá, Thể thao và Du lịch").
_AGENCY_STARTS = tuple(
    fold(word)
    for word in (
        "Đảng uỷ",
        "Đảng ủy",
        "Đảng đoàn",
        "Ban cán sự",
        "Thành uỷ",
        "Tỉnh uỷ",
        "Quân uỷ",
        "Huyện uỷ",
        "Quận uỷ",
        "Bộ",
        "Ban",
        "Văn phòng",
        "Uỷ ban",
        "UBND",
        "HĐND",
        "Hội đồng",
        "Quốc hội",
        "Chính phủ",
        "Ngân hàng",
        "Toà án",
        "Tòa án",
        "Viện",
        "Kiểm toán",
        "Thanh tra",
        "Mặt trận",
        "Đoàn",
        "Hội",
        "Tổng cục",
        "Cục",
        "Sở",
        "Đài",
        "Thông tấn",
        "Học viện",
        "Đại học",
        "Trường",
        "Tập đoàn",
        "Tổng công ty",
        "Công an",
        "Bảo hiểm",
        "Cơ quan",
        "Các bộ",
        "Các tỉnh",
        "TP",
        "TPHCM",
        "Thành phố",
        "Tỉnh",
    )
)
_LOCALITY_STARTS = ("tp ", "tphcm", "thanh pho ", "tinh ")
_COMMITTEE_HEADS = ("thanh uy", "tinh uy", "dang uy", "huyen uy", "quan uy", "ubnd", "uy ban")
_ENUMERATION_RE = re.compile(
    r"^(?P<head>.*?)\bcác\s+(?P<kind>Bộ|Ban|Sở|Tỉnh|Thành phố|cơ quan)\s*:\s*(?P<rest>.+)$",
    re.IGNORECASE,
)


def _split_top_level(text: str, separator: str) -> list[str]:
    """Split on ``separator`` outside parentheses."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")" and depth:
            depth -= 1
        if char == separator and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _starts_agency(fragment: str) -> bool:
    fragment = fragment.strip()
    if not fragment or not fragment[0].isupper():
        return False
    folded = fold(fragment) + " "
    return any(folded.startswith(start + " ") or folded == start for start in _AGENCY_STARTS)


def _split_on_agency_commas(part: str) -> list[str]:
    pieces = _split_top_level(part, ",")
    merged: list[str] = [pieces[0]]
    for piece in pieces[1:]:
        if _starts_agency(piece):
            merged.append(piece)
        else:
            merged[-1] = f"{merged[-1]},{piece}"
    return merged


def _clean_agency(name: str) -> str:
    name = normalize_spaces(name)
    name = re.sub(r"(?:\.\.\.|…)+$", "", name)
    return name.strip(" ,;.:-–")


def _with_inherited_committee(names: list[str]) -> list[str]:
    """A bare city after a city committee belongs to a committee of the same kind.

    In "Thành uỷ TP Hà Nội, TP Hồ Chí Minh" the second name is "Thành uỷ TP Hồ Chí Minh".
    """
    result: list[str] = []
    for name in names:
        folded = fold(name)
        if result and folded.startswith(_LOCALITY_STARTS):
            previous = fold(result[-1])
            for head in _COMMITTEE_HEADS:
                rest = previous[len(head) :].lstrip()
                if previous.startswith(head + " ") and rest.startswith(_LOCALITY_STARTS):
                    head_words = len(head.split())
                    prefix = " ".join(result[-1].split()[:head_words])
                    name = f"{prefix} {name}"
                    break
        result.append(name)
    return result


def _starts_own_agency(part: str) -> bool:
    """A part that names its own body ("Đảng uỷ ...", "Bộ ...") ends an enumeration."""
    folded = fold(part)
    return _starts_agency(part) and folded.startswith(
        (*_COMMITTEE_HEADS, "dang doan", "ban can su", "bo ", "ban ", "van phong", "cac ")
    )


def _split_enumeration(rest: str) -> list[str]:
    """Items of "các Bộ: A, B": commas separate items, except inside "Văn hoá, Thể thao"."""
    items: list[str] = []
    for piece in _split_top_level(rest, ","):
        if items and fold(piece).strip().startswith("the thao"):
            items[-1] = f"{items[-1]},{piece}"
        else:
            items.append(piece)
    return [name for name in (_clean_agency(item) for item in items) if name]


def split_agencies(text: str | None) -> list[str]:
    """Agencies in a "Cơ quan chủ trì" cell, each name as printed (spaces normalised).

    Splits on ";" and on commas followed by the start of an agency name, so
    "Đảng uỷ Bộ Khoa học và Công nghệ; Thành uỷ TP Hà Nội, TP Hồ Chí Minh" gives three
    names. Two shorthands of these documents are expanded: an enumeration
    "Đảng uỷ các Bộ: Khoa học và Công nghệ; Tài chính" gives "Đảng uỷ Bộ Khoa học và Công nghệ"
    and "Đảng uỷ Bộ Tài chính", and a bare city following a city committee
    ("Thành uỷ TP Hà Nội, TP Hồ Chí Minh") inherits the committee ("Thành uỷ TP Hồ Chí Minh").
    A trailing "..." is dropped.
    """
    if not text:
        return []
    cleaned = normalize_spaces(text).strip(" ;,.")
    names: list[str] = []
    enumeration_prefix: str | None = None  # "Đảng uỷ Bộ" while inside "Đảng uỷ các Bộ: ..."
    for raw_part in _split_top_level(cleaned, ";"):
        part = normalize_spaces(raw_part)
        enumeration = _ENUMERATION_RE.match(part)
        if enumeration:
            kind = enumeration.group("kind")
            enumeration_prefix = f"{normalize_spaces(enumeration.group('head'))} "
            enumeration_prefix = (enumeration_prefix + kind[0].upper() + kind[1:]).strip()
            for item in _split_enumeration(enumeration.group("rest")):
                names.append(f"{enumeration_prefix} {item}")
        elif enumeration_prefix and part and not _starts_own_agency(part):
            for item in _split_enumeration(part):
                names.append(f"{enumeration_prefix} {item}")
        else:
            enumeration_prefix = None
            names.extend(_split_on_agency_commas(part))
    cleaned_names = [_clean_agency(name) for name in names]
    result: list[str] = []
    seen: set[str] = set()
    for name in _with_inherited_committee([n for n in cleaned_names if n]):
        key = fold(name)
        if key not in seen:
            seen.add(key)
            result.append(name)
    return result


# --------------------------------------------------------------------------------------------
# Row reassembly


_STT_RE = re.compile(r"^\(?(\d{1,4})\s*[.)]?$")
_PAGE_NUMBER_RE = re.compile(r"^(?:trang\s*)?[-–(\[]?\s*\d{1,3}\s*(?:/\s*\d{1,3})?\s*[-–)\]]?$")
_IMAGE_RE = re.compile(r"^(?:the image|an image|this image|image:|\[image|!\[|hinh anh|anh:)")
_HEADER_FIRST_CELLS = frozenset({"stt", "tt", "so tt", "so thu tu"})
_HEADER_WORDS = (
    "nhiem vu cu the",
    "nhiem vu chinh",
    "van ban giao",
    "van ban chi dao",
    "van de giao",
    "thanh vien ban chi dao",
    "co quan chu tri",
    "thoi han hoan thanh",
    "ket qua thuc hien",
    "theo doi",
    "neu co",
)
_TRAILER_RE = re.compile(r"^(?:noi nhan|t/l|tm\.?|k/t|kt\.?|ghi chu|sao luc|sao y)\b")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value).replace("\r", " ").replace("\x0c", " ")


def _join(left: str, right: str) -> str:
    """Join two pieces of one cell split by a page or a line break."""
    left, right = left.rstrip(), right.strip()
    if not left:
        return right
    if not right:
        return left
    if left.endswith("/") or (left.endswith("-") and len(left) > 1 and not left[-2].isspace()):
        return left + right
    if right[0] in ",.;:)":
        return left + right
    return f"{left} {right}"


def _header_word_count(folded: str) -> int:
    return sum(1 for word in _HEADER_WORDS if word in folded)


def _is_header(cells: Sequence[str]) -> bool:
    """The column header repeated on each page, whatever its exact wording."""
    first = fold(cells[0]).strip(" .:")
    if first in _HEADER_FIRST_CELLS:
        return True
    if first.isdigit():
        return False
    joined = fold(" ".join(cells))
    if not first:
        # A page continuation may well mention "theo dõi" or "kết quả thực hiện"; only a short
        # line made of headings is taken for a header piece.
        return _header_word_count(joined) >= 3 and len(joined) < 250
    return _header_word_count(joined) >= 2 and len(joined) < 400


def _is_header_fragment(folded: str) -> bool:
    """A header cell wrapped onto a line of its own ("đạo chỉ đạo, theo dõi")."""
    stripped = folded.strip(" .:")
    return stripped in _HEADER_FIRST_CELLS or (
        len(folded) < 200 and _header_word_count(folded) >= 2
    )


def _snippet(text: str, length: int = 60) -> str:
    text = normalize_spaces(text)
    return text if len(text) <= length else text[: length - 1] + "…"


@dataclass
class _Draft:
    line: int
    number: int
    cells: list[str]
    last_column: int  # column the latest physical line ended in
    truncated: bool  # the latest physical line had fewer cells than the table


class _Assembler:
    """Turns physical lines (already split into cells) into rows of one appendix."""

    def __init__(self, appendix: int, problems: list[Problem], *, pdf_noise: bool) -> None:
        self.appendix = appendix
        self.columns = COLUMNS[: _column_count(appendix)]
        self.problems = problems
        self.pdf_noise = pdf_noise
        self.drafts: list[_Draft] = []
        self.title: str | None = None

    # -- problems ---------------------------------------------------------------------------

    def _problem(self, line: int, column: str | None, message: str, message_vi: str) -> None:
        self.problems.append(Problem(line, column, message, message_vi))

    # -- feeding ----------------------------------------------------------------------------

    def feed(self, line: int, raw_cells: Sequence[object]) -> None:
        cells = [_cell_text(cell).strip() for cell in raw_cells]
        while len(cells) > 1 and not cells[-1]:
            cells.pop()
        if not any(cells):
            return
        # A physical line is "full" when it reached the last column, even if that cell is empty.
        physical_width = len(raw_cells)
        first = cells[0]
        if len(cells) == 1 and physical_width <= 1:
            self._feed_loose(line, first)
            return
        if _is_header(cells):
            return
        stt = _STT_RE.match(first)
        if stt:
            self._start_row(line, int(stt.group(1)), cells, physical_width)
        elif not first:
            self._continue_row(line, cells, physical_width)
        elif self.drafts and self.drafts[-1].truncated and self.pdf_noise:
            self._wrap_row(line, cells, physical_width)
        elif not self.drafts:
            self._problem(
                line,
                "number",
                f"Line ignored: it does not start with a row number (STT): "
                f"“{_snippet(' '.join(cells))}”.",
                f"Bỏ qua dòng không bắt đầu bằng số thứ tự (STT): “{_snippet(' '.join(cells))}”.",
            )
        else:
            self._problem(
                line,
                "number",
                f"Line does not start with a row number (STT); joined to row "
                f"{self.drafts[-1].number}: “{_snippet(' '.join(cells))}”.",
                f"Dòng không bắt đầu bằng số thứ tự (STT), đã ghép vào dòng "
                f"{self.drafts[-1].number}: “{_snippet(' '.join(cells))}”.",
            )
            self._wrap_row(line, cells, physical_width)

    def _feed_loose(self, line: int, text: str) -> None:
        """A line without any tab: a title, page noise, a header fragment or a wrapped line."""
        folded = fold(text)
        stt = _STT_RE.match(text)
        if stt and not self.pdf_noise:
            self._start_row(line, int(stt.group(1)), [text], 1)
            return
        if self.pdf_noise and (_PAGE_NUMBER_RE.match(folded) or _IMAGE_RE.match(folded)):
            return
        if _is_header_fragment(folded):
            return
        if not self.drafts:
            if self.title is None:
                self.title = normalize_spaces(text)
            return
        draft = self.drafts[-1]
        starts_lower = text[:1].islower()
        if self.pdf_noise and (draft.truncated or starts_lower):
            self._append(draft, draft.last_column, text)
            return
        if _TRAILER_RE.match(folded) or text == text.upper() or not self.pdf_noise:
            self._problem(
                line,
                None,
                f"Line outside the table ignored: “{_snippet(text)}”.",
                f"Bỏ qua dòng nằm ngoài bảng: “{_snippet(text)}”.",
            )
            return
        column = self.columns[draft.last_column]
        self._problem(
            line,
            column,
            f"Line without columns joined to row {draft.number} ({column}): "
            f"“{_snippet(text)}”; please check.",
            f"Dòng không có cột được ghép vào dòng {draft.number} "
            f"({COLUMN_LABELS_VI[column]}): “{_snippet(text)}”; đề nghị kiểm tra.",
        )
        self._append(draft, draft.last_column, text)

    def _fit(self, line: int, cells: list[str], offset: int) -> list[str]:
        """Cells placed from column ``offset``; extra cells go into the last column."""
        room = len(self.columns) - offset
        if len(cells) <= room:
            return cells
        extra = [cell for cell in cells[room:] if cell]
        if extra:
            last = self.columns[-1]
            self._problem(
                line,
                last,
                f"Too many columns ({offset + len(cells)} instead of {len(self.columns)}); "
                f"the extra cells were added to the last column ({last}).",
                f"Thừa cột ({offset + len(cells)} thay vì {len(self.columns)}); phần thừa đã "
                f"được ghép vào cột cuối ({COLUMN_LABELS_VI[last]}).",
            )
        kept = list(cells[:room])
        for cell in extra:
            kept[-1] = _join(kept[-1], cell)
        return kept

    def _start_row(self, line: int, number: int, cells: list[str], width: int) -> None:
        expected = self.drafts[-1].number + 1 if self.drafts else 1
        if number != expected:
            self._problem(
                line,
                "number",
                f"Row number {number} where {expected} was expected.",
                f"Số thứ tự {number} trong khi lẽ ra là {expected}.",
            )
        placed = self._fit(line, cells, 0)
        padded = placed + [""] * (len(self.columns) - len(placed))
        padded[0] = str(number)
        self.drafts.append(
            _Draft(
                line=line,
                number=number,
                cells=padded,
                last_column=len(placed) - 1,
                truncated=width < len(self.columns),
            )
        )

    def _append(self, draft: _Draft, column: int, text: str) -> None:
        draft.cells[column] = _join(draft.cells[column], text)

    def _continue_row(self, line: int, cells: list[str], width: int) -> None:
        if not self.drafts:
            self._problem(
                line,
                None,
                "Continuation line before any row ignored.",
                "Bỏ qua dòng nối tiếp khi chưa có dòng nào trước đó.",
            )
            return
        draft = self.drafts[-1]
        placed = self._fit(line, cells, 0)
        for column, cell in enumerate(placed):
            if column and cell:
                self._append(draft, column, cell)
        draft.last_column = len(placed) - 1
        draft.truncated = width < len(self.columns)

    def _wrap_row(self, line: int, cells: list[str], width: int) -> None:
        """A physical line broken in two: the first cell continues the last cell written."""
        draft = self.drafts[-1]
        start = draft.last_column
        placed = self._fit(line, cells, start)
        for index, cell in enumerate(placed):
            if cell:
                self._append(draft, start + index, cell)
        draft.last_column = start + len(placed) - 1
        draft.truncated = start + width < len(self.columns)

    # -- output -----------------------------------------------------------------------------

    def rows(self) -> list[AppendixRow]:
        return [self._to_row(draft) for draft in self.drafts]

    def _to_row(self, draft: _Draft) -> AppendixRow:
        values = dict(zip(self.columns, (normalize_spaces(c) for c in draft.cells), strict=True))
        row = AppendixRow(
            appendix=self.appendix,
            number=draft.number,
            line=draft.line,
            content=values["content"],
            documents=parse_documents(values["documents"]),
            documents_text=values["documents"],
            members=split_members(values["members"]),
            members_text=values["members"],
            lead_agencies=split_agencies(values["lead"]),
            lead_text=values["lead"],
            deadline_text=values["deadline"],
            result=values.get("result", ""),
        )
        label = f"Appendix {self.appendix}, row {draft.number}"
        label_vi = f"Phụ lục {self.appendix}, dòng {draft.number}"
        if not row.content:
            self._problem(
                draft.line,
                "content",
                f"{label}: the task content is empty.",
                f"{label_vi}: nội dung nhiệm vụ để trống.",
            )
        if not row.lead_agencies:
            self._problem(
                draft.line,
                "lead",
                f"{label}: no lead agency.",
                f"{label_vi}: chưa có cơ quan chủ trì.",
            )
        if row.documents_text and not row.documents:
            self._problem(
                draft.line,
                "documents",
                f"{label}: no document number recognised in “{_snippet(row.documents_text)}”.",
                f"{label_vi}: không nhận ra số văn bản trong “{_snippet(row.documents_text)}”.",
            )
        return row


def parse_table_rows(
    rows: Iterable[Sequence[object]],
    *,
    appendix: int,
    first_line: int = 1,
    pdf_noise: bool = False,
) -> ParsedAppendices:
    """Rows of one appendix from cells already split into columns (CSV or XLSX template).

    ``rows[i]`` is reported as line ``first_line + i``. Header rows (first cell "STT") are
    skipped, a row whose first cell is empty continues the row above, short rows are padded.
    With ``pdf_noise`` lines holding a single cell may be page numbers, image descriptions or
    wrapped text, as in PDF extracts.
    """
    problems: list[Problem] = []
    assembler = _Assembler(appendix, problems, pdf_noise=pdf_noise)
    for offset, cells in enumerate(rows):
        assembler.feed(first_line + offset, list(cells))
    parsed_rows = assembler.rows()
    titles = {appendix: assembler.title} if assembler.title else {}
    return ParsedAppendices(None, None, None, parsed_rows, problems, titles)


# --------------------------------------------------------------------------------------------
# Whole report


_APPENDIX_HEADING_RE = re.compile(r"^phu\s*luc\s*(?:so\s*)?(\d{1,2}|[ivx]{1,4})\b\s*[:.\-–]?")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9}
_REPORT_NUMBER_RE = re.compile(rf"^\s*Số\s*:?\s*({_DOC_NUMBER})", re.IGNORECASE)
_CITED_REPORT_RE = re.compile(rf"\bBáo cáo số\s*:?\s*({_DOC_NUMBER})", re.IGNORECASE)
_PLACE_DATE_RE = re.compile(
    r"^[^\d,]{2,40},\s*ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*(?:,\s*)?nam\s*(\d{4})"
)
_KINDS = ("bao cao",)


def _appendix_heading(line: str) -> int | None:
    if "\t" in line or len(line) > 200:
        return None
    match = _APPENDIX_HEADING_RE.match(fold(line))
    if not match:
        return None
    rest = fold(line)[match.end() :].strip()
    if rest.startswith(("kem theo", "va ")):
        return None
    token = match.group(1)
    return int(token) if token.isdigit() else _ROMAN.get(token)


class Budget(Protocol):
    """Anything whose ``check()`` raises once the time allowed for reading is spent."""

    def check(self) -> None: ...


def _checked(lines: Iterable[str], budget: Budget | None) -> Iterator[str]:
    for index, line in enumerate(lines):
        if budget is not None and index % 256 == 255:
            budget.check()
        yield line


def _parse_header(
    lines: list[str], problems: list[Problem], budget: Budget | None = None
) -> tuple[str | None, str | None, dt.date | None]:
    """Title, number and date of the report from the lines before the appendices."""
    kind_index = next(
        (i for i, line in enumerate(_checked(lines, budget)) if fold(line).strip(" .:") in _KINDS),
        None,
    )
    head_end = kind_index if kind_index is not None else min(len(lines), 60)

    title: str | None = None
    if kind_index is not None:
        parts = [normalize_spaces(lines[kind_index])]
        for line in lines[kind_index + 1 : kind_index + 12]:
            stripped = normalize_spaces(line)
            if not stripped:
                continue
            if fold(stripped).startswith("kinh gui") or len(stripped) > 150:
                break
            parts.append(stripped)
        if len(parts) > 1:
            title = " ".join(parts)

    number: str | None = None
    number_line = 0
    for index, line in enumerate(lines[:head_end]):
        match = _REPORT_NUMBER_RE.match(line)
        if match:
            number = _normalise_document_number(match.group(1))
            number_line = index + 1
            break

    report_date: dt.date | None = None
    for index, line in enumerate(lines[: max(head_end, 1)]):
        match = _PLACE_DATE_RE.match(fold(line))
        if match:
            report_date = _safe_date(match.group(3), match.group(2), match.group(1))
            if report_date is None:
                problems.append(
                    Problem(
                        index + 1,
                        None,
                        f"Report date is not a valid date: “{_snippet(line)}”.",
                        f"Ngày báo cáo không hợp lệ: “{_snippet(line)}”.",
                    )
                )
            break

    if number:
        for line in _checked(lines, budget):
            cited = _CITED_REPORT_RE.search(line)
            if not cited:
                continue
            other = _normalise_document_number(cited.group(1))
            if other != number and other.split("-")[0] == number.split("-")[0]:
                problems.append(
                    Problem(
                        number_line,
                        None,
                        f"Report number printed as {number} in the header but cited as {other} "
                        f"elsewhere in the document; the printed number was kept.",
                        f"Số báo cáo in ở đầu văn bản là {number} nhưng chỗ khác ghi {other}; "
                        f"đã giữ số in ở đầu văn bản.",
                    )
                )
                break
    return title, number, report_date


def parse_report_appendices(text: str, *, budget: Budget | None = None) -> ParsedAppendices:
    """Header facts and Appendix 1 and 2 rows of a quarterly report extracted from a PDF.

    Appendices start at lines reading "Phụ lục 1" and "Phụ lục 2"; rows of other appendices are
    ignored, and so is the body of the report except its header (number, date, title).
    ``budget.check()``, when given, is called as the lines are read and may stop the work by
    raising.
    """
    lines = [line.rstrip("\r") for line in (text or "").split("\n")]
    problems: list[Problem] = []
    starts = [(i, _appendix_heading(line)) for i, line in enumerate(_checked(lines, budget))]
    starts = [(i, n) for i, n in starts if n is not None]
    body_end = starts[0][0] if starts else len(lines)
    title, number, report_date = _parse_header(lines[:body_end], problems, budget)

    rows: list[AppendixRow] = []
    titles: dict[int, str] = {}
    seen: set[int] = set()
    for position, (start, appendix) in enumerate(starts):
        end = starts[position + 1][0] if position + 1 < len(starts) else len(lines)
        if appendix not in _COLUMN_COUNT:
            continue
        if appendix in seen:
            problems.append(
                Problem(
                    start + 1,
                    None,
                    f"Appendix {appendix} appears a second time; its rows are read as well.",
                    f"Phụ lục {appendix} xuất hiện lần thứ hai; các dòng của nó vẫn được đọc.",
                )
            )
        seen.add(appendix)
        assembler = _Assembler(appendix, problems, pdf_noise=True)
        for index in range(start + 1, end):
            if budget is not None and index % 256 == 0:
                budget.check()
            line = lines[index].replace("\x0c", "")
            assembler.feed(index + 1, line.split("\t"))
        rows.extend(assembler.rows())
        if assembler.title and appendix not in titles:
            titles[appendix] = assembler.title

    for appendix in (1, 2):
        if appendix not in seen:
            problems.append(
                Problem(
                    0,
                    None,
                    f"No “Phụ lục {appendix}” heading found.",
                    f"Không tìm thấy tiêu đề “Phụ lục {appendix}”.",
                )
            )
    return ParsedAppendices(title, number, report_date, rows, problems, titles)
