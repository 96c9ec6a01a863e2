"""What the reader returns (kết quả đọc văn bản chỉ đạo): plain dataclasses, no Django.

Every span is a ``(start, end)`` pair of character offsets into ``Reading.text``, the
normalised text the reader worked on (and the review screen shows).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

Span = tuple[int, int]

__all__ = [
    "Field",
    "Header",
    "Part",
    "Proposal",
    "Reading",
    "Register",
    "RegisterAgency",
    "RegisterGroup",
    "RegisterMember",
    "Span",
]


@dataclass
class Field:
    """One value read from the text: what it says, where, how sure, and what it resolved to
    (a member's or an agency's id in the register) when it did."""

    value: str
    span: Span | None = None
    confidence: float = 1.0
    resolved_id: int | None = None
    #: what ``resolved_id`` designates for an agency field: "unit", or "group" for a collective
    #: agency ("Các bộ, ngành, địa phương"); "" when unresolved or a member.
    resolved_kind: str = ""

    def as_dict(self) -> dict:
        return {
            "value": self.value,
            "span": list(self.span) if self.span else None,
            "confidence": round(self.confidence, 2),
            "resolved_id": self.resolved_id,
            "resolved_kind": self.resolved_kind,
        }


@dataclass
class Header:
    """The document's header (phần đầu): "Số 01-TB/BCĐTW", "Hà Nội, ngày 22 tháng 01 năm 2025".

    ``number`` is the whole reference ("01-TB/BCĐTW"), ``symbol`` the part after the number
    ("TB/BCĐTW"); ``kind`` is "notice", "plan", "resolution", "conclusion", "decision",
    "directive" or "" when unknown.
    """

    number: str = ""
    symbol: str = ""
    date: date | None = None
    issuer_text: str = ""
    kind: str = ""
    title: str = ""

    def as_dict(self) -> dict:
        return {
            "number": self.number,
            "symbol": self.symbol,
            "date": self.date.isoformat() if self.date else None,
            "issuer_text": self.issuer_text,
            "kind": self.kind,
            "title": self.title,
        }


@dataclass
class Part:
    """A structural part of the text: ``kind`` is "header", "section" ("1.", "I."), "item"
    ("(1)", "1)", "a)", "-", "1.2."), or "paragraph"; ``label`` as written ("(5)", "II");
    ``key`` the dotted path ("2.5.3"); ``parent`` the index of the enclosing part or None."""

    kind: str
    label: str
    key: str
    span: Span
    level: int = 0
    parent: int | None = None
    title: str = ""


@dataclass
class Proposal:
    """A proposed task (nhiệm vụ đề xuất) for a person to review."""

    key: str
    parent_key: str | None
    content: str
    members: list[Field] = field(default_factory=list)
    leads: list[Field] = field(default_factory=list)
    coordinators: list[Field] = field(default_factory=list)
    deadline: Field | None = None
    due: date | None = None
    expected_output: Field | None = None
    confidence: float = 0.5
    span: Span = (0, 0)
    label: str = ""

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "parent_key": self.parent_key,
            "label": self.label,
            "content": self.content,
            "members": [f.as_dict() for f in self.members],
            "leads": [f.as_dict() for f in self.leads],
            "coordinators": [f.as_dict() for f in self.coordinators],
            "deadline": self.deadline.as_dict() if self.deadline else None,
            "due": self.due.isoformat() if self.due else None,
            "expected_output": self.expected_output.as_dict() if self.expected_output else None,
            "confidence": round(self.confidence, 2),
            "span": list(self.span),
        }


@dataclass
class Reading:
    """The whole reading: header, parts, proposed tasks and the normalised text."""

    header: Header
    parts: list[Part]
    tasks: list[Proposal]
    text: str

    def as_dict(self) -> dict:
        return {
            "header": self.header.as_dict(),
            "tasks": [t.as_dict() for t in self.tasks],
            "text": self.text,
        }


@dataclass(frozen=True)
class RegisterMember:
    """A committee member as the reader needs them: the offices they hold (chức vụ), each
    with the dates it is valid ("Bộ trưởng Bộ Thông tin và Truyền thông" until 28/02/2025),
    and the agency their office implies (``agency_id``, e.g. Đảng ủy Công an Trung ương)."""

    id: int | None
    name: str
    offices: tuple[tuple[str, date | None, date | None], ...] = ()
    valid_from: date | None = None
    valid_to: date | None = None
    agency_id: int | None = None
    agency_name: str = ""
    #: the member's place on the committee ("Trưởng Ban", "Phó Trưởng Ban", "Ủy viên")
    committee_role: str = ""


@dataclass(frozen=True)
class RegisterAgency:
    """An organisation unit with the names documents use for it."""

    id: int | None
    name: str
    aliases: tuple[str, ...] = ()
    valid_from: date | None = None
    valid_to: date | None = None
    successor_id: int | None = None


@dataclass(frozen=True)
class RegisterGroup:
    """A collective agency (cơ quan tập thể) with the phrases documents use for it: "Các bộ,
    ngành, địa phương", "UBND các tỉnh, thành phố trực thuộc Trung ương"."""

    id: int | None
    name: str
    phrases: tuple[str, ...] = ()


@dataclass
class Register:
    """Members, agencies and collective agencies a reading resolves names against (sổ đăng
    ký), so the core stays free of the database; ``dondoc.reader.registry`` builds one from it."""

    members: list[RegisterMember] = field(default_factory=list)
    agencies: list[RegisterAgency] = field(default_factory=list)
    groups: list[RegisterGroup] = field(default_factory=list)
