"""Reference data an import names but the system lacks: agencies, members, documents.

An import into a new program meets the same unknown agency on hundreds of rows. Each unknown
name is collected once (:class:`References`) with the rows where it occurs and the closest
existing names; the person importing maps it to an existing one, creates it, or drops it
(``resolutions``), or creates them all (``create_missing``). Nothing is created while checking:
a created name is a :class:`Pending` placeholder that the import's transaction turns into a
unit, a member or a directive (:meth:`References.create_all`), so a rejected or dry-run import
leaves nothing behind.

The pure helpers read what a document number says (``03/NQ-CP``: a resolution of the
Government) and guess the kind of a new unit from its name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dondoc.core.text import fold
from dondoc.orgs import services as org_services
from dondoc.orgs.models import Member, OrgAlias, OrgKind, OrgUnit
from dondoc.tasks import services
from dondoc.tasks.importers.appendix import DocumentRef
from dondoc.tasks.importers.names import name_key
from dondoc.tasks.models import Directive, DirectiveKind

KINDS = ("agency", "member", "document")
ACTIONS = ("map", "create", "drop")
#: Suggestions offered for an unknown name, and the least similarity worth showing.
SUGGESTIONS = 3
MIN_SUGGESTION_SCORE = 0.3

_KIND_LABELS = {
    "agency": ("cơ quan", "agency"),
    "member": ("thành viên Ban Chỉ đạo", "committee member"),
    "document": ("văn bản", "document"),
}

# --------------------------------------------------------------------------------------------
# What a document number says

#: Type part of a document's symbol ("NQ" of "03/NQ-CP") -> kind of directive.
DOCUMENT_TYPES: dict[str, str] = {
    "nq": DirectiveKind.RESOLUTION,
    "qd": DirectiveKind.DECISION,
    "kh": DirectiveKind.PLAN,
    "tb": DirectiveKind.NOTICE,
    "ct": DirectiveKind.DIRECTIVE,
    "bc": DirectiveKind.REPORT,
    "cv": DirectiveKind.LETTER,
}

#: Issuer part of a symbol ("CP" of "03/NQ-CP") -> the issuing body's name and kind.
ISSUERS: dict[str, tuple[str, str]] = {
    "cp": ("Chính phủ", OrgKind.OTHER),
    "ttg": ("Thủ tướng Chính phủ", OrgKind.OTHER),
    "vpcp": ("Văn phòng Chính phủ", OrgKind.OTHER),
    "qh": ("Quốc hội", OrgKind.OTHER),
    "ubtvqh": ("Ủy ban Thường vụ Quốc hội", OrgKind.OTHER),
    "tw": ("Ban Chấp hành Trung ương", OrgKind.CENTRAL),
    "bct": ("Bộ Chính trị", OrgKind.CENTRAL),
    "bcdtw": ("Ban Chỉ đạo Trung ương", OrgKind.COMMITTEE),
}


@dataclass(frozen=True)
class Symbol:
    """What a document number tells: its kind and the code of its issuer (may be unknown)."""

    kind: str
    issuer_code: str
    issuer: tuple[str, str] | None  # (name, org kind) when the code is a known issuer


def read_symbol(number: str) -> Symbol:
    """ "03/NQ-CP" -> resolution of "Chính phủ"; "01-TB/BCĐTW" -> notice of the Central Steering
    Committee; "2770/VPCP-TCCV" -> letter of the Government Office. Codes not listed in
    :data:`ISSUERS` give ``issuer=None`` (the caller picks the program's standing office)."""
    parts = [fold(p) for p in re.split(r"[-/]", number) if p and not p.strip().isdigit()]
    if not parts:
        return Symbol(DirectiveKind.OTHER, "", None)
    if parts[0] in DOCUMENT_TYPES:
        kind, code = DOCUMENT_TYPES[parts[0]], parts[1] if len(parts) > 1 else ""
    else:
        kind, code = DirectiveKind.LETTER, parts[0]
    return Symbol(kind, code, ISSUERS.get(re.sub(r"\d+$", "", code)))


_MINISTRY_STARTS = ("bo ", "dang uy bo ", "ban can su dang bo ", "dang doan bo ")
_PROVINCE_STARTS = (
    "tinh ",
    "tinh uy ",
    "thanh uy ",
    "thanh pho ",
    "tp ",
    "tp. ",
    "ubnd tinh ",
    "ubnd thanh pho ",
    "ubnd tp ",
    "uy ban nhan dan tinh ",
    "uy ban nhan dan thanh pho ",
)


def guess_org_kind(name: str) -> str:
    """The kind of a new unit from its name: "Bộ …", "Đảng ủy Bộ …" a ministry; "Tỉnh …",
    "UBND tỉnh …", "Thành phố …", "Tỉnh ủy …" a province; anything else "other"."""
    key = fold(name) + " "
    if key.startswith(_MINISTRY_STARTS):
        return OrgKind.MINISTRY
    if key.startswith(_PROVINCE_STARTS):
        return OrgKind.PROVINCE
    return OrgKind.OTHER


# --------------------------------------------------------------------------------------------
# Closest existing names


def _trigrams(key: str) -> frozenset[str]:
    padded = f"  {key} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


@dataclass
class _Choices:
    """Existing names of one kind, as (id, shown name, trigrams of a folded spelling)."""

    items: list[tuple[int, str, frozenset[str]]] = field(default_factory=list)

    def add(self, pk: int, shown: str, spelling: str) -> None:
        key = name_key(spelling)
        if key:
            self.items.append((pk, shown, _trigrams(key)))

    def closest(self, name: str, limit: int = SUGGESTIONS) -> list[dict[str, Any]]:
        """Up to ``limit`` existing names closest to ``name`` (Dice index of trigrams)."""
        wanted = _trigrams(name_key(name))
        best: dict[int, dict[str, Any]] = {}
        for pk, shown, grams in self.items:
            score = 2 * len(wanted & grams) / (len(wanted) + len(grams))
            if score >= MIN_SUGGESTION_SCORE and score > best.get(pk, {}).get("score", 0):
                best[pk] = {"id": pk, "name": shown, "score": round(score, 3)}
        return sorted(best.values(), key=lambda s: (-s["score"], s["name"]))[:limit]


def _agency_choices() -> _Choices:
    choices = _Choices()
    names = {}
    for pk, name, short in OrgUnit.objects.values_list("pk", "name", "short_name"):
        names[pk] = name
        choices.add(pk, name, name)
        if short:
            choices.add(pk, name, short)
    for pk, alias in OrgAlias.objects.values_list("org_unit_id", "alias"):
        if pk in names:
            choices.add(pk, names[pk], alias)
    return choices


def _member_choices(program) -> _Choices:
    choices = _Choices()
    for pk, name in Member.objects.filter(program=program).values_list("pk", "full_name"):
        choices.add(pk, name, name)
    return choices


def _document_choices(program) -> _Choices:
    choices = _Choices()
    for directive in Directive.objects.filter(program=program):
        choices.add(directive.pk, str(directive), directive.number)
    return choices


# --------------------------------------------------------------------------------------------
# Collecting and settling unknown names


@dataclass(eq=False)
class Pending:
    """A reference to create when the import writes (``obj`` once created)."""

    kind: str  # agency | member | document
    name: str
    org_kind: str = ""
    document: DocumentRef | None = None
    issuer: Any = None  # OrgUnit or Pending, for a document
    obj: Any = None


#: What :meth:`References.settle` returns for a name the row must do without.
DROPPED = object()
#: What it returns for a name not settled yet: the import cannot go on.
UNSETTLED = object()


@dataclass
class _Unknown:
    kind: str
    name: str
    column: str
    rows: list[int] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    resolution: str = ""


class References:
    """Unknown names of one import, each once, and what to do with each.

    ``resolutions`` maps ``(kind, name)`` to ``{"action": "map", "id": ID}``,
    ``{"action": "create"}`` (agencies optionally with ``"org_kind"``) or
    ``{"action": "drop"}``; ``create_missing`` creates every name not otherwise settled.
    """

    def __init__(
        self,
        program,
        *,
        resolutions: Mapping[tuple[str, str], Mapping[str, Any]] | None = None,
        create_missing: bool = False,
    ) -> None:
        self.program = program
        self.create_missing = create_missing
        self.resolutions = {
            (kind, name_key(name)): dict(value)
            for (kind, name), value in (resolutions or {}).items()
        }
        self._unknowns: dict[tuple[str, str], _Unknown] = {}
        self._pending: dict[tuple[str, str], Pending] = {}
        self._problems: list[tuple[int, str, str, str]] = []

    # -- while checking rows

    def settle(self, kind: str, name: str, *, row: int, label: str, column: str, **extra) -> Any:
        """The object ``name`` stands for by the resolutions: an existing one (map), a
        :class:`Pending` (create), :data:`DROPPED`, or :data:`UNSETTLED`. Records the row."""
        key = (kind, name_key(name))
        unknown = self._unknowns.get(key)
        if unknown is None:
            unknown = self._unknowns[key] = _Unknown(kind, name, column)
        if row not in unknown.rows:
            unknown.rows.append(row)
            unknown.labels.append(label)
        resolution = self.resolutions.get(key)
        action = (resolution or {}).get("action") or ("create" if self.create_missing else "")
        if action == "map":
            unknown.resolution = "map"
            found = self._existing(kind, (resolution or {}).get("id"))
            if found is None:
                self._refuse(
                    unknown,
                    f"không tìm thấy {_KIND_LABELS[kind][0]} đã chọn cho “{name}”.",
                    f"the {_KIND_LABELS[kind][1]} chosen for “{name}” does not exist.",
                )
                return UNSETTLED
            return found
        if action == "drop":
            unknown.resolution = "drop"
            return DROPPED
        if action == "create":
            unknown.resolution = "create"
            pending = self._pending.get(key)
            if pending is None:
                org_kind = (resolution or {}).get("org_kind") or ""
                if kind == "agency" and org_kind not in OrgKind.values:
                    org_kind = guess_org_kind(name)
                pending = self._pending[key] = Pending(kind, name, org_kind=org_kind, **extra)
            return pending
        return UNSETTLED

    def pending_agency(self, name: str, org_kind: str) -> Pending:
        """A unit to create that no row names (the issuer of a directive named at import)."""
        key = ("agency", name_key(name))
        pending = self._pending.get(key)
        if pending is None:
            pending = self._pending[key] = Pending("agency", name, org_kind=org_kind)
        return pending

    def add_pending(self, pending: Pending) -> None:
        """Create ``pending`` with the others (the directive named at import)."""
        self._pending.setdefault((pending.kind, name_key(pending.name)), pending)

    def _existing(self, kind: str, pk: Any) -> Any:
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            return None
        if kind == "agency":
            return OrgUnit.objects.filter(pk=pk).first()
        if kind == "member":
            return Member.objects.filter(program=self.program, pk=pk).first()
        return Directive.objects.filter(program=self.program, pk=pk).first()

    def _refuse(self, unknown: _Unknown, vi: str, en: str) -> None:
        self._problems.append((unknown.rows[0], unknown.column, vi, en))

    # -- after checking every row

    def report(self, summary) -> None:
        """List every unknown name once in ``summary.unknowns`` with suggestions; one rejection
        per name still unsettled (``summary.needs_resolution``)."""
        if not self._unknowns:
            return
        choices = {
            "agency": _agency_choices,
            "member": lambda: _member_choices(self.program),
            "document": lambda: _document_choices(self.program),
        }
        built: dict[str, _Choices] = {}
        for unknown in self._unknowns.values():
            if unknown.kind not in built:
                built[unknown.kind] = choices[unknown.kind]()
            summary.unknowns.append(
                {
                    "kind": unknown.kind,
                    "name": unknown.name,
                    "rows": unknown.rows,
                    "column": unknown.column,
                    "resolution": unknown.resolution,
                    "suggestions": built[unknown.kind].closest(unknown.name),
                }
            )
            if unknown.resolution:
                continue
            summary.needs_resolution = True
            label_vi, label_en = _KIND_LABELS[unknown.kind]
            rows = ", ".join(str(r) for r in unknown.rows[:10])
            more = "…" if len(unknown.rows) > 10 else ""
            summary.reject(
                unknown.rows[0],
                unknown.column,
                f"{label_vi} “{unknown.name}” chưa có trong hệ thống (dòng {rows}{more}); "
                "hãy chọn tên có sẵn, tạo mới hoặc bỏ qua.",
                f"{label_en} “{unknown.name}” is not in the system (rows {rows}{more}); map it "
                "to an existing one, create it or drop it.",
                unknown.labels[0],
            )
        for row, column, vi, en in self._problems:
            summary.reject(row, column, vi, en)

    # -- inside the import's transaction

    def create_all(self, summary, *, by) -> None:
        """Create every pending reference (issuers before their documents)."""
        ordered = sorted(self._pending.values(), key=lambda p: KINDS.index(p.kind))
        for pending in ordered:
            if pending.kind == "agency":
                pending.obj = org_services.create_unit(
                    name=pending.name, kind=pending.org_kind or OrgKind.OTHER, by=by
                )
            elif pending.kind == "member":
                pending.obj = org_services.create_member(
                    program=self.program, full_name=pending.name, by=by
                )
            else:
                issuer = real(pending.issuer)
                pending.obj, _created = services.ensure_directive(
                    program=self.program,
                    kind=read_symbol(pending.document.number).kind,
                    number=pending.document.number,
                    date=pending.document.date,
                    issuer=issuer,
                    source_name=summary.filename,
                    by=by,
                )
            summary.created_references.append(
                {
                    "kind": pending.kind,
                    "name": pending.name,
                    "id": None if summary.dry_run else pending.obj.pk,
                }
            )


def real(item: Any) -> Any:
    """The object behind a :class:`Pending` once created; anything else as it is."""
    return item.obj if isinstance(item, Pending) else item


def real_all(items: Iterable[Any]) -> list[Any]:
    return [real(item) for item in items]
