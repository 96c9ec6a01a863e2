"""Concurrent reporters posting progress updates to the real application over HTTP.

The script starts the application with gunicorn on 127.0.0.1 (``DEBUG`` off, static files
collected into a temporary folder), then drives it from separate load processes: N reporters
(default 50), each a thread with its own HTTP connection and cookies, each of its own ministry.
A reporter signs in through ``/login/`` (CSRF token and all), then for a fixed time (default
60 s) posts progress updates as a browser does, alternating between

* its round submission page: ``POST /rounds/<round>/agencies/<agency>/`` (``action=prepare``),
  then the page it is redirected to (post/redirect/get);
* a task page: ``GET /tasks/<id>/``, ``POST /tasks/<id>/``, the redirected page, and back to
  the submission page.

Every form is sent as the browser sends it (multipart, the CSRF token read from the page, an
empty file input). Nothing but 127.0.0.1 is contacted. The run is bounded in time
(``--seconds``, at most 600) and in requests per reporter (``--max-requests``).

It prints requests, errors and latency (p50/p95/p99/max) per kind of request, and checks the
rows: progress updates and submission links (an update posted on the task page is filed in the
open round's report too) must have grown by exactly the number of posts the server confirmed,
and every confirmed text must be stored exactly once (no lost and no doubled update). It
exits non-zero on any error or mismatch, and always stops gunicorn.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/dondoc_load
    python bench/load_submit.py --prepare            # create, migrate, fill (idempotent)
    python bench/load_submit.py [--reporters 50] [--seconds 60] [--workers 3 --threads 2]

See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import multiprocessing
import os
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dondoc.settings")
os.environ.setdefault("DONDOC_SECRET_KEY", "benchmark-only-not-a-secret")

HOST = "127.0.0.1"  # loopback only: there is deliberately no option to change it
PROGRAM = "LOAD"
ROUND_TITLE = "Load test round"
TASKS_PER_AGENCY = 3
PASSWORD = "load-test-password-not-secret"
REQUEST_TIMEOUT = 60.0  # seconds; a request slower than this is an error
KINDS = (
    "login",
    "dashboard",
    "submission GET",
    "submission POST",
    "task GET",
    "task POST",
)
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reporters", type=int, default=50, help="Concurrent reporters (1-200).")
    parser.add_argument("--seconds", type=float, default=60.0, help="Duration (at most 600).")
    parser.add_argument(
        "--max-requests",
        type=int,
        default=5000,
        help="At most this many requests per reporter, whatever the time (default 5000).",
    )
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="Seconds a reporter pauses between two updates, on average (default 0: back to "
        "back). Each pause is drawn between half and one and a half times this, and the "
        "reporters start spread over one pause, so they do not move in step.",
    )
    parser.add_argument(
        "--prepare",
        action="store_true",
        help="Create the database if missing, migrate, and create the program, agencies, "
        "reporters and round used here (idempotent).",
    )
    parser.add_argument(
        "--reset",
        action="store_true",
        help="Drop the load database first (its name must contain 'load'), then --prepare: "
        "every run starts from the same rows.",
    )
    parser.add_argument(
        "--workers", type=int, default=3, help="gunicorn worker processes (default 3)."
    )
    parser.add_argument(
        "--threads", type=int, default=2, help="Threads per gunicorn worker (default 2)."
    )
    parser.add_argument(
        "--worker-class",
        choices=["gthread", "sync"],
        default="gthread",
        help="gunicorn worker class (sync ignores --threads and keep-alive).",
    )
    parser.add_argument(
        "--keep-alive",
        type=int,
        default=0,
        help="Seconds gunicorn keeps an idle connection open (gthread; default 0: one "
        "connection per request, as behind a reverse proxy).",
    )
    parser.add_argument(
        "--worker-connections",
        type=int,
        default=None,
        help="Connections a gthread worker takes at once (default: --threads when keep-alive "
        "is off, so waiting requests stay in the shared queue and go to the first free "
        "worker; else gunicorn's 1000).",
    )
    parser.add_argument(
        "--load-processes",
        type=int,
        default=5,
        help="Processes the reporters' threads are spread over (default 5).",
    )
    parser.add_argument("--port", type=int, default=0, help="Port on 127.0.0.1 (default: free).")
    parser.add_argument("--json", action="store_true", help="Print the results as JSON.")
    args = parser.parse_args(argv)
    if not 1 <= args.reporters <= 200:
        parser.error("--reporters must be between 1 and 200")
    if not 0 < args.seconds <= 600:
        parser.error("--seconds must be between 0 and 600")
    if not 1 <= args.max_requests <= 100_000:
        parser.error("--max-requests must be between 1 and 100000")
    if not 0 <= args.think <= 60:
        parser.error("--think must be between 0 and 60")
    if not 1 <= args.workers <= 32 or not 1 <= args.threads <= 64:
        parser.error("--workers must be 1-32 and --threads 1-64")
    args.load_processes = max(1, min(args.load_processes, args.reporters))
    if args.worker_connections is None:
        args.worker_connections = args.threads if args.keep_alive == 0 else 1000
    args.prepare = args.prepare or args.reset
    return args


# Database: preparation and counts ------------------------------------------------------------


def _server_params() -> tuple[str, dict[str, Any]]:
    from django.conf import settings

    db = settings.DATABASES["default"]
    params = {
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
    }
    return db["NAME"], params


def create_database(*, drop: bool) -> None:
    """Create the load database when missing; with ``drop``, drop it first."""
    import psycopg

    name, params = _server_params()
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        if drop:
            if "load" not in name:
                raise SystemExit(f"Refusing to drop {name!r}: its name does not contain 'load'.")
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            print(f"Dropped database {name}.", file=sys.stderr)
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"Created database {name}.", file=sys.stderr)


def prepare(reporters: int) -> None:
    """A program with one ministry per reporter, three open tasks each, and an open round."""
    from django.core.management import call_command
    from django.utils import timezone

    from dondoc.accounts.models import Membership, Role, User
    from dondoc.orgs.models import OrgKind, OrgUnit
    from dondoc.rounds import services as rounds
    from dondoc.rounds.models import ReportingRound, RoundAgency
    from dondoc.tasks import services as tasks
    from dondoc.tasks.models import Program

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
        if not user.check_password(PASSWORD):
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
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
        RoundAgency.objects.bulk_create(
            [RoundAgency(round=round_, org_unit=u) for u in units if u.pk not in existing]
        )


@dataclass
class Reporter:
    username: str
    submission_url: str
    task_urls: list[str]


def plan(reporters: int) -> tuple[Any, list[Reporter]]:
    from dondoc.orgs.models import OrgUnit
    from dondoc.rounds.models import ReportingRound
    from dondoc.tasks.models import AgencyRole, TaskAgency

    round_ = ReportingRound.objects.select_related("program").get(
        program__code=PROGRAM, title=ROUND_TITLE
    )
    out = []
    for n in range(reporters):
        unit = OrgUnit.objects.filter(code=f"load-bo-{n:03}").first()
        if unit is None:
            raise SystemExit(f"Only {n} load agencies: run with --prepare --reporters {reporters}.")
        task_ids = sorted(
            TaskAgency.objects.filter(org_unit=unit, role=AgencyRole.LEAD).values_list(
                "task_id", flat=True
            )
        )
        out.append(
            Reporter(
                username=f"load-reporter-{n:03}",
                submission_url=f"/rounds/{round_.pk}/agencies/{unit.pk}/",
                task_urls=[f"/tasks/{pk}/" for pk in task_ids],
            )
        )
    return round_, out


def counts(round_) -> dict[str, int]:
    from dondoc.rounds.models import SubmissionUpdate
    from dondoc.tasks.models import ProgressUpdate

    return {
        "progress_updates": ProgressUpdate.objects.filter(task__program=round_.program).count(),
        "submission_links": SubmissionUpdate.objects.filter(submission__round=round_).count(),
    }


def stored_texts(round_, marker: str) -> list[str]:
    from dondoc.tasks.models import ProgressUpdate

    return list(
        ProgressUpdate.objects.filter(
            task__program=round_.program, text__startswith=marker
        ).values_list("text", flat=True)
    )


# The server -----------------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log: Path
    command: list[str]


def server_env(static_root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DONDOC_DEBUG="false",
        DONDOC_SECRET_KEY=secrets.token_urlsafe(50),
        DONDOC_ALLOWED_HOSTS=HOST,
        # Plain HTTP on loopback: cookies marked Secure would never come back.
        DONDOC_SECURE_COOKIES="false",
        DONDOC_STATIC_ROOT=str(static_root),
        DONDOC_LOG_LEVEL="WARNING",
    )
    return env


def start_server(args: argparse.Namespace, workdir: Path) -> Server:
    static_root = workdir / "static"
    env = server_env(static_root)
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v", "0"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    port = args.port or free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "dondoc.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--timeout",
        "120",
        "--graceful-timeout",
        "10",
        "--keep-alive",
        str(args.keep_alive),
        "--backlog",
        "256",
    ]
    if args.worker_class == "gthread":
        command += ["--threads", str(args.threads)]
        command += ["--worker-connections", str(args.worker_connections)]
    log = workdir / "gunicorn.log"
    process = subprocess.Popen(
        command,
        env=env,
        cwd=ROOT,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = Server(process, port, log, command[2:])
    started = time.monotonic()
    while time.monotonic() - started < 180:  # a busy machine boots slowly
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/login/")
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(server)
    raise SystemExit("gunicorn did not answer within 180 s")


def stop_server(server: Server) -> None:
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)


# CPU accounting: where the machine's cores went during the timed part ---------------------------


@dataclass
class Process:
    parent: int
    name: str
    cpu: float  # seconds, user + system
    reaped: float  # seconds of its children that have ended (how PostgreSQL's backends end)


@dataclass
class CpuSnapshot:
    """CPU seconds so far of every process (keyed by pid and start time, so a reused pid is
    another process) and of the whole machine (all cores, busy time)."""

    processes: dict[tuple[int, int], Process]
    machine: float


def cpu_snapshot() -> CpuSnapshot:
    ticks = os.sysconf("SC_CLK_TCK")
    processes = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as handle:
                raw = handle.read()
        except OSError:
            continue
        name = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()  # from the state on (field 3 of proc(5))
        processes[(int(entry.name), int(fields[19]))] = Process(
            parent=int(fields[1]),
            name=name,
            cpu=(int(fields[11]) + int(fields[12])) / ticks,
            reaped=(int(fields[13]) + int(fields[14])) / ticks,
        )
    with open("/proc/stat") as handle:
        values = [int(v) for v in handle.readline().split()[1:8]]
    busy = sum(values) - values[3] - values[4]  # all but idle and iowait
    return CpuSnapshot(processes, busy / ticks)


def cpu_spent(before: CpuSnapshot, after: CpuSnapshot, *, server_pid: int) -> dict[str, float]:
    """Where the machine's CPU went between two snapshots: gunicorn (master and workers),
    PostgreSQL (the whole server: its backends, live or ended, and its background processes),
    this script's load processes, and everything else running on the machine."""
    procs = after.processes

    def tree(root: int) -> set[int]:
        found, todo = {root}, [root]
        while todo:
            parent = todo.pop()
            kids = [pid for (pid, _start), p in procs.items() if p.parent == parent]
            found.update(kids)
            todo += kids
        return found

    def delta(key: tuple[int, int], attribute: str) -> float:
        earlier = before.processes.get(key)
        return getattr(procs[key], attribute) - (getattr(earlier, attribute) if earlier else 0)

    def spent(pids: set[int]) -> float:
        return sum(delta(key, "cpu") for key in procs if key[0] in pids)

    postgres = {pid for (pid, _start), p in procs.items() if p.name == "postgres"}
    postmasters = [key for key, p in procs.items() if key[0] in postgres]
    postmasters = [key for key in postmasters if procs[key].parent not in postgres]
    server = tree(server_pid)
    out = {
        "machine": after.machine - before.machine,
        "gunicorn": spent(server),
        "postgresql": spent(postgres) + sum(delta(key, "reaped") for key in postmasters),
        "load": spent(tree(os.getpid()) - server),
    }
    out["other"] = out["machine"] - out["gunicorn"] - out["postgresql"] - out["load"]
    return {key: round(value, 1) for key, value in out.items()}


# The load: one thread per reporter, over a few processes ----------------------------------------


class Browser:
    """What a browser does that matters here: one keep-alive connection and its cookies."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None
        self.last_used = 0.0

    def _connection(self) -> http.client.HTTPConnection:
        # gunicorn closes idle keep-alive connections after a few seconds; open a new one
        # rather than race it (a browser would too).
        if self.conn is None or time.monotonic() - self.last_used > 2.0:
            self.close()
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT)
        return self.conn

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(
        self, method: str, path: str, body: bytes | None = None, content_type: str = ""
    ) -> tuple[int, str, str]:
        """Send one request; the status, the Location header and the body."""
        headers = {"Host": f"{HOST}:{self.port}", "Accept-Language": "vi"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = content_type
            headers["Origin"] = f"http://{HOST}:{self.port}"
            headers["Referer"] = f"http://{HOST}:{self.port}{path}"
        conn = self._connection()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        except Exception:
            self.close()
            raise
        self.last_used = time.monotonic()
        for header in response.msg.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.coded_value
        if response.will_close:
            self.close()
        location = (response.getheader("Location") or "").split("#", 1)[0]
        return response.status, location, data.decode("utf-8", "replace")


def multipart(fields: list[tuple[str, str]], files: tuple[str, ...]) -> tuple[bytes, str]:
    """The body a browser sends for a form with enctype multipart/form-data."""
    boundary = f"----dondocload{uuid.uuid4().hex}"
    parts = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        )
    for name in files:  # an empty file input, as a browser sends it
        parts.append(
            f"--{boundary}\r\nContent-Disposition: form-data; "
            f'name="{name}"; filename=""\r\nContent-Type: application/octet-stream\r\n\r\n\r\n'
        )
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode(), f"multipart/form-data; boundary={boundary}"


def csrf_token(html: str) -> str:
    match = CSRF_RE.search(html)
    return match.group(1) if match else ""


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    errors: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    samples: list[str] = field(default_factory=list)
    confirmed: list[str] = field(default_factory=list)  # texts of posts the server confirmed
    submission_posts: int = 0
    logged_in: int = 0

    def merge(self, other: Tally) -> None:
        for kind in KINDS:
            self.latencies[kind] += other.latencies[kind]
            self.errors[kind] += other.errors[kind]
        self.samples += other.samples[: max(0, 10 - len(self.samples))]
        self.confirmed += other.confirmed
        self.submission_posts += other.submission_posts
        self.logged_in += other.logged_in


class Session:
    """One reporter's requests, each timed and judged."""

    def __init__(self, reporter: Reporter, args: dict, tally: Tally) -> None:
        self.reporter = reporter
        self.browser = Browser(args["port"])
        self.tally = tally
        self.budget = args["max_requests"]  # requests left
        self.today = args["today"]  # dd/mm/yyyy on the server's calendar
        self.deadline = float("inf")  # no request starts after it
        self.landed = "/"  # where the last redirect pointed
        self.status = 0  # of the last response

    def call(
        self,
        kind: str,
        method: str,
        path: str,
        *,
        expect: int | tuple[int, ...],
        fields: list[tuple[str, str]] | None = None,
        files: tuple[str, ...] = (),
        location: str | tuple[str, ...] = (),
    ) -> str | None:
        """The body of the response when it is what a working server answers, else None."""
        if self.budget <= 0 or time.monotonic() >= self.deadline:
            raise _Exhausted
        self.budget -= 1
        body, content_type = (None, "")
        if fields is not None:
            body, content_type = multipart(fields, files)
        started = time.perf_counter()
        try:
            status, where, html = self.browser.request(method, path, body, content_type)
            problem = ""
            self.status = status
            if status not in (expect if isinstance(expect, tuple) else (expect,)):
                problem = f"{status}"
            elif location and where not in location:
                problem = f"{status} to {where}"
            self.landed = where
        except Exception as exc:  # a failed request is counted, not fatal
            html, problem = "", repr(exc)
        self.tally.latencies[kind].append((time.perf_counter() - started) * 1000)
        if problem:
            self.tally.errors[kind] += 1
            if len(self.tally.samples) < 10:
                self.tally.samples.append(f"{self.reporter.username} {method} {path}: {problem}")
            return None
        return html

    def login(self) -> bool:
        """Sign in as a person does: the form, the password, the dashboard it leads to."""
        page = self.call("login", "GET", "/login/", expect=200)
        if page is None:
            return False
        fields = [
            ("csrfmiddlewaretoken", csrf_token(page)),
            ("username", self.reporter.username),
            ("password", PASSWORD),
        ]
        # A reporter's home is the reporting rounds of its agency; others land on the dashboard.
        home = ("/", "/rounds/home/")
        if self.call("login", "POST", "/login/", expect=302, fields=fields, location=home) is None:
            return False
        for _hop in range(3):  # the home page may send on to the agency's current round
            if self.call("dashboard", "GET", self.landed, expect=(200, 302)) is None:
                return False
            if self.status == 200:
                break
        self.tally.logged_in += 1
        return True

    def post_update(self, n: int, marker: str, page: str) -> str | None:
        """Post update ``n`` (alternately from the submission page and a task page); the
        submission page to start the next one from, or None after a failure."""
        reporter = self.reporter
        task_url = reporter.task_urls[(n // 2) % len(reporter.task_urls)]
        task_pk = task_url.strip("/").rsplit("/", 1)[-1]
        text = f"{marker} {reporter.username} #{n}: tiến độ thực hiện nhiệm vụ"
        today = self.today
        if n % 2 == 0:  # from the round submission page
            fields = [
                ("csrfmiddlewaretoken", csrf_token(page)),
                ("action", "prepare"),
                ("task", task_pk),
                (f"t{task_pk}-text", text),
                (f"t{task_pk}-reported_on", today),
            ]
            url = reporter.submission_url
            done = self.call(
                "submission POST",
                "POST",
                url,
                expect=302,
                fields=fields,
                files=(f"t{task_pk}-files",),
                location=(url,),
            )
            if done is not None:
                self.tally.confirmed.append(text)
                self.tally.submission_posts += 1
            return self.call("submission GET", "GET", url, expect=200)
        task_page = self.call("task GET", "GET", task_url, expect=200)
        if task_page is None:
            return page
        fields = [
            ("csrfmiddlewaretoken", csrf_token(task_page)),
            ("text", text),
            ("reported_on", today),
        ]
        done = self.call(
            "task POST",
            "POST",
            task_url,
            expect=302,
            fields=fields,
            files=("files",),
            location=(task_url,),
        )
        if done is not None:
            self.tally.confirmed.append(text)
            self.call("task GET", "GET", task_url, expect=200)
        return self.call("submission GET", "GET", reporter.submission_url, expect=200)


class _Exhausted(Exception):
    """The reporter has used its request budget, or its time."""


def reporter_thread(
    reporter: Reporter, args: dict, barrier, deadline, tally: Tally, lock: threading.Lock
) -> None:
    own = Tally()
    session = Session(reporter, args, own)
    signed_in = False
    with contextlib.suppress(_Exhausted):
        signed_in = session.login()
    barrier.wait(timeout=300)  # everyone signed in: the clock starts together
    end = session.deadline = deadline.value
    n = 0
    rng = random.Random(reporter.username)  # the same pauses on every run
    try:
        page = None
        if signed_in and args["think"]:
            time.sleep(rng.uniform(0, args["think"]))
        if signed_in:
            page = session.call("submission GET", "GET", reporter.submission_url, expect=200)
        while page is not None and time.monotonic() < end:
            page = session.post_update(n, args["marker"], page)
            n += 1
            if args["think"]:
                pause = rng.uniform(0.5, 1.5) * args["think"]
                time.sleep(max(0.0, min(pause, end - time.monotonic())))
    except _Exhausted:
        pass
    finally:
        session.browser.close()
        with lock:
            tally.merge(own)


def load_process(reporters: list[Reporter], args: dict, barrier, deadline, results) -> None:
    tally = Tally()
    lock = threading.Lock()
    threads = [
        threading.Thread(target=reporter_thread, args=(r, args, barrier, deadline, tally, lock))
        for r in reporters
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put(tally)


def _start_clock(deadline, seconds: float):
    def action() -> None:
        deadline.value = time.monotonic() + seconds

    return action


def run_load(
    args: argparse.Namespace,
    server: Server,
    reporters: list[Reporter],
    *,
    marker: str,
    today: dt.date,
) -> tuple[Tally, float, dict[str, float]]:
    """Drive the server; the tally, the seconds of the timed part and the CPU seconds spent
    during it."""
    ctx = multiprocessing.get_context("fork")
    deadline = ctx.Value("d", 0.0)
    barrier = ctx.Barrier(len(reporters) + 1, action=_start_clock(deadline, args.seconds))
    results = ctx.Queue()
    shared = {
        "port": server.port,
        "max_requests": args.max_requests,
        "think": args.think,
        "marker": marker,
        "today": f"{today:%d/%m/%Y}",
    }
    groups = [reporters[i :: args.load_processes] for i in range(args.load_processes)]
    processes = [
        ctx.Process(target=load_process, args=(group, shared, barrier, deadline, results))
        for group in groups
    ]
    for process in processes:
        process.start()
    barrier.wait(timeout=300)
    started = time.monotonic()
    cpu_before = cpu_snapshot()
    tally = Tally()
    parts = []
    for _ in processes:
        parts.append(results.get(timeout=args.seconds + 2 * REQUEST_TIMEOUT + 300))
    elapsed = time.monotonic() - started
    cpu_after = cpu_snapshot()
    for part in parts:
        tally.merge(part)
    for process in processes:
        process.join(timeout=30)
    cpu = cpu_spent(cpu_before, cpu_after, server_pid=server.process.pid)
    cpu["capacity"] = round(elapsed * (os.cpu_count() or 1), 1)
    return tally, elapsed, cpu


# Figures ------------------------------------------------------------------------------------------


def percentile(values: list[float], q: int) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def summary(values: list[float], errors: int) -> dict[str, Any]:
    return {
        "requests": len(values),
        "errors": errors,
        "p50_ms": round(percentile(values, 50), 1),
        "p95_ms": round(percentile(values, 95), 1),
        "p99_ms": round(percentile(values, 99), 1),
        "max_ms": round(max(values, default=0.0), 1),
    }


def print_table(result: dict[str, Any]) -> None:
    print(
        f"{result['reporters']} reporters for {result['seconds']} s against gunicorn "
        f"{' '.join(result['server'])} on {result['database']}"
    )
    print(
        f"{result['requests_timed']} requests in the timed part "
        f"({result['throughput_per_s']}/s), {result['updates_per_s']} updates/s"
    )
    cpu = result["cpu_s"]
    print(
        f"CPU seconds in that time: {cpu['machine']} busy of {cpu['capacity']} "
        f"({os.cpu_count()} cores): gunicorn {cpu['gunicorn']}, PostgreSQL "
        f"{cpu['postgresql']}, "
        f"load processes {cpu['load']}, other processes {cpu['other']}"
    )
    header = f"{'request':<18}{'count':>8}{'errors':>8}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}"
    print(header + "  (ms)")
    print("-" * len(header))
    for kind, row in result["by_kind"].items():
        print(
            f"{kind:<18}{row['requests']:>8}{row['errors']:>8}{row['p50_ms']:>9}"
            f"{row['p95_ms']:>9}{row['p99_ms']:>9}{row['max_ms']:>9}"
        )
    print("-" * len(header))
    for kind in ("updates (POST)", "all but login"):
        row = result[kind]
        print(
            f"{kind:<18}{row['requests']:>8}{row['errors']:>8}{row['p50_ms']:>9}"
            f"{row['p95_ms']:>9}{row['p99_ms']:>9}{row['max_ms']:>9}"
        )
    rows = result["rows"]
    print(
        f"progress updates: {rows['before']['progress_updates']} before, "
        f"{rows['after']['progress_updates']} after, {result['confirmed_posts']} confirmed: "
        f"{rows['lost']['progress_updates']} lost"
    )
    print(
        f"submission links: {rows['before']['submission_links']} before, "
        f"{rows['after']['submission_links']} after, {result['confirmed_posts']} "
        f"confirmed: {rows['lost']['submission_links']} lost"
    )
    print(
        f"texts: {rows['texts_missing']} confirmed but not stored, "
        f"{rows['texts_unconfirmed']} stored but not confirmed, "
        f"{rows['texts_doubled']} stored twice"
    )
    if result["error_samples"]:
        print("first errors:\n  " + "\n  ".join(result["error_samples"]))
    print("HEALTHY" if result["healthy"] else "FAILED")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    if connection.vendor != "postgresql":
        print("Set DATABASE_URL=postgres://...@127.0.0.1:5432/dondoc_load.", file=sys.stderr)
        return 2
    if args.prepare:
        create_database(drop=args.reset)
        prepare(args.reporters)
    round_, reporters = plan(args.reporters)
    marker = f"[load {uuid.uuid4().hex[:10]}]"
    before = counts(round_)
    connection.close()  # the load processes are forked: they must not share it

    workdir = Path(tempfile.mkdtemp(prefix="dondoc-load-"))
    try:
        server = start_server(args, workdir)
        try:
            tally, elapsed, cpu = run_load(
                args, server, reporters, marker=marker, today=timezone.localdate()
            )
        finally:
            stop_server(server)
        server_log = server.log.read_text(errors="replace")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    after = counts(round_)
    stored = stored_texts(round_, marker)
    connection.close()
    stored_set, confirmed_set = set(stored), set(tally.confirmed)
    confirmed = len(tally.confirmed)
    lost = {
        "progress_updates": before["progress_updates"] + confirmed - after["progress_updates"],
        # An update posted on the task page counts in the open round's report too.
        "submission_links": before["submission_links"] + confirmed - after["submission_links"],
    }
    texts = {
        "texts_missing": len(confirmed_set - stored_set),
        "texts_unconfirmed": len(stored_set - confirmed_set),
        "texts_doubled": len(stored) - len(stored_set),
    }
    timed = [k for k in KINDS if k not in ("login", "dashboard")]
    all_timed = [v for k in timed for v in tally.latencies[k]]
    posts = tally.latencies["submission POST"] + tally.latencies["task POST"]
    errors = sum(tally.errors.values())
    healthy = (
        errors == 0
        and tally.logged_in == len(reporters)
        and all(v == 0 for v in lost.values())
        and all(v == 0 for v in texts.values())
    )
    result = {
        "database": connection.vendor,
        "server": server.command,
        "reporters": len(reporters),
        "logged_in": tally.logged_in,
        "seconds": round(elapsed, 1),
        "think_s": args.think,
        "requests_timed": len(all_timed),
        "throughput_per_s": round(len(all_timed) / elapsed, 1) if elapsed else 0,
        "updates_per_s": round(confirmed / elapsed, 1) if elapsed else 0,
        "errors": errors,
        "error_samples": tally.samples,
        "by_kind": {k: summary(tally.latencies[k], tally.errors[k]) for k in KINDS},
        "updates (POST)": summary(
            posts, tally.errors["submission POST"] + tally.errors["task POST"]
        ),
        "all but login": summary(all_timed, sum(tally.errors[k] for k in timed)),
        "confirmed_posts": confirmed,
        "confirmed_submission_posts": tally.submission_posts,
        "rows": {"before": before, "after": after, "lost": lost, **texts},
        "cpu_s": cpu,
        "healthy": healthy,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print_table(result)
    if not healthy and "Traceback" in server_log:
        print("gunicorn log (end):\n" + server_log[-3000:], file=sys.stderr)
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
