"""Progress, projection and status of an indicator (pure Python, no database).

The status follows the method Open SDG uses by default, Statistics Canada's: compare the
compound annual growth rate (CAGR) observed since the baseline with the rate needed to reach the
target by its due date.

    observed CAGR = (latest / baseline) ^ (1 / years from baseline to latest) − 1
    required CAGR = (target / baseline) ^ (1 / years from baseline to due date) − 1
    ratio         = observed / required

≥ 95 % on track (đúng tiến độ), 60–95 % acceleration needed (cần đẩy nhanh), 0–60 % limited
progress (tiến triển hạn chế), < 0 deterioration (đi xuống). A latest value that already meets
the milestone is "target achieved"; no value is "no data"; one value only, a qualitative target,
or a due date on or before the baseline is "not assessed". For a lower-is-better indicator both
rates are negative when things improve, so the same ratio works for both directions.

Compound growth needs positive numbers: when the baseline, the latest value or the target is
zero or negative the rates are linear instead (change per year: (latest − baseline) / years and
(target − baseline) / years), and ``method`` says "linear". Years are days / 365.25, so missing
periods do not matter: only the baseline and the latest value enter the rates.

The baseline is the indicator's own (value, date) when recorded, else the earliest value of the
series. A range target ("40 - 50") is reached at its near end: the low end when higher is
better, the high end when lower is better; a rank target "≤ 3" is lower-is-better. Where one
milestone has several scoped targets ("≤ 3 Đông Nam Á; ≤ 50 Thế giới") the first with a number
drives the status; "achieved" needs all of them.

Projection: from the latest value at the observed rate (compound, or linear as above), one
point a year up to the last milestone; progress to each milestone is the share of the distance
from the baseline to its target already covered (can exceed 1, or fall below 0).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class IndicatorStatus(StrEnum):
    ACHIEVED = "target_achieved"
    ON_TRACK = "on_track"
    ACCELERATION_NEEDED = "acceleration_needed"
    LIMITED_PROGRESS = "limited_progress"
    DETERIORATION = "deterioration"
    NO_DATA = "no_data"
    NOT_ASSESSED = "not_assessed"


#: Statuses that raise a warning (chỉ số cần chú ý).
AT_RISK = frozenset({IndicatorStatus.LIMITED_PROGRESS, IndicatorStatus.DETERIORATION})

#: Bands of the ratio of observed to required growth (Statistics Canada, Open SDG's default).
ON_TRACK_FROM = 0.95
ACCELERATION_FROM = 0.60

DAYS_A_YEAR = 365.25


@dataclass(frozen=True)
class Goal:
    """What the assessment needs of a target."""

    due_on: dt.date
    operator: str  # ge gt le lt eq range text
    value: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None


@dataclass(frozen=True)
class Point:
    on: dt.date
    value: float


@dataclass(frozen=True)
class MilestoneProgress:
    due_on: dt.date
    target: float | None  # the number aimed at (a range's near end)
    achieved: bool | None
    completion: float | None  # share of the distance baseline → target covered
    projected: float | None  # the projected value at the due date


@dataclass(frozen=True)
class Assessment:
    """A status and every component it was computed from, to show on the page."""

    status: IndicatorStatus
    reason: str = ""  # why "not assessed", in English (translated where shown)
    due_on: dt.date | None = None
    target: float | None = None
    baseline: Point | None = None
    latest: Point | None = None
    years_elapsed: float | None = None
    years_to_target: float | None = None
    observed_rate: float | None = None
    required_rate: float | None = None
    ratio: float | None = None
    method: str = ""  # "cagr" or "linear"
    milestones: list[MilestoneProgress] = field(default_factory=list)
    projection: list[Point] = field(default_factory=list)

    @property
    def at_risk(self) -> bool:
        return self.status in AT_RISK

    @property
    def completion(self) -> float | None:
        """Completion toward the current milestone (the one the status is about)."""
        for m in self.milestones:
            if m.due_on == self.due_on:
                return m.completion
        return None


def milestone(goals: Sequence[Goal], as_of: dt.date) -> list[Goal]:
    """The targets of the nearest milestone due on or after ``as_of`` (else the last one)."""
    if not goals:
        return []
    dates = sorted({g.due_on for g in goals})
    due = next((d for d in dates if d >= as_of), dates[-1])
    return [g for g in goals if g.due_on == due]


def meets(goal: Goal, value: Decimal | float, direction: str) -> bool | None:
    """Does ``value`` meet ``goal``? None when the goal has no number."""
    value = Decimal(str(value))
    if goal.operator == "range" and goal.low is not None and goal.high is not None:
        return value >= goal.low if direction != "lower" else value <= goal.high
    if goal.value is None:
        return None
    if goal.operator == "eq":  # "đạt 80%": reaching it in the good direction counts
        return value <= goal.value if direction == "lower" else value >= goal.value
    compare = {
        "ge": value >= goal.value,
        "gt": value > goal.value,
        "le": value <= goal.value,
        "lt": value < goal.value,
    }
    return compare.get(goal.operator)


def aim(goal: Goal, direction: str) -> float | None:
    """The number a goal aims at: its value, or a range's near end."""
    if goal.operator == "range" and goal.low is not None and goal.high is not None:
        return float(goal.high if direction == "lower" else goal.low)
    return None if goal.value is None else float(goal.value)


def years_between(start: dt.date, end: dt.date) -> float:
    return (end - start).days / DAYS_A_YEAR


def rate(start: float, end: float, years: float, method: str) -> float:
    """Growth per year from ``start`` to ``end`` over ``years``: compound or linear."""
    if method == "cagr":
        return (end / start) ** (1 / years) - 1
    return (end - start) / years


def completion(baseline: float | None, latest: float, target: float, direction: str) -> float:
    """Share of the way from the baseline to the target covered by the latest value.

    Without a baseline: latest / target (higher is better) or target / latest (lower)."""
    if baseline is None or baseline == target:
        if direction == "lower":
            return 1.0 if latest <= target else (target / latest if latest > 0 else 0.0)
        return 1.0 if latest >= target else (latest / target if target > 0 else 0.0)
    return (latest - baseline) / (target - baseline)


def _bands(ratio: float) -> IndicatorStatus:
    if ratio >= ON_TRACK_FROM:
        return IndicatorStatus.ON_TRACK
    if ratio >= ACCELERATION_FROM:
        return IndicatorStatus.ACCELERATION_NEEDED
    if ratio >= 0:
        return IndicatorStatus.LIMITED_PROGRESS
    return IndicatorStatus.DETERIORATION


def _project(latest: Point, observed: float, method: str, until: dt.date) -> list[Point]:
    points = [latest]
    year = latest.on.year + 1
    while dt.date(year, 12, 31) <= until:
        on = dt.date(year, 12, 31)
        points.append(Point(on, _value_at(latest, observed, method, on)))
        year += 1
    return points


def _value_at(latest: Point, observed: float, method: str, on: dt.date) -> float:
    years = years_between(latest.on, on)
    if method == "cagr":
        return latest.value * (1 + observed) ** years
    return latest.value + observed * years


def evaluate(
    goals: Sequence[Goal],
    series: Sequence[tuple[dt.date, Decimal | float | None]],
    as_of: dt.date,
    direction: str,
    baseline: tuple[dt.date, Decimal | float] | None = None,
    *,
    project: bool = True,
) -> Assessment:
    """Assess an indicator on ``as_of`` from its ``series`` of (period end, value).

    Values after ``as_of`` and empty values ("not available") are ignored. ``baseline`` is the
    indicator's recorded baseline, if any. ``project`` False leaves the projection out (a
    composite score does not show it); nothing else changes.
    """
    points = sorted(
        (Point(on, float(v)) for on, v in series if v is not None and on <= as_of),
        key=lambda p: p.on,
    )
    if not points:
        return Assessment(IndicatorStatus.NO_DATA)
    latest = points[-1]
    base = Point(baseline[0], float(baseline[1])) if baseline else points[0]
    if base.on > latest.on:  # a baseline recorded after the values: the first value instead
        base = points[0]
    current = milestone(goals, as_of)
    numeric = [g for g in current if aim(g, direction) is not None]
    common = {"baseline": base, "latest": latest}
    if direction == "qualitative" or not numeric:
        return Assessment(
            IndicatorStatus.NOT_ASSESSED, reason="qualitative target, assessed by hand", **common
        )
    goal = numeric[0]
    target = aim(goal, direction)
    due = goal.due_on
    common.update(due_on=due, target=target)
    elapsed = years_between(base.on, latest.on)
    to_target = years_between(base.on, due)
    method = "cagr" if base.value > 0 and latest.value > 0 and target > 0 else "linear"
    observed = rate(base.value, latest.value, elapsed, method) if elapsed > 0 else None
    required = rate(base.value, target, to_target, method) if to_target > 0 else None
    milestones = _milestones(goals, base, latest, observed, method, direction)
    projection = (
        _project(latest, observed, method, max(g.due_on for g in goals))
        if observed is not None and project
        else []
    )
    common.update(
        years_elapsed=elapsed,
        years_to_target=to_target,
        observed_rate=observed,
        required_rate=required,
        method=method,
        milestones=milestones,
        projection=projection,
    )
    if all(meets(g, latest.value, direction) for g in numeric):
        return Assessment(IndicatorStatus.ACHIEVED, **common)
    if observed is None:
        return Assessment(
            IndicatorStatus.NOT_ASSESSED, reason="one value only: no growth to measure", **common
        )
    if required is None:
        return Assessment(
            IndicatorStatus.NOT_ASSESSED, reason="the due date is not after the baseline", **common
        )
    if required == 0 or (required > 0) != (direction != "lower"):
        # The baseline already met the target and the latest value no longer does.
        return Assessment(IndicatorStatus.DETERIORATION, **common)
    ratio = observed / required
    return Assessment(_bands(ratio), ratio=ratio, **common)


def _milestones(
    goals: Sequence[Goal],
    base: Point,
    latest: Point,
    observed: float | None,
    method: str,
    direction: str,
) -> list[MilestoneProgress]:
    result = []
    for due in sorted({g.due_on for g in goals}):
        numeric = [g for g in goals if g.due_on == due and aim(g, direction) is not None]
        if not numeric:
            result.append(MilestoneProgress(due, None, None, None, None))
            continue
        target = aim(numeric[0], direction)
        achieved = all(meets(g, latest.value, direction) for g in numeric)
        base_value = base.value if base.on < latest.on else None
        share = completion(base_value, latest.value, target, direction)
        projected = None
        if observed is not None and due >= latest.on:
            value = _value_at(latest, observed, method, due)
            projected = value if math.isfinite(value) else None
        result.append(MilestoneProgress(due, target, achieved, share, projected))
    return result


def assess(
    goals: Sequence[Goal], value: Decimal | None, as_of: dt.date, direction: str
) -> IndicatorStatus:
    """The status from a single latest value (kept for callers without a series)."""
    if value is None:
        return IndicatorStatus.NO_DATA
    return evaluate(goals, [(as_of, value)], as_of, direction).status


def current_completion(
    goals: Sequence[Goal],
    series: Sequence[tuple[dt.date, Decimal | float | None]],
    as_of: dt.date,
    direction: str,
    baseline: tuple[dt.date, Decimal | float] | None = None,
) -> tuple[float | None, Point | None, float | None, dt.date | None]:
    """``evaluate(...)``'s completion toward the current milestone, its latest point, target
    and due date, without the rest of the assessment (rates, other milestones, projection):
    the composite score of many series needs only these. Same rules, same figures."""
    points = sorted(
        (Point(on, float(v)) for on, v in series if v is not None and on <= as_of),
        key=lambda p: p.on,
    )
    if not points:
        return None, None, None, None
    latest = points[-1]
    base = Point(baseline[0], float(baseline[1])) if baseline else points[0]
    if base.on > latest.on:
        base = points[0]
    aimed = current_aim(goals, as_of, direction)
    if aimed is None:
        return None, latest, None, None
    target, due_on = aimed
    base_value = base.value if base.on < latest.on else None
    share = completion(base_value, latest.value, target, direction)
    return share, latest, target, due_on


def current_aim(
    goals: Sequence[Goal], as_of: dt.date, direction: str
) -> tuple[float, dt.date] | None:
    """The number and the due date ``current_completion`` measures against (the first
    numeric target of the current milestone); None for a qualitative indicator or target.
    It depends on the indicator alone: many series of one indicator (every province's) need
    it once."""
    numeric = [g for g in milestone(goals, as_of) if aim(g, direction) is not None]
    if direction == "qualitative" or not numeric:
        return None
    return aim(numeric[0], direction), numeric[0].due_on
