"""Agency scorecards: grouped counts, the documented score, ranking and bands."""

from __future__ import annotations

import datetime as dt

import pytest

from dondoc.orgs.models import OrgKind, OrgUnit
from dondoc.rounds import services
from dondoc.rounds.scorecards import scorecards
from dondoc.tasks.services import create_task, post_update

END = dt.date(2025, 6, 30)


def _task(program, unit, deadline: str, *, completed_on: dt.date | None = None):
    task = create_task(
        program=program, content=f"Nhiệm vụ {deadline}", assigned_on=dt.date(2025, 1, 22),
        deadline=deadline, leads=[unit],
    )  # fmt: skip
    if completed_on:
        post_update(
            task, by=None, text="Hoàn thành", status_change="completed",
            reported_on=completed_on, recorded_on=completed_on, effective_on=completed_on,
        )  # fmt: skip
    return task


@pytest.fixture
def figures(program, most, hanoi):
    # Ministry: on time, late, overdue, within deadline -> (100 + 50 + 0 + 75) / 4 = 56.25
    _task(program, most, "Quý I/2025", completed_on=dt.date(2025, 3, 20))
    _task(program, most, "Quý I/2025", completed_on=dt.date(2025, 4, 20))
    _task(program, most, "Tháng 5/2025")
    _task(program, most, "Quý III/2025")
    _task(program, most, "Thường xuyên")  # not judged
    # Hà Nội: two on time -> 100
    _task(program, hanoi, "Quý I/2025", completed_on=dt.date(2025, 3, 1))
    _task(program, hanoi, "Quý II/2025", completed_on=dt.date(2025, 6, 1))


def test_scorecard_counts_and_score_follow_the_documented_method(program, most, hanoi, figures):
    rows = {row.agency: row for row in scorecards(program, dt.date(2025, 1, 1), END)}
    ministry = rows[most]
    assert (ministry.on_time, ministry.late, ministry.overdue, ministry.within) == (1, 1, 1, 1)
    assert ministry.task_score == pytest.approx(56.25)
    assert ministry.reporting_score is None
    assert ministry.score == pytest.approx(56.25)
    assert ministry.band == "amber"
    assert rows[hanoi].score == 100 and rows[hanoi].band == "green"
    assert [rows[hanoi].rank, ministry.rank] == [1, 2]


def test_reporting_timeliness_weighs_thirty_percent(program, most, hanoi, clerk, figures, head):
    round_ = services.open_round(
        program=program, title="Quý II/2025", period_start=dt.date(2025, 4, 1),
        period_end=END, due_on=dt.date(2025, 7, 5), agencies=[most, hanoi], by=clerk,
    )  # fmt: skip
    services.start_submission(round_, most, by=head)  # a draft only: 0 points
    rows = {row.agency: row for row in scorecards(program, dt.date(2025, 1, 1), END)}
    assert rows[most].reporting_score == 0
    assert rows[most].score == pytest.approx(0.7 * 56.25)
    assert rows[most].band == "red"
    assert rows[hanoi].rounds_missed == 1


def test_tasks_of_a_merged_province_count_for_its_successor(program):
    new = OrgUnit.objects.create(
        code="tuyen-quang",
        kind=OrgKind.PROVINCE,
        name="Tuyên Quang",
        valid_from=dt.date(2025, 7, 1),
    )
    old = OrgUnit.objects.create(
        code="ha-giang", kind=OrgKind.PROVINCE, name="Hà Giang",
        valid_to=dt.date(2025, 6, 30), successor=new,
    )  # fmt: skip
    _task(program, old, "Tháng 5/2025")
    rows = scorecards(program, dt.date(2025, 1, 1), dt.date(2025, 9, 30))
    assert [(row.agency, row.overdue) for row in rows] == [(new, 1)]


def test_scorecards_use_a_fixed_number_of_queries(
    program, most, hanoi, figures, django_assert_max_num_queries
):
    for n in range(10):
        unit = OrgUnit.objects.create(code=f"p{n}", kind=OrgKind.PROVINCE, name=f"P{n}")
        _task(program, unit, "Quý I/2025")
    with django_assert_max_num_queries(4):  # carriers, counts, units, rounds
        rows = scorecards(program, dt.date(2025, 1, 1), END)
    assert len(rows) == 12


def test_tied_agencies_share_a_rank_and_the_next_rank_skips(program, most, hanoi):
    third = OrgUnit.objects.create(code="hue", kind=OrgKind.PROVINCE, name="Thành ủy Huế")
    for unit in (most, hanoi):  # 100 each
        _task(program, unit, "Quý I/2025", completed_on=dt.date(2025, 3, 1))
    _task(program, third, "Quý I/2025", completed_on=dt.date(2025, 4, 20))  # 50
    rows = scorecards(program, dt.date(2025, 1, 1), END)
    assert [(row.agency, row.rank) for row in rows] == [(most, 1), (hanoi, 1), (third, 3)]


def test_a_task_without_a_deadline_is_never_counted_overdue(program, most):
    _task(program, most, "")
    _task(program, most, "Khi có chỉ đạo")
    _task(program, most, "Tháng 5/2025")
    (row,) = scorecards(program, dt.date(2025, 1, 1), END)
    assert row.overdue == 1 and row.statuses["no_deadline"] == 2
