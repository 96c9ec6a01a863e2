"""On 10/04/2025 the command line, the dashboard and the task list name the same overdue tasks,
and they are the hand-checked list of ``test_load_nq57.OVERDUE_ON_REPORT_DAY``."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from dondoc.tasks.tests.test_load_nq57 import OVERDUE_ON_REPORT_DAY, loaded  # noqa: F401


def _matches_hand_checked_list(contents: list[str]) -> bool:
    return len(contents) == len(OVERDUE_ON_REPORT_DAY) and all(
        any(c.startswith(prefix) for c in contents) for prefix in OVERDUE_ON_REPORT_DAY
    )


@pytest.mark.django_db
def test_cli_dashboard_and_list_agree_on_overdue_tasks_of_10_april_2025(loaded, client, clerk):  # noqa: F811
    out = io.StringIO()
    call_command("tasks", "--as-of", "2025-04-10", "--status", "overdue", "--json", stdout=out)
    cli = json.loads(out.getvalue())
    cli_rows = cli["items"] if isinstance(cli, dict) else cli
    cli_ids = {row["id"] for row in cli_rows}
    assert _matches_hand_checked_list([row["content"] for row in cli_rows])

    client.force_login(clerk)
    dashboard = client.get("/", {"as_of": "2025-04-10"})
    assert dashboard.status_code == 200
    assert dashboard.context["totals"]["overdue"] == len(cli_ids)
    assert dashboard.context["counts"]["overdue"] == len(cli_ids)

    listing = client.get("/tasks/", {"as_of": "2025-04-10", "status": "overdue"})
    listed = {task.pk for task in listing.context["tasks"]}
    assert listed == cli_ids
