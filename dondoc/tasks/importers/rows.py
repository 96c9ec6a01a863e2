"""Rows, whatever file they come from: a report's appendices (.txt), the template (.csv, .xlsx)
or any task table (.csv, .xlsx, .docx) all become :class:`SourceRow` s; the state one import
carries from reading to writing (:class:`ImportContext`); and a checked row's plan
(:class:`Planned`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dondoc.core.tabular import Budget, InputRefused, Limits, decode_text
from dondoc.tasks.importers import table as tables
from dondoc.tasks.importers import template as tpl
from dondoc.tasks.importers.appendix import (
    DocumentRef,
    parse_documents,
    parse_report_appendices,
    split_agencies,
    split_members,
)

if TYPE_CHECKING:
    from dondoc.tasks.importers.checks import DocumentIndex, SectionGroups
    from dondoc.tasks.importers.names import MemberResolver, OrgResolver
    from dondoc.tasks.importers.references import References
    from dondoc.tasks.importers.summary import ImportSummary
    from dondoc.tasks.models import Directive, SolutionGroup

#: Bounds of a report's text: a quarterly report's extract is a few hundred kilobytes.
REPORT_LIMITS = Limits(max_bytes=5 * 1024 * 1024, max_rows=50_000, max_line_chars=20_000)

#: Noise of the scanned report header, and the number as the report itself cites it.
KNOWN_NUMBER_NOISE = {"/CQTTCĐ": "/CQTTBCĐ"}

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

    def column(self, key: str) -> str:
        """The key of column ``key`` ("lead") as the row's file names it ("co_quan_chu_tri")."""
        return _TEMPLATE_KEYS.get(key, key) if self.origin == "template" else key


@dataclass
class Planned:
    """A row that passed every check, its names resolved: what the import writes."""

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
class ImportContext:
    program: Any
    summary: ImportSummary
    report_number: str = ""
    report_date: dt.date | None = None
    report_title: str = ""
    orgs: OrgResolver | None = None
    members: MemberResolver | None = None
    documents: DocumentIndex | None = None
    references: References | None = None
    groups: SectionGroups | None = None
    directive: Any = None  # the Directive (or Pending one) named at import for tables
    planned: dict[str, Planned] = field(default_factory=dict)  # table row number -> plan
    numbers: set[str] = field(default_factory=set)  # table row numbers checked so far

    def resolve_agency(self, name: str, on: dt.date | None) -> Any:
        """The agency ``name`` stands for on ``on``, or None when the system does not know it.

        The one place every reader's agency names are resolved (template, report, table): a
        collective name ("Các bộ, ngành, địa phương") resolves here too once groups exist.
        """
        return self.orgs.resolve_agency(name, on)


# --------------------------------------------------------------------------------------------
# Readers


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


def read_report(data: bytes, context: ImportContext) -> list[SourceRow]:
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


def read_template(data: bytes, context: ImportContext) -> list[SourceRow]:
    """Rows of the template; none, and ``summary.kind`` set to "table", when the header is
    some other table's."""
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


def read_table(
    data: bytes, context: ImportContext, columns: dict[str, int] | None
) -> list[SourceRow]:
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


def split_agency_cells(rows: list[SourceRow], context: ImportContext) -> None:
    """Split the agency cells of table rows, knowing every unit's names (they hold commas)."""
    known = tables.AgencyNames(context.orgs.names())
    for row in rows:
        if row.origin == "table":
            row.leads = known.split(row.leads)
            row.coordinators = known.split(row.coordinators)
