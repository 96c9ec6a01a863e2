"""Status of an indicator on a date (pure Python): the seam where the progress method lives.

For now: "no data" without a value, "not assessed" when the milestone has no number to compare
with (qualitative targets are assessed by hand), "target achieved" when the latest value meets
every target of the nearest milestone, else "not assessed". The Statistics Canada method (the
ratio of observed to needed growth since the baseline: on track, acceleration needed, limited
progress, deterioration) replaces the last case later, behind the same ``assess``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class IndicatorStatus(StrEnum):
    ACHIEVED = "target_achieved"
    NO_DATA = "no_data"
    NOT_ASSESSED = "not_assessed"


@dataclass(frozen=True)
class Goal:
    """What ``assess`` needs of a target."""

    due_on: dt.date
    operator: str  # ge gt le lt eq range text
    value: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None


def milestone(goals: Sequence[Goal], as_of: dt.date) -> list[Goal]:
    """The targets of the nearest milestone due on or after ``as_of`` (else the last one)."""
    if not goals:
        return []
    dates = sorted({g.due_on for g in goals})
    due = next((d for d in dates if d >= as_of), dates[-1])
    return [g for g in goals if g.due_on == due]


def meets(goal: Goal, value: Decimal, direction: str) -> bool | None:
    """Does ``value`` meet ``goal``? None when the goal has no number."""
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


def assess(
    goals: Sequence[Goal], value: Decimal | None, as_of: dt.date, direction: str
) -> IndicatorStatus:
    if value is None:
        return IndicatorStatus.NO_DATA
    current = milestone(goals, as_of)
    verdicts = [meets(g, value, direction) for g in current]
    if not verdicts or any(v is None for v in verdicts) or direction == "qualitative":
        return IndicatorStatus.NOT_ASSESSED
    return IndicatorStatus.ACHIEVED if all(verdicts) else IndicatorStatus.NOT_ASSESSED
