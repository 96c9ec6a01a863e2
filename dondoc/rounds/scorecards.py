"""Agency scorecards (bảng đánh giá cơ quan): tasks and reporting timeliness over a period.

Method (shown on the scorecard page, keep the two in step):

* Tasks: every task the agency leads (tasks of units merged into it count for it), assigned by
  the end of the period, judged by its status on that date. Points: completed on time 100,
  open and within its deadline 75, completed late 50, overdue 0. Tasks with a recurring, absent
  or unreadable deadline, and cancelled tasks, are not judged. Task score = average points.
* Reporting: every round whose period ends within the period and in which the agency was
  expected. Points: submitted on time (first submission by the due date plus grace days) 100,
  submitted late 50, draft only or nothing 0. Reporting score = average points.
* Score = 70 % task score + 30 % reporting score; when only one part exists, that part alone.
* Band: green from 80, amber from 50, red below 50; grey when there is nothing to judge.
* Agencies with the same score share a rank (1, 1, 3).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from dondoc.core.collation import vi_sort_key
from dondoc.orgs.models import OrgUnit
from dondoc.rounds.completeness import ReportStatus, expected_agencies, report_status
from dondoc.rounds.models import ReportingRound, Submission
from dondoc.tasks.dashboard import breakdowns
from dondoc.tasks.models import Task
from dondoc.tasks.queries import tasks_as_of
from dondoc.tasks.status import Status

TASK_POINTS: dict[str, int] = {
    Status.COMPLETED_ON_TIME: 100,
    Status.IN_PROGRESS: 75,
    Status.DUE_SOON: 75,
    Status.COMPLETED_LATE: 50,
    Status.OVERDUE: 0,
}
REPORT_POINTS: dict[ReportStatus, int] = {
    ReportStatus.ON_TIME: 100,
    ReportStatus.LATE: 50,
    ReportStatus.DRAFT: 0,
    ReportStatus.NOTHING: 0,
}
TASK_WEIGHT, REPORT_WEIGHT = 0.7, 0.3
GREEN_FROM, AMBER_FROM = 80.0, 50.0


@dataclass
class ScorecardRow:
    agency: OrgUnit
    statuses: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    reports: dict[ReportStatus, int] = field(default_factory=lambda: dict.fromkeys(ReportStatus, 0))
    rank: int | None = None

    @property
    def on_time(self) -> int:
        return self.statuses[Status.COMPLETED_ON_TIME]

    @property
    def late(self) -> int:
        return self.statuses[Status.COMPLETED_LATE]

    @property
    def overdue(self) -> int:
        return self.statuses[Status.OVERDUE]

    @property
    def within(self) -> int:
        return self.statuses[Status.IN_PROGRESS] + self.statuses[Status.DUE_SOON]

    @property
    def led(self) -> int:
        return sum(self.statuses.values())

    @property
    def rounds_expected(self) -> int:
        return sum(self.reports.values())

    @property
    def rounds_on_time(self) -> int:
        return self.reports[ReportStatus.ON_TIME]

    @property
    def rounds_late(self) -> int:
        return self.reports[ReportStatus.LATE]

    @property
    def rounds_missed(self) -> int:
        return self.reports[ReportStatus.DRAFT] + self.reports[ReportStatus.NOTHING]

    @property
    def task_score(self) -> float | None:
        judged = sum(self.statuses[s] for s in TASK_POINTS)
        if not judged:
            return None
        return sum(TASK_POINTS[s] * self.statuses[s] for s in TASK_POINTS) / judged

    @property
    def reporting_score(self) -> float | None:
        if not self.rounds_expected:
            return None
        return sum(REPORT_POINTS[s] * n for s, n in self.reports.items()) / self.rounds_expected

    @property
    def score(self) -> float | None:
        task, report = self.task_score, self.reporting_score
        if task is not None and report is not None:
            return TASK_WEIGHT * task + REPORT_WEIGHT * report
        return task if task is not None else report

    @property
    def band(self) -> str:
        score = self.score
        if score is None:
            return "grey"
        if score >= GREEN_FROM:
            return "green"
        return "amber" if score >= AMBER_FROM else "red"


def _lead_counts(program, end: dt.date) -> dict[int, dict[str, int]]:
    """Tasks led per agency and status on ``end``, counted by the dashboard's query: the
    tasks of units merged into an agency by then count for it, each task once."""
    qs = tasks_as_of(end, Task.objects.filter(program=program))
    return breakdowns(qs, end).statuses["lead"]


def rank_equal(rows: list[ScorecardRow]) -> None:
    """Standard competition ranking: equal scores share a rank and the next rank skips
    (1, 1, 3). Scores equal to six decimals are equal; rows without a score get no rank."""
    previous: float | None = None
    rank = 0
    for position, row in enumerate(rows, start=1):
        if row.score is None:
            row.rank = None
            continue
        score = round(row.score, 6)
        if score != previous:
            rank, previous = position, score
        row.rank = rank


def scorecards(program, start: dt.date, end: dt.date) -> list[ScorecardRow]:
    """Every agency with something to judge in the period, ranked by score (best first)."""
    lead = _lead_counts(program, end)
    units = OrgUnit.objects.in_bulk([pk for pk in lead if pk is not None])
    rows: dict[int, ScorecardRow] = {}
    for unit_id, counts in lead.items():
        if unit_id not in units:
            continue
        row = rows.setdefault(unit_id, ScorecardRow(agency=units[unit_id]))
        for status, n in counts.items():
            row.statuses[status] += n

    rounds = list(
        ReportingRound.objects.filter(
            program=program, period_end__gte=start, period_end__lte=end
        ).order_by("period_end")
    )
    submissions = {
        (s.round_id, s.agency_id): s for s in Submission.objects.filter(round__in=rounds)
    }
    for round_ in rounds:
        for unit in expected_agencies(round_):
            submission = submissions.get((round_.pk, unit.pk))
            if submission is not None:
                submission.round = round_
            row = rows.setdefault(unit.pk, ScorecardRow(agency=unit))
            row.reports[report_status(submission)] += 1

    ranked = sorted(
        rows.values(),
        key=lambda r: (r.score is None, -round(r.score or 0, 6), vi_sort_key(r.agency.name)),
    )
    rank_equal(ranked)
    return ranked
