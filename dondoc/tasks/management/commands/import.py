"""``dondoc import FILE``: import a Standing Office report (.txt) or a filled template."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from dondoc.tasks.importers.service import ImportSummary, import_file
from dondoc.tasks.models import Program


class Command(BaseCommand):
    help = "Import tasks from a quarterly report (.txt) or the import template (.csv, .xlsx)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="Report text (.txt) or filled template (.csv, .xlsx)")
        parser.add_argument("--program", default="NQ57", help="Program code (default NQ57)")
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
        summary = import_file(path, filename=path.name, program=program, dry_run=options["dry_run"])
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
        return "\n".join(lines)
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
