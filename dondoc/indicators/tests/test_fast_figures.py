"""The national figures read from the maintained roll-up tables equal those computed from the
values, on a varied dataset: sums, means, a weighted mean with its named weight, a maximum, a
ministry's minimum, a derived indicator, provinces merged on 01/07/2025, communes standing in
for a province without a value, national values, values approved late, at several dates and
"as known on" days.

Run on SQLite by default and on PostgreSQL with ``DATABASE_URL=postgres://…``."""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from dondoc.indicators import composite, rollup
from dondoc.indicators.collection import parse_report_period
from dondoc.indicators.models import Indicator, IndicatorNationalRollup, IndicatorValue, Target
from dondoc.indicators.national import national_figures, table_answers
from dondoc.indicators.queries import catalogue
from dondoc.indicators.status import IndicatorStatus
from dondoc.indicators.tests.collection_world import hg_old, tq_new, tq_old  # noqa: F401
from dondoc.orgs.models import OrgKind, OrgUnit

pytestmark = pytest.mark.django_db

PERIODS = [parse_report_period(p) for p in ("2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1")]
AS_OF = [dt.date(2025, 6, 30), dt.date(2025, 9, 30), dt.date(2026, 3, 31), dt.date(2026, 5, 1)]
KNOWN_ON = [None, dt.date(2025, 10, 20), dt.date(2026, 4, 10)]


def _indicator(program, code, aggregation, levels, **extra) -> Indicator:
    return Indicator.objects.create(
        program=program,
        code=code,
        name=f"Chỉ tiêu {code}",
        unit="%" if aggregation == "mean" else "người",
        aggregation=aggregation,
        levels=levels,
        frequency="quarter",
        **extra,
    )


@pytest.fixture
def world(program, hanoi, most, tq_old, hg_old, tq_new):  # noqa: F811
    """Indicators and values; the roll-up tables rebuilt from them."""
    communes = [
        OrgUnit.objects.create(code=f"xa-{n}", kind=OrgKind.COMMUNE, name=f"Xã {n}", parent=p)
        for n, p in enumerate([hanoi, hanoi, tq_new, tq_new, hg_old, tq_old])
    ]
    pop = _indicator(program, "1", "sum", ["province", "commune"])
    indicators = {
        "sum": _indicator(program, "2", "sum", ["province", "commune"]),
        "mean": _indicator(program, "3", "mean", ["province", "commune"]),
        "pop": pop,
        "weighted": _indicator(
            program, "4", "weighted_mean", ["province", "commune"], weight_indicator=pop
        ),
        "max": _indicator(program, "5", "max", ["province"]),
        "min": _indicator(program, "6", "min", ["ministry"]),
        "province_only": _indicator(program, "7", "sum", ["province"]),
    }
    indicators["derived"] = _indicator(
        program, "8", "none", ["national"], numerator_code="2", denominator_code="1"
    )
    rng = random.Random(11)
    provinces_before, provinces_after = [hanoi, tq_old, hg_old], [hanoi, tq_new]
    rows = []
    for key, indicator in indicators.items():
        if key == "derived":
            continue
        for n, period in enumerate(PERIODS):
            before = period.end < dt.date(2025, 7, 1)
            if key == "min":
                units = [most]
            else:
                units = list(provinces_before if before else provinces_after)
                if key != "province_only" and key != "max":
                    units += [c for c in communes if c.parent in units]
            for unit in units:
                roll = rng.random()
                if roll < 0.2 and unit.kind == OrgKind.PROVINCE:
                    continue  # no value of its own: its communes stand in
                if key == "pop" and unit.kind == OrgKind.COMMUNE and n == 3 and roll < 0.5:
                    continue  # a missing weight: the weighted mean of that period is not made
                state = "approved" if roll < 0.9 else "submitted"
                late = rng.choice([0, 20, 200])  # days after the period's end
                rows.append(
                    IndicatorValue(
                        indicator=indicator,
                        org_unit=unit,
                        period_start=period.start,
                        period_end=period.end,
                        period_label=period.label,
                        value=Decimal(rng.randint(100, 99999)) / 100,
                        state=state,
                        approved_on=period.end + dt.timedelta(days=late)
                        if state == "approved"
                        else None,
                    )
                )
        if key in ("sum", "min"):  # a national value for two periods, one approved late
            for period, late in ((PERIODS[1], 5), (PERIODS[3], 150)):
                rows.append(
                    IndicatorValue(
                        indicator=indicator,
                        period_start=period.start,
                        period_end=period.end,
                        period_label=period.label,
                        value=Decimal(777),
                        state="approved",
                        approved_on=period.end + dt.timedelta(days=late),
                    )
                )
    IndicatorValue.objects.bulk_create(rows)
    rollup.rebuild()
    return indicators


def _shape(series, *, ends_only: bool = False) -> tuple:
    points = [(p.on, p.row.period_start, p.row.value, p.row.period_label, p.coverage, p.row.pk)
              for p in series.points]  # fmt: skip
    if ends_only:
        points = [points[0], points[-1]] if points else []
    latest = series.latest
    return (
        points,
        None if latest is None else (latest.on, latest.row.value, latest.coverage, latest.row.pk),
        series.notes,
    )


def test_the_tables_give_the_figures_computed_from_the_values(world):
    indicators = list(world.values())
    answered = 0
    for as_of in AS_OF:
        for known_on in KNOWN_ON:
            if known_on is not None and known_on > as_of + dt.timedelta(days=400):
                continue
            answered += table_answers(as_of, known_on)
            exact = national_figures(indicators, as_of, known_on=known_on, exact=True)
            fast = national_figures(indicators, as_of, known_on=known_on)
            ends = national_figures(indicators, as_of, known_on=known_on, ends_only=True)
            for i in indicators:
                assert _shape(fast[i.pk]) == _shape(exact[i.pk]), (i.code, as_of, known_on)
                assert _shape(ends[i.pk], ends_only=True) == _shape(exact[i.pk], ends_only=True), (
                    i.code,
                    as_of,
                    known_on,
                )
            if known_on is None:
                assert _indexes(indicators, as_of) == _indexes(indicators, as_of, exact=True)
    assert answered >= 2  # the tables did answer (after the merger, values as known now)
    # The figures are not trivial: communes, a weighted mean, coverage notes.
    figures = national_figures(indicators, AS_OF[2])
    assert figures[world["weighted"].pk].points
    assert figures[world["weighted"].pk].notes  # the period with a missing weight
    assert figures[world["derived"].pk].points


def _indexes(indicators, as_of, *, exact=False) -> list:
    for i in indicators:
        Target.objects.get_or_create(
            indicator=i, due_on=dt.date(2030, 12, 31), operator="ge",
            defaults={"value": Decimal(5000), "text": "≥ 5000"},
        )  # fmt: skip
    chosen = list(Indicator.objects.filter(pk__in=[i.pk for i in indicators]).order_by("code"))
    return [
        (
            x.label,
            x.value,
            [
                (s.indicator.code, s.completion, s.latest_on, s.latest_value, s.target, s.due_on)
                for s in x.scores
            ],
        )
        for x in composite.by_province(chosen, as_of, exact=exact)
    ]


def test_commune_values_stand_in_for_a_province_without_its_own(program, hanoi, tq_new):  # noqa: F811
    commune = OrgUnit.objects.create(code="xa-1", kind=OrgKind.COMMUNE, name="Xã 1", parent=tq_new)
    indicator = _indicator(program, "9", "sum", ["province", "commune"])
    q = PERIODS[3]
    for unit, value in ((hanoi, 10), (commune, 4)):
        IndicatorValue.objects.create(
            indicator=indicator, org_unit=unit, period_start=q.start, period_end=q.end,
            value=Decimal(value), state="approved",
        )  # fmt: skip
    rollup.rebuild()
    for exact in (True, False):
        (point,) = national_figures([indicator], q.end, exact=exact)[indicator.pk].points
        assert (point.row.value, point.coverage.reported) == (Decimal(14), 2)
    IndicatorValue.objects.create(
        indicator=indicator, org_unit=tq_new, period_start=q.start, period_end=q.end,
        value=Decimal(1), state="approved",
    )  # fmt: skip
    rollup.rebuild()
    for exact in (True, False):
        (point,) = national_figures([indicator], q.end, exact=exact)[indicator.pk].points
        assert point.row.value == Decimal(11)  # the province's own value wins


def test_a_recorded_merger_sends_the_readers_back_to_the_values_until_rebuilt(world, hanoi):
    on = AS_OF[3]
    assert table_answers(on, None)
    hanoi.valid_to = dt.date(2026, 5, 1)
    hanoi.save()
    assert not table_answers(on, None)
    rollup.rebuild()
    assert table_answers(on, None) is False  # before the new structure: still the values
    assert table_answers(dt.date(2026, 5, 2), None)


def test_check_figures_finds_a_wrong_national_roll_up_and_repairs_it(world):
    row = IndicatorNationalRollup.objects.exclude(value="").first()
    row.value = "1"
    row.save()
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("check-indicator-figures", "--as-of", "01/05/2026", stdout=out)
    assert "national roll-up: missing or wrong" in out.getvalue()
    assert IndicatorNationalRollup.objects.filter(pk=row.pk, value="1").exists()  # untouched
    call_command("check-indicator-figures", "--repair", stdout=io.StringIO())
    call_command("check-indicator-figures", "--as-of", "01/05/2026", stdout=io.StringIO())


def test_a_parent_without_figures_takes_its_sub_indicators_worst_band(world, program):
    parent = _indicator(program, "11", "none", ["national"])
    Indicator.objects.filter(pk__in=[world["sum"].pk, world["pop"].pk]).update(parent=parent)
    # 2 is far behind a target it must multiply by a thousand; 1 has reached its target.
    Target.objects.create(indicator=world["sum"], due_on=dt.date(2030, 12, 31), operator="ge",
                          value=Decimal(10**7), text="≥ 10.000.000")  # fmt: skip
    Target.objects.create(indicator=world["pop"], due_on=dt.date(2030, 12, 31), operator="ge",
                          value=Decimal(1), text="≥ 1")  # fmt: skip
    rows = {
        r.indicator.code: r
        for r in catalogue(Indicator.objects.filter(program=program), AS_OF[3], ends_only=True)
    }
    assert rows["1"].status == IndicatorStatus.ACHIEVED
    assert rows["2"].status not in (IndicatorStatus.ACHIEVED, IndicatorStatus.ON_TRACK)
    assert rows["11"].from_children
    assert rows["11"].status == rows["2"].status  # the worse of the two
    assert [c.indicator.code for c in rows["11"].children] == ["2", "1"] or [
        c.indicator.code for c in rows["11"].children
    ] == ["1", "2"]


def test_a_program_without_indicators_reads_no_figures(program, django_assert_num_queries):
    with django_assert_num_queries(1):  # the indicators, none: no targets, values or units
        assert catalogue(Indicator.objects.filter(program=program), dt.date(2026, 6, 30)) == []
