"""Import tasks from a Standing Office report (.txt extracted from the PDF) or the template.

:func:`import_file` reads the file, checks every row (names, documents, deadlines, dates) and
writes nothing unless every row passes; the errors name the row, the column and the reason in
Vietnamese and English. When all rows pass, one transaction writes them through
``dondoc.tasks.services``. A row that restates a task already known (the same task in another
notice, or Appendix 2 repeating Appendix 1) is linked to it instead of creating a duplicate; a
row that only looks like a known task creates a new one and queues the pair for a human.
Importing the same file again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
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
from dondoc.tasks.importers import template as tpl
from dondoc.tasks.importers.appendix import (
    COLUMN_LABELS_VI,
    DocumentRef,
    parse_documents,
    parse_report_appendices,
    split_agencies,
    split_members,
)
from dondoc.tasks.importers.names import MemberResolver, OrgResolver
from dondoc.tasks.matching import match_task
from dondoc.tasks.models import (
    Directive,
    DirectiveKind,
    ProgressUpdate,
    SolutionGroup,
    Task,
)

#: File kinds recognised by extension.
KINDS = {".txt": "report", ".csv": "template", ".xlsx": "template"}

#: Bounds of a report's text: a quarterly report's extract is a few hundred kilobytes.
REPORT_LIMITS = Limits(max_bytes=5 * 1024 * 1024, max_rows=50_000, max_line_chars=20_000)

#: Noise of the scanned report header, and the number as the report itself cites it.
KNOWN_NUMBER_NOISE = {"/CQTTCĐ": "/CQTTBCĐ"}

_COLUMN_LABELS = {**COLUMN_LABELS_VI, **tpl.HEADINGS, "file": "Tệp"}


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

    @property
    def ok(self) -> bool:
        return not self.rejected

    def reject(self, row: int, column: str | None, reason: str, reason_en: str, label="") -> None:
        self.rejected.append(_entry(row, column, reason, reason_en, label))

    def warn(self, row: int, column: str | None, reason: str, reason_en: str, label="") -> None:
        self.warnings.append(_entry(row, column, reason, reason_en, label))

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["ok"] = self.ok
        return data


def _entry(row: int, column: str | None, reason: str, reason_en: str, label: str) -> dict:
    return {
        "row": row,
        "label": label,
        "column": column or "",
        "column_label": _COLUMN_LABELS.get(column or "", column or ""),
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
    group: str = ""
    result: str = ""
    result_on: str = ""
    completed_on: str = ""


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
) -> ImportSummary:
    """Import a report (.txt) or a filled template (.csv, .xlsx) into ``program``.

    ``links`` are hand-checked decisions: a row label ("Phụ lục 1, STT 4") mapped to the task the
    row restates. Returns the summary; when ``summary.rejected`` is not empty nothing was written.
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
    rows = (
        _read_report(data, context) if summary.kind == "report" else _read_template(data, context)
    )
    if summary.rejected:
        return summary
    if not rows:
        summary.reject(0, "file", "Tệp không có nhiệm vụ nào.", "The file holds no task.")
        return summary
    context.orgs = OrgResolver()
    context.members = MemberResolver(program)
    planned = [_validate(row, context) for row in rows]
    if summary.rejected:
        return summary
    with transaction.atomic():
        # One import of a program at a time, and none while a merge runs: the second of two
        # imports of the same file (or a double-clicked confirmation) waits, then finds the
        # first one's tasks and links to them instead of creating them twice.
        services.lock_program(program.pk)
        _write([p for p in planned if p is not None], context, by=by, links=links or {})
        if dry_run:
            transaction.set_rollback(True)
    return summary


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
                group=v["nhom"],
                result=v["ket_qua"],
                result_on=v["ngay_ket_qua"],
                completed_on=v["hoan_thanh"],
            )
        )
    return rows


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


def _column(row: SourceRow, report_key: str, template_key: str) -> str:
    return report_key if row.appendix else template_key


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
    summary, program = context.summary, context.program
    errors_before = len(summary.rejected)

    def reject(column: str, vi: str, en: str) -> None:
        summary.reject(row.row, column, f"{row.label}: {vi}", f"{row.label}: {en}", row.label)

    def warn(column: str, vi: str, en: str) -> None:
        summary.warn(row.row, column, f"{row.label}: {vi}", f"{row.label}: {en}", row.label)

    if not row.content.strip():
        reject(_column(row, "content", "noi_dung"), "nội dung để trống.", "the content is empty.")

    documents: list[Directive] = []
    doc_column = _column(row, "documents", "van_ban")
    if context.documents is None:
        context.documents = _DocumentIndex(program)
    index = context.documents
    if row.documents_text and not row.documents:
        reject(
            doc_column,
            f"không nhận ra số văn bản trong “{row.documents_text}”.",
            f"no document number recognised in “{row.documents_text}”.",
        )
    elif not row.documents and not row.appendix:
        reject(doc_column, "chưa ghi văn bản giao nhiệm vụ.", "no assigning document given.")
    for ref in row.documents:
        cited = f"{ref.number}" + (f" ngày {ref.date:%d/%m/%Y}" if ref.date else "")
        directive, date_agrees = index.resolve(ref)
        if directive is None:
            reject(
                doc_column,
                f"văn bản {cited} chưa có trong hệ thống; hãy nhập văn bản trước.",
                f"document {cited} is not in the system; enter it first.",
            )
            continue
        if not date_agrees:
            warn(
                doc_column,
                f"văn bản {cited} được hiểu là {directive}.",
                f"document {cited} read as {directive}.",
            )
        if directive not in documents:
            documents.append(directive)

    on = context.report_date or (documents[0].date if documents else timezone.localdate())
    members = []
    for name in row.members:
        member = context.members.resolve(name)
        if member is None:
            reject(
                _column(row, "members", "thanh_vien"),
                f"không có thành viên Ban Chỉ đạo tên “{name}”.",
                f"no committee member named “{name}”.",
            )
        elif member not in members:
            members.append(member)

    def units(names: list[str], column: str) -> list:
        found = []
        for name in names:
            unit = context.orgs.resolve(name, on)
            if unit is None:
                reject(
                    column,
                    f"không có cơ quan tên “{name}”.",
                    f"no organisation unit named “{name}”.",
                )
            elif unit not in found:
                found.append(unit)
        return found

    lead_column = _column(row, "lead", "co_quan_chu_tri")
    leads = units(row.leads, lead_column)
    if not row.leads:
        reject(lead_column, "chưa có cơ quan chủ trì.", "no lead agency.")
    coordinators = units(row.coordinators, "co_quan_phoi_hop")

    deadline = parse_deadline(row.deadline_text)
    if deadline.kind.value == "unrecognised":
        warn(
            _column(row, "deadline", "thoi_han"),
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
                "nhom",
                f"nhóm “{row.group}” không có trong chương trình.",
                f"group “{row.group}” is not a group of the program.",
            )

    result_on = completed_on = None
    if row.result_on:
        result_on = parse_day(row.result_on)
        if result_on is None:
            reject(
                "ngay_ket_qua",
                f"ngày “{row.result_on}” không đúng dạng dd/mm/yyyy.",
                f"date “{row.result_on}” is not dd/mm/yyyy.",
            )
    elif row.result and not row.appendix:
        reject("ngay_ket_qua", "có kết quả nhưng thiếu ngày.", "a result without its date.")
    if row.completed_on:
        completed_on = parse_day(row.completed_on)
        if completed_on is None:
            reject(
                "hoan_thanh",
                f"ngày “{row.completed_on}” không đúng dạng dd/mm/yyyy.",
                f"date “{row.completed_on}” is not dd/mm/yyyy.",
            )

    if len(summary.rejected) > errors_before:
        return None
    dated = [d.date for d in documents]
    assigned_on = min(dated) if dated else (context.report_date or timezone.localdate())
    return _Planned(
        row, documents, members, leads, coordinators, group, result_on, completed_on, assigned_on
    )


# --------------------------------------------------------------------------------------------
# Writing


class _TaskIndex:
    """The program's tasks as match candidates: each task's content and every wording of it."""

    def __init__(self, program) -> None:
        self.texts: list[tuple[int, str]] = []
        self.leads: dict[int, list[str]] = {}
        self.tasks: dict[int, Task] = {}
        self.group_keywords = group_keywords(program)
        queryset = Task.objects.filter(program=program, merged_into__isnull=True).prefetch_related(
            "sources", "task_agencies__org_unit"
        )
        for task in queryset:
            self.add(task, [s.wording for s in task.sources.all()])

    def add(self, task: Task, wordings: list[str] = ()) -> None:
        self.tasks[task.pk] = task
        seen = set()
        for text in [task.content, *wordings]:
            key = fold(text)
            if key and key not in seen:
                seen.add(key)
                self.texts.append((task.pk, text))
        self.leads[task.pk] = [
            ta.org_unit.name for ta in task.task_agencies.all() if ta.role == "lead"
        ]

    def add_wording(self, task: Task, wording: str) -> None:
        if wording and all(fold(t) != fold(wording) for k, t in self.texts if k == task.pk):
            self.texts.append((task.pk, wording))


def _write(planned: list[_Planned], context: _Context, *, by, links: Mapping[str, Task]) -> None:
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
    for plan in planned:
        row = plan.source
        lead_names = [unit.name for unit in plan.leads]
        linked_to = links.get(row.label)
        if linked_to is not None:
            kind, candidate_id, score = "same", linked_to.pk, 1.0
            index.tasks.setdefault(linked_to.pk, linked_to)
        else:
            decision = match_task(
                row.content, index.texts, lead_agencies=lead_names, candidate_leads=index.leads
            )
            kind, candidate_id, score = decision.kind, decision.candidate, decision.score
        sources = _sources_for(plan, report)
        outcome = RowOutcome(row.row, row.label, "created", row.content[:200], score=score)
        if kind == "same":
            task = index.tasks[candidate_id]
            sources = [
                s for s in sources if s[1] or not task.sources.filter(directive=s[0]).exists()
            ]
            changed = services.link_task(
                task,
                sources=sources,
                leads=plan.leads,
                coordinators=plan.coordinators,
                members=plan.members,
                assigned_on=plan.assigned_on,
                deadline=row.deadline_text,
                by=by,
            )
            _warn_deadline(task, row, summary)
            outcome.action = "linked" if changed else "unchanged"
            outcome.matched_task_id = task.pk
            index.add_wording(task, row.content)
        else:
            task = services.create_task(
                program=program,
                content=row.content,
                assigned_on=plan.assigned_on,
                deadline=row.deadline_text,
                group=plan.group or suggest_group(row.content, index.group_keywords),
                sources=sources,
                leads=plan.leads,
                coordinators=plan.coordinators,
                members=plan.members,
                by=by,
            )
            index.add(task)
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
        summary.updated += outcome.updates
        if outcome.action in ("created", "queued"):
            summary.created += 1
        elif outcome.action == "linked":
            summary.linked += 1
        else:
            summary.unchanged += 1
        summary.rows.append(outcome)


def _sources_for(plan: _Planned, report: Directive | None) -> list[tuple[Directive, str, str]]:
    row = plan.source
    sources: list[tuple[Directive, str, str]] = []
    if report is not None:
        sources.append((report, row.label, row.content))
        # The assigning documents, when the task has no source from them yet (wording unknown).
        sources += [(d, "", "") for d in plan.documents]
    else:
        sources += [(d, "", row.content) for d in plan.documents]
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
        "deadline" if row.appendix else "thoi_han",
        f"{row.label}: thời hạn “{phrase}” khác thời hạn đã giao “{task.deadline_text}”; "
        f"giữ thời hạn đã giao.",
        f"{row.label}: deadline “{phrase}” differs from the assigned “{task.deadline_text}”; "
        f"the assigned deadline was kept.",
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
