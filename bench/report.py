"""Time the quarterly report's generation (figures, DOCX and XLSX) at 5,000 tasks.

Uses the synthetic dataset (program SYNTH, ``dondoc synth``). Each run computes the report as
of a date, renders the DOCX and the XLSX (what "Generate" does, minus storing the files) and
is timed; the script prints p50 and p95 and the sizes involved. See bench/README.md.

    python bench/report.py [--prepare] [--tasks 5000] [--n 5]
        [--period 2025-Q3] [--as-of 2025-10-10]

Budget: generation for 5,000 tasks under 5 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dondoc.settings")
os.environ.setdefault("DONDOC_SECRET_KEY", "benchmark-only-not-a-secret")

BUDGET_S = 5.0
PROGRAM = "SYNTH"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=5, help="Timed runs.")
    parser.add_argument("--period", default="2025-Q3")
    parser.add_argument("--as-of", default="2025-10-10", help="YYYY-MM-DD")
    parser.add_argument(
        "--prepare", action="store_true", help="Migrate and generate SYNTH with --tasks tasks."
    )
    parser.add_argument("--tasks", type=int, default=5_000, help="Tasks for --prepare.")
    parser.add_argument("--json", action="store_true")
    return parser.parse_args(argv)


def prepare(tasks: int) -> None:
    from django.core.management import call_command

    from dondoc.tasks import synth
    from dondoc.tasks.models import Program, Task

    call_command("migrate", verbosity=0)
    program = Program.objects.filter(code=PROGRAM).first()
    if program is not None and Task.objects.filter(program=program).count() == tasks:
        return
    print(f"Generating SYNTH with {tasks} tasks…", file=sys.stderr)
    synth.generate(tasks, seed=1, updates_per_task=10, replace=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    import django

    django.setup()
    if args.prepare:
        prepare(args.tasks)

    from dondoc.reports import services
    from dondoc.reports.periods import parse_period
    from dondoc.tasks.models import Program, Task

    program = Program.objects.get(code=PROGRAM)
    period, as_of = parse_period(args.period), dt.date.fromisoformat(args.as_of)
    timings, sizes = [], {}
    for _ in range(args.n):
        started = time.perf_counter()
        report = services.build_quarterly(program, period=period, as_of=as_of, number="01")
        docx, xlsx = report.docx(), report.xlsx()
        timings.append(time.perf_counter() - started)
        sizes = {
            "docx_bytes": len(docx),
            "xlsx_bytes": len(xlsx),
            "appendix_1_rows": len(report.data.late),
            "appendix_2_rows": len(report.data.upcoming),
            "lead_agencies": len(report.data.leads),
        }
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    result = {
        "tasks": Task.objects.filter(program=program, merged_into__isnull=True).count(),
        "runs": args.n,
        "p50_s": round(statistics.median(timings), 3),
        "p95_s": round(p95, 3),
        "budget_s": BUDGET_S,
        **sizes,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(
            f"Quarterly report, {result['tasks']} tasks, {args.period} as of {args.as_of}: "
            f"p50 {result['p50_s']:.2f} s, p95 {result['p95_s']:.2f} s "
            f"(budget {BUDGET_S:.0f} s); appendix 1 {sizes['appendix_1_rows']} rows, "
            f"appendix 2 {sizes['appendix_2_rows']} rows, {sizes['lead_agencies']} lead agencies, "
            f"DOCX {sizes['docx_bytes'] // 1024} KiB, XLSX {sizes['xlsx_bytes'] // 1024} KiB."
        )
    return 0 if p95 < BUDGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
