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

The steps live beside this module: ``rows`` reads the file into rows, ``checks`` checks each
row, ``references`` settles the unknown names, ``writing`` writes the rows that passed, and
``summary`` holds what the import did.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path, PurePath
from typing import Any

from django.db import transaction

from dondoc.tasks import services
from dondoc.tasks.importers import table as tables
from dondoc.tasks.importers.checks import SectionGroups, named_directive, parse_day, validate
from dondoc.tasks.importers.names import MemberResolver, OrgResolver
from dondoc.tasks.importers.references import References
from dondoc.tasks.importers.rows import (
    REPORT_LIMITS,
    ImportContext,
    read_report,
    read_table,
    read_template,
    split_agency_cells,
)
from dondoc.tasks.importers.summary import ImportSummary, RowOutcome
from dondoc.tasks.importers.writing import Related, write_rows, write_table
from dondoc.tasks.models import Task

__all__ = [
    "KINDS",
    "REPORT_LIMITS",
    "ImportSummary",
    "Related",
    "RowOutcome",
    "import_file",
    "inspect_table",
    "parse_day",
]

#: File kinds recognised by extension.
KINDS = {".txt": "report", ".csv": "template", ".xlsx": "template", ".docx": "table"}


def import_file(
    path_or_bytes: str | Path | bytes,
    *,
    filename: str,
    program,
    by=None,
    dry_run: bool = False,
    links: Mapping[str, Task | Related] | None = None,
    columns: dict[str, int] | None = None,
    directive: str | None = None,
    resolutions: Mapping[tuple[str, str], Mapping[str, Any]] | None = None,
    create_missing: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportSummary:
    """Import a report (.txt), a filled template (.csv, .xlsx) or any task table (.csv, .xlsx,
    .docx whose header is not the template's) into ``program``.

    ``links`` are hand-checked decisions: a row label ("Phụ lục 1, STT 4") mapped to the task
    the row restates (the same task), or to ``Related(task)`` (a task of its own, related to it).
    For tables, ``columns`` gives the column of each key (else recognised
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
    context = ImportContext(program=program, summary=summary)
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
        rows = read_template(data, context)
        if summary.kind == "table":  # the header is some other table's
            rows = read_table(data, context, None)
    elif summary.kind == "report":
        rows = read_report(data, context)
    else:
        summary.kind = "table"
        rows = read_table(data, context, columns)
    if summary.rejected:
        return summary
    if not rows:
        summary.reject(0, "file", "Tệp không có nhiệm vụ nào.", "The file holds no task.")
        return summary
    context.orgs = OrgResolver()
    context.members = MemberResolver(program)
    context.references = References(program, resolutions=resolutions, create_missing=create_missing)
    context.groups = SectionGroups(program, summary)
    split_agency_cells(rows, context)
    if directive:
        context.directive = named_directive(directive, context)
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
    planned = [validate(row, context) for row in rows]
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
            write_table(kept, context, by=by, progress=progress)
        else:
            write_rows(kept, context, by=by, links=links or {}, progress=progress)
        if dry_run:
            transaction.set_rollback(True)
    return summary


def inspect_table(data: bytes, filename: str) -> tables.TableRead:
    """How a table would be read: its header, the columns recognised, sections and rows (the
    page shows it for confirmation before importing)."""
    return tables.read_table(data, filename)
