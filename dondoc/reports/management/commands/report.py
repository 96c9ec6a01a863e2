"""``dondoc report``: produce the quarterly report or a brief from the command line.

    dondoc report quarterly --period 2025-Q1 --as-of 2025-04-10 --output q1.docx \\
        [--program NQ57] [--number 02] [--issued-on 2025-04-10] [--xlsx q1.xlsx] [--pdf q1.pdf]
        [--store]
    dondoc report member-brief --member "Nguyễn Mạnh Hùng" --as-of 2025-04-10 --output b.docx
    dondoc report agency-brief --agency du-bo-khcn --as-of 2025-04-10 --output b.docx

Without ``--store`` nothing is written to the database; the same date gives the same figures.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dondoc.core.dates import parse_date
from dondoc.orgs.models import Member, OrgUnit
from dondoc.reports import services
from dondoc.reports.pdf import PdfUnavailable, to_pdf
from dondoc.reports.periods import parse_period
from dondoc.tasks.filters import choose_program


class Command(BaseCommand):
    help = "Generate the quarterly report (DOCX, XLSX, PDF) or a one-page brief."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="kind", required=True)
        quarterly = sub.add_parser("quarterly", help="The Standing Office's quarterly report.")
        quarterly.add_argument("--period", required=True, help="The quarter, e.g. 2025-Q1.")
        quarterly.add_argument("--number", default="", help="Document number, e.g. 02.")
        quarterly.add_argument("--issued-on", help="Date of issue (default: --as-of).")
        quarterly.add_argument("--xlsx", help="Also write the tables as XLSX here.")
        quarterly.add_argument("--pdf", help="Also write a PDF here (needs LibreOffice).")
        quarterly.add_argument(
            "--store", action="store_true", help="Store the report (files, hash) in the database."
        )
        member = sub.add_parser("member-brief", help="One page for a committee member.")
        member.add_argument("--member", required=True, help="Full name or id.")
        agency = sub.add_parser("agency-brief", help="One page for a lead agency.")
        agency.add_argument("--agency", required=True, help="Organisation unit code or id.")
        for p in (quarterly, member, agency):
            p.add_argument("--as-of", required=True, help="YYYY-MM-DD or dd/mm/yyyy.")
            p.add_argument("--output", required=True, help="The DOCX file to write.")
            p.add_argument("--program", default="", help="Program code (default: the first).")

    def handle(self, *args, **options) -> None:
        try:
            as_of = parse_date(options["as_of"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        program = choose_program(options["program"])
        if program is None:
            raise CommandError("No program: load one first (dondoc load-nq57).")
        output = Path(options["output"])
        if options["kind"] == "quarterly":
            self._quarterly(program, as_of, output, options)
        elif options["kind"] == "member-brief":
            key = options["member"]
            members = Member.objects.filter(program=program)
            member = (
                members.filter(pk=int(key)).first()
                if key.isdigit()
                else members.filter(full_name=key).first()
            )
            if member is None:
                raise CommandError(f"No committee member {key!r} in {program.code}.")
            brief = services.member_brief(member, as_of)
            output.write_bytes(services.brief_docx(brief, program))
            self.stdout.write(f"{output}: {brief.summary_sentence()}")
        else:
            key = options["agency"]
            unit = (
                OrgUnit.objects.filter(pk=int(key)).first()
                if key.isdigit()
                else OrgUnit.objects.filter(code=key).first()
            )
            if unit is None:
                raise CommandError(f"No organisation unit {key!r}.")
            brief = services.agency_brief(program, unit, as_of)
            output.write_bytes(services.brief_docx(brief, program))
            self.stdout.write(f"{output}: {brief.summary_sentence()}")

    def _quarterly(self, program, as_of, output: Path, options) -> None:
        try:
            period = parse_period(options["period"])
            issued_on = parse_date(options["issued_on"]) if options["issued_on"] else as_of
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        params = {
            "period": period,
            "as_of": as_of,
            "number": options["number"],
            "issued_on": issued_on,
        }
        if options["store"]:
            stored = services.generate_quarterly(program, **params)
            computed = services.recompute(stored)
            self.stdout.write(f"Stored report #{stored.pk}, hash {stored.snapshot_hash}")
        else:
            computed = services.build_quarterly(program, **params)
        docx = computed.docx()
        output.write_bytes(docx)
        if options["xlsx"]:
            Path(options["xlsx"]).write_bytes(computed.xlsx())
        if options["pdf"]:
            try:
                Path(options["pdf"]).write_bytes(to_pdf(docx, name=output.name))
            except PdfUnavailable as exc:
                raise CommandError(str(exc)) from exc
        f = computed.data.figures
        self.stdout.write(
            f"{output}: {period.code} as of {as_of:%d/%m/%Y}: assigned {f.assigned}, "
            f"completed {f.completed}, in progress {f.in_progress}, overdue {f.overdue}; "
            f"appendix 1: {len(computed.data.late)} rows, appendix 2: "
            f"{len(computed.data.upcoming)} rows; hash {computed.data.snapshot_hash()}"
        )
