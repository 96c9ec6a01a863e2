"""CPU time per request of the public portal's pages, measured in-process.

Each public page is asked ``--n`` times through Django's test client by an anonymous visitor
(no cookie kept between requests, as a first visit), with ``DEBUG`` off (the cached template
loader, as in production), after ``--warmup`` requests. For each page the script prints the
median and p95 of the process CPU time per request (``time.process_time``: steadier than wall
time on a shared machine, and blind to the database server's share), the wall time, the number
of SQL statements and cache calls of one request, and the cookies the response sets.

``--cold`` clears the cache before every request, so the figures are those of a page rendered
from the database (the first visitor after a publication, or a query nobody asked within the
minute); without it they are those of the steady state under load, where most requests of the
published list and search are answered from the cache. ``--profile PAGE`` prints the cProfile
top of that page instead.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/dondoc_portal2
    export DONDOC_CACHE_URL=redis://127.0.0.1:6379/3
    python bench/load_portal.py --prepare --seconds 1      # fill the database once
    python bench/portal_cpu.py [--n 200] [--cold] [--json]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import time

os.environ.setdefault("DONDOC_SECRET_KEY", "benchmark-only-not-a-secret")
os.environ["DONDOC_DEBUG"] = "false"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dondoc.settings")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def pages(item: int) -> dict[str, str]:
    return {
        "published list": "/gop-y/cong-khai/",
        "search": "/gop-y/cong-khai/?q=dat+hiem",
        "search (hits)": "/gop-y/cong-khai/?q=du+lieu",
        "item": f"/gop-y/cong-khai/{item}/",
        "follow page": "/gop-y/theo-doi/",
        "progress": "/tien-do/",
        "form GET": "/gop-y/",
        "atom": "/gop-y/cong-khai/atom/",
        "json": "/gop-y/cong-khai/json/",
    }


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="Timed requests per page.")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--cold", action="store_true", help="Clear the cache before each request.")
    parser.add_argument("--profile", default="", help="Print the cProfile top of this page.")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from dondoc.portal.public_views import published

    item = published().values_list("pk", flat=True).first()
    if item is None:
        raise SystemExit("No published submission: run bench/load_portal.py --prepare first.")
    static = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    results = []
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"], STORAGES=static):
        for name, url in pages(item).items():
            if args.profile and args.profile != name:
                continue

            def get(url: str = url) -> object:
                if args.cold:
                    cache.clear()
                response = Client().get(url)
                if response.status_code != 200:
                    raise SystemExit(f"{url} answered {response.status_code}")
                return response

            for _ in range(args.warmup):
                get()
            if args.profile:
                profile = cProfile.Profile()
                profile.enable()
                for _ in range(args.n):
                    get()
                profile.disable()
                pstats.Stats(profile).sort_stats("cumulative").print_stats(45)
                pstats.Stats(profile).sort_stats("tottime").print_stats(25)
                return 0
            cpu, wall = [], []
            for _ in range(args.n):
                started_cpu, started = time.process_time(), time.perf_counter()
                get()
                cpu.append((time.process_time() - started_cpu) * 1000)
                wall.append((time.perf_counter() - started) * 1000)
            with CaptureQueriesContext(connection) as queries:
                response = get()
            results.append(
                {
                    "page": name,
                    "url": url,
                    "cpu_ms_p50": round(statistics.median(cpu), 2),
                    "cpu_ms_mean": round(statistics.fmean(cpu), 2),
                    "cpu_ms_p95": round(percentile(cpu, 95), 2),
                    "wall_ms_p50": round(statistics.median(wall), 2),
                    "queries": len(queries),
                    "cookies": sorted(response.cookies),
                    "cache_control": response.headers.get("Cache-Control", ""),
                }
            )
    meta = {
        "database": connection.vendor,
        "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
        "cold": args.cold,
        "n": args.n,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    if args.json:
        print(json.dumps({"meta": meta, "pages": results}, indent=2))
        return 0
    print(
        f"CPU ms per request, {meta['database']}, cache {meta['cache']}, "
        f"{'cold (cache cleared each time)' if args.cold else 'steady'}, n={args.n}, "
        f"load average {meta['load_average']}"
    )
    print(f"{'page':<16}{'cpu p50':>8}{'mean':>7}{'p95':>7}{'wall p50':>9}{'SQL':>5}  cookies")
    for row in results:
        print(
            f"{row['page']:<16}{row['cpu_ms_p50']:>8}{row['cpu_ms_mean']:>7}{row['cpu_ms_p95']:>7}"
            f"{row['wall_ms_p50']:>9}{row['queries']:>5}  {','.join(row['cookies']) or '-'}"
            f"  {row['cache_control']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
