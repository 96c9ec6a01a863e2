"""Suggest the solution group (nhóm nhiệm vụ, giải pháp) of a task from its wording.

Each group of a program lists keywords; the group whose keywords appear most in the task's
content (longer phrases weigh more) is suggested. The program's own name for its field ("khoa
học, công nghệ, đổi mới sáng tạo và chuyển đổi số") appears in nearly every task and is ignored.
No keyword, or a tie: no suggestion — a human decides.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TypeVar

from dondoc.core.text import fold

K = TypeVar("K")

_BOILERPLATE = re.compile(
    r"khoa hoc,? cong nghe,? doi moi sang tao,? (va )?chuyen doi so( quoc gia)?"
    r"|kh,? cn,? dmst,? (va )?cds"
)


def _pattern(keyword: str) -> re.Pattern[str] | None:
    folded = fold(keyword).strip()
    if not folded:
        return None
    return re.compile(r"(?<!\w)" + re.escape(folded) + r"(?!\w)")


def suggest_group(content: str, groups: Iterable[tuple[K, Sequence[str]]]) -> K | None:
    """The key of the best-matching group for ``content``, or None when nothing stands out."""
    text = _BOILERPLATE.sub(" ", fold(content))
    scores: list[tuple[float, K]] = []
    for key, keywords in groups:
        score = 0.0
        for keyword in keywords:
            pattern = _pattern(keyword)
            if pattern is not None and pattern.search(text):
                score += 1 + 0.1 * len(fold(keyword).split())
        if score:
            scores.append((score, key))
    if not scores:
        return None
    scores.sort(key=lambda item: item[0], reverse=True)
    if len(scores) > 1 and scores[0][0] == scores[1][0]:
        return None
    return scores[0][1]


def group_keywords(program) -> list[tuple[object, list[str]]]:
    """The program's groups as ``(group, keywords)`` pairs for ``suggest_group``."""
    return [
        (group, [k for k in group.keywords.splitlines() if k.strip()])
        for group in program.groups.all()
    ]
