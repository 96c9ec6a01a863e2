"""The dashboard counts everything in one query (after reading which units were merged); its
figures match counting each part apart."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from dondoc.followups.services import grant_extension
from dondoc.orgs.models import Member
from dondoc.tasks import dashboard, services
from dondoc.tasks.filters import rows_and_total
from dondoc.tasks.models import AgencyRole, Program, Task
from dondoc.tasks.queries import status_counts, tasks_as_of, with_status
from dondoc.tasks.status import Status
from dondoc.tasks.tests.test_load_nq57 import loaded  # noqa: F401

START = dt.date(2025, 1, 1)
PHRASES = ["Quý I/2025", "Tháng 5/2025", "Năm 2025", "Thường xuyên", "", "Sau khi xong"]


@pytest.fixture
def mixed(program, notice, most, hanoi, member_person, clerk):
    """Forty tasks with one or two lead agencies, zero to two members, a group or none, some
    completed, cancelled or reopened, some with their deadline extended."""
    rng = random.Random(3)
    other = Member.objects.create(program=program, full_name="Trần Văn B", position="Ủy viên")
    groups = [None, *program.groups.all()[:3]]
    for i in range(40):
        task = services.create_task(
            program=program,
            content=f"Nhiệm vụ {i}",
            assigned_on=START + dt.timedelta(days=rng.randint(0, 90)),
            deadline=rng.choice(PHRASES),
            group=rng.choice(groups),
            sources=[(notice, "", "")],
            leads=rng.choice([[most], [hanoi], [most, hanoi], []]),
            members=rng.choice([[], [member_person], [member_person, other]]),
        )
        for _ in range(rng.randint(0, 2)):
            day = START + dt.timedelta(days=rng.randint(30, 300))
            services.post_update(
                task,
                by=clerk,
                text="Cập nhật",
                reported_on=day,
                recorded_on=day,
                status_change=rng.choice(["completed", "cancelled", "reopened", ""]),
                effective_on=day - dt.timedelta(days=rng.randint(0, 20)),
            )
        if task.due_on and rng.random() < 0.3:
            grant_extension(
                task,
                by=clerk,
                new_due_on=task.due_on + dt.timedelta(days=60),
                granted_on=task.due_on - dt.timedelta(days=5),
            )


def _figures(qs, as_of) -> dict[str, int]:
    return dashboard.figures(status_counts(qs, as_of)["by_status"])


@pytest.mark.django_db
def test_one_query_breakdowns_match_counting_each_agency_member_and_group_apart(
    mixed, program, django_assert_num_queries, subtests
):
    # One set of tasks for the three dates: writing it is the slow part.
    for as_of in (dt.date(2025, 3, 31), dt.date(2025, 7, 15), dt.date(2026, 1, 1)):
        with subtests.test(as_of=as_of):
            _breakdowns_agree(program, as_of, django_assert_num_queries)


def _breakdowns_agree(program, as_of: dt.date, django_assert_num_queries) -> None:
    qs = tasks_as_of(as_of, Task.objects.filter(program=program))
    with django_assert_num_queries(2):  # the units merged by then, and the figures
        found = dashboard.breakdowns(qs, as_of)
        dashboard.status_counts(qs, as_of)  # shares the query

    assert found.counts == status_counts(qs, as_of)
    for unit, figures in found.by["lead"].items():
        leading = qs.filter(task_agencies__org_unit=unit, task_agencies__role=AgencyRole.LEAD)
        assert figures == _figures(leading, as_of), unit
    for member, figures in found.by["member"].items():
        assert figures == _figures(qs.filter(members=member), as_of), member
    for group, figures in found.by["group"].items():
        assert figures == _figures(qs.filter(group=group), as_of), group
    led = set(qs.filter(task_agencies__role=AgencyRole.LEAD).values_list("task_agencies__org_unit"))
    assert set(found.by["lead"]) == {unit for (unit,) in led}

    overdue = with_status(qs, as_of).filter(status=Status.OVERDUE)
    expected = sorted((t.due_on_as_of, t.pk) for t in overdue)[: dashboard.OVERDUE_LIMIT]
    assert found.overdue == [(pk, due) for due, pk in expected]


@pytest.mark.django_db
def test_dashboard_lists_the_most_overdue_with_the_deadline_in_force(mixed, program):
    as_of = dt.date(2026, 1, 1)
    qs = tasks_as_of(as_of, Task.objects.filter(program=program))
    tasks = dashboard.overdue_tasks(qs, as_of)
    assert tasks, "the fixture has overdue tasks on this date"
    assert [t.days_late for t in tasks] == sorted((t.days_late for t in tasks), reverse=True)
    for task in tasks:
        assert task.days_late == (as_of - task.due_in_force).days > 0
        assert all(ta.role == AgencyRole.LEAD for ta in task.leads)


@pytest.mark.django_db
def test_breakdowns_refuse_a_whole_program_said_of_a_narrowed_queryset(mixed, program, most):
    as_of = dt.date(2025, 7, 15)
    whole = tasks_as_of(as_of, Task.objects.filter(program=program))
    said = dashboard.breakdowns(whole, as_of, whole_program=program.pk)
    assert (
        said.counts == dashboard.breakdowns(tasks_as_of(as_of, program.tasks.all()), as_of).counts
    )
    narrowed = whole.filter(task_agencies__org_unit=most)
    with pytest.raises(AssertionError, match="Not the whole program"):
        dashboard.breakdowns(narrowed, as_of, whole_program=program.pk)


@pytest.mark.django_db
def test_page_rows_carry_the_total_and_past_the_end_the_total_is_counted(mixed, program):
    qs = Task.objects.filter(program=program).order_by("id")
    rows, total = rows_and_total(qs, 10, 5)
    assert [t.pk for t in rows] == list(qs.values_list("pk", flat=True)[10:15])
    assert total == qs.count() == 40
    assert rows_and_total(qs, 100, 5) == ([], 40)
    assert rows_and_total(qs.none(), 0, 5) == ([], 0)


@pytest.mark.django_db
def test_task_list_page_past_the_end_shows_a_real_page_and_junk_is_refused(mixed, client, tracker):
    client.force_login(tracker)
    for asked in ("99", ""):
        response = client.get("/tasks/", {"as_of": "2026-01-01", "page": asked})
        page = response.context["page"]
        assert page.number == 1
        assert page.paginator.count == len(page.object_list) == 40
    for asked in ("abc", "0", "-2"):
        response = client.get("/tasks/", {"as_of": "2026-01-01", "page": asked})
        assert response.status_code == 400
        assert "page" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("as_of", [dt.date(2025, 4, 10), dt.date(2026, 12, 1)])
def test_the_top_lead_agencies_read_alone_are_those_of_the_whole_ranking(
    loaded,  # noqa: F811
    as_of,
):
    program = Program.objects.get(code="NQ57")

    def base():  # a new queryset: each keeps the breakdowns it read
        return tasks_as_of(as_of, Task.objects.filter(program=program))

    everyone = dashboard.breakdowns(base(), as_of).statuses["lead"]
    ranking = dashboard.by_lead(base(), as_of, limit=None)
    assert len(ranking) > 12, "enough agencies to leave some out"

    def rank(pk):
        counts = dashboard.figures(everyone[pk])
        return (-counts["overdue"], -counts["open"], -counts["assigned"])

    tied_beyond = 0
    for limit in range(1, len(ranking) + 2):
        qs = base()
        top = dashboard.breakdowns(qs, as_of, leads=limit).statuses["lead"]
        # Exactly the agencies ranked in the first ``limit`` places, those tied with the
        # last one included, with the counts every agency has in the whole breakdown.
        last = rank(ranking[min(limit, len(ranking)) - 1].key)
        assert set(top) == {row.key for row in ranking if rank(row.key) <= last}
        assert all(top[pk] == everyone[pk] for pk in top)
        tied_beyond += len(top) > limit
        shown = dashboard.by_lead(qs, as_of, limit=limit)
        assert [(r.key, r.counts) for r in shown] == [(r.key, r.counts) for r in ranking[:limit]]
    assert tied_beyond, "some agency tied with the last one shown"


def test_breakdown_cells_escape_their_links_and_mute_zeros():
    cells = [
        ("assigned", 12, '/tasks/?status=assigned&lead=7&q="<x>"'),
        ("overdue", 0, "/tasks/?status=overdue&lead=7"),
        ("open", 3, ""),
    ]
    assert dashboard.cells_html(cells) == (
        '<td class="num col-assigned">'
        '<a href="/tasks/?status=assigned&amp;lead=7&amp;q=&quot;&lt;x&gt;&quot;">12</a></td>'
        '<td class="num col-overdue"><span class="zero">0</span></td>'
        '<td class="num col-open">3</td>'
    )


def test_the_charts_data_is_written_as_json_script_writes_it():
    from django.utils.html import json_script

    chart = {
        "categories": ["Bộ KH&CN", "<script>alert(1)</script>", 'a "b" > c'],
        "series": [{"name": "Quá hạn", "data": [1, 0, 2], "links": ["/tasks/?a=1&b=2"]}],
        "day": dt.date(2026, 6, 30),
    }
    assert dashboard.chart_script(chart, "chart-lead-data") == json_script(chart, "chart-lead-data")
