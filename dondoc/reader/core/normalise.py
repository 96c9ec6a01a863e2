"""Cleaning extracted text (chuẩn hóa văn bản) before it is read.

Text out of a PDF or a scanned-then-typed notice carries noise the seeds show:

* diacritics set apart from their letter ("chuyê ̉n"), or as spacing marks ("chuye^n");
* misreadings of common words ("chuyên đổi số" for "chuyển đổi số");
* words and sentences broken across lines and pages ("khoa học\\n\\ncao, kể cả");
* page numbers ("- 3 -", "Trang 3/12") and running headers or footers repeated on every page.

``normalise(text)`` returns the cleaned text and, for each of its characters, the offset of
the character of the original it came from (``Normalised.origin``), so a span in the cleaned
text can be traced back. ``fold_same_length`` gives the lowercase, diacritic-free copy the
rules match on: same length, so a match's offsets are offsets in the cleaned text.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from dondoc.reader.core.cells import broken_cells
from dondoc.reader.core.chat import chat_messages
from dondoc.reader.core.columns import two_columns
from dondoc.reader.core.forms import labelled_forms
from dondoc.reader.core.layouts import (
    cell_lines,
    lone_footers,
    marked_periods,
    parenthesis_goes_on,
)
from dondoc.reader.core.ocr import ocr_fixes, run_in_items
from dondoc.reader.core.revisions import (
    accepted_changes,
    has_changes,
    has_pandoc_marks,
    pandoc_marks,
)
from dondoc.reader.core.speech import is_transcript, spoken_transcript
from dondoc.reader.core.tables import (
    centred_rows,
    delimited_rows,
    pipe_rows,
    rewrite_tables,
    stacked_rows,
)

__all__ = ["Normalised", "fold_same_length", "normalise"]

#: Bound on what is read: longer input is cut (about 400 pages of a notice).
MAX_CHARS = 1_500_000

# Spacing forms of the Vietnamese tone marks some PDF writers emit, as combining marks.
_SPACING_MARKS = {
    "\u00b4": "\u0301",  # acute
    "\u02ca": "\u0301",
    "\u0060": "\u0300",  # grave
    "\u02cb": "\u0300",
    "\u02dc": "\u0303",  # tilde
    "\u02c0": "\u0309",  # hook above (approximate)
}
# Word-level misreadings seen in extracted notices, folded-key -> (wrong, right).
_FIXES = [
    (re.compile(r"\b([Cc])huyên đổi số"), r"\1huyển đổi số"),
    (re.compile(r"\bCHUYÊN ĐỔI SỐ"), "CHUYỂN ĐỔI SỐ"),
    (re.compile(r"\b([Cc])huyên đối số"), r"\1huyển đổi số"),
]
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-–—]\s*\d{1,4}\s*[-–—]|\d{1,4}|(?:trang|page)\s+\d{1,4}(?:\s*/\s*\d{1,4})?"
    r"|\d{1,4}\s*/\s*\d{1,4})\s*$",
    re.IGNORECASE,
)
#: A footer's rule across the page ("______…" above the page number): no text.
_FOOTER_RULE = re.compile(r"_{20,}")
# a news portal's link to another article, pasted with the text: "Xem thêm: Phó Thủ tướng: …"
_WEB_LINK = re.compile(r"(?:Xem thêm|Đọc thêm|XEM THÊM|ĐỌC THÊM)\s*(?::|>>|»)\s*\S")
#: A news portal's block of links to other articles: "Tin liên quan", "Bài liên quan", "Tin
#: cùng chuyên mục", "Tin khác", "Đọc tiếp", each over a few headlines.
_RELATED_BLOCK = re.compile(
    r"(?:Tin|Bài|TIN|BÀI) (?:liên quan|cùng chuyên mục|khác|LIÊN QUAN|CÙNG CHUYÊN MỤC|KHÁC)"
    r"|Có thể bạn quan tâm|Đọc nhiều nhất"
)
#: A news portal's lines around an article: its photo captions "… (Ảnh: TTXVN)", keywords,
#: comments, copyright, font size and share buttons.
_PORTAL_LINE = re.compile(
    r"^(?:Từ khóa|Từ khoá|Tags?)\s*:|^Bình luận\s*\(\d+\)$|^Bản quyền thuộc|^Cỡ chữ\s"
    r"|^Chia sẻ\s|.*\((?:Ảnh|Nguồn ảnh|Ảnh minh họa)\s*:[^)]{1,60}\)$"
)
_HEADLINE_MAX = 160


def portal_furniture(lines: list[str]) -> set[int]:
    """The indexes of a news portal's furniture in an article pasted with its text: a related
    links block (its title and the headlines after it, short lines ending without a sentence's
    mark, up to a line that ends as a sentence or introduces a list), photo captions, keywords,
    comments and copyright lines."""
    out: set[int] = set()
    n = 0
    while n < len(lines):
        line = lines[n].strip()
        if _RELATED_BLOCK.fullmatch(line):
            out.add(n)
            n += 1
            while n < len(lines):
                headline = lines[n].strip()
                if (
                    not headline
                    or len(headline) > _HEADLINE_MAX
                    or headline.endswith((".", ":", ";"))
                    or _ENUM_START.match(headline)
                ):
                    break
                out.add(n)
                n += 1
            continue
        if _PORTAL_LINE.match(line):
            out.add(n)
        n += 1
    return out


_NUMBERED_RUNNING = re.compile(r"^\d{1,4}\s+|\s+\d{1,4}$")
#: A running footer giving the document's kind and number beside the page number, even on one
#: page break only: "Hướng dẫn số 28-HD/BTCTW   2", "Kế hoạch số 46/KH-UBND 3".
_NUMBER_FOOTER = re.compile(r"^\S+(?: \S+){0,3} (?:số|SỐ) [\w.-]*\d[\w.-]*/[\w/.-]+\s+\d{1,4}$")
_ENUM_START = re.compile(r"^\s*(?:\(?\d{1,3}[.)]|[IVXLC]{1,6}\.|[a-zđ]\)|[-–•+*▪])")
_END_PUNCT = '.;:!?…"”)'
# A line ending in a word that cannot close a heading or a paragraph ("… phối hợp với", "… trước
# ngày", "… do", "… Ban") goes on with the next line even when that starts with a capital
# ("Bộ Khoa học và / Công nghệ", "trước ngày / 30/6/2025").
_OPEN_END = re.compile(
    r"(?:^|\s)(?:và|do|với|của|cho|các|về|tại|theo|từ|đến|hoặc|những|để|là|trong|ngày|tháng|năm|va|voi"
    # "… kể từ ngày ký / Quyết định": a verb whose object is on the next line
    r"|cua|ngay|ký|Ban|Bộ|Cục|Sở|Văn phòng|Ủy ban|Đảng ủy)$"
)
_NUMBER_GOES_ON = re.compile(r"\d{1,4}(?:,\s|\s+[a-zà-ỹđ])")
_BARE_ROMAN = re.compile(r"[IVXL]{1,6}[.;,]?")
#: A line this long that ends without punctuation was wrapped by the page's width.
_FULL_LINE = 80
_FIELD_START = re.compile(
    r"^(?:[-–•+]\s*)?(?:đơn vị|cơ quan|thời|sản phẩm|chủ trì|phối hợp)[^:]{0,20}:", re.IGNORECASE
)


@dataclass
class Normalised:
    text: str
    origin: list[int]


class _FoldTable(dict):
    """``str.translate`` table filled on first sight of each character."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if ch in "đĐ":
            folded = "d"
        else:
            base = unicodedata.normalize("NFD", ch)[:1] or ch
            folded = base.lower()
            if len(folded) != 1:
                folded = ch
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def fold_same_length(text: str) -> str:
    """Lowercase, diacritic-free copy of NFC ``text`` with one character per character."""
    return text.translate(_FOLD)


class _Builder:
    """Text assembled piece by piece, each piece remembering where it came from."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.origin: list[int] = []

    def add(self, text: str, start: int) -> None:
        self.parts.append(text)
        self.origin.extend(range(start, start + len(text)))

    def add_char(self, ch: str, at: int) -> None:
        self.parts.append(ch)
        self.origin.append(at)

    def result(self) -> Normalised:
        return Normalised("".join(self.parts), self.origin)


#: Two word pieces with a run of spaces between them ("hướng d  ẫn", "nền tả  ng").
_SPLIT_WORD = re.compile(r"(?<![\w])(\w+) {2,}(?=(\w+)(?![\w]))")
_VOWEL = re.compile(r"[aeiouy]")


def _join_split_word(m: re.Match) -> str:
    """A word broken by a run of spaces is joined when one piece cannot be a Vietnamese
    syllable: lowercase letters without a vowel ("d" + "ẫn", "tả" + "ng", "s" + "ẻ")."""
    left, right = m.group(1), m.group(2)
    for piece in (left, right):
        if piece.isalpha() and piece.islower() and not _VOWEL.search(fold_same_length(piece)):
            return left
    return m.group(0)


_DETACHED_SPACING = re.compile(r"(?<=\w)\s?([\u00b4\u02ca\u0060\u02cb\u02dc\u02c0])")
_SPACE_BEFORE_MARK = re.compile(r"[ \t]+(?=[\u0300-\u036f])")
_MARK_AFTER_SPACE = re.compile(r"(\w) ([\u0300-\u036f]+)")
_COMBINING = re.compile(r"[\u0300-\u036f]")
_SPACES = re.compile(r" {2,}")


#: a bullet printed in the Symbol or Wingdings font comes out of a PDF as a private-use
#: character ("\uf0b7" for "•", "\uf0a7" for "▪", "\uf0d8", "\uf076", "\uf0fc" for others)
_PRIVATE_BULLET = re.compile(r"^(\s*)[\uf0a7\uf0b7\uf076\uf0d8\uf0fc\uf06e\uf0a8\uf0e0]")


#: the second and third levels of a Word or slide bullet list ("•", "o", "▪"): "o" before a
#: tab, or before a capital past two spaces (not "báo cá- / o Bộ trưởng", a broken word), is
#: read as the nested "+" of a dashed list, a square ("▪", "■", "§") as "▪", a detail of the
#: item above
_LOWER_BULLET = re.compile(
    r"^(\s*)(?:o(?:\t\s*|\s{2,}(?=[^\W\d_])(?P<word>\w))|(?P<square>[▪■§])\s+)"
)
_BULLET_OPENS = frozenset("o▪■§ \t")


def _clean_line(line: str) -> str:
    """Join detached diacritics to their letter and fix known misreadings; NFC."""
    bullet = _LOWER_BULLET.match(line) if line[:1] in _BULLET_OPENS else None
    if bullet and bullet.group("square"):
        line = f"{bullet.group(1)}▪ {line[bullet.end() :]}"
    elif bullet and (bullet.group("word") is None or bullet.group("word").isupper()):
        line = f"{bullet.group(1)}+ {line[bullet.end() - (1 if bullet.group('word') else 0) :]}"
    if _PRIVATE_BULLET.match(line):
        line = _PRIVATE_BULLET.sub(r"\1•", line, count=1)
    if any(mark in line for mark in _SPACING_MARKS):
        line = _DETACHED_SPACING.sub(lambda m: _SPACING_MARKS[m.group(1)], line)
    if _COMBINING.search(line):
        line = _SPACE_BEFORE_MARK.sub("", line)
        line = unicodedata.normalize("NFC", line)
        # a combining mark left at a word's start after NFC belongs to the letter before the
        # space
        line = _MARK_AFTER_SPACE.sub(
            lambda m: unicodedata.normalize("NFC", m.group(1) + m.group(2)), line
        )
    elif not unicodedata.is_normalized("NFC", line):
        line = unicodedata.normalize("NFC", line)
    if "ổi số" in line or "ối số" in line or "ỔI SỐ" in line:
        for pattern, replacement in _FIXES:
            line = pattern.sub(replacement, line)
    if "  " in line:
        line = _SPLIT_WORD.sub(_join_split_word, line)
    line = ocr_fixes(line.replace("\u00a0", " ").replace("\t", " "))
    if "  " in line:
        line = _SPACES.sub(" ", line)
    return line.strip()


def _repeated_lines(lines: list[str]) -> set[str]:
    """Short lines that recur on many pages: running headers and footers."""
    counts = Counter(line for line in lines if 0 < len(line) <= 80)
    pages = sum(1 for line in lines if line == "\f" or _PAGE_NUMBER.match(line or "x")) + 1
    floor = max(3, pages // 2) if pages > 2 else 10**9
    # a line beside a page number on two pages or more is a running header or footer too
    beside: Counter = Counter()
    filled = [line for line in lines if line]
    for n, line in enumerate(filled):
        if line == "\f" or _PAGE_NUMBER.match(line):
            for other in filled[max(0, n - 1) : n] + filled[n + 1 : n + 2]:
                if 0 < len(other) <= 120 and other != "\f" and not _PAGE_NUMBER.match(other):
                    beside[other] += 1
    # a running header carrying its page number ("CÔNG BÁO/Số 245/… 37", "38 CÔNG BÁO/Số 245/…")
    numbered: dict[str, str] = {}
    for line in counts:
        if (len(line) > 12 and line[-1:].isdigit()) or line[:1].isdigit():
            bare = _NUMBERED_RUNNING.sub("", line)
            if bare != line and len(bare) >= 10 and bare[-1:] not in ".;:":
                numbered[line] = bare
    runs = Counter(numbered.values())
    return {
        line
        for line, n in counts.items()
        if (n >= floor or beside[line] >= 2 or runs[numbered.get(line, "")] >= 2)
        and not _ENUM_START.match(line)
        and line not in {"*", "-"}
    }


#: The document's number in its heading: "Số 118-KL/TU", "Số: 412/KH-BGDĐT".
_OWN_NUMBER = re.compile(r"(?<![\w])(?:Số|SỐ|So)\s*:?\s*(\d{1,5}[-/][\w/.-]*[A-ZĐ][\w/.-]*)")


#: A page number closing a footer line: "… Trang 2", "… 3".
_PAGE_AT_END = re.compile(r"(?:\s(?:Trang|trang|TRANG))?\s+\d{1,3}$")


def _own_number_headers(lines: list[str]) -> set[str]:
    """Lines that carry the document's own number after its heading, in capitals or with a
    page number, even once: a running header ("KẾT LUẬN CỦA BAN THƯỜNG VỤ TỈNH ỦY – SỐ
    118-KL/TU", "THÔNG BÁO KẾT LUẬN PHIÊN HỌP CHUYÊN ĐỀ - 27-TB/BCĐTW") or footer ("Đảng ủy Bộ
    Khoa học và Công nghệ - Thông báo số 318-TB/ĐU Trang 2")."""
    number = None
    for n, line in enumerate(lines[:40]):
        m = _OWN_NUMBER.search(line)
        if m:
            number, first = m.group(1).rstrip(".-/"), n
            break
    if number is None or len(number) < 5:
        return set()
    return {
        line
        for line in lines[first + 1 :]
        if number in line
        and len(line) <= 120
        and (line.isupper() or _PAGE_AT_END.search(line) is not None)
    }


#: a line opening with "|": perhaps a row of a Markdown table
_PIPE_LINE = re.compile(r"(?m)^[ \t]*\|.*\|")
#: "STT" alone on a line: perhaps the heading of a table flattened one cell a line
_STACKED_HEADING = re.compile(r"(?m)^[ \t]*(?:STT|TT|Stt|Tt)[ \t]*\r?$")


_QUOTE_MARK = re.compile(r"^[ \t]*(?:>[ \t]?)+")


def _unquote(raw_lines: list[tuple[str, int]]) -> tuple[list[tuple[str, int]], int]:
    """A letter quoted in an e-mail ("> " before each line) with its quote marks taken off.

    Only when the quoted lines are many (a forwarded or replied letter, not a stray ">"), and
    each line keeps its place in the original text. Also gives the length from which a quoted
    line is a full one: mail programs wrap a quoted letter near 72 columns, not 80."""
    quoted = sum(1 for line, _ in raw_lines if line.startswith(">"))
    if quoted < 8:
        return raw_lines, _FULL_LINE
    out = []
    width = 0
    for line, start in raw_lines:
        m = _QUOTE_MARK.match(line) if line.lstrip().startswith(">") else None
        if m:
            out.append((line[m.end() :], start + m.end()))
            width = max(width, len(line) - m.end())
        else:
            out.append((line, start))
    return out, min(_FULL_LINE, max(50, width - 12))


#: a spreadsheet's heading row exported as text: "STT;Nội dung …" (or with ",")
_DELIMITED_HEADING = re.compile(r"^\s*\"?(?:STT|TT)\"?\s*[;,]\s*\"?N[ộo]i dung", re.I | re.M)

#: period columns side by side in a heading row ("Quý I  Quý II"): the time marked by an "x"
_PERIOD_HEADINGS = re.compile(r"Qu[ýy] I {2,}Qu[ýy] II|Th[áa]ng 1 {2,}Th[áa]ng 2")


#: a chat message's time and day at the start of its line ("[16:47, 05/11/2026] …")
_CHAT_LINE = re.compile(
    r"(?m)^\[\d{1,2}:\d{2},? \d{1,2}/\d{1,2}/\d{4}\] |^\[?\d{1,2}/\d{1,2}/\d{4},? \d{1,2}:\d{2}"
)
#: a form's labelled line of work ("Nội dung công việc:"), as a task slip has
_FORM_FIELD = re.compile(r"(?m)^N[ộo]i dung(?: c[ôo]ng vi[ệe]c)?\s*:")


def normalise(text: str) -> Normalised:
    """The cleaned text of ``text`` with each character's origin. Never raises."""
    text = (text or "")[:MAX_CHARS]
    raw_lines: list[tuple[str, int]] = []
    position = 0
    for raw in re.split(r"(\r\n|\r|\n|\f)", text):
        if raw in ("\r\n", "\r", "\n"):
            position += len(raw)
            continue
        if raw == "\f":
            raw_lines.append(("\f", position))
            position += 1
            continue
        raw_lines.append((raw, position))
        position += len(raw)
    raw_lines, full_line = _unquote(raw_lines)
    if ":" in text and is_transcript(raw_lines):
        raw_lines = spoken_transcript(raw_lines)
    if has_changes(text):
        raw_lines = accepted_changes(raw_lines)
    if has_pandoc_marks(text):
        raw_lines = pandoc_marks(raw_lines)
    if "    " in text:
        raw_lines, column = two_columns(raw_lines)
        if column:
            # a line filling most of its column was wrapped by it
            full_line = min(full_line, column * 3 // 4)
    if _CHAT_LINE.search(text):
        raw_lines = chat_messages(raw_lines)
    if _FORM_FIELD.search(text):
        raw_lines = labelled_forms(raw_lines)
    raw_lines = run_in_items(raw_lines)
    delimited = (";" in text or "," in text) and _DELIMITED_HEADING.search(text) is not None
    if delimited:
        raw_lines = delimited_rows(raw_lines)
    piped = "|" in text and _PIPE_LINE.search(text) is not None
    if piped:
        raw_lines = pipe_rows(raw_lines)
    stacked = _STACKED_HEADING.search(text) is not None
    if stacked:
        raw_lines = stacked_rows(cell_lines(raw_lines))
    if "\t" in text or "   " in text or piped or stacked or delimited:
        if "   " in text:
            if _PERIOD_HEADINGS.search(text):
                raw_lines = marked_periods(raw_lines)
            raw_lines = centred_rows(raw_lines)
        if "\t" in text:
            raw_lines = broken_cells(raw_lines)
        raw_lines = rewrite_tables(raw_lines)
    cleaned = [(_clean_line(line) if line != "\f" else "\f", start) for line, start in raw_lines]
    furniture = portal_furniture([line for line, _ in cleaned])
    if furniture:
        cleaned = [pair for n, pair in enumerate(cleaned) if n not in furniture]
    repeated = _repeated_lines([line for line, _ in cleaned])
    repeated |= _own_number_headers([line for line, _ in cleaned])
    repeated |= lone_footers([line for line, _ in cleaned])
    kept = [
        (line, start)
        for line, start in cleaned
        if (
            line != "\f"
            and line not in repeated
            and not _PAGE_NUMBER.match(line or "x")
            and not _FOOTER_RULE.fullmatch(line)
            and not _WEB_LINK.match(line)
            and not (len(line) <= 80 and "/" in line and _NUMBER_FOOTER.match(line))
        )
        or line == ""
    ]
    # Paragraphs: non-empty lines, with blank-line gaps remembered.
    out = _Builder()
    previous = ""
    gap = False
    for line, start in kept:
        if not line:
            gap = True
            continue
        if previous:
            joined = False
            if (
                previous.endswith("-")
                and len(previous) > 1
                and previous[-2].isalpha()
                and (line[:1].islower())
            ):
                # "phát tri-" + "ển": a word broken with a hyphen
                out.parts[-1] = out.parts[-1][:-1]
                out.origin.pop()
                joined = True
            elif (
                (previous[-1] not in _END_PUNCT or (previous[-1] in '"”' and line[:1].islower()))
                and not previous.isupper()
                and (
                    line[:1].islower()
                    # "Đề án / 06, làm giàu dữ liệu …": a number going on, not a point's
                    or _NUMBER_GOES_ON.match(line)
                    or (_OPEN_END.search(previous) and line[:1].isalnum())
                    # a full line of running text wrapped before a name: "… do doanh nghiệp /
                    # Việt Nam làm chủ", "…, báo cáo / Thủ tướng Chính phủ …"
                    or (not gap and len(previous) >= full_line and line[:1].isupper())
                    or parenthesis_goes_on(previous, line)
                )
                # a Roman number alone ends a name ("Quốc hội khóa / XVI."), it opens no part
                and (not _ENUM_START.match(line) or _BARE_ROMAN.fullmatch(line))
                and not _FIELD_START.match(line)
            ):
                out.add_char(" ", start)
                joined = True
            if not joined:
                out.add("\n\n" if gap else "\n", start - 1 if start else 0)
        out.add(line, start)
        previous = line
        gap = False
    return out.result()
