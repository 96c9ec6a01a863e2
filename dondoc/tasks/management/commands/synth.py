"""``dondoc synth``: fill the database with a synthetic national dataset (program SYNTH).

    dondoc synth --tasks 50000 --seed 1 --updates-per-task 10 [--replace]
    dondoc synth --tasks 0 --indicators 200 --units 3400 --periods 60 --replace

For load tests and the benchmark in ``bench/``; it never touches other programs.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dondoc.core.dates import parse_date
from dondoc.tasks import synth


class Command(BaseCommand):
    help = "Generate a reproducible synthetic dataset in its own program (code SYNTH)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tasks", type=int, default=50_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--updates-per-task", type=int, default=10)
        parser.add_argument("--communes", type=int, default=3_300)
        parser.add_argument("--directives", type=int, default=200)
        parser.add_argument(
            "--indicators", type=int, default=0, help="Indicators with monthly values (0: none)."
        )
        parser.add_argument("--periods", type=int, default=60, help="Months of indicator values.")
        parser.add_argument(
            "--units",
            type=int,
            default=None,
            help="Organisation units in all (34 provinces, the ministries, the rest communes); "
            "sets --communes.",
        )
        parser.add_argument(
            "--until",
            default=synth.DEFAULT_UNTIL.isoformat(),
            help="Last date of the data (directives, updates); YYYY-MM-DD or dd/mm/yyyy.",
        )
        parser.add_argument(
            "--replace", action="store_true", help="Delete an existing SYNTH dataset first."
        )

    def handle(self, *args, **options) -> None:
        if options["tasks"] < 0 or options["updates_per_task"] < 0:
            raise CommandError("--tasks and --updates-per-task must not be negative.")
        if options["directives"] < 1:
            raise CommandError("--directives must be at least 1.")
        try:
            until = parse_date(options["until"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["indicators"] < 0 or options["periods"] < 1:
            raise CommandError("--indicators must not be negative, --periods at least 1.")
        communes = options["communes"]
        if options["units"] is not None:
            communes = options["units"] - synth.UNITS_BESIDES_COMMUNES
            if communes < 0:
                raise CommandError(
                    f"--units must be at least {synth.UNITS_BESIDES_COMMUNES} "
                    "(provinces and ministries)."
                )
        verbose = options["verbosity"] > 0
        try:
            summary = synth.generate(
                options["tasks"],
                seed=options["seed"],
                updates_per_task=options["updates_per_task"],
                until=until,
                communes=communes,
                indicators=options["indicators"],
                periods=options["periods"],
                directives=options["directives"],
                replace=options["replace"],
                log=(lambda m: self.stderr.write(m)) if verbose else (lambda _m: None),
            )
        except synth.SynthExists as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"SYNTH: {summary.org_units} org units, {summary.members} members, "
            f"{summary.directives} directives, {summary.tasks} tasks, {summary.updates} updates, "
            f"{summary.indicators} indicators, {summary.values} indicator values "
            f"in {summary.seconds:.1f} s."
        )
