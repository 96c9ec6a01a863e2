"""A page set in two columns read column by column (đọc trang in hai cột).

``pdftotext -layout`` prints a newspaper's or a bulletin's page in two columns side by side:
every line holds a line of the left column, a run of spaces, and a line of the right one, so
read line by line the two texts are interleaved. ``two_columns(lines)`` finds such a page by its
gutter — a place where, on many lines, a run of spaces ends and the right column's text starts
at the same column, each side holding running text (words without inner runs of spaces, as a
table's cells would have) — and gives its lines back as the left column, then the right one,
page by page (pages cut by a form feed). Lines across both columns inside the columns (a photo
caption, a jump line "(Xem tiếp trang 4)") are taken out of the text with the blank lines around
them; the lines above the columns (the running head, a headline across the page) stay above.

It also gives the column's width, from which a line was wrapped by the column rather than ended
by its writer, so the next steps join a sentence cut at a column's end ("… Phó Trưởng / Ban Chỉ
đạo …").

A newspaper's furniture around the text is dropped: its running head (the paper's name, the
weekday and date of the issue, the page number), its jump lines and a photo's caption with its
credit ("… Ảnh: ĐĂNG KHOA").
"""

from __future__ import annotations

import re
from collections import Counter

__all__ = ["two_columns"]

#: at least this many lines of a page hold text on both sides of the gutter
_MIN_TWO_SIDED = 8
_INNER_RUN = re.compile(r"\S {3,}\S")
_WORD = re.compile(r"\S+")
#: a newspaper's running head: "NHÂN DÂN  Thứ Sáu 12-2-2027   Số 25.012  3"
_RUNNING_HEAD = re.compile(
    r"(?:Thứ (?:Hai|Ba|Tư|Năm|Sáu|Bảy)|Chủ nhật|THỨ (?:HAI|BA|TƯ|NĂM|SÁU|BẢY)|CHỦ NHẬT),?\s+"
    r"(?:ngày\s+)?\d{1,2}[-/.]\d{1,2}[-/.]\d{4}"
)
_PAGE_AT_EDGE = re.compile(r"^\s*\d{1,3}\s|\s\d{1,3}\s*$")
#: a jump line: "(Xem tiếp trang 4)", "Thông báo kết luận... (Tiếp theo trang 3)"
_JUMP = re.compile(r"\((?:[Xx]em )?[Tt]iếp (?:theo )?(?:trang|tr\.) ?\d{1,3}\)\s*$")
#: a photo's caption closing with its credit: "… phát biểu. Ảnh: ĐĂNG KHOA", "(Ảnh: TTXVN)"
_CAPTION = re.compile(r"(?:^|[.\s])(?:Ảnh|ẢNH)\s*:\s*[A-ZÀ-ỸĐ][A-ZÀ-ỸĐ .\-/]{1,40}\)?\s*$")


def _furniture(line: str) -> bool:
    text = line.strip()
    if not text:
        return False
    if _RUNNING_HEAD.search(text) and _PAGE_AT_EDGE.search(text):
        return True
    return _JUMP.search(text) is not None or _CAPTION.search(text) is not None


def _gutter(page: list[str]) -> int | None:
    """The column where the right column starts on this page, or None."""
    starts: Counter = Counter()
    for line in page:
        for m in re.finditer(r"\S {2,}(?=\S)", line):
            starts[m.end()] += 1
    for x, count in starts.most_common(3):
        if count < _MIN_TWO_SIDED or x < 20:
            continue
        lefts, rights = [], []
        for line in page:
            if len(line) > x and line[x] != " " and line[x - 2 : x] == "  " and line[:x].strip():
                lefts.append(line[:x].strip())
                rights.append(line[x:].strip())
        if len(lefts) < _MIN_TWO_SIDED:
            continue
        # running text on both sides: words, no inner runs of spaces (a table's cells), lines
        # filling most of the column
        sides = lefts + rights
        if sum(1 for s in sides if _INNER_RUN.search(s)) > len(sides) // 10:
            continue
        if sum(len(_WORD.findall(s)) for s in lefts) < 5 * len(lefts):
            continue
        if sum(len(_WORD.findall(s)) for s in rights) < 5 * len(rights):
            continue
        if sorted(len(s) for s in lefts)[len(lefts) // 2] < 0.6 * x:
            continue
        return x
    return None


def _kind(line: str, x: int) -> str:
    """ "blank", "two" (both sides), "left", "right" or "across" (a line over the gutter)."""
    if not line.strip():
        return "blank"
    body = line.rstrip()
    if len(body) <= x - 2 or (len(body) > x and line[x - 2 : x] == "  " and line[x] != " "):
        left = line[:x].strip()
        right = line[x:].strip() if len(body) > x else ""
        if left and right:
            return "two"
        return "left" if left else "right"
    if not line[:x].strip() and len(body) > x and line[x] != " ":
        return "right"
    return "across"


def _page(page: list[tuple[str, int]], x: int) -> list[tuple[str, int]]:
    kinds = [_kind(line, x) for line, _ in page]
    n = len(page)
    start = next(
        (
            i
            for i in range(n)
            if kinds[i] == "two" and sum(k == "two" for k in kinds[i + 1 : i + 4]) >= 2
        ),
        None,
    )
    if start is None:
        return page
    end = max(i for i in range(start, n) if kinds[i] in ("two", "left", "right"))
    # blank lines right around a line across the columns belong to it
    dropped: set[int] = set()
    for i in range(start, end + 1):
        if kinds[i] == "across":
            j = i - 1
            while j >= start and kinds[j] == "blank":
                dropped.add(j)
                j -= 1
            j = i + 1
            while j <= end and kinds[j] == "blank":
                dropped.add(j)
                j += 1
    left: list[tuple[str, int]] = []
    right: list[tuple[str, int]] = []
    across: list[tuple[str, int]] = []
    for i in range(start, end + 1):
        line, at = page[i]
        if i in dropped:
            continue
        if kinds[i] == "across":
            across.append((line, at))
            continue
        head = line[:x]
        left_text = head.strip()
        right_text = line[x:].strip() if len(line) > x else ""
        left.append((left_text, at + len(head) - len(head.lstrip())) if left_text else ("", at))
        right.append(
            (right_text, at + x + len(line[x:]) - len(line[x:].lstrip()))
            if right_text
            else ("", at + x)
        )
    out = list(page[:start])
    out.extend(left)
    out.append(("", page[end][1]))
    out.extend(right)
    for line, at in across:
        out.extend([("", at), (line, at), ("", at)])
    out.extend(page[end + 1 :])
    return out


def two_columns(raw_lines: list[tuple[str, int]]) -> tuple[list[tuple[str, int]], int | None]:
    """The lines with each two-column page read column by column, and the columns' width
    (None when no page is in two columns)."""
    pages: list[list[tuple[str, int]]] = [[]]
    for pair in raw_lines:
        if pair[0] == "\f":
            pages.append([])
        pages[-1].append(pair)
    out: list[tuple[str, int]] = []
    width = None
    for page in pages:
        feed = page[:1] if page and page[0][0] == "\f" else []
        body = page[len(feed) :]
        x = _gutter([line for line, _ in body])
        out.extend(feed)
        if x is None:
            out.extend(body)
            continue
        width = x if width is None else min(width, x)
        out.extend(_page(body, x))
    if width is None:
        return raw_lines, None
    return [pair for pair in out if not _furniture(pair[0])], width
