"""Checking each row before anything is written (kiểm tra từng dòng): its content, documents,
members, agencies, deadline, group and dates, each name resolved or settled through
``references``; a row that passes becomes a :class:`~.rows.Planned`. Also the program's
documents by number, the directive named for a table, and the groups for a table's sections."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone

from dondoc.core.dates import DateError, parse_date
from dondoc.tasks import services
from dondoc.tasks.deadlines import parse_deadline
from dondoc.tasks.importers.appendix import DocumentRef, parse_documents
from dondoc.tasks.importers.names import name_key
from dondoc.tasks.importers.references import DROPPED, UNSETTLED, Pending, read_symbol
from dondoc.tasks.importers.rows import ImportContext, Planned, SourceRow
from dondoc.tasks.importers.summary import ImportSummary
from dondoc.tasks.models import Directive, SolutionGroup

_DATE_RE = re.compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$")


def parse_day(text: str) -> dt.date | None:
    """A date written dd/mm/yyyy (or d/m/yyyy, d.m.yyyy) within the supported range
    (``dondoc.core.dates``); None when it is not one."""
    match = _DATE_RE.match(text or "")
    if not match:
        return None
    try:
        return parse_date("/".join(match.groups()))
    except DateError:
        return None


def _dated(document: Any) -> dt.date | None:
    return document.document.date if isinstance(document, Pending) else document.date


class DocumentIndex:
    def __init__(self, program) -> None:
        self.by_number: dict[str, list[Directive]] = {}
        for directive in Directive.objects.filter(program=program):
            self.by_number.setdefault(self.key(directive.number), []).append(directive)

    key = staticmethod(services.number_key)

    def resolve(self, ref: DocumentRef) -> tuple[Directive | None, bool]:
        """The directive cited, and whether its date agrees with the citation."""
        found = self.by_number.get(self.key(ref.number), [])
        if ref.date is not None:
            exact = [d for d in found if ref.date in (d.date, d.session_date)]
            if exact:
                return exact[0], True
        if len(found) == 1:
            return found[0], ref.date is None
        return None, False


def validate(row: SourceRow, context: ImportContext) -> Planned | None:
    summary, program, references = context.summary, context.program, context.references
    errors_before = len(summary.rejected)
    unsettled = False
    if row.number:
        context.numbers.add(row.number)

    def reject(column: str, vi: str, en: str) -> None:
        summary.reject(row.row, column, f"{row.label}: {vi}", f"{row.label}: {en}", row.label)

    def warn(column: str, vi: str, en: str) -> None:
        summary.warn(row.row, column, f"{row.label}: {vi}", f"{row.label}: {en}", row.label)

    def settle(kind: str, name: str, column: str, **extra) -> Any:
        nonlocal unsettled
        found = references.settle(kind, name, row=row.row, label=row.label, column=column, **extra)
        unsettled |= found is UNSETTLED
        return found

    if not row.content.strip():
        reject(row.column("content"), "nội dung để trống.", "the content is empty.")

    documents: list[Any] = []
    doc_column = row.column("documents")
    if context.documents is None:
        context.documents = DocumentIndex(program)
    index = context.documents
    if row.documents_text and not row.documents:
        reject(
            doc_column,
            f"không nhận ra số văn bản trong “{row.documents_text}”.",
            f"no document number recognised in “{row.documents_text}”.",
        )
    elif not row.documents and row.origin == "table" and context.directive is not None:
        documents.append(context.directive)
    elif not row.documents and row.origin == "template":
        reject(doc_column, "chưa ghi văn bản giao nhiệm vụ.", "no assigning document given.")
    for ref in row.documents:
        cited = f"{ref.number}" + (f" ngày {ref.date:%d/%m/%Y}" if ref.date else "")
        directive, date_agrees = index.resolve(ref)
        if directive is None:
            directive = settle("document", cited, doc_column, document=ref)
            if isinstance(directive, Pending) and directive.issuer is None:
                directive.issuer = _issuer_of(ref, context)
            if isinstance(directive, Pending) and (ref.date is None or directive.issuer is None):
                reject(
                    doc_column,
                    f"không tạo được văn bản {cited}: cần số, ngày và cơ quan ban hành.",
                    f"document {cited} cannot be created: it needs a number, a date and an issuer.",
                )
            if directive is DROPPED or directive is UNSETTLED:
                continue
        elif not date_agrees:
            warn(
                doc_column,
                f"văn bản {cited} được hiểu là {directive}.",
                f"document {cited} read as {directive}.",
            )
        if directive not in documents:
            documents.append(directive)

    dates = [day for day in map(_dated, documents) if day is not None]
    on = context.report_date or (dates[0] if dates else timezone.localdate())
    members = []
    for name in row.members:
        member = context.members.resolve(name) or settle("member", name, row.column("members"))
        if member is not DROPPED and member is not UNSETTLED and member not in members:
            members.append(member)

    def units(names: list[str], column: str) -> list:
        found = []  # organisation units and collective agencies (OrgGroup)
        for name in names:
            unit = context.resolve_agency(name, on) or settle("agency", name, column)
            if unit is not DROPPED and unit is not UNSETTLED and unit not in found:
                found.append(unit)
        return found

    lead_column = row.column("lead")
    leads = units(row.leads, lead_column)
    parent = context.planned.get(row.parent_number or "") if row.parent_number else None
    if not leads and parent is not None:
        leads = list(parent.leads)  # a sub-row ("3.1") shares its task's lead unless it names one
    # A sub-row of a row refused or still unsettled waits for it (the row's problem is listed).
    waits = parent is None and row.parent_number in context.numbers
    if not leads and not unsettled and not waits:
        dropped = "; các cơ quan đã bỏ qua" if row.leads else ""
        reject(
            lead_column,
            f"chưa có cơ quan chủ trì{dropped}.",
            "no lead agency" + ("; the agencies named were dropped." if row.leads else "."),
        )
    coordinators = units(row.coordinators, row.column("coordinating"))

    deadline = parse_deadline(row.deadline_text)
    if deadline.kind.value == "unrecognised":
        warn(
            row.column("deadline"),
            f"không hiểu thời hạn “{row.deadline_text}”; nhiệm vụ được đánh dấu để kiểm tra.",
            f"deadline “{row.deadline_text}” not understood; the task is flagged for review.",
        )

    group = None
    if row.group.strip():
        number = row.group.strip().rstrip(".")
        group = (
            SolutionGroup.objects.filter(program=program, number=int(number)).first()
            if number.isdigit()
            else None
        )
        if group is None:
            reject(
                row.column("group"),
                f"nhóm “{row.group}” không có trong chương trình.",
                f"group “{row.group}” is not a group of the program.",
            )
    elif row.section is not None:
        group = context.groups.for_section(row.section)

    def day(column: str, text: str) -> dt.date | None:
        found = parse_day(text) if text else None
        if text and found is None:
            reject(
                column,
                f"ngày “{text}” không đúng dạng dd/mm/yyyy.",
                f"date “{text}” is not dd/mm/yyyy.",
            )
        return found

    result_on = day("ngay_ket_qua", row.result_on)
    if not row.result_on and row.result and row.origin == "template":
        reject("ngay_ket_qua", "có kết quả nhưng thiếu ngày.", "a result without its date.")
    completed_on = day("hoan_thanh", row.completed_on)

    if len(summary.rejected) > errors_before or unsettled:
        return None
    assigned_on = min(dates) if dates else (context.report_date or timezone.localdate())
    plan = Planned(
        row, documents, members, leads, coordinators, group, result_on, completed_on, assigned_on
    )
    if row.number:
        context.planned.setdefault(row.number, plan)
    return plan


def _issuer_of(ref: DocumentRef, context: ImportContext) -> Any:
    """Who issued a cited document, as its symbol says, else the program's standing office."""
    symbol = read_symbol(ref.number)
    if symbol.issuer is None:
        return context.program.standing_office
    name, org_kind = symbol.issuer
    return context.orgs.resolve(name) or context.references.pending_agency(name, org_kind)


def named_directive(text: str, context: ImportContext) -> Any:
    """The directive named at import ("03/NQ-CP ngày 09/01/2025"), or a pending one to create
    with its kind and issuer read from its symbol; None (with a rejection) when unreadable."""
    summary, program = context.summary, context.program
    refs = parse_documents(text)
    if len(refs) != 1 or refs[0].date is None:
        summary.reject(
            0,
            "directive",
            f"Không đọc được văn bản giao “{text}”: hãy ghi số, ký hiệu và ngày, ví dụ "
            "“03/NQ-CP ngày 09/01/2025”.",
            f"The assigning document “{text}” could not be read: give its number and date, "
            "e.g. “03/NQ-CP ngày 09/01/2025”.",
        )
        return None
    ref = refs[0]
    context.documents = context.documents or DocumentIndex(program)
    found, _date_agrees = context.documents.resolve(ref)
    if found is not None and found.date == ref.date:
        return found
    issuer = _issuer_of(ref, context)
    if issuer is None:
        summary.reject(
            0,
            "directive",
            f"Không biết cơ quan ban hành văn bản {ref.number} và chương trình chưa có Cơ quan "
            "thường trực: hãy nhập văn bản trước.",
            f"The issuer of {ref.number} is not known and the program has no Standing Office: "
            "enter the document first.",
        )
        return None
    pending = Pending("document", f"{ref.number} ngày {ref.date:%d/%m/%Y}", document=ref)
    pending.issuer = issuer
    context.references.add_pending(pending)
    return pending


class SectionGroups:
    """Solution groups for a table's sections: the program's group of the same title, else of
    the same number, else a new one from the section's text (created when the import writes)."""

    def __init__(self, program, summary: ImportSummary) -> None:
        self.program, self.summary = program, summary
        groups = list(SolutionGroup.objects.filter(program=program))
        self.by_number = {g.number: g for g in groups}
        self.by_title = {name_key(g.title): g for g in groups}
        self.new: dict[str, Pending] = {}
        self.seen: dict[int, Any] = {}

    def for_section(self, section: Any) -> Any:
        key = id(section)
        if key not in self.seen:
            self.seen[key] = self._find(section)
        return self.seen[key]

    def _find(self, section: Any) -> Any:
        title = " ".join((section.title or "").split())
        group = self.by_title.get(name_key(title))
        if group is None and section.number is not None:
            group = self.by_number.get(section.number)
            if group is not None and title:
                self.summary.warn(
                    section.row,
                    "group",
                    f"mục “{title}” được xếp vào nhóm {group} (cùng số thứ tự).",
                    f"section “{title}” put in group {group} (same number).",
                )
        if group is not None or not title:
            return group
        return self.new.setdefault(name_key(title), Pending("group", title[:400]))

    def create_all(self, *, by) -> None:
        for pending in self.new.values():
            pending.obj = services.add_group(program=self.program, title=pending.name, by=by)
            self.summary.created_references.append(
                {
                    "kind": "group",
                    "name": pending.name,
                    "id": None if self.summary.dry_run else pending.obj.pk,
                }
            )
