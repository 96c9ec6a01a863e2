"""Text helpers for Vietnamese: folding for search and matching.

``fold`` removes diacritics (including "đ"), lowercases and collapses whitespace, so
"Đảng uỷ Bộ KH&CN" and "dang uy bo kh&cn" compare equal, and "uỷ"/"ủy" (the two placements of
the tone mark) become the same string. The database keeps a folded copy of searchable text in a
column, so search ignores diacritics identically on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w]+")
_D_MAP = str.maketrans({"đ": "d", "Đ": "D"})


def strip_diacritics(text: str) -> str:
    """Return ``text`` without Vietnamese diacritics, keeping case ("Đất hiếm" -> "Dat hiem")."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str | None) -> str:
    """Lowercase, diacritic-free, single-spaced form of ``text`` for search and comparison."""
    if not text:
        return ""
    return _SPACES.sub(" ", strip_diacritics(text).lower()).strip()


def words(text: str | None) -> list[str]:
    """Folded words of ``text`` with punctuation removed ("KH, CN" -> ["kh", "cn"])."""
    return [w for w in _NON_WORD.sub(" ", fold(text)).split(" ") if w]


def normalize_spaces(text: str | None) -> str:
    """Collapse runs of whitespace (line breaks from PDFs included) into single spaces."""
    if not text:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()
