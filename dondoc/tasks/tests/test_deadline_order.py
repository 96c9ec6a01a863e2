"""The task list sorted by deadline, and its due-date filters, read the deadline in force on
the list's date, the one its statuses are judged against: an extended task moves to its new
date from the day the extension takes effect, on every path that reads the list."""

from __future__ import annotations

import datetime as dt

import pytest

from dondoc.followups.services import grant_extension
from dondoc.tasks import services, statements
from dondoc.tasks.filters import build_tasks, filtered_rows, parse_filters, task_rows

EXTENDED_ON = dt.date(2025, 3, 20)


@pytest.fixture
def dated(program, notice, most, clerk):
    """Due 31/03 (extended on 20/03 to 30/06), due 31/05, due 31/03, and no deadline."""

    def task(deadline):
        return services.create_task(
            program=program,
            content="Hạ tầng số",
            assigned_on=dt.date(2025, 1, 10),
            deadline=deadline,
            sources=[(notice, "", "")],
            leads=[most],
        )

    extended, may, march, open_ended = (
        task(d) for d in ("31/03/2025", "31/05/2025", "31/03/2025", "")
    )
    grant_extension(extended, by=clerk, new_due_on=dt.date(2025, 6, 30), granted_on=EXTENDED_ON)
    return extended, may, march, open_ended


def _listed(user, params) -> list[int]:
    statements._KEPT.clear()
    _qs, _state, rows, _total = filtered_rows(user, params, 0, 50)
    by_timeline = task_rows(build_tasks(user, parse_filters(params)[1]), 0, 50)[0]
    assert [r.pk for r in rows] == [r.pk for r in by_timeline]
    return [r.pk for r in rows]


@pytest.mark.django_db
def test_an_extended_task_is_sorted_by_the_deadline_in_force_on_the_date(dated, clerk, reporter):
    extended, may, march, open_ended = dated
    for user in (clerk, reporter):
        before = {"as_of": "2025-03-10", "sort": "deadline"}
        assert _listed(user, before) == [extended.pk, march.pk, may.pk, open_ended.pk]
        after = {"as_of": "2025-04-15", "sort": "deadline"}
        assert _listed(user, after) == [march.pk, may.pk, extended.pk, open_ended.pk]
        descending = {"as_of": "2025-04-15", "sort": "-deadline"}
        assert _listed(user, descending) == [extended.pk, may.pk, march.pk, open_ended.pk]
        overdue_first = {"as_of": "2025-04-15", "sort": "deadline", "status": ["overdue", "open"]}
        assert _listed(user, overdue_first) == [march.pk, may.pk, extended.pk, open_ended.pk]


@pytest.mark.django_db
def test_the_due_date_filters_read_the_deadline_in_force(dated, clerk, reporter):
    extended, may, march, _open_ended = dated
    june = {"due_from": "2025-06-01", "due_to": "2025-06-30"}
    march_only = {"due_from": "2025-03-01", "due_to": "2025-03-31"}
    for user in (clerk, reporter):
        assert _listed(user, {"as_of": "2025-04-15", **june}) == [extended.pk]
        assert _listed(user, {"as_of": "2025-04-15", **march_only}) == [march.pk]
        assert _listed(user, {"as_of": "2025-03-10", **march_only}) == [extended.pk, march.pk]
        until_may = {"as_of": "2025-04-15", "due_to": "2025-05-31", "status": "open"}
        assert _listed(user, until_may) == [march.pk, may.pk]  # overdue ones are open too


@pytest.mark.django_db
def test_the_export_and_the_command_show_the_deadline_in_force_beside_the_first(
    dated, clerk, client
):
    import io

    from django.core.management import call_command

    extended, _may, _march, _open_ended = dated
    client.force_login(clerk)
    params = {"as_of": "2025-04-15", "sort": "deadline"}
    text = client.get("/tasks/export.csv", params).content.decode("utf-8-sig")
    heading, first, *_rest = text.strip().splitlines()
    assert "Deadline in force" in heading or "Hạn đang áp dụng" in heading
    assert ",31/03/2025,31/03/2025," in first  # the task due 31/03, never extended
    row = next(line for line in text.splitlines() if ",30/06/2025," in line)
    assert ",31/03/2025,30/06/2025," in row  # first deadline, then the one in force

    out = io.StringIO()
    call_command("tasks", "--as-of", "2025-04-15", stdout=out, stderr=io.StringIO())
    line = next(line for line in out.getvalue().splitlines() if line.startswith(str(extended.pk)))
    assert "30/06/2025" in line and "31/03/2025" in line
