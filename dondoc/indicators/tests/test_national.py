"""The national figure: the national value where there is one, else the roll-up of the
provinces' approved values, with its coverage, as of a date and as known on a date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from dondoc.indicators.models import Indicator, IndicatorValue, Target, ValueState
from dondoc.indicators.national import national_figures, unsaved_value
from dondoc.indicators.queries import catalogue, row_json
from dondoc.indicators.status import IndicatorStatus
from dondoc.indicators.tests.collection_world import Q2, Q3

LATE = dt.date(2025, 12, 31)


def _approved(indicator, unit, period, value, approved_on=None):
    return IndicatorValue.objects.create(
        indicator=indicator,
        org_unit=unit,
        period_start=period.start,
        period_end=period.end,
        period_label=period.label,
        value=Decimal(value),
        state=ValueState.APPROVED,
        approved_on=approved_on or period.end + dt.timedelta(days=20),
    )


@pytest.fixture
def reported(share, firms, hanoi, tq_old, hg_old, tq_new):
    """Q2 (before the merger) from the three old provinces, Q3 from the two new ones."""
    Target.objects.create(
        indicator=share, due_on=dt.date(2030, 12, 31), operator="ge", value=80, text="≥ 80"
    )
    for unit, value in ((hanoi, "10"), (tq_old, "20"), (hg_old, "40")):
        _approved(share, unit, Q2, value)
    for unit, value in ((hanoi, "20"), (tq_new, "40")):
        _approved(share, unit, Q3, value)
    for unit, value in ((hanoi, "10"), (tq_old, "4"), (hg_old, "7")):
        _approved(firms, unit, Q2, value)
    return share


def test_a_province_only_indicator_gets_a_status_from_its_approved_province_values(reported):
    (row,) = catalogue(Indicator.objects.filter(pk=reported.pk), LATE)
    assert row.status not in (IndicatorStatus.NO_DATA, IndicatorStatus.NOT_ASSESSED)
    # Q2: old Tuyên Quang and Hà Giang (20, 40) roll up to the new Tuyên Quang (30), then
    # the mean with Hà Nội's 10 gives 20; Q3: (20 + 40) / 2.
    assert row.national.pairs() == [(Q2.end, Decimal(20)), (Q3.end, Decimal(30))]
    assert row.latest.value == 30 and row.latest.pk is None
    assert (row.coverage.reported, row.coverage.expected, row.coverage.complete) == (2, 2, True)
    assert row.coverage.text == "tổng hợp từ 2/2 tỉnh, thành phố"
    assert row_json(row)["latest"]["rolled_up"]["reported"] == 2


def test_merged_provinces_roll_up_to_their_successors_and_sums_add_up(reported, firms):
    figures = national_figures([firms], LATE)[firms.pk]
    (point,) = figures.points
    assert point.row.value == 21 and point.coverage.reported == 2  # Hà Nội, new Tuyên Quang
    before = national_figures([firms], dt.date(2025, 6, 30))[firms.pk]
    assert before.points[0].coverage.expected == 3  # on 30/06/2025 there were three


def test_an_incomplete_coverage_warns_and_a_low_one_is_not_rolled_up(
    share, hanoi, tq_new, settings
):
    _approved(share, hanoi, Q3, "20")
    (row,) = catalogue(Indicator.objects.filter(pk=share.pk), LATE)
    assert (row.coverage.reported, row.coverage.expected) == (1, 2)
    assert not row.coverage.complete
    settings.DONDOC_INDICATOR_ROLLUP_MIN_COVERAGE = 60
    (row,) = catalogue(Indicator.objects.filter(pk=share.pk), LATE)
    assert row.latest is None and row.status == IndicatorStatus.NO_DATA
    assert "1" in row.national.notes[0] and "60" in row.national.notes[0]


def test_a_national_value_wins_over_the_roll_up(reported):
    national = _approved(reported, None, Q3, "55")
    figures = national_figures([reported], LATE)[reported.pk]
    assert figures.pairs() == [(Q2.end, Decimal(20)), (Q3.end, Decimal(55))]
    assert figures.latest.row == national and not figures.latest.rolled_up


def test_as_known_on_a_day_ignores_province_values_approved_later(share, hanoi, tq_new):
    _approved(share, hanoi, Q3, "20", approved_on=dt.date(2025, 10, 5))
    _approved(share, tq_new, Q3, "40", approved_on=dt.date(2025, 10, 25))
    (early,) = catalogue(
        Indicator.objects.filter(pk=share.pk), LATE, known_on=dt.date(2025, 10, 10)
    )
    assert early.latest.value == 20 and early.coverage.reported == 1
    (later,) = catalogue(Indicator.objects.filter(pk=share.pk), LATE, known_on=dt.date(2025, 11, 1))
    assert later.latest.value == 30 and later.coverage.complete


@translation.override("en")
def test_a_weighted_mean_needs_its_weight_indicator(program, share, hanoi, tq_new):
    share.aggregation = "weighted_mean"
    share.save()
    _approved(share, hanoi, Q3, "20")
    _approved(share, tq_new, Q3, "50")
    figures = national_figures([share], LATE)[share.pk]
    assert figures.points == [] and "weight" in figures.notes[0]
    households = Indicator.objects.create(
        program=program, code="30", name="Số hộ gia đình", levels=["province"], aggregation="sum"
    )
    share.weight_indicator = households
    share.save()
    _approved(households, hanoi, Q3, "3")
    figures = national_figures([share], LATE)[share.pk]
    assert figures.points == [] and "1 of 2" in figures.notes[0]
    _approved(households, tq_new, Q3, "1")
    figures = national_figures([share], LATE)[share.pk]
    assert figures.latest.row.value == Decimal("27.5")  # (20 × 3 + 50 × 1) / 4


def test_min_max_and_none(share, hanoi, tq_new):
    _approved(share, hanoi, Q3, "20")
    _approved(share, tq_new, Q3, "50")
    for aggregation, expected in (("min", 20), ("max", 50), ("none", None)):
        share.aggregation = aggregation
        share.save()
        figures = national_figures([share], LATE)[share.pk]
        assert (figures.latest.row.value if figures.latest else None) == expected


def test_the_catalogue_reads_all_indicators_in_seven_queries(
    reported, firms, firms_ai, economy, django_assert_max_num_queries
):
    # indicators, targets, units' structure with the table's stamp, national values,
    # roll-ups (the units and the grouped values, or the table), overrides
    queryset = Indicator.objects.filter(program=reported.program)
    with django_assert_max_num_queries(7):
        catalogue(queryset, LATE)


def test_a_rolled_up_row_is_the_row_keyword_arguments_would_make(share):
    fast = unsaved_value(share, Q2.start, Q2.end, Q2.label, Decimal("12.5"))
    slow = IndicatorValue(
        indicator=share,
        period_start=Q2.start,
        period_end=Q2.end,
        period_label=Q2.label,
        value=Decimal("12.5"),
        state=ValueState.APPROVED,
    )
    fields = [f.attname for f in IndicatorValue._meta.concrete_fields]
    assert [getattr(fast, k) for k in fields] == [getattr(slow, k) for k in fields]
    assert fast.indicator is share and fast.pk is None and fast._state.adding
