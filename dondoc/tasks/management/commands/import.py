"""``dondoc import FILE``: import a Standing Office report (.txt), a filled template, or any
task table (.csv, .xlsx, .docx) with its columns recognised or given (``--columns``)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from dondoc.tasks.importers.service import ImportSummary, import_file, inspect_table
from dondoc.tasks.importers.table import ColumnsOptionError, parse_columns_option
from dondoc.tasks.models import Program


class Command(BaseCommand):
    help = (
        "Import tasks from a quarterly report (.txt), the import template (.csv, .xlsx) or any "
        "task table (.csv, .xlsx, .docx)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "file", help="Report (.txt), template or task table (.csv, .xlsx, .docx)"
        )
        parser.add_argument("--program", default="NQ57", help="Program code (default NQ57)")
        parser.add_argument(
            "--directive",
            help="Assigning document of a table's rows, e.g. “03/NQ-CP ngày 09/01/2025” "
            "(created when missing).",
        )
        parser.add_argument(
            "--columns",
            help="Columns of a table, e.g. “content=B,lead=Cơ quan chủ trì,deadline=5” "
            "(letter, heading or 1-based number); others are recognised by their headings.",
        )
        parser.add_argument(
            "--create-missing",
            action="store_true",
            help="Create the agencies, members and documents the file names but the system lacks.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report, but write nothing"
        )
        parser.add_argument("--json", action="store_true", help="Print the summary as JSON")

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        program = Program.objects.filter(code=options["program"]).first()
        if program is None:
            raise CommandError(_("No program with code %(code)s.") % {"code": options["program"]})
        data = path.read_bytes()
        columns = None
        if options["columns"]:
            read = inspect_table(data, path.name)
            try:
                given = parse_columns_option(options["columns"], read.headings)
            except ColumnsOptionError as exc:
                raise CommandError(str(exc)) from exc
            # The columns given, and the recognised ones for the other keys and columns.
            taken = set(given.values())
            columns = {k: i for k, i in read.columns.items() if i not in taken} | given
        summary = import_file(
            data,
            filename=path.name,
            program=program,
            dry_run=options["dry_run"],
            columns=columns,
            directive=options["directive"],
            create_missing=options["create_missing"],
        )
        if options["json"]:
            self.stdout.write(json.dumps(summary.as_json(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(format_summary(summary))
        if not summary.ok:
            raise SystemExit(1)


def format_summary(summary: ImportSummary) -> str:
    """The summary as lines of text for the console."""
    lines = []
    if summary.dry_run:
        lines.append(_("Dry run: nothing was written."))
    if summary.report:
        lines.append(_("Report %(report)s") % {"report": summary.report})
    if summary.rejected:
        lines.append(
            _("%(file)s was rejected; nothing was imported. Problems:") % {"file": summary.filename}
        )
        for item in summary.rejected:
            lines.append(
                "  "
                + _("row %(row)s, column %(column)s: %(reason)s")
                % {
                    "row": item["row"],
                    "column": item["column_label"] or "-",
                    "reason": item["reason"],
                }
            )
        for item in summary.unknowns:
            if not item["resolution"]:
                close = ", ".join(s["name"] for s in item["suggestions"]) or "-"
                lines.append(
                    "  "
                    + _("unknown %(kind)s “%(name)s” (rows %(rows)s); closest: %(close)s")
                    % {
                        "kind": item["kind"],
                        "name": item["name"],
                        "rows": ", ".join(map(str, item["rows"])),
                        "close": close,
                    }
                )
        if summary.needs_resolution:
            lines.append(_("Run again with --create-missing to create the unknown names."))
        return "\n".join(lines)
    if summary.columns:
        lines.append(
            _("Columns: %(columns)s")
            % {"columns": ", ".join(f"{k}={v}" for k, v in summary.columns.items())}
        )
    for item in summary.created_references:
        lines.append(
            "  " + _("created %(kind)s “%(name)s”") % {"kind": item["kind"], "name": item["name"]}
        )
    lines.append(
        _(
            "%(created)d created, %(linked)d linked to known tasks, %(unchanged)d unchanged, "
            "%(updated)d progress updates added, %(queued)d possible duplicates queued for review."
        )
        % {
            "created": summary.created,
            "linked": summary.linked,
            "unchanged": summary.unchanged,
            "updated": summary.updated,
            "queued": summary.queued,
        }
    )
    for item in summary.warnings:
        lines.append(
            "  "
            + _("note, row %(row)s: %(reason)s") % {"row": item["row"], "reason": item["reason"]}
        )
    return "\n".join(lines)
