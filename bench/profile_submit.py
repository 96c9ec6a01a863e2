"""One progress update as ``load_submit.py`` posts it, profiled in-process.

Signs in as the first load reporter (``load_submit.py --prepare`` made it) through Django's test
client with ``DEBUG`` off, posts N updates from the round submission page and N from a task
page (after warm-up posts), and prints, for each kind of post, the queries it runs (counted with
``CaptureQueriesContext``, the statements grouped by table), the CPU milliseconds per post, and
with ``--profile`` the functions taking the most time (cProfile, cumulative).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/dondoc_load
    .venv/bin/python bench/profile_submit.py [--n 20] [--profile] [--sql]

It writes real rows (updates marked "profile") into the load database, as the load does.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dondoc.settings")
os.environ["DONDOC_DEBUG"] = "false"
os.environ.setdefault("DONDOC_SECRET_KEY", "profile-only-" + "x" * 40)
os.environ.setdefault("DONDOC_ALLOWED_HOSTS", "testserver")

TABLE = re.compile(r'(?:FROM|INTO|UPDATE)\s+"([a-z_]+)"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20, help="Timed posts of each kind.")
    parser.add_argument("--profile", action="store_true", help="Print a cProfile of the posts.")
    parser.add_argument("--sql", action="store_true", help="Print the statements of one post.")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from dondoc.accounts.models import User

    user = User.objects.get(username="load-reporter-000")
    client = Client()
    client.force_login(user)
    sys.path.insert(0, str(ROOT / "bench"))
    from load_submit import plan

    _round, (reporter, *_others) = plan(1)
    submission_url = reporter.submission_url
    page = client.get(submission_url).content.decode()
    assert page
    task_ids = [url.strip("/").rsplit("/", 1)[-1] for url in reporter.task_urls]
    today = timezone.localdate().strftime("%d/%m/%Y")

    def post_round(n: int):
        pk = task_ids[n % len(task_ids)]
        return client.post(
            submission_url,
            {
                "action": "prepare",
                "task": pk,
                f"t{pk}-text": f"profile round #{n}",
                f"t{pk}-reported_on": today,
            },
        )

    def post_task(n: int):
        pk = task_ids[n % len(task_ids)]
        return client.post(f"/tasks/{pk}/", {"text": f"profile task #{n}", "reported_on": today})

    for kind, post in (("submission POST", post_round), ("task POST", post_task)):
        for n in range(3):
            response = post(n)
            assert response.status_code == 302, (kind, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            response = post(3)
        assert response.status_code == 302
        captured = list(queries.captured_queries)  # the next request resets the log
        tables = Counter()
        for q in captured:
            sql = q["sql"]
            verb = sql.split(None, 1)[0].upper()
            found = TABLE.search(sql)
            tables[f"{verb} {found.group(1) if found else ''}".strip()] += 1
        profile = cProfile.Profile() if args.profile else None
        cpu = time.process_time()
        if profile:
            profile.enable()
        for n in range(args.n):
            assert post(10 + n).status_code == 302
        if profile:
            profile.disable()
        cpu_ms = (time.process_time() - cpu) * 1000 / args.n
        print(f"\n{kind}: {sum(tables.values())} queries, {cpu_ms:.1f} CPU ms a post")
        for name, count in tables.most_common():
            print(f"  {count:3} {name}")
        if args.sql:
            for q in captured:
                print("   ", q["sql"][:200])
        if profile:
            pstats.Stats(profile).sort_stats("cumulative").print_stats(35)


if __name__ == "__main__":
    main()
