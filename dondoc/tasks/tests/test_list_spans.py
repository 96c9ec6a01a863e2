"""The task list and the API list read each task's status from its maintained status span
covering the list's date: the statuses, the status filters' counts and the rows are those the
timeline gives, on past dates too; a task without a span is read from the timeline."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from dondoc.accounts.models import ApiToken
from dondoc.followups.services import grant_extension
from dondoc.orgs.models import Member
from dondoc.tasks import manage, services
from dondoc.tasks.filters import STATUS_GROUPS, filter_tasks, filtered_rows, task_rows
from dondoc.tasks.models import TaskStatusSpan
from dondoc.tasks.status import Status

START = dt.date(2025, 1, 1)
PHRASES = ["Quý I/2025", "Tháng 5/2025", "Năm 2025", "Thường xuyên", "", "Tháng 9/2025"]
DATES = [dt.date(2025, 3, 31), dt.date(2025, 7, 15), dt.date(2026, 1, 1)]
#: Every status alone, each group, and a set that no group names.
ASKED = [[s.value] for s in Status] + [[g] for g in STATUS_GROUPS] + [["overdue", "regular"]]


@pytest.fixture
def timeline(program, notice, most, hanoi, member_person, clerk):
    """Thirty-six tasks: completed, cancelled and reopened ones, deadlines extended, changed
    and restated to no date, and tasks merged into others."""
    rng = random.Random(14)
    other = Member.objects.create(program=program, full_name="Trần Văn B", position="Ủy viên")
    tasks = []
    for i in range(36):
        task = services.create_task(
            program=program,
            content=f"Nhiệm vụ {i}",
            assigned_on=START + dt.timedelta(days=rng.randint(0, 120)),
            deadline=rng.choice(PHRASES),
            sources=[(notice, "", "")],
            leads=rng.choice([[most], [hanoi], [most, hanoi]]),
            members=rng.choice([[], [member_person], [member_person, other]]),
        )
        tasks.append(task)
        for _ in range(rng.randint(0, 2)):
            day = START + dt.timedelta(days=rng.randint(30, 330))
            services.post_update(
                task,
                by=clerk,
                text="Cập nhật",
                reported_on=day,
                recorded_on=day,
                status_change=rng.choice(["completed", "cancelled", "reopened", ""]),
                effective_on=day - dt.timedelta(days=rng.randint(0, 25)),
            )
        if task.due_on and i % 3 == 0:
            grant_extension(
                task,
                by=clerk,
                new_due_on=task.due_on + dt.timedelta(days=60),
                granted_on=task.due_on - dt.timedelta(days=5),
            )
        elif i % 3 == 1:
            manage.change_deadline(
                task,
                by=clerk,
                reason="Điều chỉnh",
                phrase=rng.choice(["Tháng 6/2025", "Tháng 12/2025", "Thường xuyên", ""]),
                effective_on=START + dt.timedelta(days=rng.randint(60, 240)),
            )
    for duplicate, keep in ((tasks[5], tasks[6]), (tasks[20], tasks[21])):
        services.merge_tasks(keep, duplicate, by=clerk)
    return tasks


def _listed(user, params, source):
    qs, _state = filter_tasks(user, params, source=source)
    rows, total = task_rows(qs, 0, 100, annotations=("closure_on_as_of",))
    shown = [
        (r.pk, r.status, r.due_on_as_of, r.late_against_original, r.closure_on_as_of) for r in rows
    ]
    return shown, total


@pytest.mark.django_db
def test_statuses_and_status_filter_counts_from_spans_equal_the_timeline(timeline, clerk, subtests):
    # One timeline for the three dates: writing it is the slow part.
    for as_of in DATES:
        with subtests.test(as_of=as_of):
            _lists_agree(clerk, as_of)


def _lists_agree(clerk, as_of: dt.date) -> None:
    base = {"as_of": as_of.isoformat()}
    every, total = _listed(clerk, base, "spans")
    assert (every, total) == _listed(clerk, base, "timeline")
    assert total == len(every) > 10
    assert len({status for _pk, status, *_rest in every}) >= 3  # not all alike
    for asked in ASKED:
        params = {**base, "status": asked}
        assert _listed(clerk, params, "spans") == _listed(clerk, params, "timeline"), asked
    for params in (
        {**base, "late_against_original": "1"},
        {**base, "sort": "status"},
        {**base, "sort": "-lead", "status": "open"},
    ):
        assert _listed(clerk, params, "spans") == _listed(clerk, params, "timeline"), params


@pytest.mark.django_db
def test_the_list_shows_the_changed_deadline_in_force_and_lateness_against_the_original(
    timeline, clerk
):
    late = []
    for as_of in DATES:
        rows, _total = _listed(clerk, {"as_of": as_of.isoformat()}, "spans")
        late += [row for row in rows if row[3]]
    assert late  # the dataset holds tasks late against their original deadline only


@pytest.mark.django_db
def test_a_task_without_a_span_is_listed_from_its_timeline(timeline, clerk, client):
    as_of = DATES[1]
    # A filter the dashboard's kept counts do not count: a list they count is read along the
    # spans of its statuses (``filters.status_walks``) and, like the dashboard, trusts them, as
    # a range of deadlines (in force, read from the spans) does.
    params = {"as_of": as_of.isoformat(), "status": "overdue", "q": "nhiem vu"}
    expected = _listed(clerk, params, "timeline")
    assert expected[1] >= 1
    gone = expected[0][0][0]
    TaskStatusSpan.objects.filter(task_id=gone).delete()

    qs, _state, rows, total = filtered_rows(clerk, params, 0, 100)
    assert "span_task_id" not in qs.query.annotations  # read from the timeline
    assert ([r.pk for r in rows], total) == ([row[0] for row in expected[0]], expected[1])
    # Past the last page too, and through the page and the API.
    assert filtered_rows(clerk, params, 100, 100)[3] == expected[1]
    client.force_login(clerk)
    page = client.get("/tasks/", params)
    assert [t.pk for t in page.context["tasks"]] == [row[0] for row in expected[0]]
    _token, key = ApiToken.issue(clerk, "test", "read")
    api = client.get("/api/tasks", params, HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert [item["id"] for item in api["items"]] == [row[0] for row in expected[0]]


@pytest.mark.django_db
def test_with_every_span_kept_the_list_reads_the_spans(timeline, clerk):
    params = {"as_of": DATES[2].isoformat(), "status": "completed"}
    qs, _state, rows, total = filtered_rows(clerk, params, 0, 100)
    assert qs is None  # read by the statement written from the spans' query (``statements``)
    assert total == len(rows) >= 1
    spans, _state = filter_tasks(clerk, params, source="spans")
    expected, expected_total = task_rows(spans, 0, 100)
    assert ([r.pk for r in rows], total) == ([r.pk for r in expected], expected_total)
