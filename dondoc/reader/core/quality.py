"""Measuring the reader against annotated directives (đo chất lượng đọc văn bản).

A set is a folder of ``<name>.txt`` with ``<name>.json`` (title, kind, date and the tasks a
person found: content, members, leads, coordinating, deadline). A gold task matches a proposed
one when their contents overlap enough: token F1 ≥ 0.5 on folded words, paired one-to-one
best-first. Proposals below ``PROPOSE_AT`` confidence are hints and are not counted.

Over matched pairs, a field is right when the sets agree after resolving names through the
register (an alias and the official name are one agency; the phrasings of a collective
agency, "UBND các tỉnh, thành phố trực thuộc Trung ương" and "Các tỉnh, thành phố", are one
group); a member the reader could only name by an office it could not resolve ("Trưởng Ban
Tổ chức Trung ương") is neither right nor wrong when the annotation lists nobody. A deadline
is right when the due dates agree, or, without a due date, when the phrases agree.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from dondoc.reader.core.assign import PROPOSE_AT
from dondoc.reader.core.normalise import fold_same_length
from dondoc.reader.core.reading import read_directive
from dondoc.reader.core.resolve import Resolver
from dondoc.reader.core.types import Proposal, Reading, Register

MATCH_AT = 0.5


def tokens(text: str) -> list[str]:
    folded = fold_same_length(unicodedata.normalize("NFC", text or ""))
    return [w for w in re.split(r"[^\w]+", folded) if w]


def token_f1(a: str, b: str) -> float:
    ta, tb = Counter(tokens(a)), Counter(tokens(b))
    common = sum((ta & tb).values())
    if not common:
        return 0.0
    precision, recall = common / sum(tb.values()), common / sum(ta.values())
    return 2 * precision * recall / (precision + recall)


@dataclass
class Score:
    gold: int = 0
    proposed: int = 0
    matched: int = 0
    fields: dict[str, list[int]] = field(
        default_factory=lambda: {
            k: [0, 0] for k in ("members", "leads", "coordinating", "deadline")
        }
    )
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.gold += other.gold
        self.proposed += other.proposed
        self.matched += other.matched
        for k, (right, total) in other.fields.items():
            self.fields[k][0] += right
            self.fields[k][1] += total
        self.misses.extend(other.misses)

    @property
    def precision(self) -> float:
        return self.matched / self.proposed if self.proposed else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def accuracy(self, key: str) -> float:
        right, total = self.fields[key]
        return right / total if total else 1.0


def _key(text: str) -> str:
    return " ".join(tokens(text))


def _agency_key(name: str, resolver: Resolver) -> str:
    agency = resolver.agency(_key(name))
    if agency:
        return _key(agency.name)
    group = resolver.group(name)
    return f"group {_key(group.name)}" if group else _key(name)


def _members_right(proposal: Proposal, gold: list[str]) -> bool:
    resolved = {_key(m.value) for m in proposal.members if m.resolved_id is not None}
    unresolved = [_key(m.value) for m in proposal.members if m.resolved_id is None]
    wanted = {_key(g) for g in gold}
    wanted = {g for g in wanted if not any(g in u or u in g for u in unresolved)}
    return resolved == wanted


def _agencies_right(fields, gold: list[str], resolver: Resolver) -> bool:
    got = {_agency_key(f.value, resolver) for f in fields}
    return got == {_agency_key(g, resolver) for g in gold}


def _deadline_right(proposal: Proposal, gold: dict) -> bool:
    due = gold.get("deadline_due")
    if due:
        return proposal.due is not None and proposal.due.isoformat() == due
    text = gold.get("deadline_text") or ""
    got = proposal.deadline.value if proposal.deadline else ""
    return _key(text) == _key(got)


def score_reading(reading: Reading, gold: dict, register: Register | None, name: str = "") -> Score:
    resolver = Resolver(register, reading.header.date)
    proposals = [t for t in reading.tasks if t.confidence >= PROPOSE_AT]
    golds = gold.get("tasks", [])
    score = Score(gold=len(golds), proposed=len(proposals))
    pairs = sorted(
        (
            (token_f1(g["content"], p.content), gi, pi)
            for gi, g in enumerate(golds)
            for pi, p in enumerate(proposals)
        ),
        reverse=True,
    )
    used_g: set[int] = set()
    used_p: set[int] = set()
    for f1, gi, pi in pairs:
        if f1 < MATCH_AT:
            break
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        score.matched += 1
        g, p = golds[gi], proposals[pi]
        checks = {
            "members": _members_right(p, g.get("members", [])),
            "leads": _agencies_right(p.leads, g.get("leads", []), resolver),
            "coordinating": _agencies_right(p.coordinators, g.get("coordinating", []), resolver),
            "deadline": _deadline_right(p, g),
        }
        for k, ok in checks.items():
            score.fields[k][1] += 1
            score.fields[k][0] += int(ok)
            if not ok:
                score.misses.append(f"{name} {g['key']}: {k}")
    for gi, g in enumerate(golds):
        if gi not in used_g:
            score.misses.append(f"{name} {g['key']}: not found")
    for pi, p in enumerate(proposals):
        if pi not in used_p:
            score.misses.append(f"{name} {p.key}: proposed, not annotated")
    return score


def load_set(folder: Path) -> list[tuple[str, str, dict]]:
    items = []
    for gold_path in sorted(folder.glob("*.json")):
        text_path = gold_path.with_suffix(".txt")
        if text_path.exists():
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
            items.append((gold_path.stem, text_path.read_text(encoding="utf-8"), gold))
    return items


def score_set(folder: Path, register: Register | None) -> Score:
    total = Score()
    for name, text, gold in load_set(folder):
        total.add(score_reading(read_directive(text, register=register), gold, register, name))
    return total
