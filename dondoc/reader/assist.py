"""A second opinion on hard items (ý kiến thứ hai cho mục khó), optional and off by default.

When an OpenAI-compatible chat-completions endpoint is configured, the items the rule-based
reader is least sure of (confidence below ``below``) are sent to it one by one, with a request
for JSON fields: content, members, leads, coordinating, deadline_text. Its answer is checked
strictly before it replaces anything:

- names must resolve through the same register as the reader's (unknown names are dropped);
- the deadline must be written in the item's passage, and most words of the content too;
- spans never come from the model: a name keeps the span where the reader found it, or the
  place it is written in the passage, or none.

Any error (network, timeout, status, malformed JSON) keeps the rule-based result. Plain Python,
no Django: ``settings`` are passed in by the caller.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, replace

from dondoc.reader.core.normalise import fold_same_length
from dondoc.reader.core.resolve import Resolver
from dondoc.reader.core.types import Field, Proposal, Reading, Register

FIELDS = ("content", "members", "leads", "coordinating", "deadline_text")
#: The most items one reading sends, and the most seconds it spends on them all.
MAX_ITEMS = 20
BUDGET_SECONDS = 60.0

PROMPT = (
    "Bạn đọc một mục trong văn bản chỉ đạo của Việt Nam và trả lời bằng một đối tượng JSON duy "
    "nhất, không giải thích, với các khóa: content (nội dung nhiệm vụ, viết lại ngắn gọn từ "
    "chính văn bản), members (danh sách đồng chí phụ trách, theo họ tên hoặc chức vụ như viết "
    "trong văn bản), leads (cơ quan chủ trì), coordinating (cơ quan phối hợp), deadline_text "
    "(thời hạn đúng như viết trong văn bản, hoặc chuỗi rỗng). Chỉ dùng những gì văn bản ghi."
)


@dataclass(frozen=True)
class Endpoint:
    url: str
    model: str
    key: str = ""
    timeout: float = 20.0

    @property
    def completions_url(self) -> str:
        url = self.url.rstrip("/")
        return url if url.endswith("/chat/completions") else f"{url}/chat/completions"


def ask(endpoint: Endpoint, text: str) -> dict | None:
    """The model's fields for one item's text, or None on any failure."""
    body = {
        "model": endpoint.model,
        "temperature": 0,
        "messages": [
            {"role": "system", "content": PROMPT},
            {"role": "user", "content": text[:6000]},
        ],
    }
    request = urllib.request.Request(
        endpoint.completions_url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    if endpoint.key:
        request.add_header("Authorization", f"Bearer {endpoint.key}")
    try:
        with urllib.request.urlopen(request, timeout=endpoint.timeout) as response:
            payload = json.loads(response.read(1_000_000))
        content = payload["choices"][0]["message"]["content"]
    except (OSError, ValueError, KeyError, IndexError, TypeError, urllib.error.URLError):
        return None
    return _json_object(content)


def _json_object(content: object) -> dict | None:
    if not isinstance(content, str):
        return None
    found = re.search(r"\{.*\}", content, re.DOTALL)  # tolerates ```json fences around it
    if not found:
        return None
    try:
        data = json.loads(found.group(0))
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", fold_same_length(text)).strip()


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", _fold(text))


def _strings(value: object, limit: int = 10) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    return [v.strip()[:300] for v in value[:limit] if isinstance(v, str) and v.strip()]


def _span_in(reading_text: str, span: tuple[int, int], phrase: str) -> tuple[int, int] | None:
    """Where ``phrase`` is written inside the passage ``span`` (folded, whatever the spacing)."""
    words = _words(phrase)
    if not words:
        return None
    pattern = re.compile(r"\W+".join(re.escape(w) for w in words))
    start, end = span
    found = pattern.search(fold_same_length(reading_text[start:end]))
    return (start + found.start(), start + found.end()) if found else None


class _Check:
    """Checks one answer against the register and the item's passage."""

    def __init__(self, reading: Reading, resolver: Resolver, proposal: Proposal) -> None:
        self.text = reading.text
        self.resolver = resolver
        self.proposal = proposal
        self.passage = _fold(reading.text[proposal.span[0] : proposal.span[1]])

    def _keep_span(self, before: list[Field], resolved_id: int, kind: str, *names: str):
        """The reader's span for this name if it found it, else where the register's name
        (or the phrase the model quoted) is written in the passage, else none."""
        for f in before:
            if f.resolved_id == resolved_id and (f.resolved_kind or kind) == kind:
                return f.span
        for name in names:
            span = _span_in(self.text, self.proposal.span, name)
            if span:
                return span
        return None

    def members(self, names: list[str]) -> list[Field] | None:
        out: dict[int, Field] = {}
        for name in names:
            ids = [m for m in self.resolver.mentions(_fold(name)) if m.kind == "member" and m.id]
            if ids:
                m = ids[0]
                span = self._keep_span(self.proposal.members, m.id, "", m.name, name)
                out.setdefault(m.id, Field(m.name, span, 0.6, m.id))
        return list(out.values()) if out else None

    def agencies(self, names: list[str], before: list[Field]) -> list[Field] | None:
        out: dict[tuple[str, int], Field] = {}
        for name in names:
            agency = self.resolver.agency(_fold(name))
            if agency is not None:
                key = ("unit", agency.id)
                span = self._keep_span(before, agency.id, "unit", agency.name, name)
                out.setdefault(key, Field(agency.name, span, 0.6, agency.id, "unit"))
                continue
            group = self.resolver.group(name)
            if group is not None:
                span = self._keep_span(before, group.id, "group", group.name, name)
                out.setdefault(("group", group.id), Field(group.name, span, 0.6, group.id, "group"))
        return list(out.values()) if out else None

    def content(self, value: object) -> str | None:
        if not isinstance(value, str) or not 3 <= len(value.strip()) <= 2000:
            return None
        words = _words(value)
        passage = set(_words(self.passage))
        inside = sum(1 for w in words if w in passage)
        return value.strip() if words and inside / len(words) >= 0.8 else None

    def deadline(self, value: object) -> Field | None:
        if not isinstance(value, str) or not value.strip():
            return None
        span = _span_in(self.text, self.proposal.span, value)
        return Field(value.strip()[:200], span, 0.6) if span else None


def apply_answer(
    reading: Reading, resolver: Resolver, proposal: Proposal, answer: dict
) -> tuple[Proposal, list[str]]:
    """``proposal`` with the fields of ``answer`` that pass the checks, and their names."""
    check = _Check(reading, resolver, proposal)
    changes: dict = {}
    taken: list[str] = []
    content = check.content(answer.get("content"))
    if content and content != proposal.content:
        changes["content"] = content
        taken.append("content")
    members = check.members(_strings(answer.get("members")))
    if members and [f.resolved_id for f in members] != [f.resolved_id for f in proposal.members]:
        changes["members"] = members
        taken.append("members")
    for role, key in (("leads", "leads"), ("coordinators", "coordinating")):
        before = getattr(proposal, role)
        found = check.agencies(_strings(answer.get(key)), before)
        if found and {(f.resolved_kind, f.resolved_id) for f in found} != {
            (f.resolved_kind or "unit", f.resolved_id) for f in before
        }:
            changes[role] = found
            taken.append(key)
    deadline = check.deadline(answer.get("deadline_text"))
    if deadline and (
        proposal.deadline is None or _fold(deadline.value) != _fold(proposal.deadline.value)
    ):
        changes["deadline"] = deadline
        changes["due"] = None  # read again from the phrase when the card is made
        taken.append("deadline_text")
    return (replace(proposal, **changes) if changes else proposal), taken


def refine(
    reading: Reading,
    register: Register | None,
    endpoint: Endpoint | None,
    *,
    below: float,
    clock=time.monotonic,
) -> dict[int, list[str]]:
    """Ask the endpoint about the tasks of ``reading`` below confidence ``below`` and replace
    the fields its checked answers give; returns ``{task index: [fields taken]}``. Nothing
    happens without an endpoint; the first failure stops the asking (the rest keep the
    reader's own result)."""
    if endpoint is None or not endpoint.url or not endpoint.model:
        return {}
    resolver = Resolver(register, reading.header.date)
    taken: dict[int, list[str]] = {}
    started = clock()
    asked = 0
    for index, proposal in enumerate(reading.tasks):
        if proposal.confidence >= below:
            continue
        if asked >= MAX_ITEMS or clock() - started > BUDGET_SECONDS:
            break
        asked += 1
        passage = reading.text[proposal.span[0] : proposal.span[1]]
        answer = ask(endpoint, passage)
        if answer is None:
            break
        reading.tasks[index], fields = apply_answer(reading, resolver, proposal, answer)
        if fields:
            taken[index] = fields
    return taken
