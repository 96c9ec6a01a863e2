"""Reviewing a reading (rà soát kết quả đọc): the cards of a ``ReadingDraft`` and every change.

A card is one proposed task as a plain dict kept in ``ReadingDraft.proposals``::

    {"id": "c3", "key": "5.3", "parent_key": "5", "label": "(5).3", "content": "…",
     "members": [Name], "leads": [Name], "coordinators": [Name],
     "deadline": "Quý I/2025", "due": "2025-03-31" | None, "output": "…",
     "confidence": 0.8, "span": [start, end], "state": "proposed" | "accepted" | "dropped",
     "match": {"task_id": 12, "score": 0.93, "kind": "same" | "maybe",
               "proposal": "link" | "restate"} | None,
     "choice": "new" | "link" | "restate", "task_id": None,
     "group_id": 3 | None}

``group_id`` is the program's solution group (nhóm nhiệm vụ, giải pháp) the accepted task goes
into: suggested from the card's content by ``tasks.grouping.suggest_group`` (as the importer
does), changed by the clerk on the card.

where a ``Name`` is ``{"name": "Bộ Công an", "ref": "unit:7" | "group:2" | "member:4" | ""}``
(an empty ``ref``: the name matched nobody; the screen asks to map it).

Each change is one transaction on the draft re-read under a lock; a form carries the version
it was loaded at and a stale one raises ``Conflict`` (two clerks never lose each other's work).
Accepting creates the directive (when new) and the tasks through ``dondoc.tasks.services``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from dondoc.core.text import normalize_spaces
from dondoc.core.transitions import Conflict, locked
from dondoc.orgs.models import Member, OrgGroup, OrgUnit
from dondoc.reader.core.types import Field, Proposal, Reading
from dondoc.reader.models import DraftState, ReadingDraft
from dondoc.tasks import manage, services
from dondoc.tasks.deadlines import DeadlineKind, parse_deadline
from dondoc.tasks.grouping import group_keywords, suggest_group
from dondoc.tasks.importers.names import MemberResolver, OrgResolver, name_key
from dondoc.tasks.matching import CandidateIndex
from dondoc.tasks.models import Directive, DirectiveKind, SolutionGroup, Task, TaskSource

ROLES = ("members", "leads", "coordinators")
PROPOSED, ACCEPTED, DROPPED = "proposed", "accepted", "dropped"
NEW, LINK, RESTATE = "new", "link", "restate"
#: Below this confidence a card is marked for a closer look.
LOW_CONFIDENCE = 0.6

_KINDS = {"conclusion": DirectiveKind.NOTICE, **{k.value: k.value for k in DirectiveKind}}


def label_for(key: str) -> str:
    """The item label of a task's key as sources write it: "5.3" -> "(5).3", "5" -> "(5)";
    a key under a section or an article stays as it is: "III.2.1"."""
    parts = [p for p in (key or "").split(".") if p]
    if not parts:
        return ""
    if not parts[0].isdigit():
        return ".".join(parts)
    return f"({parts[0]})" + "".join(f".{p}" for p in parts[1:])


_DOTTED = re.compile(r"^(\d+)\.(\d+)\.?$")


def full_label(proposal: Proposal, by_key: dict[str, Proposal], depth: int = 0) -> str:
    """The item label a source shows, with its parent's: "3)" under "(5)" -> "(5).3"."""
    label = (proposal.label or "").strip()
    if not label:
        return label_for(proposal.key)
    parent = by_key.get(proposal.parent_key or "")
    if parent is None or label.startswith("(") or depth > 5:
        dotted = _DOTTED.match(label)
        return f"({dotted[1]}).{dotted[2]}" if dotted else label
    own = label.strip("(). ").rsplit(".", 1)[-1]
    return f"{full_label(parent, by_key, depth + 1)}.{own}"


# -- From a reading to cards ---------------------------------------------------------------


class _Names:
    """Resolves the names a card holds, to units, collective agencies or members."""

    def __init__(self, program, on: dt.date | None) -> None:
        self.orgs = OrgResolver()
        self.members = MemberResolver(program)
        self.on = on
        self._ids: dict[str, set[int]] = {}

    def _known(self, kind: str) -> set[int]:
        """Ids of the units (or collective agencies) there are, loaded once."""
        if kind not in self._ids:
            model = OrgGroup if kind == "group" else OrgUnit
            self._ids[kind] = set(model.objects.values_list("pk", flat=True))
        return self._ids[kind]

    def ref(
        self, role: str, name: str, resolved_id: int | None = None, resolved_kind: str = ""
    ) -> str:
        """``"member:4"``, ``"unit:7"`` or ``"group:2"`` for a name, ``""`` when it matched
        nobody; an agency the reader resolved says whether it is a unit or a collective
        agency (``resolved_kind``), checked against the database."""
        if role == "members":
            if resolved_id is not None:
                return f"member:{resolved_id}"
            member = self.members.resolve(name)
            return f"member:{member.pk}" if member else ""
        if resolved_id is not None:
            kind = "group" if resolved_kind == "group" else "unit"
            if resolved_id in self._known(kind):
                return f"{kind}:{resolved_id}"
        found = self.orgs.resolve_agency(name, self.on)
        if isinstance(found, OrgGroup):
            return f"group:{found.pk}"
        return f"unit:{found.pk}" if found else ""

    def entries(self, role: str, fields: Iterable[Field]) -> list[dict]:
        out, seen = [], set()
        for f in fields:
            name = normalize_spaces(f.value)
            if name and name_key(name) not in seen:
                seen.add(name_key(name))
                out.append(
                    {
                        "name": name,
                        "ref": self.ref(role, name, f.resolved_id, f.resolved_kind),
                    }
                )
        return out

    def rename(self, role: str, names: Sequence[str], before: Sequence[dict]) -> list[dict]:
        """Entries for the edited ``names``: a kept name keeps its mapping, others are looked up."""
        known = {name_key(e["name"]): e["ref"] for e in before}
        fields = [Field(n) for n in names]
        out = self.entries(role, fields)
        for entry in out:
            if known.get(name_key(entry["name"])):
                entry["ref"] = known[name_key(entry["name"])]
        return out


def card_from(proposal: Proposal, number: int, names: _Names, label: str = "") -> dict:
    deadline = proposal.deadline.value if proposal.deadline else ""
    due = proposal.due or parse_deadline(deadline).due if deadline else proposal.due
    return {
        "id": f"c{number}",
        "key": proposal.key,
        "parent_key": proposal.parent_key,
        "label": (label or label_for(proposal.key))[:64],
        "content": normalize_spaces(proposal.content),
        "members": names.entries("members", proposal.members),
        "leads": names.entries("leads", proposal.leads),
        "coordinators": names.entries("coordinators", proposal.coordinators),
        "deadline": normalize_spaces(deadline),
        "due": due.isoformat() if due else None,
        "output": normalize_spaces(proposal.expected_output.value)
        if proposal.expected_output
        else "",
        "confidence": round(float(proposal.confidence), 2),
        "span": [int(proposal.span[0]), int(proposal.span[1])],
        "state": PROPOSED,
        "match": None,
        "choice": NEW,
        "task_id": None,
        "group_id": None,
    }


def suggest_groups(program, cards: Iterable[dict]) -> None:
    """Each card without a solution group gets the one its content suggests, if any."""
    keywords = group_keywords(program)
    if not keywords:
        return
    for c in cards:
        if not c.get("group_id"):
            group = suggest_group(c["content"], keywords)
            c["group_id"] = group.pk if group is not None else None
            c["group_suggested"] = group is not None


def _issuer_for(text: str, program) -> OrgUnit | None:
    """The unit that issued the document, from the header's issuer line."""
    if text:
        found = OrgResolver().resolve(text)
        if found is not None:
            return found
        key = name_key(text)
        best = None
        for unit in OrgUnit.objects.all():
            for name in filter(None, (unit.name, unit.short_name)):
                k = name_key(name)
                if len(k) > 3 and k in key and (best is None or len(k) > best[0]):
                    best = (len(k), unit)
        if best:
            return best[1]
    return program.standing_office


def _header_from(reading: Reading, program) -> dict:
    h = reading.header
    issuer = _issuer_for(h.issuer_text, program)
    return {
        "number": h.number,
        "date": h.date.isoformat() if h.date else "",
        "issuer_text": h.issuer_text,
        "issuer_id": issuer.pk if issuer else None,
        "kind": _KINDS.get(h.kind, DirectiveKind.OTHER if h.kind else DirectiveKind.NOTICE),
        "title": h.title,
    }


def propose_matches(program, cards: list[dict], on: dt.date | None) -> None:
    """Mark the cards that repeat a task the program already has (from an earlier document):
    proposed as a link (a new source) or, when the deadline differs, a restatement."""
    tasks = {
        t.pk: t
        for t in Task.objects.filter(program=program, merged_into__isnull=True).only(
            "pk", "content", "deadline_kind", "due_on", "assigned_on"
        )
    }
    if not tasks:
        return
    index = CandidateIndex()
    for pk, task in tasks.items():
        index.add(pk, task.content)
    for card in cards:
        decision = index.match(card["content"])
        if decision.kind == "new":
            card["match"] = None
            continue
        task = tasks[decision.candidate]
        proposal = LINK
        deadline = parse_deadline(card["deadline"]) if card["deadline"] else None
        if deadline and deadline.kind not in (DeadlineKind.NONE, DeadlineKind.UNRECOGNISED):
            kind, due = manage.deadline_in_force(task, on or dt.date.today())
            if (deadline.kind.value, deadline.due) != (kind, due):
                proposal = RESTATE
        card["match"] = {
            "task_id": task.pk,
            "score": round(decision.score, 2),
            "kind": decision.kind,
            "proposal": proposal,
        }
        card["choice"] = proposal if decision.kind == "same" else NEW


@transaction.atomic
def create_draft(
    *, program, reading: Reading, by, source_name: str = "", assisted: dict | None = None
) -> ReadingDraft:
    """Keep ``reading`` as a draft of ``program`` to review, its cards resolved and matched;
    ``assisted`` says which fields of which task (by index) came from the language model."""
    header = _header_from(reading, program)
    on = dt.date.fromisoformat(header["date"]) if header["date"] else None
    names = _Names(program, on)
    by_key = {p.key: p for p in reading.tasks}
    cards = [
        card_from(p, i, names, full_label(p, by_key)) for i, p in enumerate(reading.tasks, start=1)
    ]
    for index, fields in (assisted or {}).items():
        cards[index]["assisted"] = list(fields)
    propose_matches(program, cards, on)
    suggest_groups(program, cards)
    return ReadingDraft.objects.create(
        program=program,
        created_by=by,
        source_name=source_name[:300],
        text=reading.text,
        header=header,
        proposals=cards,
    )


# -- Changes to the cards ------------------------------------------------------------------


def _change(draft: ReadingDraft, version: int | None, apply: Callable[[ReadingDraft], Any]) -> Any:
    """Apply ``apply`` to the draft re-read under a lock, refused when stale or done."""
    with transaction.atomic():
        fresh = locked(ReadingDraft, draft.pk)
        if version is not None and version != fresh.version:
            raise Conflict(
                _("Someone changed this reading meanwhile: look at it again and redo your change."),
                current=fresh,
            )
        result = apply(fresh)
        fresh.version += 1
        if all(c["state"] != PROPOSED for c in fresh.proposals):
            fresh.state = DraftState.DONE
        fresh.save()
    draft.__dict__.update(fresh.__dict__)
    return result


def card(draft: ReadingDraft, card_id: str) -> dict:
    for c in draft.proposals:
        if c["id"] == card_id:
            return c
    raise Conflict(_("This card no longer exists: look at the reading again."))


def _open(draft: ReadingDraft, card_id: str) -> dict:
    c = card(draft, card_id)
    if c["state"] == ACCEPTED:
        raise Conflict(_("This card has already been accepted."))
    return c


def _next_id(draft: ReadingDraft) -> str:
    numbers = [int(c["id"][1:]) for c in draft.proposals if c["id"][1:].isdigit()]
    return f"c{max(numbers, default=0) + 1}"


@dataclass
class CardEdit:
    content: str
    parent_key: str
    deadline: str
    output: str
    members: list[str] = field(default_factory=list)
    leads: list[str] = field(default_factory=list)
    coordinators: list[str] = field(default_factory=list)
    choice: str = NEW
    #: the solution group chosen on the card (None: none)
    group_id: int | None = None


def edit_card(draft: ReadingDraft, card_id: str, edit: CardEdit, *, version, by) -> None:
    def apply(fresh: ReadingDraft) -> None:
        c = _open(fresh, card_id)
        names = _Names(fresh.program, _draft_date(fresh))
        c["content"] = normalize_spaces(edit.content)
        c["parent_key"] = normalize_spaces(edit.parent_key) or None
        c["deadline"] = normalize_spaces(edit.deadline)
        due = parse_deadline(c["deadline"]).due if c["deadline"] else None
        c["due"] = due.isoformat() if due else None
        c["output"] = normalize_spaces(edit.output)
        for role in ROLES:
            c[role] = names.rename(role, getattr(edit, role), c[role])
        c["choice"] = edit.choice if (edit.choice == NEW or c["match"]) else NEW
        groups = SolutionGroup.objects.filter(program=fresh.program, pk=edit.group_id)
        c["group_id"] = edit.group_id if edit.group_id and groups.exists() else None
        c["group_suggested"] = False
        c["confidence"] = max(c["confidence"], 1.0)  # a person has read it
        c["assisted"] = []

    _change(draft, version, apply)


def map_names(draft: ReadingDraft, card_id: str, refs: dict[tuple[str, int], str], *, version, by):
    """Map unresolved names: ``refs`` holds ``(role, index) -> "unit:7"`` (or "" to drop)."""

    def apply(fresh: ReadingDraft) -> None:
        c = _open(fresh, card_id)
        for (role, index), ref in refs.items():
            if role in ROLES and 0 <= index < len(c[role]) and ref:
                c[role][index]["ref"] = ref

    _change(draft, version, apply)


def merge_cards(draft: ReadingDraft, card_ids: Sequence[str], *, version, by) -> str:
    """Merge the cards into the first of them in the text; the others disappear."""

    def apply(fresh: ReadingDraft) -> str:
        chosen = sorted((_open(fresh, i) for i in dict.fromkeys(card_ids)), key=_position)
        if len(chosen) < 2:
            raise Conflict(_("Choose at least two cards to merge."))
        keep = chosen[0]
        for other in chosen[1:]:
            keep["content"] = normalize_spaces(f"{keep['content']} {other['content']}")
            for role in ROLES:
                have = {name_key(e["name"]) for e in keep[role]}
                keep[role] += [e for e in other[role] if name_key(e["name"]) not in have]
            for name in ("deadline", "due", "output", "group_id"):
                keep[name] = keep.get(name) or other.get(name)
            keep["span"] = [
                min(keep["span"][0], other["span"][0]),
                max(keep["span"][1], other["span"][1]),
            ]
            keep["confidence"] = min(keep["confidence"], other["confidence"])
        gone = {c["id"] for c in chosen[1:]}
        fresh.proposals = [c for c in fresh.proposals if c["id"] not in gone]
        return keep["id"]

    return _change(draft, version, apply)


def split_at(content: str, at: int | None) -> tuple[str, str]:
    """``content`` cut where the clerk's caret stood (``at``, an offset into it); without a
    caret (no JavaScript), at its first line break. Empty parts when there is no cut."""
    content = content.replace("\r\n", "\n").replace("\r", "\n")
    if at is None or not 0 < at < len(content):
        at = content.find("\n")
        if at < 0:
            return "", ""
    return normalize_spaces(content[:at]), normalize_spaces(content[at:])


def _words_pattern(part: str) -> re.Pattern[str] | None:
    words = re.findall(r"\w+", part)[:6]
    if not words:
        return None
    return re.compile(r"\W+".join(re.escape(w) for w in words), re.IGNORECASE)


def split_span(
    text: str, span: Sequence[int], first: str, second: str
) -> tuple[list[int], list[int]]:
    """The card's passage ``span`` cut in two where ``second`` begins in the document (its
    first words, whatever the spacing), else in proportion to where the content was cut."""
    start, end = int(span[0]), int(span[1])
    pattern = _words_pattern(second)
    found = pattern.search(text, start, end) if pattern else None
    if found is not None and found.start() > start:
        cut = found.start()
    else:
        share = len(first) / max(1, len(first) + len(second))
        cut = start + round((end - start) * share)
    stop = cut
    while stop > start and text[stop - 1].isspace():
        stop -= 1
    return [start, max(stop, start)], [cut, end]


def split_card(draft: ReadingDraft, card_id: str, content: str, at: int | None, *, version, by):
    """Split a card in two at ``at``, the caret's offset in ``content`` (the card's text as
    the clerk left it): the first part stays on the card, the rest becomes a new card after
    it; the passage is cut where the second part begins."""
    first, second = split_at(content, at)
    if not first or not second:
        raise Conflict(_("Put the cursor in the text where the second task begins, then split."))

    def apply(fresh: ReadingDraft) -> str:
        c = _open(fresh, card_id)
        other = {
            **c,
            "id": _next_id(fresh),
            "content": second,
            **{role: [dict(e) for e in c[role]] for role in ROLES},
            "match": None,
            "choice": NEW,
        }
        c["span"], other["span"] = split_span(fresh.text, c["span"], first, second)
        c["content"] = first
        at = fresh.proposals.index(c)
        fresh.proposals.insert(at + 1, other)
        return other["id"]

    return _change(draft, version, apply)


def set_state(draft: ReadingDraft, card_id: str, state: str, *, version, by) -> None:
    """Drop a card, or bring a dropped one back."""
    assert state in (PROPOSED, DROPPED)

    def apply(fresh: ReadingDraft) -> None:
        _open(fresh, card_id)["state"] = state

    _change(draft, version, apply)


def set_header(draft: ReadingDraft, header: dict, *, version, by) -> None:
    """The directive's number, date, issuer, kind and title, as the clerk corrected them."""

    def apply(fresh: ReadingDraft) -> None:
        if fresh.directive_id is not None:
            raise Conflict(_("The directive has already been recorded."))
        fresh.header = {**fresh.header, **header}

    _change(draft, version, apply)


def _position(c: dict) -> tuple[int, int]:
    return int(c["span"][0]), int(c["span"][1])


def _draft_date(draft: ReadingDraft) -> dt.date | None:
    value = draft.header.get("date")
    return dt.date.fromisoformat(value) if value else None


# -- Accepting -----------------------------------------------------------------------------


@dataclass
class Accepted:
    created: list[Task] = field(default_factory=list)
    linked: list[Task] = field(default_factory=list)
    restated: list[Task] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)  # names left out: they matched nobody


def header_problems(header: dict) -> list[str]:
    problems = []
    if not header.get("number"):
        problems.append(_("The directive's number is missing."))
    if not header.get("date"):
        problems.append(_("The directive's date is missing."))
    if not header.get("issuer_id") or not OrgUnit.objects.filter(pk=header["issuer_id"]).exists():
        problems.append(_("Choose the agency that issued the directive."))
    return problems


def _directive(draft: ReadingDraft, by) -> Directive:
    if draft.directive_id is not None:
        return draft.directive
    problems = header_problems(draft.header)
    if problems:
        raise Conflict(" ".join(problems))
    h = draft.header
    directive, _created = services.ensure_directive(
        program=draft.program,
        kind=h.get("kind") or DirectiveKind.NOTICE,
        number=h["number"][:64],
        date=dt.date.fromisoformat(h["date"]),
        issuer=OrgUnit.objects.get(pk=h["issuer_id"]),
        by=by,
        title=(h.get("title") or "")[:500],
        source_name=draft.source_name,
        text=draft.text,
    )
    services.record_directive_text(directive, draft.text, by=by)
    draft.directive = directive
    return directive


def _targets(entries: list[dict], unmapped: list[str]) -> list:
    units, groups, members = {}, {}, {}
    for e in entries:
        kind, _sep, pk = e["ref"].partition(":")
        if not pk.isdigit():
            unmapped.append(e["name"])
            continue
        {"unit": units, "group": groups, "member": members}[kind][int(pk)] = None
    found = [
        *OrgUnit.objects.filter(pk__in=units),
        *OrgGroup.objects.filter(pk__in=groups),
        *Member.objects.filter(pk__in=members),
    ]
    return found


def accept_cards(draft: ReadingDraft, card_ids: Sequence[str], *, version, by) -> Accepted:
    """Create (or link, or restate) the tasks of the chosen cards, all in one transaction."""
    result = Accepted()

    def apply(fresh: ReadingDraft) -> None:
        chosen = [c for c in (card(fresh, i) for i in dict.fromkeys(card_ids))]
        chosen = [c for c in chosen if c["state"] == PROPOSED]
        if not chosen:
            raise Conflict(_("Choose at least one proposed card to accept."))
        directive = _directive(fresh, by)
        keep_spans = directive.text == fresh.text
        by_key = {c["key"]: c for c in fresh.proposals if c.get("key")}
        # Parents first, so a sub-task finds the task of its parent card.
        for c in sorted(chosen, key=lambda c: (c["key"] or "").count(".")):
            _accept_one(fresh, c, directive, by_key, keep_spans, by, result)

    _change(draft, version, apply)
    return result


def _accept_one(draft, c, directive, by_key, keep_spans, by, result: Accepted) -> None:
    start, end = c["span"]
    wording = normalize_spaces(draft.text[start:end]) or c["content"]
    sources = [(directive, c["label"][:64], wording)]
    leads = _targets(c["leads"], result.unmapped)
    coordinators = _targets(c["coordinators"], result.unmapped)
    members = _targets(c["members"], result.unmapped)
    match = c.get("match") or {}
    linked = None
    if c["choice"] in (LINK, RESTATE) and match.get("task_id"):
        linked = Task.objects.filter(pk=match["task_id"], merged_into__isnull=True).first()
    if linked is not None:
        services.link_task(
            linked,
            sources=sources,
            leads=leads,
            coordinators=coordinators,
            members=members,
            assigned_on=None,
            expected_output=c["output"],
            by=by,
        )
        task = linked
        if c["choice"] == RESTATE and c["deadline"]:
            outcome, _restated = manage.restate_deadline(
                task, phrase=c["deadline"], document=directive, label=c["label"], by=by
            )
            (result.restated if outcome == manage.RESTATED else result.linked).append(task)
        else:
            result.linked.append(task)
    else:
        parent = None
        parent_card = by_key.get(c["parent_key"]) if c["parent_key"] else None
        if parent_card and parent_card["state"] == ACCEPTED and parent_card["task_id"]:
            parent = Task.objects.filter(pk=parent_card["task_id"]).first()
        group = None
        if c.get("group_id"):
            group = SolutionGroup.objects.filter(program=draft.program, pk=c["group_id"]).first()
        task = services.create_task(
            program=draft.program,
            content=c["content"],
            assigned_on=directive.date,
            deadline=c["deadline"] or None,
            group=group,
            parent=parent,
            sources=sources,
            leads=leads,
            coordinators=coordinators,
            members=members,
            expected_output=c["output"],
            by=by,
        )
        result.created.append(task)
    if keep_spans:
        TaskSource.objects.filter(task=task, directive=directive, label=sources[0][1]).update(
            span_start=start, span_end=end
        )
    c["state"], c["task_id"] = ACCEPTED, task.pk


# -- Showing the text ----------------------------------------------------------------------


def marked_segments(text: str, cards: Sequence[dict]) -> list[tuple[str, list[str]]]:
    """The text cut at every card's span boundary: ``(piece, ids of the cards covering it)``;
    the review screen wraps the covered pieces in ``<mark>``."""
    spans = []
    for c in cards:
        if c["state"] == DROPPED:
            continue
        start, end = max(0, int(c["span"][0])), min(len(text), int(c["span"][1]))
        if start < end:
            spans.append((start, end, c["id"]))
    cuts = sorted({0, len(text), *(s for s, _e, _i in spans), *(e for _s, e, _i in spans)})
    out = []
    for a, b in pairwise(cuts):
        ids = [i for s, e, i in spans if s <= a and b <= e]
        out.append((text[a:b], ids))
    return out


_SENTENCE = re.compile(r"[.;:!?]\s+")


def split_point(content: str) -> int:
    """Where to propose splitting ``content``: the sentence end closest to its middle."""
    ends = [m.end() for m in _SENTENCE.finditer(content) if m.end() < len(content)]
    if not ends:
        return len(content) // 2
    middle = len(content) / 2
    return min(ends, key=lambda e: abs(e - middle))
