"""``dondoc indicators``: the indicator set on the console.

    dondoc indicators import catalogue.xlsx --program NQ57 [--dry-run] [--json]
    dondoc indicators --program NQ57 --as-of 30/06/2025 --json

``import`` reads a catalogue table (CSV, XLSX, DOCX) and writes it atomically, or names each
cell it refuses (exit status 1). Without an action it lists each indicator with its targets,
its latest approved national value on or before ``--as-of`` (default today) and its status.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dondoc.core.dates import parse_date
from dondoc.indicators.importer import import_catalogue
from dondoc.indicators.models import Indicator
from dondoc.indicators.queries import catalogue, row_json
from dondoc.tasks.models import Program


class Command(BaseCommand):
    help = "List the indicator set as of a date, or import a catalogue table."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", nargs="?", choices=["import"], help="import FILE")
        parser.add_argument("file", nargs="?", help="The catalogue table (CSV, XLSX, DOCX).")
        parser.add_argument("--program", help="Program code (default: the first program).")
        parser.add_argument("--as-of", help="YYYY-MM-DD or dd/mm/yyyy (default: today).")
        parser.add_argument("--dry-run", action="store_true", help="Check and roll back.")
        parser.add_argument("--json", action="store_true", help="JSON output.")

    def _program(self, code: str | None) -> Program:
        program = Program.objects.filter(code=code).first() if code else Program.objects.first()
        if program is None:
            raise CommandError(f"No program with code {code!r}." if code else "No program.")
        return program

    def _write_json(self, data) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))

    def handle(self, *args, **options) -> None:
        if options["action"] == "import":
            self.import_file(options)
            return
        as_of = dt.date.today()
        if options["as_of"]:
            try:
                as_of = parse_date(options["as_of"])
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        queryset = Indicator.objects.all()
        if options["program"]:
            queryset = queryset.filter(program=self._program(options["program"]))
        rows = catalogue(queryset, as_of, ends_only=True)
        if options["json"]:
            self._write_json([row_json(r) for r in rows])
            return
        for row in rows:
            latest = row.latest
            shown = (
                f"{latest.value.normalize():f} ({latest.period_end:%d/%m/%Y})"
                if latest and latest.value is not None
                else "—"
            )
            if row.coverage:
                shown += f" [{row.coverage.reported}/{row.coverage.expected}]"
            targets = "; ".join(f"{t.due_on.year}: {t.text}" for t in row.targets)
            self.stdout.write(
                f"{row.indicator.code:>6}  {row.indicator.name[:60]:60}  {row.indicator.unit:12}"
                f"  {shown:24}  {row.status}  {targets}"
            )

    def import_file(self, options) -> None:
        if not options["file"]:
            raise CommandError("import needs a FILE.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        program = self._program(options["program"])
        result = import_catalogue(
            path.read_bytes(), path.name, program=program, dry_run=options["dry_run"]
        )
        if options["json"]:
            self._write_json(result.as_dict())
        else:
            for problem in result.problems:
                self.stdout.write(
                    f"row {problem.row}, {problem.column}: "
                    f"{problem.reason_vi} / {problem.reason_en}"
                )
            if result.ok:
                verb = "Checked (dry run, nothing written)" if result.dry_run else "Imported"
                counts = ", ".join(f"{k}: {v}" for k, v in sorted(result.counts.items()))
                self.stdout.write(f"{verb}: {counts}")
        if not result.ok:
            raise SystemExit(1)
