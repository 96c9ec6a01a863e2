"""``dondoc check-indicator-figures``: rebuild the maintained roll-up tables from the values and
compare them with what the approvals kept; and compare the national figures the pages read
from the tables with those computed from the values.

    dondoc check-indicator-figures [--as-of DATE] [--repair]

Exits non-zero on a difference; ``--repair`` keeps the rebuilt tables (and stamps the units'
structure, which is also what to run after recording a merger of units)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from dondoc.core.dates import DateError, parse_date
from dondoc.indicators import rollup
from dondoc.indicators.models import (
    Indicator,
    IndicatorNationalRollup,
    IndicatorRollup,
    IndicatorSeriesEnds,
)
from dondoc.indicators.national import national_figures, table_answers

SHOWN = 20


class _Undo(Exception):
    pass


def snapshot() -> dict[str, set]:
    """Every row of the three maintained tables, without their ids."""
    return {
        "roll-up": set(
            IndicatorRollup.objects.values_list(
                "indicator_id", "area_id", "period_start", "period_end", "count", "total",
                "minimum", "maximum", "weighted", "weights", "weighed",
            )
        ),
        "series ends": set(
            IndicatorSeriesEnds.objects.values_list(
                "indicator_id", "org_unit_id", "count", "first_id", "first_on", "first_value",
                "last_id", "last_on", "last_value",
            )
        ),
        "national roll-up": set(
            IndicatorNationalRollup.objects.values_list(
                "indicator_id", "period_start", "period_end", "period_label", "value",
                "reported", "units", "missing_weights",
            )
        ),
    }  # fmt: skip


def _shape(series) -> tuple:
    return (
        [(p.on, p.row.period_start, p.row.value, p.coverage) for p in series.points],
        series.notes,
    )


class Command(BaseCommand):
    help = "Compare the maintained indicator roll-ups with a rebuild from the values."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", help="Date of the national figures compared (today).")
        parser.add_argument("--repair", action="store_true", help="Keep the rebuilt tables.")

    def handle(self, *args, **options) -> None:
        try:
            as_of = parse_date(options["as_of"]) if options["as_of"] else timezone.localdate()
        except DateError as exc:
            raise CommandError(str(exc)) from exc
        problems = 0
        try:
            with transaction.atomic():
                kept = snapshot()
                rollup.rebuild()
                built = snapshot()
                for table, rows in kept.items():
                    missing, extra = built[table] - rows, rows - built[table]
                    problems += len(missing) + len(extra)
                    for row in sorted(missing, key=str)[:SHOWN]:
                        self.stdout.write(f"{table}: missing or wrong, rebuilt as {row}")
                    for row in sorted(extra, key=str)[:SHOWN]:
                        self.stdout.write(f"{table}: kept but not rebuilt: {row}")
                if not options["repair"]:
                    raise _Undo
        except _Undo:
            pass
        if options["repair"] and problems:
            self.stdout.write(f"Rebuilt the roll-up tables ({problems} rows differed).")
            problems = 0
        if table_answers(as_of, None):
            indicators = list(Indicator.objects.all())
            fast = national_figures(indicators, as_of)
            exact = national_figures(indicators, as_of, exact=True)
            for i in indicators:
                if _shape(fast[i.pk]) != _shape(exact[i.pk]):
                    problems += 1
                    self.stdout.write(f"indicator {i.code}: the national figures differ")
        else:
            self.stdout.write(
                "The national roll-up table does not answer for this date (units changed "
                "since it was built, or a date before the last merger): run with --repair."
            )
        if problems:
            raise CommandError(
                f"{problems} differences between the maintained indicator figures and a "
                "rebuild from the values."
            )
        self.stdout.write("The maintained indicator figures equal a rebuild from the values.")
