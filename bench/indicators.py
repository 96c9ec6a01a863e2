"""Indicator read paths at national scale, beside hand-written SQL on the same data.

Against the synthetic indicator set (``dondoc synth --tasks 0 --indicators 200 --units 3400
--periods 60``: about 10 million values), times N warm calls of the code the pages run:

- **national roll-up**: one indicator's national series over its 60 months
  (``national.national_figures``: national values, else the provinces' roll-up with its
  coverage), for a commune-level indicator (3,300 units a month, rolled up through their
  provinces);
- **province map**: the indicator page's breakdown and map (``views._breakdown`` then
  ``views._map``: each unit's latest approved value, and each province's figure of the latest
  period, its own value else its communes' roll-up, matched to the shipped boundaries), for
  a province-level indicator (``--map-code``);
- **indicator list**: the list page's catalogue with statuses (``queries.catalogue(...,
  ends_only=True)``: targets, first and latest national figure, roll-ups and their coverage
  notes, status and its components, overrides, parents' status from their children) for the
  200 indicators;
- **provinces' composite**: the composite index of every province (``composite.by_province``);

and hand-written SQL fetching the same figures: straight from the values table ("raw"), and
from the maintained tables the code reads ("rollup": ``IndicatorNationalRollup``,
``IndicatorRollup``, ``IndicatorSeriesEnds``). The SQL reads what the page shows: the list's
indicators with their group, agency and programme, the first and latest national value with
a figure and the latest row; the composite's indicators (direction, weight, labels) besides
the series' ends, targets and weight changes. It prints p50 and p95 in
milliseconds, the ratio of the code's p95 to the lower SQL p95, and the load average. The
code and the SQL are called in turn, call after call, so both meet the same load.

    python bench/indicators.py [--prepare] [--n 30] [--as-of 2026-06-30] [--code 4] [--json]

Budget: p95 under 300 ms each, and within 3x of the hand-written SQL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dondoc.settings")
os.environ.setdefault("DONDOC_SECRET_KEY", "benchmark-only-not-a-secret")
os.environ["DONDOC_DEBUG"] = "false"

from pages import create_postgres_database_if_missing, percentile  # noqa: E402

BUDGET_MS = 300.0
BUDGET_RATIO = 3.0
PROGRAM = "SYNTH"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=30, help="Timed calls per path.")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--as-of", default="2026-06-30", help="Date of the figures.")
    parser.add_argument("--code", default="4", help="Indicator of the national roll-up.")
    parser.add_argument("--map-code", default="2", help="Indicator of the map (province level).")
    parser.add_argument(
        "--prepare",
        action="store_true",
        help="Create the database if missing, migrate, and generate the indicators if absent.",
    )
    parser.add_argument("--indicators", type=int, default=200, help="For --prepare.")
    parser.add_argument("--units", type=int, default=3400, help="For --prepare.")
    parser.add_argument("--periods", type=int, default=60, help="For --prepare.")
    parser.add_argument("--json", action="store_true")
    return parser.parse_args(argv)


def prepare(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connection

    from dondoc.indicators.models import Indicator

    create_postgres_database_if_missing()
    call_command("migrate", verbosity=0)
    if not Indicator.objects.filter(program__code=PROGRAM).exists():
        started = time.monotonic()
        call_command(
            "synth", tasks=0, indicators=args.indicators, units=args.units,
            periods=args.periods, replace=True,
        )  # fmt: skip
        print(f"synth: {time.monotonic() - started:.0f} s", file=sys.stderr)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


class RawSQL:
    """Hand-written SQL for each path: what a careful hand would send for the same figures."""

    def __init__(self, program_id: int, indicator_id: int, as_of: dt.date, map_id: int) -> None:
        from dondoc.indicators.models import (
            Indicator,
            IndicatorNationalRollup,
            IndicatorRollup,
            IndicatorSeriesEnds,
            IndicatorValue,
            StatusOverride,
            Target,
            WeightChange,
        )
        from dondoc.orgs.models import OrgUnit
        from dondoc.tasks.models import Program, SolutionGroup

        self.t = {
            "v": IndicatorValue._meta.db_table,
            "r": IndicatorRollup._meta.db_table,
            "i": Indicator._meta.db_table,
            "tg": Target._meta.db_table,
            "o": StatusOverride._meta.db_table,
            "w": WeightChange._meta.db_table,
            "u": OrgUnit._meta.db_table,
            "n": IndicatorNationalRollup._meta.db_table,
            "e": IndicatorSeriesEnds._meta.db_table,
            "g": SolutionGroup._meta.db_table,
            "pr": Program._meta.db_table,
        }
        self.p = {"p": program_id, "i": indicator_id, "d": as_of, "m": map_id}

    def _run(self, sql: str) -> list:
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute(sql.format(**self.t), self.p)
            return cur.fetchall()

    # National roll-up
    def rollup_raw(self) -> None:
        self._run(
            "SELECT period_start, period_end, COUNT(*), SUM(value), MIN(value), MAX(value) "
            "FROM {v} WHERE indicator_id = %(i)s AND org_unit_id IS NOT NULL "
            "AND state = 'approved' AND value IS NOT NULL AND period_end <= %(d)s "
            "GROUP BY period_start, period_end ORDER BY period_end"
        )

    def rollup_table(self) -> None:
        # the national values, and the national roll-ups of the other periods
        self._run(
            "SELECT v.id, v.period_start, v.period_end, v.period_label, v.value, v.source, "
            "v.source_directive_id FROM {v} v WHERE v.indicator_id = %(i)s "
            "AND v.org_unit_id IS NULL AND v.state = 'approved' AND v.period_end <= %(d)s "
            "ORDER BY v.period_end, v.id"
        )
        self._run(
            "SELECT r.period_start, r.period_end, r.period_label, r.value, r.reported, r.units, "
            "r.missing_weights FROM {n} r WHERE r.indicator_id = %(i)s AND r.period_end <= %(d)s "
            "AND NOT EXISTS (SELECT 1 FROM {v} v WHERE v.indicator_id = r.indicator_id "
            "AND v.org_unit_id IS NULL AND v.period_end = r.period_end "
            "AND v.state = 'approved' AND v.value IS NOT NULL) ORDER BY r.period_end"
        )
        self._run("SELECT valid_from, valid_to FROM {u} WHERE kind = 'province'")

    # Province map: each unit's latest approved value of the indicator, with its unit (the
    # table beside the map), and the provinces' roll-up of the latest period (the map).
    def map_raw(self) -> None:
        self._run(
            "SELECT DISTINCT ON (v.org_unit_id) v.org_unit_id, u.code, u.name, u.kind, "
            "v.period_end, v.value FROM {v} v JOIN {u} u ON u.id = v.org_unit_id "
            "WHERE v.indicator_id = %(m)s AND v.state = 'approved' AND v.period_end <= %(d)s "
            "ORDER BY v.org_unit_id, v.period_end DESC, v.id DESC"
        )
        # the map's figures: each province's roll-up for the latest period (its own value, else
        # its communes')
        self._run(
            "SELECT r.area_id, u.code, u.name, u.kind, r.period_start, r.period_end, r.count, "
            "r.total, r.minimum, r.maximum, r.weighted, r.weights, r.weighed FROM {r} r "
            "LEFT JOIN {u} u ON u.id = r.area_id WHERE r.indicator_id = %(m)s "
            "AND r.period_end = (SELECT MAX(x.period_end) FROM {r} x WHERE x.indicator_id = %(m)s "
            "AND x.area_id IS NULL AND x.period_end <= %(d)s) ORDER BY u.name"
        )

    # Indicator list with statuses: the catalogue, targets, first and latest national values,
    # overrides in force.
    def catalogue(self) -> None:
        self._run(
            "SELECT i.id, i.code, i.name, i.unit, i.direction, i.baseline_value, i.baseline_on, "
            "i.group_id, i.responsible_agency_id, "
            "(SELECT v.value FROM {v} v WHERE v.indicator_id = i.id AND v.org_unit_id IS NULL "
            " AND v.state = 'approved' AND v.value IS NOT NULL AND v.period_end <= %(d)s "
            " ORDER BY v.period_end, v.id LIMIT 1) AS first, "
            "(SELECT v.period_end FROM {v} v WHERE v.indicator_id = i.id AND v.org_unit_id IS NULL"
            " AND v.state = 'approved' AND v.value IS NOT NULL AND v.period_end <= %(d)s "
            " ORDER BY v.period_end, v.id LIMIT 1) AS first_on, "
            "l.value, l.period_end, l.period_label, l.source, f.value, f.period_end, "
            "g.number, g.title, a.name, pr.code "
            "FROM {i} i LEFT JOIN LATERAL (SELECT v.value, v.period_end, v.period_label, v.source "
            " FROM {v} v WHERE v.indicator_id = i.id AND v.org_unit_id IS NULL "
            " AND v.state = 'approved' AND v.period_end <= %(d)s "
            " ORDER BY v.period_end DESC, v.id DESC LIMIT 1) l ON TRUE "
            "LEFT JOIN LATERAL (SELECT v.value, v.period_end FROM {v} v "
            " WHERE v.indicator_id = i.id AND v.org_unit_id IS NULL AND v.state = 'approved' "
            " AND v.value IS NOT NULL AND v.period_end <= %(d)s "
            " ORDER BY v.period_end DESC, v.id DESC LIMIT 1) f ON TRUE "
            "LEFT JOIN {g} g ON g.id = i.group_id "
            "LEFT JOIN {u} a ON a.id = i.responsible_agency_id "
            "JOIN {pr} pr ON pr.id = i.program_id "
            "WHERE i.program_id = %(p)s ORDER BY i.sort_key"
        )
        self._run(  # the roll-ups of the periods without a national value
            "SELECT r.indicator_id, r.period_start, r.period_end, r.period_label, r.value, "
            "r.reported, r.units, r.missing_weights FROM {n} r JOIN {i} i "
            "ON i.id = r.indicator_id WHERE i.program_id = %(p)s AND r.period_end <= %(d)s "
            "AND NOT EXISTS (SELECT 1 FROM {v} v WHERE v.indicator_id = r.indicator_id "
            "AND v.org_unit_id IS NULL AND v.period_end = r.period_end "
            "AND v.state = 'approved' AND v.value IS NOT NULL) "
            "ORDER BY r.indicator_id, r.period_end"
        )
        self._run("SELECT valid_from, valid_to FROM {u} WHERE kind = 'province'")
        self._run(
            "SELECT t.* FROM {tg} t JOIN {i} i ON i.id = t.indicator_id "
            "WHERE i.program_id = %(p)s ORDER BY t.indicator_id, t.due_on"
        )
        self._run(
            "SELECT DISTINCT ON (o.indicator_id) o.indicator_id, o.status FROM {o} o "
            "JOIN {i} i ON i.id = o.indicator_id WHERE i.program_id = %(p)s "
            "AND o.set_on <= %(d)s ORDER BY o.indicator_id, o.set_on DESC, o.id DESC"
        )

    # Provinces' composite: every province's first and latest approved value of each indicator,
    # the targets and the weights in force.
    def indicators(self) -> None:
        """The indicators with their group and agency: a composite needs each one's direction,
        weight and labels (the page loads them once for every index)."""
        self._run(
            "SELECT i.*, g.*, a.* FROM {i} i LEFT JOIN {g} g ON g.id = i.group_id "
            "LEFT JOIN {u} a ON a.id = i.responsible_agency_id WHERE i.program_id = %(p)s "
            "ORDER BY i.sort_key"
        )

    def composite(self) -> None:
        self.indicators()
        self._run(
            "SELECT DISTINCT ON (v.org_unit_id, v.indicator_id) v.org_unit_id, v.indicator_id, "
            "v.period_end, v.value FROM {v} v JOIN {u} u ON u.id = v.org_unit_id "
            "JOIN {i} i ON i.id = v.indicator_id WHERE i.program_id = %(p)s "
            "AND u.kind = 'province' AND v.state = 'approved' AND v.value IS NOT NULL "
            "AND v.period_end <= %(d)s "
            "ORDER BY v.org_unit_id, v.indicator_id, v.period_end DESC, v.id DESC"
        )
        self._run(
            "SELECT DISTINCT ON (v.org_unit_id, v.indicator_id) v.org_unit_id, v.indicator_id, "
            "v.period_end, v.value FROM {v} v JOIN {u} u ON u.id = v.org_unit_id "
            "JOIN {i} i ON i.id = v.indicator_id WHERE i.program_id = %(p)s "
            "AND u.kind = 'province' AND v.state = 'approved' AND v.value IS NOT NULL "
            "AND v.period_end <= %(d)s "
            "ORDER BY v.org_unit_id, v.indicator_id, v.period_end, v.id"
        )
        self._targets_and_weights()

    def _targets_and_weights(self) -> None:
        # the targets and the weights in force, as the composite reads them
        self._run(
            "SELECT t.* FROM {tg} t JOIN {i} i ON i.id = t.indicator_id "
            "WHERE i.program_id = %(p)s ORDER BY t.indicator_id, t.due_on"
        )
        self._run(
            "SELECT w.indicator_id, w.weight FROM {w} w JOIN {i} i ON i.id = w.indicator_id "
            "WHERE i.program_id = %(p)s AND w.effective_on <= %(d)s "
            "ORDER BY w.effective_on, w.id"
        )

    def composite_table(self) -> None:
        # what the page reads: the maintained ends of the provinces' series
        self.indicators()
        self._run(
            "SELECT e.indicator_id, e.org_unit_id, u.name, e.first_id, e.first_on, "
            "e.first_value, e.last_id, e.last_on, e.last_value FROM {e} e "
            "JOIN {u} u ON u.id = e.org_unit_id JOIN {i} i ON i.id = e.indicator_id "
            "WHERE e.unit_kind = 'province' AND i.program_id = %(p)s"
        )
        self._targets_and_weights()


def interleaved(code, references: dict, n: int, warmup: int):
    """Time ``code`` and each reference in turn, call after call, so that both meet the same
    load from the rest of the machine (on a shared machine the load moves within seconds)."""
    mine: list[float] = []
    sql: dict[str, list[float]] = {key: [] for key in references}
    for round_ in range(warmup + n):
        for key, fn in [("", code), *references.items()]:
            start = time.perf_counter()
            fn()
            elapsed = (time.perf_counter() - start) * 1000
            if round_ >= warmup:
                (mine if key == "" else sql[key]).append(elapsed)
    return mine, sql


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    import django

    django.setup()
    if args.prepare:
        prepare(args)

    from django.conf import settings
    from django.db import connection

    from dondoc.indicators import composite, national, queries, reads, views
    from dondoc.indicators.models import Indicator, IndicatorValue

    program_indicators = Indicator.objects.filter(program__code=PROGRAM)
    indicator = program_indicators.filter(code=args.code).first()
    if indicator is None:
        print("No SYNTH indicators: run `dondoc synth --tasks 0 --indicators 200 …` or pass "
              "--prepare.", file=sys.stderr)  # fmt: skip
        return 2
    if connection.vendor != "postgresql":
        print("The hand-written SQL is PostgreSQL's (LATERAL, DISTINCT ON).", file=sys.stderr)
        return 2
    as_of = dt.date.fromisoformat(args.as_of)
    mapped = program_indicators.filter(code=args.map_code).first() or indicator
    raw = RawSQL(indicator.program_id, indicator.pk, as_of, mapped.pk)

    def provinces() -> None:
        # as the scores page loads them (``views.indicator_scores``)
        composite.by_province(reads.with_targets(program_indicators), as_of)

    paths = {
        "national roll-up": (
            lambda: national.national_figures([indicator], as_of),
            {"raw": raw.rollup_raw, "rollup": raw.rollup_table},
        ),
        "province map": (
            lambda: views._map(mapped, views._breakdown(mapped, as_of), as_of),
            {"raw": raw.map_raw},
        ),
        "indicator list": (
            lambda: queries.catalogue(program_indicators, as_of, ends_only=True),
            {"raw": raw.catalogue},
        ),
        "provinces' composite": (
            provinces,
            {"raw": raw.composite, "rollup": raw.composite_table},
        ),
    }
    # The process as production starts it (``dondoc/wsgi.py``), as ``pages.py`` does: what
    # start-up loaded is frozen out of the garbage collector's sight.
    from dondoc.wsgi import freeze_startup_heap

    freeze_startup_heap()
    results = []
    load_start = os.getloadavg()
    for name, (code, references) in paths.items():
        mine, sql = interleaved(code, references, args.n, args.warmup)
        reference = min(percentile(s, 95) for s in sql.values())
        p95 = percentile(mine, 95)
        results.append(
            {
                "path": name,
                "p50_ms": round(percentile(mine, 50), 1),
                "p95_ms": round(p95, 1),
                **{f"{k}_p50_ms": round(percentile(s, 50), 1) for k, s in sql.items()},
                **{f"{k}_p95_ms": round(percentile(s, 95), 1) for k, s in sql.items()},
                "ratio": round(p95 / reference, 2) if reference else None,
                "within_budget": p95 < BUDGET_MS and p95 <= BUDGET_RATIO * reference,
            }
        )
    load_end = os.getloadavg()
    meta = {
        "database": connection.vendor,
        "debug": settings.DEBUG,
        "load_average": [[round(x, 2) for x in load_start], [round(x, 2) for x in load_end]],
        "values": IndicatorValue.objects.filter(indicator__program__code=PROGRAM).count(),
        "indicators": program_indicators.count(),
        "indicator": f"{indicator.code} ({', '.join(indicator.levels)}, {indicator.aggregation})",
        "map_indicator": f"{mapped.code} ({', '.join(mapped.levels)}, {mapped.aggregation})",
        "table_answers": national.table_answers(as_of, None),
        "as_of": args.as_of,
        "n": args.n,
    }
    if args.json:
        print(json.dumps({"meta": meta, "results": results}, indent=2))
    else:
        print_table(meta, results)
    return 0 if all(r["within_budget"] for r in results) else 1


def print_table(meta: dict, results: list[dict]) -> None:
    print(
        f"{meta['database']}, {meta['indicators']} indicators, {meta['values']} values, "
        f"indicator {meta['indicator']}, map {meta['map_indicator']}, as of {meta['as_of']} "
        f"(national roll-up table answers: {meta['table_answers']}), {meta['n']} warm calls (ms); "
        f"load average (1, 5, 15 min) {meta['load_average'][0]} → {meta['load_average'][1]}"
    )
    header = ("path", "p50", "p95", "raw p50", "raw p95", "rollup p95", "ratio", "budget")
    print(f"{header[0]:<22}" + "".join(f"{h:>11}" for h in header[1:]))
    for r in results:
        rollup = f"{r['rollup_p95_ms']:.1f}" if "rollup_p95_ms" in r else "—"
        print(
            f"{r['path']:<22}{r['p50_ms']:>11.1f}{r['p95_ms']:>11.1f}{r['raw_p50_ms']:>11.1f}"
            f"{r['raw_p95_ms']:>11.1f}{rollup:>11}{r['ratio']:>11.2f}"
            f"{'ok' if r['within_budget'] else 'MISSED':>11}"
        )
    print(
        "raw: hand-written SQL on the values table; rollup: hand-written SQL on the roll-up "
        "table; ratio: p95 / the lower SQL p95."
    )


if __name__ == "__main__":
    sys.exit(main())
