"""``dondoc load-nq57``: load Resolution 57's program, units, committee, notices and Q1 report.

Safe to run twice: the second run adds nothing and says so.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from dondoc.tasks.importers.nq57 import load_nq57


class Command(BaseCommand):
    help = "Load the Resolution 57 program and its data (idempotent)."

    def handle(self, *args, **options) -> None:
        summary = load_nq57()
        if summary.changed:
            self.stdout.write(_("Loaded:"))
            for name, count in sorted(summary.created.items()):
                if count:
                    self.stdout.write(f"  {name}: {count}")
        else:
            self.stdout.write(_("Nothing to do: the Resolution 57 data is already loaded."))
        if summary.report is not None:
            for item in summary.report.warnings:
                self.stdout.write("  " + _("note: %(reason)s") % {"reason": item["reason_en"]})
        self.stdout.write(_("In the database now:"))
        labels = {
            "org_units": _("organisation units"),
            "members": _("committee members"),
            "directives": _("directives"),
            "tasks": _("tasks"),
            "updates": _("progress updates"),
            "queued_duplicates": _("possible duplicates waiting for review"),
        }
        for key, label in labels.items():
            self.stdout.write(f"  {label}: {summary.totals[key]}")
