"""Concurrent reporters posting progress updates into their round submissions.

N reporters (default 50), each of their own ministry, each in its own thread with its own
Django test client and database connection, post progress updates through the submission page
(``POST /rounds/<id>/agencies/<agency>/``, the same view and services a browser uses) for a
fixed time (default 60 s). Nothing leaves the process: no network at all.

It prints the number of requests, errors, p50/p95/max latency, and the rows before and after:
progress updates and their links to the submissions must have grown by exactly the number of
successful requests (zero lost updates).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dondoc_load \\
        python bench/load_submit.py --prepare [--reporters 50] [--seconds 60] [--json]

See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dondoc.settings")
os.environ.setdefault("DONDOC_SECRET_KEY", "benchmark-only-not-a-secret")

PROGRAM = "LOAD"
ROUND_TITLE = "Load test round"
TASKS_PER_AGENCY = 3
MAX_REQUESTS_PER_REPORTER = 100_000  # a bound besides the time limit


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reporters", type=int, default=50, help="Concurrent reporters (1-200).")
    parser.add_argument("--seconds", type=float, default=60.0, help="Duration (at most 600).")
    parser.add_argument(
        "--prepare",
        action="store_true",
        help="Create the database if missing, migrate, and create the program, agencies, "
        "reporters and round used here (once).",
    )
    parser.add_argument(
        "--allow-sqlite", action="store_true", help="Run on SQLite (for a quick try only)."
    )
    parser.add_argument("--json", action="store_true", help="Print the results as JSON.")
    args = parser.parse_args(argv)
    if not 1 <= args.reporters <= 200:
        parser.error("--reporters must be between 1 and 200")
    if not 0 < args.seconds <= 600:
        parser.error("--seconds must be between 0 and 600")
    return args


def create_postgres_database_if_missing() -> None:
    from django.conf import settings

    db = settings.DATABASES["default"]
    if "postgresql" not in db["ENGINE"]:
        return
    import psycopg

    params = {
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
        if exists.fetchone() is None:
            conn.execute(f'CREATE DATABASE "{db["NAME"]}"')
            print(f"Created database {db['NAME']}.", file=sys.stderr)


def prepare(reporters: int) -> None:
    """A program with one ministry per reporter, three open tasks each, and an open round."""
    from django.core.management import call_command
    from django.utils import timezone

    from dondoc.accounts.models import Membership, Role, User
    from dondoc.orgs.models import OrgKind, OrgUnit
    from dondoc.rounds import services as rounds
    from dondoc.rounds.models import ReportingRound
    from dondoc.tasks import services as tasks
    from dondoc.tasks.models import Program

    create_postgres_database_if_missing()
    call_command("migrate", verbosity=0)
    program, _ = Program.objects.get_or_create(code=PROGRAM, defaults={"name": "Load test"})
    today = timezone.localdate()
    units = []
    for n in range(reporters):
        unit, created = OrgUnit.objects.get_or_create(
            code=f"load-bo-{n:03}",
            defaults={"kind": OrgKind.MINISTRY, "name": f"Bộ thử tải {n:03}"},
        )
        units.append(unit)
        user, _ = User.objects.get_or_create(
            username=f"load-reporter-{n:03}", defaults={"role": Role.REPORTER}
        )
        Membership.objects.get_or_create(user=user, org_unit=unit)
        if created:
            for k in range(TASKS_PER_AGENCY):
                tasks.create_task(
                    program=program,
                    content=f"Nhiệm vụ thử tải {k + 1} của {unit.name}",
                    assigned_on=today - dt.timedelta(days=200),
                    deadline=f"{(today + dt.timedelta(days=120)):%d/%m/%Y}",
                    leads=[unit],
                )
    round_ = ReportingRound.objects.filter(program=program, title=ROUND_TITLE).first()
    if round_ is None:
        rounds.open_round(
            program=program,
            title=ROUND_TITLE,
            period_start=today - dt.timedelta(days=90),
            period_end=today,
            due_on=today + dt.timedelta(days=30),
            agencies=units,
        )
    else:
        existing = set(round_.agencies.values_list("pk", flat=True))
        from dondoc.rounds.models import RoundAgency

        RoundAgency.objects.bulk_create(
            [RoundAgency(round=round_, org_unit=u) for u in units if u.pk not in existing]
        )


def counts(round_) -> dict[str, int]:
    from dondoc.rounds.models import SubmissionUpdate
    from dondoc.tasks.models import ProgressUpdate

    return {
        "progress_updates": ProgressUpdate.objects.filter(task__program=round_.program).count(),
        "submission_links": SubmissionUpdate.objects.filter(submission__round=round_).count(),
    }


def reporter_loop(
    username: str, url: str, task_ids: list[int], deadline: float, out: dict, lock
) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    latencies: list[float] = []
    ok = errors = 0
    samples: list[str] = []
    try:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        today = dt.date.today().isoformat()
        n = 0
        while time.monotonic() < deadline and n < MAX_REQUESTS_PER_REPORTER:
            task = task_ids[n % len(task_ids)]
            n += 1
            data = {
                "action": "prepare",
                "task": str(task),
                f"t{task}-text": f"{username}: tiến độ lần {n}",
                f"t{task}-reported_on": today,
            }
            started = time.perf_counter()
            try:
                response = client.post(url, data)
                status = response.status_code
            except Exception as exc:  # a crash in the view counts as an error, not a stop
                status = repr(exc)
            latencies.append((time.perf_counter() - started) * 1000)
            if status == 302:
                ok += 1
            else:
                errors += 1
                if len(samples) < 3:
                    samples.append(str(status))
    finally:
        connection.close()
        with lock:
            out["latencies"].extend(latencies)
            out["ok"] += ok
            out["errors"] += errors
            out["samples"].extend(samples)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import override_settings

    vendor = connection.vendor
    if vendor != "postgresql" and not args.allow_sqlite:
        print("Set DATABASE_URL=postgres://... (or pass --allow-sqlite).", file=sys.stderr)
        return 2
    if args.prepare:
        prepare(args.reporters)

    from dondoc.orgs.models import OrgUnit
    from dondoc.rounds.models import ReportingRound
    from dondoc.tasks.models import AgencyRole, TaskAgency

    round_ = ReportingRound.objects.select_related("program").get(
        program__code=PROGRAM, title=ROUND_TITLE
    )
    plan = []
    for n in range(args.reporters):
        unit = OrgUnit.objects.get(code=f"load-bo-{n:03}")
        task_ids = list(
            TaskAgency.objects.filter(org_unit=unit, role=AgencyRole.LEAD).values_list(
                "task_id", flat=True
            )
        )
        plan.append((f"load-reporter-{n:03}", f"/rounds/{round_.pk}/agencies/{unit.pk}/", task_ids))

    before = counts(round_)
    connection.close()
    out = {"latencies": [], "ok": 0, "errors": 0, "samples": []}
    lock = threading.Lock()
    static = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # fmt: skip
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"], STORAGES=static):
        started = time.monotonic()
        deadline = started + args.seconds
        threads = [
            threading.Thread(
                target=reporter_loop, args=(user, url, tasks, deadline, out, lock), daemon=True
            )
            for user, url, tasks in plan
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.seconds + 120)
        elapsed = time.monotonic() - started
    after = counts(round_)

    latencies = out["latencies"]
    lost = {
        key: before[key] + out["ok"] - after[key]
        for key in ("progress_updates", "submission_links")
    }
    result = {
        "database": vendor,
        "reporters": args.reporters,
        "seconds": round(elapsed, 1),
        "requests": len(latencies),
        "ok": out["ok"],
        "errors": out["errors"],
        "error_samples": out["samples"],
        "throughput_per_s": round(len(latencies) / elapsed, 1) if elapsed else 0,
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "max_ms": round(max(latencies, default=0), 1),
        "rows_before": before,
        "rows_after": after,
        "lost_updates": lost,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(
            f"{result['reporters']} reporters, {result['seconds']} s on {vendor}: "
            f"{result['requests']} requests ({result['throughput_per_s']}/s), "
            f"{result['errors']} errors"
        )
        print(
            f"latency p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
            f"max {result['max_ms']} ms"
        )
        for key in ("progress_updates", "submission_links"):
            print(
                f"{key}: {before[key]} before, {after[key]} after, "
                f"{out['ok']} recorded, {lost[key]} lost"
            )
        if out["samples"]:
            print("first errors:", "; ".join(out["samples"]))
    healthy = out["errors"] == 0 and all(v == 0 for v in lost.values())
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
