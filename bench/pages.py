"""Page timings against the synthetic national dataset, beside the raw SQL they need.

For the dashboard, a filtered task list, a task detail and the API list, this script makes N
warm requests through Django's test client (signed in as a Standing Office user, so nothing is
narrowed by scope) and times them; it then times hand-written SQL that computes the same
figures or rows on the same database. It prints p50 and p95 of both and the ratio
page p95 / SQL p95. See bench/README.md.

    python bench/pages.py [--prepare] [--n 30] [--as-of 2026-06-30] [--json]

Budget (50,000 tasks, PostgreSQL): p95 under 300 ms per page and no more than 3x its SQL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dondoc.settings")
os.environ.setdefault("DONDOC_SECRET_KEY", "benchmark-only-not-a-secret")
# Production behaviour: DEBUG off from the start (cached template loader, no query log).
os.environ["DONDOC_DEBUG"] = "false"

BUDGET_MS = 300.0
BUDGET_RATIO = 3.0
PAGES = (
    "dashboard",
    "dashboard (today)",
    "task list (filtered)",
    "task detail",
    "api list (filtered)",
    "task list (all)",
    "api list (overdue)",
)
#: The continuous-integration check (``--ci``): ratios page p50 / hand-written SQL p50 measured
#: on a small dataset, committed; a ratio more than 50 % above its baseline fails.
BASELINE = Path(__file__).resolve().parent / "baseline.json"
CI_TASKS = 5_000
#: What --ci --write-baseline measures unless --page says otherwise (every page: the dashboard
#: as of a past date and today too); --ci checks the pages of the baseline.
CI_PAGES = PAGES[:5]
CI_TOLERANCE = 0.5
PROGRAM = "SYNTH"
USERNAME = "bench-standing-office"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--n", type=int, default=None, help="Timed requests per page (30; 15 with --ci)."
    )
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--as-of", default="2026-06-30", help="Status date (YYYY-MM-DD).")
    parser.add_argument("--q", default="du lieu", help="Search text of the filtered list.")
    parser.add_argument(
        "--prepare",
        action="store_true",
        help="Create the database if missing, migrate, and run `synth` if SYNTH is absent.",
    )
    parser.add_argument(
        "--tasks",
        type=int,
        default=None,
        help=f"Tasks for --prepare (50,000; {CI_TASKS:,} with --ci).",
    )
    parser.add_argument("--json", action="store_true", help="Print the results as JSON.")
    parser.add_argument(
        "--page",
        action="append",
        choices=PAGES,
        help="Time only this page (repeatable; default: every page).",
    )
    parser.add_argument(
        "--ci",
        action="store_true",
        help="The continuous-integration check: prepare a small dataset (--tasks, default "
        f"{CI_TASKS:,}) if missing, time the pages of {BASELINE.name} in --rounds rounds and "
        f"fail when the median ratio page/SQL of a page exceeds its baseline by more than "
        f"{CI_TOLERANCE * 100:.0f}%%.",
    )
    parser.add_argument("--rounds", type=int, default=3, help="Rounds of timings for --ci.")
    parser.add_argument(
        "--lists",
        action="store_true",
        help="Instead of the pages: time the task list and the API list for no status and "
        "each status (--status), each sort ascending and descending (--sort), page 1 and "
        "--deep-page; print p50 and p95 of each (no hand-written SQL: the budget is 300 ms).",
    )
    parser.add_argument(
        "--status",
        action="append",
        help="With --lists: only these statuses (repeatable; 'none' for no status).",
    )
    parser.add_argument(
        "--sort",
        action="append",
        help="With --lists: only these sorts (repeatable; '-status' for descending).",
    )
    parser.add_argument(
        "--deep-page", type=int, default=101, help="With --lists: the deep page (101)."
    )
    parser.add_argument(
        "--kind",
        action="append",
        choices=("list", "api"),
        help="With --lists: only the task list or the API (default both).",
    )
    parser.add_argument(
        "--write-baseline",
        action="store_true",
        help=f"With --ci: write the measured ratios to {BASELINE.name} instead of comparing.",
    )
    args = parser.parse_args(argv)
    args.prepare = args.prepare or args.ci
    args.n = args.n or (15 if args.ci else 30)
    args.tasks = args.tasks or (CI_TASKS if args.ci else 50_000)
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


def prepare(tasks: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from dondoc.tasks.models import Program

    create_postgres_database_if_missing()
    call_command("migrate", verbosity=0)
    if not Program.objects.filter(code=PROGRAM).exists():
        call_command("synth", tasks=tasks)
    # A database kept between runs gets the checkpoints the daily job would have added since
    # (or all of them, if it was made before checkpoints existed).
    from dondoc.tasks import checkpoints

    checkpoints.extend()
    if connection.vendor == "postgresql":
        # What autovacuum does some time after a bulk load: planner statistics and the
        # visibility map (index-only scans).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


# Timing -----------------------------------------------------------------------------------------


def percentile(samples: list[float], pct: int) -> float:
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[pct - 1]


def timed(fn: Callable[[], object], n: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


# The raw SQL ------------------------------------------------------------------------------------


def tables() -> dict[str, str]:
    from dondoc.accounts.models import User
    from dondoc.followups.models import DeadlineExtension, ExplanationRequest
    from dondoc.orgs.models import Member, OrgGroup, OrgUnit
    from dondoc.tasks.models import (
        Attachment,
        DeadlineChange,
        Directive,
        DuplicateCandidate,
        Program,
        ProgressUpdate,
        SolutionGroup,
        StatusCheckpoint,
        StatusCount,
        Task,
        TaskAgency,
        TaskAgencyGroup,
        TaskChange,
        TaskRelation,
        TaskSource,
        TaskStatusSpan,
    )

    models = {
        "task": Task,
        "update": ProgressUpdate,
        "agency": TaskAgency,
        "source": TaskSource,
        "directive": Directive,
        "unit": OrgUnit,
        "member": Member,
        "group": SolutionGroup,
        "program": Program,
        "attachment": Attachment,
        "task_members": Task.members.through,
        "span": TaskStatusSpan,
        "checkpoint": StatusCheckpoint,
        "count": StatusCount,
        "extension": DeadlineExtension,
        "deadline_change": DeadlineChange,
        "agency_group": TaskAgencyGroup,
        "org_group": OrgGroup,
        "org_group_units": OrgGroup.units.through,
        "explanation": ExplanationRequest,
        "duplicate": DuplicateCandidate,
        "relation": TaskRelation,
        "task_groups": TaskAgencyGroup,
        "task_change": TaskChange,
        "task_history": Task.history.model,
        "update_history": ProgressUpdate.history.model,
        "user": User,
    }
    return {name: model._meta.db_table for name, model in models.items()}


def in_list(ids: list[int]) -> str:
    return ", ".join(str(int(i)) for i in ids) or "NULL"


OPEN = ("overdue", "due_soon", "in_progress", "regular", "no_deadline")


class RawSQL:
    """Hand-written SQL fetching everything each page shows, through a cursor.

    Each method reads what its page displays (figures, rows, their related names, the option
    lists of the filter form, the timeline and history of a task), in as few statements as a
    careful hand would write, and converts nothing: the time is the database's and the
    driver's. The session and user lookups every signed-in page makes are left out.
    """

    def __init__(self, params: dict, lead: int, q: str, task_id: int) -> None:
        self.t = tables()
        self.p = params
        self.lead = lead
        self.q = q
        self.task_id = task_id

    def _run(self, cur, sql: str, params: dict | None = None) -> list:
        cur.execute(sql, self.p if params is None else params)
        return cur.fetchall()

    def dashboard(self) -> None:
        from django.db import connection

        t = self.t
        with connection.cursor() as cur:
            self._run(cur, f"SELECT id, code, name FROM {t['program']} ORDER BY id", {})
            # The maintained figures: the counts kept at the checkpoint nearest to the date,
            # corrected by the status span rows starting or ending between the two days
            # (overall by group, by lead agency leading alone, by member); the shared lead
            # rows covering the date, counted once per task; and the ten most overdue. (Units
            # merged into another are added to it in Python, as the page does.)
            day = self.p["d"]
            days = [r[0] for r in self._run(cur, f"SELECT day FROM {t['checkpoint']} "
                                                 "WHERE program_id = %(p)s", self.p)]  # fmt: skip
            near = min(days, key=lambda c: (abs((c - day).days), c)) if days else None
            lo, hi = (near, day) if near is not None and near <= day else (day, near)
            sign = 1 if near is not None and near <= day else -1
            q = {**self.p, "c": near, "lo": lo, "hi": hi, "sign": sign}
            own = "FROM {span} WHERE program_id = %(p)s AND part = '{part}' AND NOT shared"
            moved = [
                f"""SELECT '{part}', COALESCE(key, 0), status, {orig}, {mult} * COUNT(*)
                {own.format(span=t["span"], part=part)} AND {col} > %(lo)s
                AND {col} <= %(hi)s GROUP BY 2, 3, 4"""
                for part, orig in (("task", "status_original"), ("lead", "''"), ("member", "''"))
                for col, mult in (("valid_from", "%(sign)s"), ("valid_to", "-%(sign)s"))
            ]
            cover = (f"FROM {t['span']} WHERE program_id = %(p)s AND valid_to > %(d)s "
                     "AND valid_from <= %(d)s AND part =")  # fmt: skip
            rows = self._run(
                cur,
                f"""SELECT * FROM (SELECT 'overdue', task_id, status, NULL, 0, due_on
                               {cover} 'task' AND NOT shared AND status = 'overdue'
                               ORDER BY due_on, task_id LIMIT 10) o
                UNION ALL
                SELECT part, key, status, status_original, SUM(n), NULL FROM (
                  SELECT part, key, status, status_original, n FROM {t["count"]}
                  WHERE program_id = %(p)s AND day = %(c)s
                  UNION ALL {" UNION ALL ".join(moved)}) k
                GROUP BY part, key, status, status_original
                UNION ALL
                SELECT 'lead', key, status, NULL, COUNT(DISTINCT task_id), NULL
                {cover} 'lead' AND shared GROUP BY key, status""",
                q,
            )
            # The twelve lead agencies with the most overdue (then open, then assigned) tasks.
            rank: dict[int, list[int]] = {}
            for part, key, status, _original, n, _due in rows:
                if part == "lead" and n:
                    r = rank.setdefault(key, [0, 0, 0])
                    r[0] -= n if status == "overdue" else 0
                    r[1] -= n if status in OPEN else 0
                    r[2] -= n if status != "cancelled" else 0
            top = sorted(rank, key=lambda k: rank[k])[:12]
            self._run(cur, f"SELECT id, name, short_name FROM {t['unit']} WHERE id IN "
                           f"({in_list(top)})", {})  # fmt: skip
            self._run(cur, f"SELECT id, number, title FROM {t['group']} WHERE program_id = %(p)s "
                           "ORDER BY number")  # fmt: skip
            self._run(cur, f"SELECT id, full_name, position FROM {t['member']} "
                           "WHERE program_id = %(p)s ORDER BY sort_order, full_name")  # fmt: skip
            overdue = [row[1] for row in rows if row[0] == "overdue"]
            self._run(cur, f"SELECT id, content FROM {t['task']} WHERE id IN "
                           f"({in_list(overdue)})", {})  # fmt: skip
            self._agencies(cur, overdue, leads_only=True)

    def _agencies(self, cur, ids: list[int], leads_only: bool = False) -> None:
        t = self.t
        role = "AND a.role = 'lead'" if leads_only else ""
        self._run(cur, f"SELECT a.task_id, a.role, u.id, u.name, u.short_name FROM {t['agency']} a "
                       f"JOIN {t['unit']} u ON u.id = a.org_unit_id WHERE a.task_id IN "
                       f"({in_list(ids)}) {role} ORDER BY a.role, a.id", {})  # fmt: skip

    def _related(self, cur, ids: list[int]) -> None:
        """Agencies, collective agencies, members and assigning directives of the tasks
        ``ids``."""
        t = self.t
        self._agencies(cur, ids)
        self._run(cur, f"SELECT g.task_id, g.role, o.id, o.code, o.name FROM {t['agency_group']} g "
                       f"JOIN {t['org_group']} o ON o.id = g.group_id WHERE g.task_id IN "
                       f"({in_list(ids)}) ORDER BY g.role, g.id", {})  # fmt: skip
        self._run(cur, f"SELECT tm.task_id, m.id, m.full_name FROM {t['task_members']} tm "
                       f"JOIN {t['member']} m ON m.id = tm.member_id WHERE tm.task_id IN "
                       f"({in_list(ids)})", {})  # fmt: skip
        self._run(cur, f"SELECT s.task_id, s.label, d.id, d.number, d.date FROM {t['source']} s "
                       f"JOIN {t['directive']} d ON d.id = s.directive_id WHERE s.task_id IN "
                       f"({in_list(ids)}) ORDER BY d.date, s.id", {})  # fmt: skip

    def _rows(self, cur, completion: bool = False) -> list:
        """The first 50 filtered rows, with their group and program, and the total.

        The status, the deadline in force and "late against the original deadline" are read
        from each task's maintained status span covering the date, as the pages read them
        (``filters.filtered_rows``; the same rows and figures the timeline gives, checked at
        50,000 tasks on three dates). The API's completion date (``completion``) is the
        timeline's closure in force, as the API reads it. The lead agency's tasks are those it
        leads itself or through a collective agency it is a member of on the date (a group of
        its kind, or naming it); the units whose work it carries on the date (merged into it)
        are added by the page too; the benchmark's unit carries none."""
        t = self.t
        lead = int(self.lead)
        con = (
            f"""CASE WHEN t.status_events_from IS NULL OR t.status_events_from > %(d)s THEN NULL
                     WHEN t.status_events_to <= %(d)s THEN t.closure_on
                     ELSE (SELECT u.effective_on FROM {t["update"]} u
                           WHERE u.task_id = t.id AND u.recorded_on <= %(d)s
                           AND u.status_change <> '' AND u.state IN ('published', 'corrected')
                           ORDER BY u.recorded_on DESC, u.id DESC LIMIT 1) END"""
            if completion
            else "NULL"
        )
        return self._run(
            cur,
            f"""SELECT t.id, t.content, t.due_on, sp.due_on, t.deadline_text, t.deadline_kind,
                   t.assigned_on, sp.status, g.id, g.number, g.title, p.code,
                   t.expected_output, t.output_kind, t.closure_on, {con},
                   (sp.status_original IN ('overdue', 'completed_late')
                    AND sp.status NOT IN ('overdue', 'completed_late', 'cancelled')),
                   COUNT(*) OVER ()
            FROM {t["task"]} t
            JOIN {t["span"]} sp ON sp.task_id = t.id AND sp.part = 'task'
                 AND sp.valid_from <= %(d)s AND sp.valid_to > %(d)s
            LEFT JOIN {t["group"]} g ON g.id = t.group_id
            JOIN {t["program"]} p ON p.id = t.program_id
            WHERE t.program_id = %(p)s AND t.merged_into_id IS NULL AND t.assigned_on <= %(d)s
            AND t.id IN (
              SELECT a.task_id FROM {t["agency"]} a WHERE a.org_unit_id = {lead} AND a.role = 'lead'
              UNION
              SELECT g.task_id FROM {t["agency_group"]} g WHERE g.role = 'lead' AND g.group_id IN (
                SELECT o.id FROM {t["org_group"]} o JOIN {t["unit"]} u ON u.id = {lead}
                WHERE (u.valid_from IS NULL OR u.valid_from <= %(d)s)
                AND (u.valid_to IS NULL OR u.valid_to >= %(d)s)
                AND (',' || REPLACE(o.kinds, ' ', '') || ',' LIKE '%%,' || u.kind || ',%%'
                     OR EXISTS (SELECT 1 FROM {t["org_group_units"]} x
                                WHERE x.orggroup_id = o.id AND x.orgunit_id = u.id))))
            AND t.content_folded LIKE %(like)s AND sp.status = 'overdue'
            ORDER BY sp.due_on, t.id LIMIT 50""",
        )

    def task_list(self) -> None:
        """The page's rows and the filter form's option lists."""
        from django.db import connection

        with connection.cursor() as cur:
            self._related(cur, [row[0] for row in self._rows(cur)])
            self._options(cur)

    def _options(self, cur) -> None:
        """The filter form's option lists."""
        t = self.t
        self._run(cur, f"SELECT id, code, name FROM {t['program']} ORDER BY id", {})
        self._run(
            cur,
            f"""SELECT u.id, u.name, u.short_name FROM {t["unit"]} u
            WHERE EXISTS (SELECT 1 FROM {t["agency"]} a JOIN {t["task"]} k ON k.id = a.task_id
                          WHERE a.org_unit_id = u.id AND a.role = 'lead'
                          AND k.program_id = %(p)s)
            AND (u.kind <> 'commune' OR u.id = {int(self.lead)})
            ORDER BY u.kind, u.name""",
        )
        self._run(cur, f"SELECT id, number, title FROM {t['group']} WHERE program_id = %(p)s "
                       "ORDER BY number")  # fmt: skip
        self._run(cur, f"SELECT id, full_name FROM {t['member']} WHERE program_id = %(p)s "
                       "ORDER BY sort_order, full_name")  # fmt: skip
        self._run(cur, f"SELECT id, number, date FROM {t['directive']} "
                       "WHERE program_id = %(p)s ORDER BY date DESC")  # fmt: skip

    def api_list(self) -> None:
        """The API page: the rows and what each item carries."""
        from django.db import connection

        with connection.cursor() as cur:
            self._related(cur, [row[0] for row in self._rows(cur, completion=True)])

    def task_list_all(self) -> None:
        """The unfiltered task list: its first 50 rows, its number, the rows' relations and
        the filter form's option lists."""
        from django.db import connection

        with connection.cursor() as cur:
            self._related(cur, [row[0] for row in self._long_rows(cur)])
            self._kept_count(cur)
            self._options(cur)

    def api_list_overdue(self) -> None:
        """The API list of the overdue tasks: its first 50 rows, its number, the relations."""
        from django.db import connection

        with connection.cursor() as cur:
            self._related(cur, [row[0] for row in self._long_rows(cur, "overdue")])
            self._kept_count(cur, "overdue")

    def _long_rows(self, cur, status: str | None = None) -> list:
        """The first 50 rows of a list of tens of thousands of tasks (every task, or those of
        one status): the tasks in deadline order, each joined to its status span covering the
        date, stopping at the 50th (an index walk)."""
        t = self.t
        only = "AND sp.status = %(status)s" if status else ""
        return self._run(
            cur,
            f"""SELECT t.id, t.content, t.due_on, sp.due_on, t.deadline_text, t.deadline_kind,
                   t.assigned_on, sp.status, g.id, g.number, g.title, p.code,
                   t.expected_output, t.output_kind, t.closure_on,
                   (sp.status_original IN ('overdue', 'completed_late')
                    AND sp.status NOT IN ('overdue', 'completed_late', 'cancelled'))
            FROM {t["task"]} t
            JOIN {t["span"]} sp ON sp.task_id = t.id AND sp.part = 'task'
                 AND sp.valid_from <= %(d)s AND sp.valid_to > %(d)s {only}
            LEFT JOIN {t["group"]} g ON g.id = t.group_id
            JOIN {t["program"]} p ON p.id = t.program_id
            WHERE t.program_id = %(p)s AND t.merged_into_id IS NULL AND t.assigned_on <= %(d)s
            ORDER BY sp.due_on, t.id LIMIT 50""",
            {**self.p, "status": status},
        )

    def _kept_count(self, cur, status: str | None = None) -> int:
        """The number of the program's tasks (of one status) on the date, as the dashboard
        keeps it: the count at the checkpoint nearest to the date, corrected by the task span
        rows starting or ending between the two days."""
        t = self.t
        day = self.p["d"]
        days = [r[0] for r in self._run(cur, f"SELECT day FROM {t['checkpoint']} "
                                             "WHERE program_id = %(p)s", self.p)]  # fmt: skip
        near = min(days, key=lambda c: (abs((c - day).days), c))
        lo, hi = (near, day) if near <= day else (day, near)
        sign = 1 if near <= day else -1
        only = "AND status = %(status)s" if status else ""
        own = f"FROM {t['span']} WHERE program_id = %(p)s AND part = 'task' AND NOT shared {only}"
        q = {**self.p, "c": near, "lo": lo, "hi": hi, "sign": sign, "status": status}
        return self._run(
            cur,
            f"""SELECT SUM(n) FROM (
              SELECT n FROM {t["count"]} WHERE program_id = %(p)s AND day = %(c)s
              AND part = 'task' {only}
              UNION ALL SELECT %(sign)s * COUNT(*) {own}
              AND valid_from > %(lo)s AND valid_from <= %(hi)s
              UNION ALL SELECT -%(sign)s * COUNT(*) {own}
              AND valid_to > %(lo)s AND valid_to <= %(hi)s) k""",
            q,
        )[0][0]

    def task_detail(self) -> None:
        """Everything the task page shows a Standing Office user (who sees every task, the
        published timeline and no agency's drafts), the status read from the maintained span
        covering the date, as the page reads it."""
        from django.db import connection

        t, pk = self.t, int(self.task_id)
        with connection.cursor() as cur:
            self._run(
                cur,
                f"""SELECT sp.status, sp.status_original, k.*, p.code, p.name, g.number, g.title,
                       par.content
                FROM {t["task"]} k JOIN {t["program"]} p ON p.id = k.program_id
                LEFT JOIN {t["span"]} sp ON sp.task_id = k.id AND sp.part = 'task'
                     AND sp.valid_from <= %(d)s AND sp.valid_to > %(d)s
                LEFT JOIN {t["group"]} g ON g.id = k.group_id
                LEFT JOIN {t["task"]} par ON par.id = k.parent_id
                WHERE k.id = {pk}""",
            )
            self._agencies(cur, [pk])
            self._run(cur, f"SELECT tg.role, o.id, o.name FROM {t['task_groups']} tg "
                           f"JOIN {t['org_group']} o ON o.id = tg.group_id "
                           f"WHERE tg.task_id = {pk} ORDER BY tg.role, tg.id", {})  # fmt: skip
            # The passage of the directive's text the task was read from, not the whole text.
            self._run(cur, f"SELECT s.label, s.wording, d.id, d.number, d.date, i.name, "
                           "SUBSTR(d.text, s.span_start + 1, s.span_end - s.span_start) "
                           f"FROM {t['source']} s JOIN {t['directive']} d ON d.id = s.directive_id "
                           f"LEFT JOIN {t['unit']} i ON i.id = d.issuer_id WHERE s.task_id = {pk} "
                           "ORDER BY d.date", {})  # fmt: skip
            self._run(cur, f"SELECT m.id, m.full_name, m.position FROM {t['task_members']} tm "
                           f"JOIN {t['member']} m ON m.id = tm.member_id WHERE tm.task_id = {pk} "
                           "ORDER BY m.sort_order, m.full_name", {})  # fmt: skip
            # The tasks linked to this one: sub-tasks, merged duplicates, related tasks.
            self._run(cur, f"""SELECT 'sub', id, content, NULL FROM {t['task']}
                           WHERE parent_id = {pk} AND merged_into_id IS NULL
                           UNION ALL SELECT 'merged', id, content, NULL FROM {t['task']}
                           WHERE merged_into_id = {pk}
                           UNION ALL SELECT r.kind, o.id, o.content, d.number
                           FROM {t['relation']} r JOIN {t['task']} o
                           ON o.id = CASE WHEN r.task_id = {pk} THEN r.related_id ELSE r.task_id END
                           LEFT JOIN {t['directive']} d ON d.id = r.source_id
                           WHERE r.task_id = {pk} OR r.related_id = {pk}""", {})  # fmt: skip
            self._run(cur, f"SELECT d.id, d.score, d.task_id, d.candidate_id, a.content, b.content "
                           f"FROM {t['duplicate']} d JOIN {t['task']} a ON a.id = d.task_id "
                           f"JOIN {t['task']} b ON b.id = d.candidate_id WHERE d.state = 'pending' "
                           f"AND (d.task_id = {pk} OR d.candidate_id = {pk}) "
                           "ORDER BY d.score DESC", {})  # fmt: skip
            updates = self._run(
                cur,
                f"""SELECT u.id, u.reported_on, u.recorded_on, u.text, u.status_change,
                       u.effective_on, u.state, o.name, o.short_name, w.username, w.full_name,
                       d.number, c.reported_on
                FROM {t["update"]} u LEFT JOIN {t["unit"]} o ON o.id = u.agency_id
                LEFT JOIN {t["user"]} w ON w.id = u.author_id
                LEFT JOIN {t["directive"]} d ON d.id = u.source_id
                LEFT JOIN {t["update"]} c ON c.id = u.corrects_id
                WHERE u.task_id = {pk} AND u.state IN ('published', 'corrected')
                ORDER BY u.reported_on DESC, u.id DESC""",
                {},
            )
            ids = in_list([u[0] for u in updates])
            self._run(cur, f"SELECT id, update_id, original_name, size FROM {t['attachment']} "
                           f"WHERE update_id IN ({ids})", {})  # fmt: skip
            # The change history: every historical record of the task and of its updates.
            for table, key in (("task_history", "id"), ("update_history", "task_id")):
                self._run(cur, f"SELECT h.*, w.username, w.full_name "
                               f"FROM {t[table]} h LEFT JOIN {t['user']} w "
                               f"ON w.id = h.history_user_id WHERE h.{key} = {pk} "
                               "ORDER BY h.history_date, h.history_id", {})  # fmt: skip
            # The explanations and extensions panel, the deadline history and the task's changes.
            self._run(cur, f"SELECT r.*, o.name FROM {t['explanation']} r "
                           f"LEFT JOIN {t['unit']} o ON o.id = r.agency_id "
                           f"WHERE r.task_id = {pk}", {})  # fmt: skip
            self._run(cur, f"SELECT * FROM {t['extension']} WHERE task_id = {pk}", {})
            self._run(cur, f"SELECT c.*, w.full_name, d.number, d.date "
                           f"FROM {t['deadline_change']} c "
                           f"LEFT JOIN {t['user']} w ON w.id = c.by_id "
                           f"LEFT JOIN {t['directive']} d ON d.id = c.source_id "
                           f"WHERE c.task_id = {pk} ORDER BY c.effective_on, c.id", {})  # fmt: skip
            self._run(cur, f"SELECT c.*, w.full_name FROM {t['task_change']} c "
                           f"LEFT JOIN {t['user']} w ON w.id = c.by_id "
                           f"WHERE c.task_id = {pk} ORDER BY c.created_at DESC, c.id DESC",
                           {})  # fmt: skip


def replay(statements: list[str]) -> Callable[[], None]:
    """Run ``statements`` (the SELECTs one request of a page made, as sent) through a cursor:
    the database's share of the page, without Django's query building and objects."""
    from django.db import connection

    def run() -> None:
        with connection.cursor() as cur:
            for sql in statements:
                cur.execute(sql)
                cur.fetchall()

    return run


def captured_selects(get: Callable[[], object]) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        get()
    return [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))
    ]


# Running ----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    import django

    django.setup()
    if args.prepare:
        prepare(args.tasks)

    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from dondoc.accounts.models import Role, User
    from dondoc.core.text import fold
    from dondoc.tasks.models import AgencyRole, Program, TaskAgency
    from dondoc.tasks.queries import due_soon_days

    program = Program.objects.filter(code=PROGRAM).first()
    if program is None:
        print("No SYNTH data: run `dondoc synth --tasks 50000` or pass --prepare.", file=sys.stderr)
        return 2
    as_of = dt.date.fromisoformat(args.as_of)
    user, _created = User.objects.get_or_create(
        username=USERNAME, defaults={"role": Role.STANDING_OFFICE, "is_staff": True}
    )
    synth_tasks = program.tasks.order_by("id").values_list("id", flat=True)
    task_id = synth_tasks[synth_tasks.count() // 2]
    lead = (
        TaskAgency.objects.filter(task__program=program, role=AgencyRole.LEAD)
        .values("org_unit_id")
        .annotate(n=Count("id"))
        .order_by("-n", "org_unit_id")
        .first()["org_unit_id"]
    )
    filters = {"program": PROGRAM, "as_of": args.as_of, "status": "overdue", "lead": lead,
               "q": args.q}  # fmt: skip
    whole = {"program": PROGRAM, "as_of": args.as_of}  # every task, no filter
    pages = {
        "dashboard": f"/?{urlencode({'program': PROGRAM, 'as_of': args.as_of})}",
        "dashboard (today)": f"/?{urlencode({'program': PROGRAM})}",
        "task list (filtered)": f"/tasks/?{urlencode(filters)}",
        "task detail": f"/tasks/{task_id}/",
        "api list (filtered)": f"/api/tasks?{urlencode(filters)}",
        "task list (all)": f"/tasks/?{urlencode(whole)}",
        "api list (overdue)": f"/api/tasks?{urlencode(whole | {'status': 'overdue'})}",
    }
    raw = RawSQL(
        {
            "p": program.pk,
            "d": as_of,
            "soon": as_of + dt.timedelta(days=due_soon_days()),
            "like": f"%{fold(args.q)}%",
        },
        lead,
        args.q,
        task_id,
    )
    today = timezone.localdate()
    raw_today = RawSQL(
        raw.p | {"d": today, "soon": today + dt.timedelta(days=due_soon_days())},
        lead,
        args.q,
        task_id,
    )
    sql_for = {
        "dashboard": raw.dashboard,
        "dashboard (today)": raw_today.dashboard,
        "task list (filtered)": raw.task_list,
        "task detail": raw.task_detail,
        "api list (filtered)": raw.api_list,
        "task list (all)": raw.task_list_all,
        "api list (overdue)": raw.api_list_overdue,
    }

    if args.lists:
        from dondoc.wsgi import freeze_startup_heap

        freeze_startup_heap()
        return time_lists(args, user, whole, program.tasks.count())
    if args.page:
        pages = {name: url for name, url in pages.items() if name in args.page}
    elif args.ci:
        checked = CI_PAGES if args.write_baseline else read_baseline()["ratios"]
        pages = {name: url for name, url in pages.items() if name in checked}
    # The process as production starts it (``dondoc/wsgi.py``): what start-up loaded is frozen
    # out of the garbage collector's sight.
    from dondoc.wsgi import freeze_startup_heap

    freeze_startup_heap()
    load_start = os.getloadavg()[0]
    rounds = []
    for _round in range(args.rounds if args.ci else 1):
        rounds.append(measure(pages, sql_for, user, args.n, args.warmup))
    results = rounds[0]
    meta = {
        "database": connection.vendor,
        "debug": settings.DEBUG,
        # 1-minute load average before and after the timings: other work skews the figures.
        "load_average": [round(load_start, 2), round(os.getloadavg()[0], 2)],
        "tasks": program.tasks.count(),
        "as_of": args.as_of,
        "n": args.n,
    }
    if args.ci:
        return ci_check(meta, rounds, write=args.write_baseline)
    if args.json:
        print(json.dumps({"meta": meta, "results": results}, indent=2))
    else:
        print_table(meta, results)
    return 0


def measure(pages: dict, sql_for: dict, user, n: int, warmup: int) -> list[dict]:
    """Time each page, its hand-written SQL and its own SELECTs replayed, ``n`` times each."""
    from django.conf import settings
    from django.test import Client, override_settings

    static = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # fmt: skip
    results = []
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"], STORAGES=static):
        client = Client()
        client.force_login(user)
        for name, url in pages.items():

            def get(url: str = url) -> None:
                response = client.get(url)
                if response.status_code != 200:
                    raise SystemExit(f"{url} answered {response.status_code}")

            page = timed(get, n, warmup)
            sql = timed(sql_for[name], n, warmup)
            own = timed(replay(captured_selects(get)), n, warmup)
            # The reference is the faster of the two database-only timings: the strictest.
            page_p95 = percentile(page, 95)
            sql_p95 = min(percentile(sql, 95), percentile(own, 95))
            sql_p50 = percentile(sql, 50)
            results.append(
                {
                    "page": name,
                    "url": url,
                    "page_p50_ms": round(percentile(page, 50), 1),
                    "page_p95_ms": round(page_p95, 1),
                    "sql_p50_ms": round(sql_p50, 1),
                    "sql_p95_ms": round(percentile(sql, 95), 1),
                    "page_sql_p50_ms": round(percentile(own, 50), 1),
                    "page_sql_p95_ms": round(percentile(own, 95), 1),
                    "ratio": round(page_p95 / sql_p95, 2) if sql_p95 else None,
                    # Medians against the hand-written SQL alone: what --ci compares.
                    "ratio_p50": round(percentile(page, 50) / sql_p50, 2) if sql_p50 else None,
                    "within_budget": page_p95 < BUDGET_MS and page_p95 <= BUDGET_RATIO * sql_p95,
                }
            )
    return results


def list_urls(args: argparse.Namespace, whole: dict) -> list[tuple[str, str]]:
    """(label, URL) of each list ``--lists`` times."""
    from dondoc.tasks.filters import SORTS
    from dondoc.tasks.status import Status

    statuses = args.status or ["none", *(s.value for s in Status)]
    sorts = args.sort or [f"{sign}{key}" for key in SORTS for sign in ("", "-")]
    size = 50
    urls = []
    for kind in args.kind or ("list", "api"):
        for status in statuses:
            for sort in sorts:
                for page in (1, args.deep_page):
                    params = dict(whole)
                    if status != "none":
                        params["status"] = status
                    if sort != "deadline":
                        params["sort"] = sort
                    if kind == "list":
                        params["page"] = page
                        url = f"/tasks/?{urlencode(params)}"
                    else:
                        params |= {"offset": (page - 1) * size, "limit": size}
                        url = f"/api/tasks?{urlencode(params)}"
                    urls.append((f"{kind:<4} {status:<17} {sort:<10} p{page}", url))
    return urls


def time_lists(args: argparse.Namespace, user, whole: dict, tasks: int) -> int:
    """``--lists``: p50 and p95 of each list, and those over the budget."""
    from django.conf import settings
    from django.test import Client, override_settings

    static = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # fmt: skip
    load_start = os.getloadavg()[0]
    results = []
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"], STORAGES=static):
        client = Client()
        client.force_login(user)
        for label, url in list_urls(args, whole):

            def get(url: str = url) -> None:
                response = client.get(url)
                if response.status_code != 200:
                    raise SystemExit(f"{url} answered {response.status_code}")

            samples = timed(get, args.n, args.warmup)
            p50, p95 = percentile(samples, 50), percentile(samples, 95)
            results.append({"list": label, "url": url, "p50_ms": round(p50, 1),
                            "p95_ms": round(p95, 1)})  # fmt: skip
            if not args.json:
                flag = "" if p95 < BUDGET_MS else "  MISSED"
                print(f"{label}{p50:>10.1f}{p95:>10.1f}{flag}", flush=True)
    load = [round(load_start, 2), round(os.getloadavg()[0], 2)]
    missed = [r for r in results if r["p95_ms"] >= BUDGET_MS]
    if args.json:
        meta = {"tasks": tasks, "as_of": args.as_of, "n": args.n, "load_average": load}
        print(json.dumps({"meta": meta, "results": results}, indent=2))
    else:
        print(
            f"{tasks} tasks, as of {args.as_of}, {args.n} warm requests each (ms: p50, p95), "
            f"load average {load[0]} → {load[1]}; {len(missed)} of {len(results)} at or over "
            f"{BUDGET_MS:.0f} ms p95; slowest p95 {max(r['p95_ms'] for r in results):.1f}"
        )
    return 0


def read_baseline() -> dict:
    return json.loads(BASELINE.read_text(encoding="utf-8"))


def _ratios(rounds: list[list[dict]], name: str) -> list[float]:
    return [x["ratio_p50"] for run in rounds for x in run if x["page"] == name]


def ci_check(meta: dict, rounds: list[list[dict]], *, write: bool) -> int:
    """Compare the median over ``rounds`` of each page's ratio (page p50 / hand-written SQL
    p50) with the committed baseline; 1 when one is more than ``CI_TOLERANCE`` above it.

    Ratios, not times: a loaded or slower machine stretches the page and its SQL alike.
    Medians of p50s over several rounds: one slow moment moves neither.
    """
    ratios = {r["page"]: round(statistics.median(_ratios(rounds, r["page"])), 2) for r in rounds[0]}
    load = meta["load_average"]
    print(f"{meta['database']}, {meta['tasks']} tasks, {len(rounds)} rounds of {meta['n']} "
          f"requests, load average {load[0]} → {load[1]}")  # fmt: skip
    if write:  # the pages measured replace theirs; the others keep their baseline
        kept = read_baseline()["ratios"] if BASELINE.exists() else {}
        BASELINE.write_text(
            json.dumps({"tasks": meta["tasks"], "ratios": kept | ratios}, indent=2) + "\n",
            encoding="utf-8",
        )
        print(f"Wrote {BASELINE.name}: {ratios}")
        return 0
    baseline = read_baseline()["ratios"]
    failed = False
    for name, ratio in ratios.items():
        limit = baseline[name] * (1 + CI_TOLERANCE)
        verdict = "ok" if ratio <= limit else "REGRESSED"
        failed |= ratio > limit
        runs = ", ".join(f"{x['page_p50_ms']}/{x['sql_p50_ms']}" for run in rounds for x in run
                         if x["page"] == name)  # fmt: skip
        print(f"{name:<22} ratio {ratio:>6.2f}  baseline {baseline[name]:>6.2f}  "
              f"limit {limit:>6.2f}  {verdict}  (page/sql p50 ms: {runs})")  # fmt: skip
    return 1 if failed else 0


def print_table(meta: dict, results: list[dict]) -> None:
    print(
        f"{meta['database']}, {meta['tasks']} tasks, as of {meta['as_of']}, "
        f"{meta['n']} warm requests each (ms), DEBUG {meta['debug']}, "
        f"load average {meta['load_average'][0]} → {meta['load_average'][1]}"
    )
    header = ("page", "page p50", "page p95", "sql p50", "sql p95", "ratio", "own p50",
              "own p95", "budget")  # fmt: skip
    print(f"{header[0]:<22}" + "".join(f"{h:>10}" for h in header[1:]))
    for r in results:
        budget = "ok" if r["within_budget"] else "MISSED"
        print(
            f"{r['page']:<22}{r['page_p50_ms']:>10.1f}{r['page_p95_ms']:>10.1f}"
            f"{r['sql_p50_ms']:>10.1f}{r['sql_p95_ms']:>10.1f}{r['ratio']:>10.2f}"
            f"{r['page_sql_p50_ms']:>10.1f}{r['page_sql_p95_ms']:>10.1f}{budget:>10}"
        )
    print(
        "sql: hand-written SQL fetching what the page shows; own: the page's own SELECTs "
        "replayed through a cursor; ratio: page p95 / the lower of sql p95 and own p95."
    )


if __name__ == "__main__":
    sys.exit(main())
