"""Recognise the same task (nhiệm vụ) across documents.

The same task comes back in later documents with small edits: a conclusion notice writes
"khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số", the report's appendix abbreviates it
"KH, CN, ĐMST và CĐS", a trailing period becomes a semicolon, a clause is added. Other tasks
of the same document share most of their words yet differ in what matters: "sửa đổi, bổ sung
một số quy định trong Luật Viên chức" and "... trong Luật Phòng, chống tham nhũng" are two
tasks. :func:`similarity` therefore weighs the words two texts do not share: generic words
(function words, "xây dựng", "nghiên cứu"...) count little, and words each side has that the
other lacks lower the score more than words only one side adds.

:func:`match_task` picks the best candidate and says whether it is the "same" task, a "maybe"
to queue for a human, or a "new" one.
"""

from __future__ import annotations

import difflib
import heapq
import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from dondoc.core.text import words

__all__ = [
    "MAYBE_THRESHOLD",
    "SAME_THRESHOLD",
    "CandidateIndex",
    "MatchDecision",
    "match_task",
    "normalise_for_match",
    "similarity",
]

# Abbreviations of these documents, folded ("ĐMST" -> "dmst").
_ABBREVIATIONS: dict[str, str] = {
    "kh": "khoa hoc",
    "cn": "cong nghe",
    "khcn": "khoa hoc cong nghe",
    "dmst": "doi moi sang tao",
    "cds": "chuyen doi so",
    "tp": "thanh pho",
    "tphcm": "thanh pho ho chi minh",
    "hcm": "ho chi minh",
    "nq": "nghi quyet",
    "tw": "trung uong",
    "bcd": "ban chi dao",
    "bcdtw": "ban chi dao trung uong",
    "cnc": "cong nghe cao",
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "bql": "ban quan ly",
    "csdl": "co so du lieu",
    "ttdl": "trung tam du lieu",
    "ttdlqg": "trung tam du lieu quoc gia",
    "nnmt": "nong nghiep moi truong",
    "gddt": "giao duc dao tao",
    "khdt": "ke hoach dau tu",
}


def _word_set(*lines: str) -> frozenset[str]:
    return frozenset(" ".join(lines).split())


# Words dropped entirely: the conjunction "và" comes and goes with abbreviations
# ("KH, CN, ĐMST và CĐS" vs "khoa học, công nghệ, đổi mới sáng tạo, chuyển đổi số").
_DROPPED = frozenset({"va"})

# Function words and the generic verbs of task wording weigh little...
_LIGHT_WORDS = _word_set(
    "cac cua de cho trong voi ve la mot nhung theo tai co duoc da dang se nay do thi",
    "ma khi tu den nham bang hoac cung nhu sau tren duoi vao ra lai con viec toi",
    "xay dung nghien cuu trien khai ban hanh thuc hien de xuat som khan truong tiep tuc",
    "day manh tang cuong hoan thien hoan thanh chi dao chu tri phoi hop to chuc bao dam",
    "trinh cap tham quyen ket qua nhiem vu giai phap tap trung",
)
# ...and so do the phrases every task of Resolution 57 is about, so that what sets two tasks
# apart ("viên chức", "tham nhũng") outweighs what they share ("sửa đổi, bổ sung luật").
# Phrases, not syllables: "công" is common in "công nghệ" but not in "công chức".
_COMMON_PHRASES: tuple[tuple[str, ...], ...] = tuple(
    tuple(phrase.split())
    for phrase in (
        "phat trien",
        "khoa hoc",
        "cong nghe",
        "cong nghiep",
        "doi moi sang tao",
        "chuyen doi so",
        "quoc gia",
        "chien luoc",
        "chinh sach",
        "co che",
        "sua doi",
        "bo sung",
        "quy dinh",
        "he thong",
        "luat",
        "nghi quyet",
        "trung uong",
        "ban chi dao",
    )
)
_LIGHT_WEIGHT = 0.3
_COMMON_WEIGHT = 0.4
_NUMBER_WEIGHT = 0.6
# How hard replaced and added words pull the score down (see ``_directed_score``).
_REPLACED_PENALTY_EXPONENT = 4.0
_ADDED_PENALTY_EXPONENT = 0.35


def normalise_for_match(text: str | None) -> str:
    """Folded words of ``text`` with this domain's abbreviations expanded.

    "KH, CN, ĐMST và CĐS" -> "khoa hoc cong nghe doi moi sang tao chuyen doi so"; punctuation
    (including a trailing period or semicolon) is removed, "uỷ"/"ủy" compare equal and the
    conjunction "và" is dropped, as it comes and goes with abbreviations.
    """
    expanded: list[str] = []
    for word in words(text):
        replacement = _ABBREVIATIONS.get(word)
        if replacement:
            expanded.extend(replacement.split())
        elif word not in _DROPPED:
            expanded.append(word)
    return " ".join(expanded)


_PHRASES_BY_FIRST_WORD: dict[str, list[tuple[str, ...]]] = {}
for _phrase in _COMMON_PHRASES:
    _PHRASES_BY_FIRST_WORD.setdefault(_phrase[0], []).append(_phrase)


def _token_weights(tokens: Sequence[str]) -> list[float]:
    """Weight of each word where it stands: light, part of a common phrase, number or full."""
    weights = [
        _LIGHT_WEIGHT if token in _LIGHT_WORDS else _NUMBER_WEIGHT if token.isdigit() else 1.0
        for token in tokens
    ]
    for start, token in enumerate(tokens):
        for phrase in _PHRASES_BY_FIRST_WORD.get(token, ()):
            end = start + len(phrase)
            if tuple(tokens[start:end]) == phrase:
                for index in range(start, end):
                    weights[index] = min(weights[index], _COMMON_WEIGHT)
    return weights


@dataclass(frozen=True)
class _Prepared:
    """A text ready for comparison: its words and its weighted words and word pairs."""

    tokens: tuple[str, ...]
    features: Mapping[str, float]


@lru_cache(maxsize=4096)
def _prepare(text: str | None) -> _Prepared:
    """Words and adjacent word pairs (Vietnamese words are mostly two syllables), weighted.

    A word or pair seen several times keeps its highest weight.
    """
    tokens = tuple(normalise_for_match(text).split())
    weights = _token_weights(tokens)
    features: dict[str, float] = {}
    for token, weight in zip(tokens, weights, strict=True):
        features[token] = max(weight, features.get(token, 0.0))
    for index in range(len(tokens) - 1):
        pair = f"{tokens[index]} {tokens[index + 1]}"
        weight = min(weights[index], weights[index + 1])
        features[pair] = max(weight, features.get(pair, 0.0))
    return _Prepared(tokens, features)


def _score(a: _Prepared, b: _Prepared, *, floor: float = 0.0) -> float:
    """Similarity of two prepared texts; symmetric, exact unless it is below ``floor``.

    The word-order ratio is the costly part: when even a perfect one could not lift the score
    to ``floor``, the upper bound is returned instead.
    """
    if a.tokens == b.tokens:
        return 1.0
    if not a.tokens or not b.tokens:
        return 0.0
    shared = a.features.keys() & b.features.keys()
    # fsum: the same total whatever order the sets are walked in, so the score is symmetric.
    common = math.fsum((a.features[key] + b.features[key]) / 2 for key in shared)
    if common <= 0:
        return 0.0
    only_a = math.fsum(weight for key, weight in a.features.items() if key not in shared)
    only_b = math.fsum(weight for key, weight in b.features.items() if key not in shared)
    jaccard = common / (common + (only_a + only_b))  # grouped: same either way round
    # Words both sides have in place of each other ("viên chức" / "tham nhũng"): the share of
    # the smaller side's content the other side replaces. They point to a different object of
    # the same verb and weigh hardest.
    replaced = min(only_a, only_b) / (common + min(only_a, only_b))
    # Words only one side has beyond that (a clause, a second object, an explanation): the
    # task may have grown or been merged with another; they weigh less.
    added = abs(only_a - only_b) / (common + max(only_a, only_b))
    containment = 1.0 - replaced
    penalty = (1.0 - replaced) ** _REPLACED_PENALTY_EXPONENT * (
        1.0 - added
    ) ** _ADDED_PENALTY_EXPONENT
    bound = (0.4 * containment + 0.3 * jaccard + 0.3) * penalty
    if bound < floor:
        return bound
    first, second = sorted((a.tokens, b.tokens))
    sequence = difflib.SequenceMatcher(None, first, second, autojunk=False).ratio()
    base = 0.4 * containment + 0.3 * jaccard + 0.3 * sequence
    return min(1.0, max(0.0, base * penalty))


def similarity(a: str | None, b: str | None) -> float:
    """How likely two task texts describe the same task, from 0 to 1 (symmetric).

    Combines a weighted Jaccard index and a containment ratio over words and word pairs with
    :class:`difflib.SequenceMatcher`'s ratio over words, then lowers the result by the share of
    words that each side replaces with others and, less, by the share one side adds. Identical
    texts after :func:`normalise_for_match` score 1.
    """
    return _score(_prepare(a), _prepare(b))


#: Scores at or above this are the same task.
SAME_THRESHOLD = 0.8
#: Scores at or above this (and below :data:`SAME_THRESHOLD`) go to a human.
MAYBE_THRESHOLD = 0.4

# Tuned on the Q1/2025 report and the conclusion notice 01-TB/BCĐTW: Appendix 1 tasks repeated
# in Appendix 2 score 1 (the same words once abbreviations are expanded), tasks of the notice
# reworded in the report 0.82 and more, a task with a second object added 0.73 to 0.78, a task
# with the notice's explanations around it 0.35 to 0.45, and two different tasks of Appendix 2
# at most 0.37 (the amendments of "Luật Viên chức" and "Luật Sở hữu trí tuệ").
_LEAD_BONUS = 0.02
_LEAD_MALUS = 0.05
# Party bodies are named with or without their committee ("Đảng uỷ Bộ Tài chính" leads what
# "Bộ Tài chính" does).
_LEAD_PREFIXES = ("dang uy ", "ban can su dang ", "dang doan ", "dang bo ")


@dataclass(frozen=True)
class MatchDecision:
    """Outcome of :func:`match_task`.

    ``candidate`` is the key of the best candidate for "same" and "maybe", None for "new";
    ``score`` is the best score either way.
    """

    kind: Literal["same", "maybe", "new"]
    candidate: Hashable | None
    score: float


def _lead_key(agency: str) -> str:
    key = normalise_for_match(agency)
    for prefix in _LEAD_PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix) :]
    return key


def _lead_keys(agencies: Iterable[str]) -> set[str]:
    return {key for key in map(_lead_key, agencies) if key}


def match_task(
    content: str,
    candidates: Iterable[tuple[Hashable, str]],
    *,
    lead_agencies: Iterable[str] = (),
    candidate_leads: Mapping[Hashable, Iterable[str]] | None = None,
    same_threshold: float = SAME_THRESHOLD,
    maybe_threshold: float = MAYBE_THRESHOLD,
) -> MatchDecision:
    """The candidate task ``content`` most likely repeats, and how sure that is.

    ``candidates`` are ``(key, content)`` pairs. When both sides know their lead agencies
    (cơ quan chủ trì), a shared agency raises the score a little and disjoint ones lower it;
    "Đảng uỷ Bộ X" and "Bộ X" count as the same agency. Ties keep the first candidate.
    """
    leads = _lead_keys(lead_agencies)
    prepared = _prepare(content)
    best_key: Hashable | None = None
    best_score = -1.0
    for key, text in candidates:
        # A candidate that cannot beat the best so far, even with the lead bonus, is skipped.
        score = _score(prepared, _prepare(text), floor=best_score - _LEAD_BONUS)
        if leads and candidate_leads is not None and key in candidate_leads:
            other = _lead_keys(candidate_leads[key])
            if other:
                score += _LEAD_BONUS if leads & other else -_LEAD_MALUS
        score = max(0.0, min(1.0, score))
        if score > best_score:
            best_key, best_score = key, score
    best_score = round(best_score, 6)
    if best_key is None:
        return MatchDecision("new", None, 0.0)
    if best_score >= same_threshold:
        return MatchDecision("same", best_key, best_score)
    if best_score >= maybe_threshold:
        return MatchDecision("maybe", best_key, best_score)
    return MatchDecision("new", None, best_score)


class CandidateIndex:
    """Known task texts indexed by their words, so a new text meets only the few that share
    its rarer words (chỉ so với các nhiệm vụ có từ chung) instead of every task of the program.

    :meth:`candidates` ranks the texts by the summed rarity (inverse document frequency) of
    the words they share with the new text and keeps the best ``limit`` of them, in the order
    they were added, so :func:`match_task` decides among them exactly as it would have (ties
    keep the first). A program of at most ``limit`` texts passes them all. Words found in more
    than a tenth of the texts are not looked up (they cannot tell tasks apart); a text made
    only of such words still meets its exact repeats.
    """

    def __init__(self, limit: int = 40) -> None:
        self.limit = limit
        self._texts: list[tuple[Hashable, str]] = []
        self._postings: dict[str, list[int]] = defaultdict(list)
        self._exact: dict[tuple[str, ...], list[int]] = defaultdict(list)

    def __len__(self) -> int:
        return len(self._texts)

    @staticmethod
    def _words(tokens: tuple[str, ...]) -> set[str]:
        return {token for token in tokens if token not in _LIGHT_WORDS}

    def add(self, key: Hashable, text: str) -> None:
        position = len(self._texts)
        self._texts.append((key, text))
        tokens = _prepare(text).tokens
        self._exact[tokens].append(position)
        for token in self._words(tokens):
            self._postings[token].append(position)

    def texts(self) -> list[tuple[Hashable, str]]:
        """Every ``(key, text)`` added, in order."""
        return list(self._texts)

    def candidates(self, content: str) -> list[tuple[Hashable, str]]:
        """The ``(key, text)`` pairs worth scoring against ``content``, in the order added."""
        total = len(self._texts)
        if total <= self.limit:
            return list(self._texts)
        tokens = _prepare(content).tokens
        common = max(self.limit, total // 10)
        weights: dict[int, float] = defaultdict(float)
        for token in self._words(tokens):
            posting = self._postings.get(token)
            if not posting or len(posting) > common:
                continue
            rarity = math.log(1.0 + total / len(posting))
            for position in posting:
                weights[position] += rarity
        chosen = {p for p, _w in heapq.nlargest(self.limit, weights.items(), key=_by_weight)}
        chosen.update(self._exact.get(tokens, ()))
        return [self._texts[position] for position in sorted(chosen)]

    def match(
        self,
        content: str,
        *,
        lead_agencies: Iterable[str] = (),
        candidate_leads: Mapping[Hashable, Iterable[str]] | None = None,
    ) -> MatchDecision:
        """:func:`match_task` over :meth:`candidates`."""
        return match_task(
            content,
            self.candidates(content),
            lead_agencies=lead_agencies,
            candidate_leads=candidate_leads,
        )


def _by_weight(item: tuple[int, float]) -> tuple[float, int]:
    # Heavier first; among equal weights, the earlier text (as a full scan would prefer it).
    return item[1], -item[0]
