"""The progress method on hand-made series (no database)."""

import datetime as dt
from decimal import Decimal

import pytest

from dondoc.indicators.status import Goal, IndicatorStatus, evaluate

D = dt.date
TODAY = D(2026, 12, 31)
DUE = D(2030, 12, 31)


def goal(op, value=None, low=None, high=None, due=DUE):
    dec = lambda v: None if v is None else Decimal(str(v))  # noqa: E731
    return Goal(due, op, dec(value), dec(low), dec(high))


def yearly(*values, start=2020):
    return [(D(start + i, 12, 31), v) for i, v in enumerate(values) if v is not ...]


def test_higher_is_better_growing_at_the_needed_rate_is_on_track():
    # 100 → 200 over 10 years needs 7.18 %/year; 100 → 150 over 6 years is 6.99 %: ratio 97 %.
    a = evaluate([goal("ge", 200)], [(D(2020, 12, 31), 100), (TODAY, 150)], TODAY, "higher")
    assert a.method == "cagr"
    assert a.required_rate == pytest.approx(2 ** (1 / 10.0) - 1, rel=1e-3)
    assert a.observed_rate == pytest.approx(1.5 ** (1 / 6.0) - 1, rel=1e-3)
    assert a.ratio == pytest.approx(0.975, abs=0.01)
    assert a.status == IndicatorStatus.ON_TRACK
    assert a.years_elapsed == pytest.approx(6.0, abs=0.01)


@pytest.mark.parametrize(
    ("latest", "status"),
    [
        (140, IndicatorStatus.ACCELERATION_NEEDED),
        (110, IndicatorStatus.LIMITED_PROGRESS),
        (90, IndicatorStatus.DETERIORATION),
        (210, IndicatorStatus.ACHIEVED),
    ],
)
def test_the_bands_of_the_ratio(latest, status):
    series = [(D(2020, 12, 31), 100), (TODAY, latest)]
    assert evaluate([goal("ge", 200)], series, TODAY, "higher").status == status


def test_lower_is_better_falling_is_progress_and_rising_is_deterioration():
    goals = [goal("le", 50)]
    falling = evaluate(goals, [(D(2020, 12, 31), 100), (TODAY, 65)], TODAY, "lower")
    assert falling.observed_rate < 0 and falling.required_rate < 0
    assert falling.status == IndicatorStatus.ON_TRACK
    rising = evaluate(goals, [(D(2020, 12, 31), 100), (TODAY, 110)], TODAY, "lower")
    assert rising.status == IndicatorStatus.DETERIORATION


def test_a_rank_target_counts_down_to_the_rank():
    series = [(D(2020, 12, 31), 10), (D(2024, 12, 31), 8), (TODAY, 6)]
    a = evaluate([goal("le", 3)], series, TODAY, "lower")
    assert a.target == 3
    assert a.status in (IndicatorStatus.LIMITED_PROGRESS, IndicatorStatus.ACCELERATION_NEEDED)
    assert a.milestones[0].completion == pytest.approx(4 / 7)


def test_a_range_is_reached_at_its_near_end():
    higher = evaluate(
        [goal("range", low=40, high=50)], [(D(2020, 12, 31), 20), (TODAY, 41)], TODAY, "higher"
    )
    assert higher.target == 40 and higher.status == IndicatorStatus.ACHIEVED
    lower = evaluate(
        [goal("range", low=16, high=18)], [(D(2020, 12, 31), 30), (TODAY, 27)], TODAY, "lower"
    )
    assert lower.target == 18 and lower.status == IndicatorStatus.LIMITED_PROGRESS


def test_missing_periods_change_nothing_but_the_endpoints_count():
    full = yearly(100, 110, 120, 130, 140, 150, 160)
    gappy = [full[0], full[3], (full[4][0], None), full[-1]]
    goals = [goal("ge", 300)]
    assert evaluate(goals, full, TODAY, "higher").ratio == pytest.approx(
        evaluate(goals, gappy, TODAY, "higher").ratio
    )


def test_a_value_already_past_the_target_is_achieved():
    a = evaluate([goal("ge", 80)], [(D(2020, 12, 31), 60), (TODAY, 95)], TODAY, "higher")
    assert a.status == IndicatorStatus.ACHIEVED
    assert a.milestones[0].completion > 1


def test_a_baseline_of_zero_uses_linear_rates():
    a = evaluate([goal("ge", 100)], [(D(2020, 12, 31), 0), (TODAY, 30)], TODAY, "higher")
    assert a.method == "linear"
    assert a.observed_rate == pytest.approx(5.0, rel=1e-2)
    assert a.required_rate == pytest.approx(10.0, rel=1e-2)
    assert a.status == IndicatorStatus.LIMITED_PROGRESS


def test_a_single_value_is_not_assessed_unless_it_meets_the_target():
    one = evaluate([goal("ge", 80)], [(TODAY, 50)], TODAY, "higher")
    assert one.status == IndicatorStatus.NOT_ASSESSED and one.observed_rate is None
    assert one.milestones[0].completion == pytest.approx(50 / 80)
    met = evaluate([goal("ge", 80)], [(TODAY, 90)], TODAY, "higher")
    assert met.status == IndicatorStatus.ACHIEVED


def test_the_recorded_baseline_comes_before_the_series():
    a = evaluate(
        [goal("ge", 200)], [(TODAY, 150)], TODAY, "higher", baseline=(D(2020, 12, 31), 100)
    )
    assert a.baseline.value == 100 and a.status == IndicatorStatus.ON_TRACK


def test_values_only_after_the_target_date_are_not_assessed_when_short():
    goals = [goal("ge", 80, due=D(2025, 12, 31))]
    series = [(D(2026, 6, 30), 50), (D(2026, 12, 31), 60)]
    a = evaluate(goals, series, TODAY, "higher")
    assert a.status == IndicatorStatus.NOT_ASSESSED
    assert "due date" in a.reason


def test_no_value_is_no_data_and_values_after_the_date_do_not_count():
    goals = [goal("ge", 80)]
    assert evaluate(goals, [], TODAY, "higher").status == IndicatorStatus.NO_DATA
    later = [(D(2027, 12, 31), 90)]
    assert evaluate(goals, later, TODAY, "higher").status == IndicatorStatus.NO_DATA


def test_the_projection_runs_to_the_last_milestone():
    goals = [goal("ge", 150), goal("ge", 400, due=D(2045, 12, 31))]
    a = evaluate(goals, [(D(2020, 12, 31), 100), (TODAY, 120)], TODAY, "higher")
    assert a.projection[-1].on == D(2045, 12, 31)
    assert a.projection[-1].value > a.projection[1].value > 120
    assert [m.due_on.year for m in a.milestones] == [2030, 2045]
    assert a.milestones[0].projected == pytest.approx(120 * 1.2 ** (4 / 6), rel=1e-2)


def test_current_completion_and_the_ends_of_a_series_give_what_evaluate_gives():
    """The composite reads a series' two ends and only the completion: same figures as the
    whole assessment of the whole series, in both directions, with ranges, qualitative and
    several milestones, zero and negative values, gaps and values after the date."""
    import random

    from dondoc.indicators.status import current_completion

    rng = random.Random(57)
    ops = ["ge", "gt", "le", "lt", "eq", "range", "text"]
    for _ in range(400):
        direction = rng.choice(["higher", "lower", "qualitative"])
        goals = []
        for due in rng.sample([D(2025, 12, 31), D(2030, 12, 31), D(2045, 12, 31)], 2):
            op = rng.choice(ops)
            low = rng.choice([0, 5, 40])
            goals.append(
                goal(op, low=low, high=low + 10, due=due)
                if op == "range"
                else goal(op, None if op == "text" else rng.choice([0, 3, 80, 200]), due=due)
            )
        series = [
            (
                D(2020 + rng.randint(0, 8), rng.randint(1, 12), 28),
                rng.choice([None, 0, -4, 10, 55, 120]),
            )
            for _ in range(rng.randint(0, 6))
        ]
        as_of = D(2020 + rng.randint(0, 8), 6, 30)
        points = sorted(
            ((on, v) for on, v in series if v is not None and on <= as_of), key=lambda p: p[0]
        )
        ends = points[:1] + points[-1:] if len(points) > 1 else points
        whole = evaluate(goals, series, as_of, direction)
        share, latest, target, due = current_completion(goals, ends, as_of, direction)
        assert (share, latest, target, due) == (
            whole.completion,
            whole.latest,
            whole.target,
            whole.due_on,
        )
