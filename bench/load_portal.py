"""Visitors of the public portal against the real application over HTTP.

The script starts the application with gunicorn on 127.0.0.1 (``DEBUG`` off, static files
collected into a temporary folder; the database from ``DATABASE_URL``, the cache from
``DONDOC_CACHE_URL``), then drives it from separate load processes. Each visitor is a thread with
its own keep-alive connection and cookies that asks, in a fixed random mix,

* the published list ``GET /gop-y/cong-khai/``,
* a search without diacritics ``GET /gop-y/cong-khai/?q=du lieu``,
* a published item ``GET /gop-y/cong-khai/<id>/``,
* the progress page ``GET /tien-do/``,

and now and then sends the submission form as a browser does (``GET /gop-y/``, then ``POST``
with the CSRF token, redirected to the receipt). The per-address submission limit is raised for
the server of the run only (``DONDOC_PORTAL_LIMIT``), since every visitor comes from 127.0.0.1.

Visitors pace themselves so that together they offer ``--rate`` requests per second (0: as fast
as they can). Nothing but 127.0.0.1 is contacted; the run stops by itself after ``--seconds``
(at most 300) or ``--max-requests`` in all, and always stops gunicorn. It prints the throughput,
p50/p95/p99 per page, errors, the CPU split and the load average, and exits non-zero on errors.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/dondoc_portal2
    export DONDOC_CACHE_URL=redis://127.0.0.1:6379/3
    python bench/load_portal.py --prepare                  # create, migrate, fill (idempotent)
    python bench/load_portal.py [--rate 200] [--visitors 32] [--seconds 30]

See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load_submit as base  # the server, the browser and CPU accounting

PUBLIC_KINDS = ("published list", "search", "item", "progress")
KINDS = (*PUBLIC_KINDS, "form GET", "form POST")
#: Share of each public page in the mix (they add up to 1).
MIX = {"published list": 0.3, "search": 0.2, "item": 0.3, "progress": 0.2}
SEARCHES = ("du lieu", "so hoa", "tri tue nhan tao", "khoi nghiep", "ha tang")
PUBLISHED_ITEMS = 300
REQUEST_TIMEOUT = 30.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visitors", type=int, default=32, help="Concurrent visitors (1-200).")
    parser.add_argument(
        "--rate", type=float, default=200.0, help="Requests per second offered in all (0: max)."
    )
    parser.add_argument("--seconds", type=float, default=30.0, help="Duration (at most 300).")
    parser.add_argument(
        "--max-requests", type=int, default=60_000, help="At most this many requests in all."
    )
    parser.add_argument(
        "--submit-every",
        type=int,
        default=50,
        help="One submission (form GET + POST) per this many page views of a visitor (0: none).",
    )
    parser.add_argument("--prepare", action="store_true", help="Create, migrate and fill.")
    # The documented setting (gunicorn.conf.py).
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4).")
    parser.add_argument("--threads", type=int, default=2, help="Threads per worker (default 2).")
    parser.add_argument(
        "--load-processes", type=int, default=2, help="Processes the visitors run in."
    )
    parser.add_argument("--port", type=int, default=0, help="Port on 127.0.0.1 (default: free).")
    parser.add_argument("--json", action="store_true", help="Print the results as JSON.")
    args = parser.parse_args(argv)
    if not 1 <= args.visitors <= 200:
        parser.error("--visitors must be between 1 and 200")
    if not 0 < args.seconds <= 300:
        parser.error("--seconds must be between 0 and 300")
    if not 0 <= args.rate <= 5000:
        parser.error("--rate must be between 0 and 5000")
    if not 1 <= args.max_requests <= 1_000_000:
        parser.error("--max-requests must be between 1 and 1000000")
    if not 1 <= args.workers <= 16 or not 1 <= args.threads <= 64:
        parser.error("--workers must be 1-16 and --threads 1-64")
    args.load_processes = max(1, min(args.load_processes, args.visitors))
    # What start_server reads (see load_submit.py): keep-alive on, as visitors' browsers.
    args.worker_class, args.keep_alive, args.worker_connections = "gthread", 5, 1000
    return args


# Database --------------------------------------------------------------------------------------


def prepare() -> None:
    """NQ57 (public, with its public indicators) and published submissions to read."""
    import django
    from django.core.management import call_command

    django.setup()
    from collections import Counter

    from dondoc.accounts.models import Role, User
    from dondoc.indicators.models import Indicator
    from dondoc.indicators.nq57 import load_indicators
    from dondoc.portal import services
    from dondoc.portal.models import State, Submission
    from dondoc.tasks.importers.nq57 import load_nq57
    from dondoc.tasks.models import Program

    call_command("migrate", verbosity=0)
    load_nq57()
    program = Program.objects.get(code="NQ57")
    if not program.public:
        program.public = True
        program.save(update_fields=["public"])
    if not Indicator.objects.filter(program=program).exists():
        load_indicators(program, Counter())
    clerk, _ = User.objects.get_or_create(
        username="load-portal-clerk", defaults={"role": Role.STANDING_OFFICE}
    )
    have = Submission.objects.filter(program=program, state=State.PUBLISHED).count()
    groups = list(program.groups.all())
    rng = random.Random(1)
    topics = ["dữ liệu", "số hóa", "trí tuệ nhân tạo", "khởi nghiệp", "hạ tầng", "nhân lực"]
    for n in range(have, PUBLISHED_ITEMS):
        topic = rng.choice(topics)
        item = services.submit(
            program=program,
            kind=rng.choice(["initiative", "recommendation"]),
            title=f"Đề xuất số {n} về {topic}",
            description=f"Đề xuất chi tiết số {n}: phát triển {topic} phục vụ người dân. " * 5,
            group=rng.choice(groups) if groups else None,
            name=f"Người gửi {n}",
            consent_to_publish=True,
        )
        services.answer(item, text=f"Cảm ơn đề xuất về {topic}; đã tiếp thu.", by=clerk)
        services.publish(item, by=clerk)
    with django.db.connection.cursor() as cursor:
        if django.db.connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
    print(
        f"Ready: program NQ57 (public), {Submission.objects.filter(state=State.PUBLISHED).count()}"
        " published submissions.",
        file=sys.stderr,
    )


def published_ids() -> list[int]:
    import django

    django.setup()
    from dondoc.portal.public_views import published

    ids = list(published().values_list("pk", flat=True)[:500])
    if not ids:
        raise SystemExit("No published submission: run with --prepare first.")
    return ids


# Load -----------------------------------------------------------------------------------------


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    errors: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    samples: list[str] = field(default_factory=list)

    def merge(self, other: Tally) -> None:
        for kind in KINDS:
            self.latencies[kind] += other.latencies[kind]
            self.errors[kind] += other.errors[kind]
        self.samples += other.samples[: max(0, 10 - len(self.samples))]


class Visitor:
    def __init__(self, n: int, args: dict, tally: Tally) -> None:
        self.n = n
        self.args = args
        self.tally = tally
        self.browser = base.Browser(args["port"])
        self.rng = random.Random(n)

    def call(self, kind, method, path, *, expect, fields=None) -> str | None:
        body, content_type = (None, "")
        if fields is not None:
            body, content_type = base.multipart(fields, ("files",))
        started = time.perf_counter()
        try:
            status, _where, html = self.browser.request(method, path, body, content_type)
            problem = "" if status == expect else str(status)
        except Exception as exc:
            html, problem = "", repr(exc)
        self.tally.latencies[kind].append((time.perf_counter() - started) * 1000)
        if problem:
            self.tally.errors[kind] += 1
            if len(self.tally.samples) < 10:
                self.tally.samples.append(f"{method} {path}: {problem}")
            return None
        return html

    def view(self) -> int:
        """One public page; the number of requests made."""
        kind = self.rng.choices(list(MIX), weights=list(MIX.values()))[0]
        if kind == "published list":
            path = "/gop-y/cong-khai/"
        elif kind == "search":
            path = "/gop-y/cong-khai/?q=" + self.rng.choice(SEARCHES).replace(" ", "+")
        elif kind == "item":
            path = f"/gop-y/cong-khai/{self.rng.choice(self.args['ids'])}/"
        else:
            path = "/tien-do/"
        self.call(kind, "GET", path, expect=200)
        return 1

    def submit(self, k: int) -> int:
        page = self.call("form GET", "GET", "/gop-y/", expect=200)
        if page is None:
            return 1
        fields = [
            ("csrfmiddlewaretoken", base.csrf_token(page)),
            ("kind", "initiative"),
            ("title", f"Thử tải {self.args['marker']} {self.n}-{k}"),
            ("description", f"Nội dung đề xuất thử tải {self.args['marker']} {self.n}-{k}."),
            ("group", ""),
            ("submitter_kind", "person"),
            ("name", "Người thử tải"),
            ("phone", "0912 345 678"),  # a phone, not an e-mail: no receipt is queued
            ("public_name", "anonymous"),
            ("website", ""),
        ]
        self.call("form POST", "POST", "/gop-y/", expect=302, fields=fields)
        return 2


def visitor_thread(n: int, args: dict, start_at: float, budget: list, lock, tally: Tally):
    own = Tally()
    visitor = Visitor(n, args, own)
    interval = args["visitors"] / args["rate"] if args["rate"] else 0.0
    # Spread the visitors' first requests over one interval so they do not move in step.
    next_at = start_at + (interval * n / args["visitors"])
    end = start_at + args["seconds"]
    views = 0
    try:
        while True:
            now = time.monotonic()
            if now >= end:
                break
            if interval:
                if next_at > now:
                    time.sleep(min(next_at - now, end - now))
                    if time.monotonic() >= end:
                        break
                next_at = max(next_at + interval, time.monotonic() - interval)
            with lock:
                if budget[0] <= 0:
                    break
                budget[0] -= 1
            every = args["submit_every"]
            if every and views and views % every == 0:
                visitor.submit(views)
            visitor.view()
            views += 1
    finally:
        visitor.browser.close()
        tally.merge(own)


def load_process(numbers: list[int], args: dict, start_at: float, results) -> None:
    tally, lock = Tally(), threading.Lock()
    budget = [args["max_requests"] // args["load_processes"]]
    threads = [
        threading.Thread(target=visitor_thread, args=(n, args, start_at, budget, lock, tally))
        for n in numbers
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put(tally)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def warm_up(port: int, ids: list[int]) -> None:
    """Each worker's first requests load templates and open database connections."""
    browser = base.Browser(port)
    for _ in range(6):
        for path in ("/gop-y/cong-khai/", "/tien-do/", f"/gop-y/cong-khai/{ids[0]}/", "/gop-y/"):
            browser.request("GET", path)
    browser.close()


def run(args: argparse.Namespace) -> dict:
    ids = published_ids()
    # The server of this run only: submissions from one address are not refused.
    os.environ["DONDOC_PORTAL_LIMIT"] = "1000000"
    os.environ["DONDOC_PORTAL_EMAIL_LIMIT"] = "1000000"
    with tempfile.TemporaryDirectory(prefix="dondoc-load-portal-") as folder:
        server = base.start_server(args, Path(folder))
        try:
            warm_up(server.port, ids)
            load_before = os.getloadavg()
            shared = {
                "port": server.port,
                "ids": ids,
                "rate": args.rate,
                "visitors": args.visitors,
                "seconds": args.seconds,
                "max_requests": args.max_requests,
                "submit_every": args.submit_every,
                "load_processes": args.load_processes,
                "marker": f"{time.time():.0f}",
            }
            groups = [
                list(range(args.visitors))[i :: args.load_processes]
                for i in range(args.load_processes)
            ]
            context = multiprocessing.get_context("fork")
            results = context.Queue()
            start_at = time.monotonic() + 1.0
            cpu_before = base.cpu_snapshot()
            processes = [
                context.Process(target=load_process, args=(g, shared, start_at, results))
                for g in groups
            ]
            for process in processes:
                process.start()
            tally = Tally()
            for _ in processes:
                tally.merge(results.get(timeout=args.seconds + 120))
            for process in processes:
                process.join(timeout=30)
            elapsed = time.monotonic() - start_at
            cpu = base.cpu_spent(cpu_before, base.cpu_snapshot(), server_pid=server.process.pid)
            load_after = os.getloadavg()
        finally:
            base.stop_server(server)
    total = sum(len(v) for v in tally.latencies.values())
    public = [x for k in PUBLIC_KINDS for x in tally.latencies[k]]
    pages = {
        kind: {
            "requests": len(values),
            "errors": tally.errors[kind],
            "p50_ms": round(percentile(values, 50), 1),
            "p95_ms": round(percentile(values, 95), 1),
            "p99_ms": round(percentile(values, 99), 1),
            "max_ms": round(max(values), 1) if values else 0.0,
        }
        for kind, values in tally.latencies.items()
    }
    return {
        "offered_rate": args.rate,
        "visitors": args.visitors,
        "seconds": round(elapsed, 1),
        "requests": total,
        "throughput_rps": round(total / elapsed, 1),
        "public_throughput_rps": round(len(public) / elapsed, 1),
        "public_p50_ms": round(percentile(public, 50), 1),
        "public_p95_ms": round(percentile(public, 95), 1),
        "public_mean_ms": round(statistics.fmean(public), 1) if public else 0.0,
        "errors": sum(tally.errors.values()),
        "error_samples": tally.samples,
        "pages": pages,
        "gunicorn": f"{args.workers} workers x {args.threads} threads (gthread)",
        "cpu_seconds": cpu,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "cores": os.cpu_count(),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("Note: DATABASE_URL is not PostgreSQL; the target is set for PostgreSQL.")
    import django

    django.setup()
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        base.create_database(drop=False)
    if args.prepare:
        prepare()
    result = run(args)
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print(
            f"{result['requests']} requests in {result['seconds']} s: "
            f"{result['throughput_rps']} req/s ({result['public_throughput_rps']} on public "
            f"pages, offered {args.rate or 'max'}), public p50 {result['public_p50_ms']} ms, "
            f"p95 {result['public_p95_ms']} ms; errors {result['errors']}"
        )
        print(f"{'page':<16}{'requests':>9}{'errors':>8}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}")
        for kind, row in result["pages"].items():
            print(
                f"{kind:<16}{row['requests']:>9}{row['errors']:>8}{row['p50_ms']:>8}"
                f"{row['p95_ms']:>8}{row['p99_ms']:>8}{row['max_ms']:>8}"
            )
        print(f"server: {result['gunicorn']}; CPU seconds: {result['cpu_seconds']}")
        print(
            f"load average before {result['load_average_before']}, after "
            f"{result['load_average_after']} ({result['cores']} cores)"
        )
        for sample in result["error_samples"]:
            print("  error:", sample)
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
