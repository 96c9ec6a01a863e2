"""A member's position text read into offices with dates (chức vụ và thời hạn).

"Bộ trưởng Bộ Khoa học và Công nghệ (Bộ trưởng Bộ Thông tin và Truyền thông đến 28/02/2025)"
holds two offices: the first without dates, the second valid until 28/02/2025. Offices are
separated by commas or semicolons outside parentheses; "từ dd/mm/yyyy" / "đến dd/mm/yyyy"
inside an office bound it.
"""

from __future__ import annotations

import re
from datetime import date

_DATE = r"(\d{1,2})/(\d{1,2})/(\d{4})"
_FROM = re.compile(r"\b(?:từ|tu)\s+(?:ngày\s+)?" + _DATE, re.IGNORECASE)
_TO = re.compile(r"\b(?:đến|den|tới|toi)\s+(?:ngày\s+)?" + _DATE, re.IGNORECASE)


def _date(match: re.Match | None) -> date | None:
    if not match:
        return None
    try:
        return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:
        return None


def split_offices(position: str) -> list[tuple[str, date | None, date | None]]:
    """``[(office, valid_from, valid_to)]`` of a position text."""
    pieces: list[str] = []
    depth, current = 0, []
    for ch in position or "":
        if ch == "(":
            depth += 1
            pieces.append("".join(current))
            current = []
            continue
        if ch == ")":
            depth = max(0, depth - 1)
            pieces.append("".join(current))
            current = []
            continue
        if ch in ",;" and depth == 0:
            pieces.append("".join(current))
            current = []
            continue
        current.append(ch)
    pieces.append("".join(current))
    offices = []
    for piece in pieces:
        start, end = _date(_FROM.search(piece)), _date(_TO.search(piece))
        name = _TO.sub("", _FROM.sub("", piece)).strip(" ,;-–")
        if name:
            offices.append((name, start, end))
    return offices
