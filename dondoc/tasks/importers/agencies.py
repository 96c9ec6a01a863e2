"""Splitting a cell of agencies into names, knowing which names exist (tách tên cơ quan).

Agency names contain commas and "và": "Bộ Văn hóa, Thể thao và Du lịch", "Bộ Lao động - Thương
binh và Xã hội", "Bộ Khoa học và Công nghệ". A cell listing them, "Bộ Văn hóa, Thể thao và Du
lịch, Bộ Tài chính và Ngân hàng Nhà nước", is split in two passes:

1. known names (the units of the database, given by the caller) and the fixed collective phrases
   (:data:`COLLECTIVE_AGENCIES`: "Các bộ, ngành, địa phương", "UBND các tỉnh, thành phố trực
   thuộc trung ương", ...) are found first, longest first, word by word with diacritics, case
   and punctuation ignored, where they stand between separators;
2. the rest is split on line breaks, on ";" and on commas followed by the start of an agency
   (``appendix.split_agencies``, which also expands "Đảng uỷ các Bộ: A; B" and a bare city after
   a city committee), then on " và " between two names that each start like an agency.

Pure Python, no Django.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from dondoc.core.text import fold, normalize_spaces
from dondoc.tasks.importers.appendix import (
    _clean_agency,
    _starts_agency,
    _with_inherited_committee,
    split_agencies,
)

__all__ = ["COLLECTIVE_AGENCIES", "AgencyNames", "split_agency_names"]

#: Phrases naming many agencies at once; never split (the importer resolves them to groups).
COLLECTIVE_AGENCIES: tuple[str, ...] = (
    "Các bộ, ngành, địa phương",
    "Các bộ, ngành, địa phương liên quan",
    "Các bộ, ngành, cơ quan, địa phương",
    "Các bộ, ngành, cơ quan liên quan",
    "Các bộ, ngành liên quan",
    "Các bộ, ngành",
    "Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ",
    "Các bộ, cơ quan ngang bộ",
    "Các cơ quan, đơn vị liên quan",
    "Các cơ quan, đơn vị",
    "Các cơ quan liên quan",
    "Các địa phương",
    "Các tỉnh, thành phố",
    "Các tỉnh, thành phố trực thuộc trung ương",
    "UBND các tỉnh, thành phố",
    "UBND các tỉnh, thành phố trực thuộc trung ương",
    "Ủy ban nhân dân các tỉnh, thành phố",
    "Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương",
    "Các tỉnh ủy, thành ủy",
    "Các tỉnh ủy, thành ủy trực thuộc trung ương",
)

#: Starts of a name on both sides of " và " that make it a separator ("Bộ Tài chính và Ngân
#: hàng Nhà nước"); "Bộ Khoa học và Công nghệ" stays whole.
_AND_STARTS = tuple(
    fold(word)
    for word in (
        "Bộ",
        "Ủy ban",
        "Uỷ ban",
        "UBND",
        "Ngân hàng",
        "Văn phòng",
        "Thanh tra",
        "Tòa án",
        "Toà án",
        "Viện",
        "Đài",
        "Thông tấn xã",
        "Đảng ủy",
        "Đảng uỷ",
        "Đảng đoàn",
        "Ban cán sự",
        "Tỉnh ủy",
        "Tỉnh uỷ",
        "Thành ủy",
        "Thành uỷ",
        "Các bộ",
        "Kiểm toán",
        "Tổng cục",
        "Cục",
        "Sở",
        "Mặt trận",
        "Học viện",
        "Tập đoàn",
        "Công an",
    )
)
_WORD = re.compile(r"\w+")
_SEPARATORS = re.compile(r"[;,\n]")
_AND = re.compile(r"\s+và\s+", re.IGNORECASE)
_EDGE_AND = re.compile(r"^và\s+|\s+và$", re.IGNORECASE)
_BULLET = re.compile(r"^\s*[-+•*]\s*")


def _starts_like_agency(text: str, starts: tuple[str, ...]) -> bool:
    text = _BULLET.sub("", text).strip()
    if not text or not text[0].isupper():
        return False
    folded = fold(text) + " "
    return any(folded.startswith(start + " ") for start in starts)


class AgencyNames:
    """The known names, indexed once, to split many cells (one import) against them."""

    def __init__(self, known: Iterable[str] = ()) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        seen: set[tuple[str, ...]] = set()
        for name in (*COLLECTIVE_AGENCIES, *known):
            words = tuple(fold(w) for w in _WORD.findall(name or ""))
            if words and words not in seen:
                seen.add(words)
                self._by_first.setdefault(words[0], []).append((words, normalize_spaces(name)))
        for candidates in self._by_first.values():
            candidates.sort(key=lambda item: -len(item[0]))

    def _match(self, words: list[str], at: int) -> tuple[tuple[str, ...], str] | None:
        for candidate in self._by_first.get(words[at], ()):
            if tuple(words[at : at + len(candidate[0])]) == candidate[0]:
                return candidate
        return None

    def split(self, text: str | None) -> list[str]:
        """The agencies in ``text``: known names as the caller spells them, others as printed."""
        if not text or not text.strip():
            return []
        spans = [(m.start(), m.end()) for m in _WORD.finditer(text)]
        words = [fold(text[s:e]) for s, e in spans]

        def gap(index: int) -> str:  # the text before word ``index``
            start = spans[index - 1][1] if index else 0
            end = spans[index][0] if index < len(spans) else len(text)
            return text[start:end]

        def starts_name(index: int) -> bool:
            rest = text[spans[index][0] :]
            return self._match(words, index) is not None or _starts_agency(rest)

        def boundary_before(index: int) -> bool:
            return (
                index == 0
                or _SEPARATORS.search(gap(index)) is not None
                or (words[index - 1] == "va" and index > 1)
            )

        def boundary_after(index: int) -> bool:
            if index == len(words):
                return True
            between = gap(index)
            if ";" in between or "\n" in between:
                return True
            if "," in between:
                return starts_name(index)
            if words[index] == "va" and index + 1 < len(words):
                rest = text[spans[index + 1][0] :]
                return self._match(words, index + 1) is not None or _starts_like_agency(
                    rest, _AND_STARTS
                )
            return False

        found: list[tuple[int, str]] = []  # (character position, name)
        leftover_from = 0
        index = 0
        while index < len(words):
            candidate = self._match(words, index) if boundary_before(index) else None
            if candidate and boundary_after(index + len(candidate[0])):
                start = spans[index][0]
                self._split_rest(text[leftover_from:start], leftover_from, found)
                found.append((start, candidate[1]))
                index += len(candidate[0])
                leftover_from = spans[index - 1][1]
            else:
                index += 1
        self._split_rest(text[leftover_from:], leftover_from, found)
        found.sort(key=lambda item: item[0])
        names: list[str] = []
        seen: set[str] = set()
        for name in _with_inherited_committee([name for _at, name in found]):
            key = fold(name)
            if key and key not in seen:
                seen.add(key)
                names.append(name)
        return names

    @staticmethod
    def _split_rest(rest: str, offset: int, found: list[tuple[int, str]]) -> None:
        """Names in the text between known names, by separators."""
        for line_number, line in enumerate(rest.split("\n")):
            line = _BULLET.sub("", line).strip(" ,;.:")
            line = _EDGE_AND.sub("", line).strip(" ,;")
            if not line or fold(line) == "va":
                continue
            for name in split_agencies(line):
                for part in _split_on_and(name):
                    # Keep the order: the position of the line is close enough within a gap.
                    found.append((offset + line_number, part))


def _split_on_and(name: str) -> list[str]:
    parts = _AND.split(name)
    if len(parts) == 1:
        return [name]
    merged = [parts[0]]
    for part in parts[1:]:
        if _starts_like_agency(merged[-1], _AND_STARTS) and _starts_like_agency(part, _AND_STARTS):
            merged.append(part)
        else:
            merged[-1] = f"{merged[-1]} và {part}"
    return [cleaned for cleaned in map(_clean_agency, merged) if cleaned]


def split_agency_names(text: str | None, known: Iterable[str] | AgencyNames = ()) -> list[str]:
    """Agencies of a "Cơ quan chủ trì" / "Cơ quan phối hợp" cell.

    ``known`` are the existing names (or an :class:`AgencyNames` built once for many cells);
    a known name is returned as spelled in ``known``, any other as printed (spaces normalised).
    """
    names = known if isinstance(known, AgencyNames) else AgencyNames(known)
    return names.split(text)
