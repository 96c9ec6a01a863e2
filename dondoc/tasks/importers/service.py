"""Import tasks from a Standing Office report (.txt extracted from the PDF), the template, or
any task table (CSV, XLSX, DOCX) whose columns are recognised by their headings.

:func:`import_file` reads the file, checks every row (names, documents, deadlines, dates) and
writes nothing unless every row passes; the errors name the row, the column and the reason in
Vietnamese and English. When all rows pass, one transaction writes them through
``dondoc.tasks.services``. A row that restates a task already known (the same task in another
notice, or Appendix 2 repeating Appendix 1) is linked to it instead of creating a duplicate; a
row that only looks like a known task creates a new one and queues the pair for a human.
Importing the same file again changes nothing.

Agencies, members and documents the system does not know are listed once each, with the rows
naming them and the closest existing names (``summary.unknowns``); the import goes on only when
each is mapped, created or dropped (``resolutions``, ``create_missing``). See ``references``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePath
from typing import Any

from django.db import transaction
from django.utils import timezone

from dondoc.core.dates import DateError, parse_date
from dondoc.core.tabular import Budget, InputRefused, Limits, decode_text
from dondoc.core.text import fold
from dondoc.tasks import services
from dondoc.tasks.deadlines import parse_deadline
from dondoc.tasks.grouping import group_keywords, suggest_group
from dondoc.tasks.importers import table as tables
from dondoc.tasks.importers import template as tpl
from dondoc.tasks.importers.appendix import (
    COLUMN_LABELS_VI,
    DocumentRef,
    parse_documents,
    parse_report_appendices,
    split_agencies,
    split_members,
)
from dondoc.tasks.importers.names import MemberResolver, OrgResolver, name_key
from dondoc.tasks.importers.references import (
    DROPPED,
    UNSETTLED,
    Pending,
    References,
    read_symbol,
    real,
    real_all,
)
from dondoc.tasks.matching import CandidateIndex
from dondoc.tasks.models import (
    Directive,
    DirectiveKind,
    ProgressUpdate,
    SolutionGroup,
    Task,
)

#: File kinds recognised by extension.
KINDS = {".txt": "report", ".csv": "template", ".xlsx": "template", ".docx": "table"}
#: Call ``progress(done, total)`` after this many rows written (and after the last).
PROGRESS_EVERY = 50

#: Bounds of a report's text: a quarterly report's extract is a few hundred kilobytes.
REPORT_LIMITS = Limits(max_bytes=5 * 1024 * 1024, max_rows=50_000, max_line_chars=20_000)

#: Noise of the scanned report header, and the number as the report itself cites it.
KNOWN_NUMBER_NOISE = {"/CQTTCĐ": "/CQTTBCĐ"}

_COLUMN_LABELS = {
    **COLUMN_LABELS_VI,
    **tpl.HEADINGS,
    "coordinating": "Cơ quan phối hợp",
    "group": "Nhóm nhiệm vụ, giải pháp",
    "directive": "Văn bản giao (--directive)",
    "file": "Tệp",
}
#: Keys of the template's columns, by the keys the report and tables use.
_TEMPLATE_KEYS = {
    "content": "noi_dung",
    "documents": "van_ban",
    "members": "thanh_vien",
    "lead": "co_quan_chu_tri",
    "coordinating": "co_quan_phoi_hop",
    "deadline": "thoi_han",
    "group": "nhom",
}


# --------------------------------------------------------------------------------------------
# Summary


@dataclass
class RowOutcome:
    row: int
    label: str
    action: str  # created | linked | unchanged | queued
    content: str
    task_id: int | None = None
    matched_task_id: int | None = None
    score: float | None = None
    updates: int = 0


@dataclass
class ImportSummary:
    """What an import did, or would do (``dry_run``), or why it was refused (``rejected``)."""

    filename: str
    kind: str
    dry_run: bool = False
    report: str = ""
    report_id: int | None = None
    created: int = 0
    linked: int = 0
    unchanged: int = 0
    updated: int = 0
    queued: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    rows: list[RowOutcome] = field(default_factory=list)
    #: Column key -> the heading of the table read for it (tables only).
    columns: dict[str, str] = field(default_factory=dict)
    #: Unknown names, each once: kind, name, rows, column, resolution, suggestions.
    unknowns: list[dict[str, Any]] = field(default_factory=list)
    #: Some unknown name is neither mapped, created nor dropped: nothing was written.
    needs_resolution: bool = False
    #: Agencies, members, documents and groups the import created: kind, name, id.
    created_references: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected

    def reject(self, row: int, column: str | None, reason: str, reason_en: str, label="") -> None:
        self.rejected.append(_entry(row, column, reason, reason_en, label, self.columns))

    def warn(self, row: int, column: str | None, reason: str, reason_en: str, label="") -> None:
        self.warnings.append(_entry(row, column, reason, reason_en, label, self.columns))

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["ok"] = self.ok
        return data


def _entry(
    row: int, column: str | None, reason: str, reason_en: str, label: str, headings: dict
) -> dict:
    column = column or ""
    return {
        "row": row,
        "label": label,
        "column": column,
        "column_label": headings.get(column) or _COLUMN_LABELS.get(column, column),
        "reason": reason,
        "reason_en": reason_en,
    }


# --------------------------------------------------------------------------------------------
# Rows, whatever file they come from


@dataclass
class SourceRow:
    row: int  # line of the text file, or row of the spreadsheet
    label: str  # "Phụ lục 1, STT 3" / "STT 3"
    appendix: int | None
    content: str
    documents: list[DocumentRef]
    documents_text: str
    members: list[str]
    leads: list[str]
    coordinators: list[str] = field(default_factory=list)
    deadline_text: str = ""
    expected_output: str = ""  # kết quả, sản phẩm
    group: str = ""
    result: str = ""
    result_on: str = ""
    completed_on: str = ""
    origin: str = "template"  # report | template | table: which column keys the row uses
    number: str = ""  # the row's own number in a table ("3.1")
    parent_number: str | None = None  # "3" for "3.1": the row is a sub-task of row "3"
    section: Any = None  # the table's section (tables.Section) the row stands under


@dataclass
class _Planned:
    source: SourceRow
    documents: list[Directive]
    members: list
    leads: list
    coordinators: list
    group: SolutionGroup | None
    result_on: dt.date | None
    completed_on: dt.date | None
    assigned_on: dt.date


@dataclass
class _Context:
    program: Any
    summary: ImportSummary
    report_number: str = ""
    report_date: dt.date | None = None
    report_title: str = ""
    orgs: OrgResolver | None = None
    members: MemberResolver | None = None
    documents: _DocumentIndex | None = None
    references: References | None = None
    groups: _Groups | None = None
    directive: Any = None  # the Directive (or Pending one) named at import for tables
    planned: dict[str, _Planned] = field(default_factory=dict)  # table row number -> plan
    numbers: set[str] = field(default_factory=set)  # table row numbers checked so far

    def resolve_agency(self, name: str, on: dt.date | None) -> Any:
        """The agency ``name`` stands for on ``on``, or None when the system does not know it.

        The one place every reader's agency names are resolved (template, report, table): a
        collective name ("Các bộ, ngành, địa phương") resolves here too once groups exist.
        """
        return self.orgs.resolve(name, on)


# --------------------------------------------------------------------------------------------
# Entry point


def import_file(
    path_or_bytes: str | Path | bytes,
    *,
    filename: str,
    program,
    by=None,
    dry_run: bool = False,
    links: Mapping[str, Task] | None = None,
    columns: dict[str, int] | None = None,
    directive: str | None = None,
    resolutions: Mapping[tuple[str, str], Mapping[str, Any]] | None = None,
    create_missing: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportSummary:
    """Import a report (.txt), a filled template (.csv, .xlsx) or any task table (.csv, .xlsx,
    .docx whose header is not the template's) into ``program``.

    ``links`` are hand-checked decisions: a row label ("Phụ lục 1, STT 4") mapped to the task
    the row restates. For tables, ``columns`` gives the column of each key (else recognised
    from the headings) and ``directive`` ("03/NQ-CP ngày 09/01/2025") is the assigning
    document of rows without one, created when missing. Unknown agencies, members and
    documents are settled by ``resolutions`` (``(kind, name)`` -> map/create/drop) or all
    created with ``create_missing``. ``progress(done, total)`` is called while writing.
    Returns the summary; when ``summary.rejected`` is not empty nothing was written.
    """
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else Path(path_or_bytes).read_bytes()
    extension = PurePath(filename).suffix.lower()
    summary = ImportSummary(filename=PurePath(filename).name, kind=KINDS.get(extension, ""))
    summary.dry_run = dry_run
    context = _Context(program=program, summary=summary)
    if program is not None and program.archived_on is not None:
        day = f"{program.archived_on:%d/%m/%Y}"
        summary.reject(
            0,
            "program",
            f"Chương trình {program.code} đã lưu trữ từ ngày {day}: không nhận nhập dữ liệu. "
            "Hãy bỏ lưu trữ trước.",
            f"The program {program.code} was archived on {day}: it takes no import. "
            "Unarchive it first.",
        )
        return summary
    if not summary.kind:
        summary.reject(
            0,
            "file",
            f"Không nhận loại tệp {extension or '?'}; chỉ nhận .txt (báo cáo), .csv, .xlsx (mẫu).",
            f"Files of type {extension or '?'} are not imported; use .txt (report), .csv or "
            ".xlsx (template).",
        )
        return summary
    if summary.kind == "template" and columns is None:
        rows = _read_template(data, context)
        if summary.kind == "table":  # the header is some other table's
            rows = _read_table(data, context, None)
    elif summary.kind == "report":
        rows = _read_report(data, context)
    else:
        summary.kind = "table"
        rows = _read_table(data, context, columns)
    if summary.rejected:
        return summary
    if not rows:
        summary.reject(0, "file", "Tệp không có nhiệm vụ nào.", "The file holds no task.")
        return summary
    context.orgs = OrgResolver()
    context.members = MemberResolver(program)
    context.references = References(program, resolutions=resolutions, create_missing=create_missing)
    context.groups = _Groups(program, summary)
    _split_agency_cells(rows, context)
    if directive:
        context.directive = _named_directive(directive, context)
    elif summary.kind == "table" and "documents" not in summary.columns:
        summary.reject(
            0,
            "directive",
            "Bảng không có cột văn bản giao nhiệm vụ: hãy ghi văn bản giao (ví dụ "
            "“03/NQ-CP ngày 09/01/2025”).",
            "The table has no column of assigning documents: name the assigning document "
            "(e.g. “03/NQ-CP ngày 09/01/2025”).",
        )
    if summary.rejected:
        return summary
    planned = [_validate(row, context) for row in rows]
    context.references.report(summary)
    if summary.rejected:
        return summary
    with transaction.atomic():
        # One import of a program at a time, and none while a merge runs: the second of two
        # imports of the same file (or a double-clicked confirmation) waits, then finds the
        # first one's tasks and links to them instead of creating them twice.
        services.lock_program(program.pk)
        context.references.create_all(summary, by=by)
        context.groups.create_all(by=by)
        kept = [p for p in planned if p is not None]
        if summary.kind == "table":
            _write_table(kept, context, by=by, progress=progress)
        else:
            _write(kept, context, by=by, links=links or {}, progress=progress)
        if dry_run:
            transaction.set_rollback(True)
    return summary


def inspect_table(data: bytes, filename: str) -> tables.TableRead:
    """How a table would be read: its header, the columns recognised, sections and rows (the
    page shows it for confirmation before importing)."""
    return tables.read_table(data, filename)


# --------------------------------------------------------------------------------------------
# Reading


def _decode(data: bytes, summary: ImportSummary) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        summary.reject(
            tpl.text_line(data, exc.start),
            "file",
            "Tệp không được mã hoá UTF-8 (ví dụ đã lưu bằng bảng mã Windows-1258 hoặc TCVN3); "
            "hãy lưu lại dạng UTF-8 rồi nhập lại.",
            "The file is not UTF-8 encoded (it may be Windows-1258 or TCVN3); save it as UTF-8 "
            "and import it again.",
        )
        return None


def normalise_report_number(number: str) -> str:
    for noise, fixed in KNOWN_NUMBER_NOISE.items():
        number = number.replace(noise, fixed)
    return number


def _read_report(data: bytes, context: _Context) -> list[SourceRow]:
    summary = context.summary
    try:
        if _decode(data, summary) is None:
            return []
        text = decode_text(data, REPORT_LIMITS)
        parsed = parse_report_appendices(text, budget=Budget(REPORT_LIMITS.seconds))
    except InputRefused as refusal:
        summary.reject(refusal.row, "file", refusal.message_vi, refusal.message_en)
        return []
    for problem in parsed.problems:
        summary.warn(problem.line, problem.column, problem.message_vi, problem.message)
    if not parsed.report_number or not parsed.report_date:
        summary.reject(
            0,
            "file",
            "Không đọc được số và ngày của báo cáo ở đầu văn bản.",
            "The report's number and date could not be read from its header.",
        )
        return []
    number = normalise_report_number(parsed.report_number)
    if number != parsed.report_number:
        summary.warn(
            0,
            None,
            f"Số báo cáo in là {parsed.report_number}, ghi nhận là {number}.",
            f"Report number printed as {parsed.report_number}, recorded as {number}.",
        )
    context.report_number, context.report_date = number, parsed.report_date
    context.report_title = (parsed.title or "")[:500]
    summary.report = f"{number} ({parsed.report_date:%d/%m/%Y})"
    if context.program.standing_office_id is None:
        summary.reject(
            0,
            "file",
            "Chương trình chưa có Cơ quan thường trực (cơ quan ban hành báo cáo).",
            "The program has no Standing Office (the issuer of the report).",
        )
        return []
    return [
        SourceRow(
            row=row.line,
            label=f"Phụ lục {row.appendix}, STT {row.number}",
            appendix=row.appendix,
            content=row.content,
            documents=row.documents,
            documents_text=row.documents_text,
            members=row.members,
            leads=row.lead_agencies,
            deadline_text=row.deadline_text,
            result=row.result,
            origin="report",
        )
        for row in parsed.rows
    ]


def _read_template(data: bytes, context: _Context) -> list[SourceRow]:
    summary = context.summary
    if summary.filename.lower().endswith(".xlsx"):
        read = tpl.read_xlsx(data)
    else:
        if _decode(data, summary) is None:
            return []
        read = tpl.read_csv(data)
    if read.foreign_header is not None and not tpl.looks_like_template(read.foreign_header):
        summary.kind = "table"
        return []
    for problem in read.problems:
        summary.reject(problem.row, problem.column or "file", problem.reason_vi, problem.reason_en)
    rows = []
    for item in read.rows:
        v = item.values
        rows.append(
            SourceRow(
                row=item.row,
                label=f"STT {v['stt']}" if v["stt"] else f"Dòng {item.row}",
                appendix=None,
                content=v["noi_dung"],
                documents=parse_documents(v["van_ban"]),
                documents_text=v["van_ban"],
                members=split_members(v["thanh_vien"]),
                leads=split_agencies(v["co_quan_chu_tri"]),
                coordinators=split_agencies(v["co_quan_phoi_hop"]),
                deadline_text=v["thoi_han"],
                expected_output=v["san_pham"],
                group=v["nhom"],
                result=v["ket_qua"],
                result_on=v["ngay_ket_qua"],
                completed_on=v["hoan_thanh"],
            )
        )
    return rows


def _read_table(data: bytes, context: _Context, columns: dict[str, int] | None) -> list[SourceRow]:
    """Rows of any task table, its columns recognised by their headings (or given)."""
    summary = context.summary
    read = tables.read_table(data, summary.filename, columns)
    summary.columns = {key: read.headings[index] for key, index in read.columns.items()}
    for problem in read.problems:
        summary.reject(problem.line, problem.column or "file", problem.message_vi, problem.message)
    if summary.rejected:
        return []
    rows = []
    for item in read.rows:
        values = item.values
        documents_text = values.get("documents", "")
        rows.append(
            SourceRow(
                row=item.row,
                label=item.label,
                appendix=None,
                content=values.get("content", ""),
                documents=parse_documents(documents_text),
                documents_text=documents_text,
                members=split_members(values.get("members", "")),
                leads=values.get("lead", ""),  # split once the known names are loaded
                coordinators=values.get("coordinating", ""),
                deadline_text=values.get("deadline", ""),
                group=values.get("group", ""),
                origin="table",
                number=item.number,
                parent_number=item.parent_number,
                section=item.section,
                expected_output=values.get("output", ""),
            )
        )
    return rows


def _split_agency_cells(rows: list[SourceRow], context: _Context) -> None:
    """Split the agency cells of table rows, knowing every unit's names (they hold commas)."""
    known = tables.AgencyNames(context.orgs.names())
    for row in rows:
        if row.origin == "table":
            row.leads = known.split(row.leads)
            row.coordinators = known.split(row.coordinators)


def _named_directive(text: str, context: _Context) -> Any:
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
    context.documents = context.documents or _DocumentIndex(program)
    found, _date_agrees = context.documents.resolve(ref)
    if found is not None and found.date == ref.date:
        return found
    symbol = read_symbol(ref.number)
    issuer = None
    if symbol.issuer is not None:
        name, org_kind = symbol.issuer
        issuer = context.orgs.resolve(name) or context.references.pending_agency(name, org_kind)
    else:
        issuer = program.standing_office
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


class _Groups:
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


# --------------------------------------------------------------------------------------------
# Checking


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


def _column(row: SourceRow, key: str) -> str:
    """The key of column ``key`` ("lead") as the row's file names it ("co_quan_chu_tri")."""
    return _TEMPLATE_KEYS.get(key, key) if row.origin == "template" else key


def _dated(document: Any) -> dt.date | None:
    return document.document.date if isinstance(document, Pending) else document.date


class _DocumentIndex:
    def __init__(self, program) -> None:
        self.by_number: dict[str, list[Directive]] = {}
        for directive in Directive.objects.filter(program=program):
            self.by_number.setdefault(self.key(directive.number), []).append(directive)

    @staticmethod
    def key(number: str) -> str:
        return re.sub(r"\s+", "", fold(number))

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


def _validate(row: SourceRow, context: _Context) -> _Planned | None:
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
        reject(_column(row, "content"), "nội dung để trống.", "the content is empty.")

    documents: list[Any] = []
    doc_column = _column(row, "documents")
    if context.documents is None:
        context.documents = _DocumentIndex(program)
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
        member = context.members.resolve(name) or settle("member", name, _column(row, "members"))
        if member is not DROPPED and member is not UNSETTLED and member not in members:
            members.append(member)

    def units(names: list[str], column: str) -> list:
        found = []
        for name in names:
            unit = context.resolve_agency(name, on) or settle("agency", name, column)
            if unit is not DROPPED and unit is not UNSETTLED and unit not in found:
                found.append(unit)
        return found

    lead_column = _column(row, "lead")
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
    coordinators = units(row.coordinators, _column(row, "coordinating"))

    deadline = parse_deadline(row.deadline_text)
    if deadline.kind.value == "unrecognised":
        warn(
            _column(row, "deadline"),
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
                _column(row, "group"),
                f"nhóm “{row.group}” không có trong chương trình.",
                f"group “{row.group}” is not a group of the program.",
            )
    elif row.section is not None:
        group = context.groups.for_section(row.section)

    result_on = completed_on = None
    if row.result_on:
        result_on = parse_day(row.result_on)
        if result_on is None:
            reject(
                "ngay_ket_qua",
                f"ngày “{row.result_on}” không đúng dạng dd/mm/yyyy.",
                f"date “{row.result_on}” is not dd/mm/yyyy.",
            )
    elif row.result and row.origin == "template":
        reject("ngay_ket_qua", "có kết quả nhưng thiếu ngày.", "a result without its date.")
    if row.completed_on:
        completed_on = parse_day(row.completed_on)
        if completed_on is None:
            reject(
                "hoan_thanh",
                f"ngày “{row.completed_on}” không đúng dạng dd/mm/yyyy.",
                f"date “{row.completed_on}” is not dd/mm/yyyy.",
            )

    if len(summary.rejected) > errors_before or unsettled:
        return None
    assigned_on = min(dates) if dates else (context.report_date or timezone.localdate())
    plan = _Planned(
        row, documents, members, leads, coordinators, group, result_on, completed_on, assigned_on
    )
    if row.number:
        context.planned.setdefault(row.number, plan)
    return plan


def _issuer_of(ref: DocumentRef, context: _Context) -> Any:
    """Who issued a cited document, as its symbol says, else the program's standing office."""
    symbol = read_symbol(ref.number)
    if symbol.issuer is None:
        return context.program.standing_office
    name, org_kind = symbol.issuer
    return context.orgs.resolve(name) or context.references.pending_agency(name, org_kind)


# --------------------------------------------------------------------------------------------
# Writing


class _TaskIndex:
    """The program's tasks as match candidates: each task's content and every wording of it,
    indexed by their words (a row is scored against the tasks sharing its rarer words only)."""

    def __init__(self, program) -> None:
        self.candidates = CandidateIndex()
        self.leads: dict[int, list[str]] = {}
        self.tasks: dict[int, Task] = {}
        self.wordings: dict[int, set[str]] = {}
        #: (directive id, row label) -> task: where a table's row was imported before.
        self.by_source: dict[tuple[int, str], Task] = {}
        self.group_keywords = group_keywords(program)
        queryset = Task.objects.filter(program=program, merged_into__isnull=True).prefetch_related(
            "sources", "task_agencies__org_unit", "members"
        )
        for task in queryset:
            sources = list(task.sources.all())
            for source in sources:
                if source.label:
                    self.by_source.setdefault((source.directive_id, source.label), task)
            self.add(task, [s.wording for s in sources])

    def add(self, task: Task, wordings: list[str] = (), *, leads: list | None = None) -> None:
        self.tasks[task.pk] = task
        self.leads[task.pk] = (
            [unit.name for unit in leads]
            if leads is not None
            else [ta.org_unit.name for ta in task.task_agencies.all() if ta.role == "lead"]
        )
        self.wordings[task.pk] = set()
        for text in [task.content, *wordings]:
            self.add_wording(task, text)

    def add_wording(self, task: Task, wording: str) -> None:
        key = fold(wording)
        if key and key not in self.wordings[task.pk]:
            self.wordings[task.pk].add(key)
            self.candidates.add(task.pk, wording)


def _unchanged(task: Task, plan: _Planned, sources: list) -> bool:
    """Whether linking ``plan`` to ``task`` would change nothing, read from what the index
    prefetched (a re-imported table's rows skip the locked re-read of their tasks)."""
    have_sources = {(s.directive_id, s.label) for s in task.sources.all()}
    have_units = {(ta.org_unit_id, ta.role) for ta in task.task_agencies.all()}
    have_members = {m.pk for m in task.members.all()}
    return (
        all((d.pk, label) in have_sources for d, label, _w in sources)
        and all((u.pk, "lead") in have_units for u in plan.leads)
        and all((u.pk, "coordinating") in have_units for u in plan.coordinators)
        and all(m.pk in have_members for m in plan.members)
        and plan.assigned_on >= task.assigned_on
        and not (plan.source.deadline_text and task.deadline_kind == "none")
        and not (plan.source.expected_output.strip() and not task.expected_output)
    )


def _write(
    planned: list[_Planned],
    context: _Context,
    *,
    by,
    links: Mapping[str, Task],
    progress: Callable[[int, int], None] | None = None,
) -> None:
    summary, program = context.summary, context.program
    report = None
    if context.report_number:
        report, _created = services.ensure_directive(
            program=program,
            kind=DirectiveKind.REPORT,
            number=context.report_number,
            date=context.report_date,
            issuer=program.standing_office,
            title=context.report_title,
            source_name=summary.filename,
            by=by,
        )
        summary.report_id = report.pk
    index = _TaskIndex(program)
    for done, plan in enumerate(planned, start=1):
        row = plan.source
        _settle(plan)
        lead_names = [unit.name for unit in plan.leads]
        linked_to = links.get(row.label)
        if linked_to is not None:
            kind, candidate_id, score = "same", linked_to.pk, 1.0
            index.tasks.setdefault(linked_to.pk, linked_to)
        else:
            decision = index.candidates.match(
                row.content, lead_agencies=lead_names, candidate_leads=index.leads
            )
            kind, candidate_id, score = decision.kind, decision.candidate, decision.score
        sources = _sources_for(plan, report)
        outcome = RowOutcome(row.row, row.label, "created", row.content[:200], score=score)
        if kind == "same":
            task = index.tasks[candidate_id]
            sources = [
                s for s in sources if s[1] or not task.sources.filter(directive=s[0]).exists()
            ]
            outcome.action = "linked" if _link(task, plan, sources, by=by) else "unchanged"
            _warn_deadline(task, row, summary)
            _warn_output(task, row, summary)
            outcome.matched_task_id = task.pk
            index.add_wording(task, row.content)
        else:
            task = services.create_task(
                program=program,
                content=row.content,
                assigned_on=plan.assigned_on,
                deadline=row.deadline_text,
                expected_output=row.expected_output,
                group=plan.group or suggest_group(row.content, index.group_keywords),
                sources=sources,
                leads=plan.leads,
                coordinators=plan.coordinators,
                members=plan.members,
                by=by,
            )
            index.add(task, leads=plan.leads)
            if kind == "maybe":
                candidate = index.tasks[candidate_id]
                _pair, queued = services.queue_duplicate(
                    task, candidate, score=score, source=report or plan.documents[0], by=by
                )
                outcome.action = "queued"
                outcome.matched_task_id = candidate.pk
                summary.queued += int(queued)
        outcome.task_id = task.pk
        outcome.updates = _record_updates(task, plan, report, context, by=by)
        _count(summary, outcome)
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == len(planned)):
            progress(done, len(planned))


def _settle(plan: _Planned) -> None:
    """Put the references created for the import in place of their placeholders."""
    plan.documents = real_all(plan.documents)
    plan.leads, plan.coordinators = real_all(plan.leads), real_all(plan.coordinators)
    plan.members, plan.group = real_all(plan.members), real(plan.group)


def _link(task: Task, plan: _Planned, sources: list, *, by) -> bool:
    return services.link_task(
        task,
        sources=sources,
        leads=plan.leads,
        coordinators=plan.coordinators,
        members=plan.members,
        assigned_on=plan.assigned_on,
        deadline=plan.source.deadline_text,
        expected_output=plan.source.expected_output,
        by=by,
    )


def _count(summary: ImportSummary, outcome: RowOutcome) -> None:
    summary.updated += outcome.updates
    if outcome.action in ("created", "queued"):
        summary.created += 1
    elif outcome.action == "linked":
        summary.linked += 1
    else:
        summary.unchanged += 1
    summary.rows.append(outcome)


def _write_table(
    planned: list[_Planned],
    context: _Context,
    *,
    by,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Write a table's rows. A table lists each task once: a row imported before is found
    again by its document and label; any other row is matched against the tasks known before
    the import (never against its own table's rows), and the new ones are created together,
    parents before their sub-rows, in batches."""
    summary, program = context.summary, context.program
    index = _TaskIndex(program)
    total, done = len(planned), 0
    task_of: dict[str, Task] = {}  # row number -> its task, for the sub-rows
    new: list[tuple[_Planned, RowOutcome, Any]] = []

    def advance(count: int) -> None:
        nonlocal done
        before, done = done, done + count
        if progress is not None and (
            done // PROGRESS_EVERY > before // PROGRESS_EVERY or done == total
        ):
            progress(done, total)

    for plan in planned:
        _settle(plan)
        row = plan.source
        sources = _sources_for(plan, None)
        outcome = RowOutcome(row.row, row.label, "created", row.content[:200])
        task = index.by_source.get((plan.documents[0].pk, row.label)) if plan.documents else None
        decision = None
        if task is not None:
            outcome.score = 1.0
            changed = not _unchanged(task, plan, sources) and _link(task, plan, sources, by=by)
        else:
            decision = index.candidates.match(
                row.content,
                lead_agencies=[unit.name for unit in plan.leads],
                candidate_leads=index.leads,
            )
            outcome.score = decision.score
            if decision.kind == "same":
                task = index.tasks[decision.candidate]
                changed = _link(task, plan, sources, by=by)
        if task is None:
            new.append((plan, outcome, decision))
            continue
        _warn_deadline(task, row, summary)
        _warn_output(task, row, summary)
        outcome.action = "linked" if changed else "unchanged"
        outcome.task_id = outcome.matched_task_id = task.pk
        if row.number:
            task_of.setdefault(row.number, task)
        _count(summary, outcome)
        advance(1)

    def depth(item: tuple[_Planned, RowOutcome, Any]) -> int:  # "3" 0, "3.1" 1, "3.1.2" 2
        return item[0].source.number.count(".")

    for level in sorted({depth(item) for item in new}):
        batch = [item for item in new if depth(item) == level]
        for start in range(0, len(batch), 500):
            chunk = batch[start : start + 500]
            specs = [
                services.NewTask(
                    program=program,
                    content=plan.source.content,
                    assigned_on=plan.assigned_on,
                    deadline=plan.source.deadline_text,
                    expected_output=plan.source.expected_output,
                    group=plan.group or suggest_group(plan.source.content, index.group_keywords),
                    parent=task_of.get(plan.source.parent_number or ""),
                    sources=_sources_for(plan, None),
                    leads=plan.leads,
                    coordinators=plan.coordinators,
                    members=plan.members,
                )
                for plan, _outcome, _decision in chunk
            ]
            for (plan, outcome, decision), task in zip(
                chunk, services.create_tasks(specs, by=by), strict=True
            ):
                if plan.source.number:
                    task_of.setdefault(plan.source.number, task)
                if decision is not None and decision.kind == "maybe":
                    candidate = index.tasks[decision.candidate]
                    _pair, queued = services.queue_duplicate(
                        task, candidate, score=decision.score, source=plan.documents[0], by=by
                    )
                    outcome.action = "queued"
                    outcome.matched_task_id = candidate.pk
                    summary.queued += int(queued)
                outcome.task_id = task.pk
                _count(summary, outcome)
            advance(len(chunk))
    summary.rows.sort(key=lambda outcome: outcome.row)


def _sources_for(plan: _Planned, report: Directive | None) -> list[tuple[Directive, str, str]]:
    row = plan.source
    sources: list[tuple[Directive, str, str]] = []
    if report is not None:
        sources.append((report, row.label, row.content))
        # The assigning documents, when the task has no source from them yet (wording unknown).
        sources += [(d, "", "") for d in plan.documents]
    else:
        # A table's row keeps its label, so importing the table again finds the row's task.
        label = row.label if row.origin == "table" else ""
        sources += [(d, label, row.content) for d in plan.documents]
    return sources


def _warn_deadline(task: Task, row: SourceRow, summary: ImportSummary) -> None:
    phrase = row.deadline_text.strip()
    if not phrase or fold(phrase) == fold(task.deadline_text):
        return
    new = parse_deadline(phrase)
    if new.due == task.due_on and new.kind.value == task.deadline_kind:
        return
    summary.warn(
        row.row,
        _column(row, "deadline"),
        f"{row.label}: thời hạn “{phrase}” khác thời hạn đã giao “{task.deadline_text}”; "
        f"giữ thời hạn đã giao.",
        f"{row.label}: deadline “{phrase}” differs from the assigned “{task.deadline_text}”; "
        f"the assigned deadline was kept.",
        row.label,
    )


def _warn_output(task: Task, row: SourceRow, summary: ImportSummary) -> None:
    """A row naming another expected output than the task's: the task's is kept, and said."""
    product = row.expected_output.strip()
    if not product or fold(product) == fold(task.expected_output):
        return
    summary.warn(
        row.row,
        "san_pham",
        f"{row.label}: sản phẩm “{product}” khác sản phẩm đã ghi “{task.expected_output}”; "
        f"giữ sản phẩm đã ghi.",
        f"{row.label}: expected output “{product}” differs from the recorded "
        f"“{task.expected_output}”; the recorded one was kept.",
        row.label,
    )


def _record_updates(task: Task, plan: _Planned, report, context: _Context, *, by) -> int:
    """Progress updates stated by the row, each at most once (task, source, text)."""
    row, added = plan.source, 0
    lead = plan.leads[0] if plan.leads else None
    if report is not None:
        if (
            row.result
            and not ProgressUpdate.objects.filter(
                task=task, source=report, text=row.result
            ).exists()
        ):
            services.post_update(
                task,
                by=by,
                text=row.result,
                reported_on=context.report_date,
                recorded_on=context.report_date,
                agency=lead,
                source=report,
            )
            added += 1
        return added
    today = timezone.localdate()
    if (
        row.result
        and not plan.completed_on
        and not ProgressUpdate.objects.filter(
            task=task, source=None, text=row.result, reported_on=plan.result_on
        ).exists()
    ):
        services.post_update(
            task,
            by=by,
            text=row.result,
            reported_on=plan.result_on,
            recorded_on=today,
            agency=lead,
        )
        added += 1
    if plan.completed_on:
        text = row.result or "Hoàn thành"
        if not ProgressUpdate.objects.filter(
            task=task, status_change="completed", effective_on=plan.completed_on
        ).exists():
            services.post_update(
                task,
                by=by,
                text=text,
                reported_on=plan.result_on or plan.completed_on,
                recorded_on=today,
                agency=lead,
                status_change="completed",
                effective_on=plan.completed_on,
            )
            added += 1
    return added
