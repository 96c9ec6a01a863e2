"""``dondoc check-figures``: recompute the maintained status figures from scratch and compare.

    dondoc check-figures [--program NQ57] [--dates 31/03/2025 30/06/2025 ...] [--repair]
                         [--checkpoints]

The dashboard counts the status spans the services keep (``dondoc.tasks.spans``), through the
counts kept at checkpoints (``dondoc.tasks.checkpoints``). This command recomputes every
task's spans from its timeline and compares them with the stored ones, recounts every
checkpoint from the spans and compares, then, for each date (today by default), compares
every figure of the dashboard — overall, by solution group, lead agency and member, and the
most overdue tasks — read from what is kept with the same figures computed from the timeline.
Any difference is printed and the command exits non-zero; ``--repair`` then rewrites the
spans of the tasks that differ (after the due-soon setting changed, for instance) and
recounts the checkpoints. ``--checkpoints`` first adds the checkpoints due up to today (what
the daily ``figures.checkpoints`` job does).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dondoc.core.dates import DateError, parse_date
from dondoc.tasks import checkpoints, dashboard, spans
from dondoc.tasks.models import Program, Task
from dondoc.tasks.queries import tasks_as_of

#: Differences printed in full; the rest are counted.
SHOWN = 20


class Command(BaseCommand):
    help = "Recompute the dashboard's maintained figures from scratch and compare."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--program", help="Program code (default: every program).")
        parser.add_argument(
            "--dates", nargs="*", default=[], help="Dates to compare (default: today)."
        )
        parser.add_argument(
            "--repair",
            action="store_true",
            help="Rewrite the spans of the tasks that differ and recount the checkpoints.",
        )
        parser.add_argument(
            "--checkpoints",
            action="store_true",
            help="First add the checkpoints due up to today, counted from the spans.",
        )

    def handle(self, *args, **options) -> None:
        programs = Program.objects.order_by("pk")
        if options["program"]:
            programs = programs.filter(code=options["program"])
            if not programs.exists():
                raise CommandError(f"No program {options['program']!r}.")
        try:
            dates = [parse_date(d) for d in options["dates"]] or [timezone.localdate()]
        except (DateError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        program_ids = list(programs.values_list("pk", flat=True))
        if options["checkpoints"]:
            added = checkpoints.extend(program_ids)
            self.stdout.write(f"Added {added} checkpoints.")

        wrong = []
        for difference in spans.differences(program_ids):
            if len(wrong) < SHOWN:
                self.stdout.write(f"spans differ: {difference.describe()}")
            wrong.append(difference.task_id)
        if len(wrong) > SHOWN:
            self.stdout.write(f"... and {len(wrong) - SHOWN} more tasks whose spans differ.")
        problems = len(wrong)
        if wrong and options["repair"]:
            spans.refresh(wrong)
            self.stdout.write(f"Rewrote the spans of {len(wrong)} tasks.")
        miscounted = 0
        for difference in checkpoints.differences(program_ids):
            if miscounted < SHOWN:
                self.stdout.write(f"checkpoint differs: {difference.describe()}")
            miscounted += 1
        if miscounted > SHOWN:
            self.stdout.write(f"... and {miscounted - SHOWN} more checkpoint counts differ.")
        problems += miscounted
        if (wrong or miscounted) and options["repair"]:
            done = checkpoints.recount(program_ids)
            self.stdout.write(f"Recounted {done} checkpoints.")
        for program in programs:
            for day in dates:
                problems += self._compare(program, day)
        if problems:
            raise CommandError(f"{problems} differences between the maintained figures and "
                               "the timeline.")  # fmt: skip
        self.stdout.write(
            f"The figures of {len(program_ids)} programs agree with the timeline on "
            + ", ".join(f"{d:%d/%m/%Y}" for d in dates)
            + "."
        )

    def _compare(self, program: Program, day) -> int:
        """Differences between the dashboard's figures from the spans and from the timeline."""
        qs = tasks_as_of(day, Task.objects.filter(program=program))
        kept = dashboard.breakdowns(qs, day)
        fresh = dashboard.breakdowns(qs, day, source="timeline")
        problems = 0
        where = f"{program.code} on {day:%d/%m/%Y}"
        if kept.counts != fresh.counts:
            self.stdout.write(f"{where}: totals {kept.counts} != {fresh.counts}")
            problems += 1
        for part in ("group", "lead", "member"):
            for key in sorted(set(kept.by[part]) | set(fresh.by[part]), key=str):
                a, b = kept.by[part].get(key), fresh.by[part].get(key)
                if a != b:
                    self.stdout.write(f"{where}: {part} {key}: {a} != {b}")
                    problems += 1
        if kept.overdue != fresh.overdue:
            self.stdout.write(f"{where}: most overdue {kept.overdue} != {fresh.overdue}")
            problems += 1
        return problems
