"""Recognising a table's columns by what their headings mean (nhận dạng cột theo tiêu đề).

A plan's appendix names its columns in its own words: "Nội dung nhiệm vụ", "Tên nhiệm vụ",
"NHIỆM VỤ (2)", "Cơ quan chủ trì thực hiện". A caller describes each column it wants by a key
and a list of synonym phrases; :func:`recognise_columns` finds which heading means which key,
with diacritics, case, punctuation and numbering ignored, and :func:`find_header_row` finds the
header among the rows above the data (a title, merged heading rows, a numbering row "(1) (2)").

Pure Python, no Django.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from dondoc.core.text import fold

__all__ = [
    "HEADER_SEARCH_ROWS",
    "find_header_row",
    "fold_heading",
    "is_numbering_row",
    "recognise_columns",
    "score_heading",
]

#: How many rows from the top may hold the header (titles and merged headings come first).
HEADER_SEARCH_ROWS = 15

_NUMBERING = re.compile(r"\(\s*(?:\d{1,3}|[a-z]|[ivx]{1,5}|\*+)\s*\)")
_LEADING_NUMBER = re.compile(r"^(?:\d{1,2}|[ivx]{1,4})[.)]\s+")
_NON_WORD = re.compile(r"[\W_]+")
_NUMBER_CELL = re.compile(r"^[(\[]?\s*(?:\d{1,3}|[a-z]|[ivx]{1,5})\s*[)\].]?$")

_EXACT, _PREFIX, _CONTAINS = 3.0, 2.0, 1.5
#: Below this share of common words a heading is not taken to mean a synonym.
_MIN_OVERLAP = 0.5


def fold_heading(text: object) -> str:
    """``text`` as compared with synonyms: no diacritics ("đ" -> "d"), lowercase, numbering
    such as "(1)" or a leading "2." removed, punctuation replaced by spaces, spaces collapsed.

    ``fold_heading("Nội dung nhiệm vụ (2)") == "noi dung nhiem vu"``.
    """
    if text is None:
        return ""
    folded = fold(str(text))
    folded = _NUMBERING.sub(" ", folded)
    folded = _LEADING_NUMBER.sub("", folded)
    return " ".join(_NON_WORD.sub(" ", folded).split())


def score_heading(heading: str, synonym: str) -> float:
    """How well a folded ``heading`` means a folded ``synonym``; 0 when it does not.

    Exact (3 + a little for length) > the heading starts with the synonym (2 + share of the
    heading it covers) > contains it as whole words (1.5 + share) > shares at least half of
    their words (the Jaccard share, under 1).
    """
    if not heading or not synonym:
        return 0.0
    if heading == synonym:
        return _EXACT + len(synonym) / 1000
    cover = len(synonym) / len(heading)
    if heading.startswith(synonym + " "):
        return _PREFIX + cover / 2
    if f" {synonym} " in f" {heading} ":
        return _CONTAINS + cover / 2
    mine, theirs = set(heading.split()), set(synonym.split())
    share = len(mine & theirs) / len(mine | theirs)
    return share if share >= _MIN_OVERLAP else 0.0


def _folded_synonyms(synonyms: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    return {key: [f for f in map(fold_heading, phrases) if f] for key, phrases in synonyms.items()}


def recognise_columns(
    headings: Sequence[object], synonyms: Mapping[str, Sequence[str]]
) -> dict[str, int]:
    """``{key: column index}`` for the headings that mean one of the keys.

    Each (key, column) pair is scored by its best synonym (:func:`score_heading`); pairs are
    taken best first, so each column serves one key and each key one column. A tie goes to the
    key listed first in ``synonyms``, then to the leftmost column. Unrecognised columns and
    keys are left out.
    """
    folded_synonyms = _folded_synonyms(synonyms)
    folded_headings = [fold_heading(h) for h in headings]
    pairs: list[tuple[float, int, int, str]] = []
    for key_order, (key, phrases) in enumerate(folded_synonyms.items()):
        for column, heading in enumerate(folded_headings):
            score = max((score_heading(heading, phrase) for phrase in phrases), default=0.0)
            if score > 0:
                pairs.append((-score, key_order, column, key))
    pairs.sort()
    found: dict[str, int] = {}
    used: set[int] = set()
    for _score, _order, column, key in pairs:
        if key not in found and column not in used:
            found[key] = column
            used.add(column)
    return found


def is_numbering_row(cells: Sequence[object]) -> bool:
    """True for the row under a header that numbers its columns: "(1) (2) (3)", "1 2 3",
    "A B C". At least two cells are filled and every filled cell is such a number."""
    filled = [fold(str(c)) for c in cells if c is not None and str(c).strip()]
    return len(filled) >= 2 and all(_NUMBER_CELL.match(c) for c in filled)


def find_header_row(
    rows: Sequence[Sequence[object]],
    synonyms: Mapping[str, Sequence[str]],
    min_keys: int = 2,
) -> int | None:
    """Index of the first row among the first :data:`HEADER_SEARCH_ROWS` in which at least
    ``min_keys`` keys are recognised, or None. A numbering row never counts as a header."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if is_numbering_row(row):
            continue
        if len(recognise_columns(list(row), synonyms)) >= min_keys:
            return index
    return None
