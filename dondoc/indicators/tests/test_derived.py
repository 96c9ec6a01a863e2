"""Derived indicators: numerator / denominator × scale, computed for each period where both
inputs are approved, never entered, and read the same way by every page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from dondoc.core.transitions import Conflict
from dondoc.core.xlsx_reader import read_xlsx_table
from dondoc.indicators import composite, services
from dondoc.indicators.collection import completeness, expected_slots, slots_for_agency
from dondoc.indicators.derived import Formula, parse_formula, unit_series
from dondoc.indicators.importer import import_catalogue
from dondoc.indicators.models import Indicator, IndicatorValue, Target, ValueState
from dondoc.indicators.national import national_figures
from dondoc.indicators.queries import catalogue, row_json
from dondoc.indicators.status import IndicatorStatus
from dondoc.indicators.tests.collection_world import Q2, Q3

LATE = dt.date(2026, 12, 31)


def _value(indicator, period, value, unit=None, approved_on=None, state=ValueState.APPROVED):
    return IndicatorValue.objects.create(
        indicator=indicator,
        org_unit=unit,
        period_start=period.start,
        period_end=period.end,
        period_label=period.label,
        value=Decimal(value),
        state=state,
        approved_on=approved_on or period.end + dt.timedelta(days=10),
    )


def _indicator(program, code, unit="người", **extra) -> Indicator:
    extra.setdefault("levels", ["national"])
    return Indicator.objects.create(
        program=program, code=code, name=f"Chỉ số {code}", unit=unit, frequency="quarter", **extra
    )


@pytest.fixture
def ratio(program, most):
    """3 = 3.1 / 3.2 × 100 (%): trained staff over all staff, entered nationally."""
    trained = _indicator(program, "3.1", responsible_agency=most)
    staff = _indicator(program, "3.2", responsible_agency=most)
    share = _indicator(
        program,
        "3",
        unit="%",
        numerator_code="3.1",
        denominator_code="3.2",
        responsible_agency=most,
    )
    return share, trained, staff


@pytest.mark.parametrize(
    ("text", "formula"),
    [
        ("= 3.1 / 3.2 × 100", Formula("3.1", "3.2", Decimal(100))),
        ("(3.1)/(3.2)*100", Formula("3.1", "3.2", Decimal(100))),
        ("(CT-1 / CT-2) x 1000", Formula("CT-1", "CT-2", Decimal(1000))),
        ("3.1 / 3.2", Formula("3.1", "3.2", None)),
        ("Tổng số cán bộ được đào tạo chia cho tổng số cán bộ", None),
    ],
)
def test_formulas_are_read_as_catalogues_write_them(text, formula):
    assert parse_formula(text) == formula


def test_the_value_is_numerator_over_denominator_times_the_scale_per_period(ratio):
    share, trained, staff = ratio
    _value(trained, Q2, "30")
    _value(staff, Q2, "120")
    _value(trained, Q3, "10")  # Q3: the denominator is zero
    _value(staff, Q3, "0")
    _value(share, Q3, "99")  # a stored row of a derived indicator is never read
    series = national_figures([share], LATE)[share.pk]
    assert series.pairs() == [(Q2.end, Decimal(25))]
    assert series.latest.inputs[0].row.value == 30
    assert "3.2" in series.notes[0] and Q3.label in series.notes[0]


def test_a_period_with_one_side_missing_or_unapproved_has_no_value(ratio):
    share, trained, staff = ratio
    _value(trained, Q2, "30")
    _value(staff, Q3, "120")
    _value(trained, Q3, "30", state=ValueState.SUBMITTED)
    series = national_figures([share], LATE)[share.pk]
    assert series.points == [] and series.latest is None and series.notes == []


def test_known_on_needs_both_inputs_approved_by_that_day(ratio):
    share, trained, staff = ratio
    _value(trained, Q2, "30", approved_on=dt.date(2025, 7, 5))
    _value(staff, Q2, "60", approved_on=dt.date(2025, 7, 20))
    early = national_figures([share], LATE, known_on=dt.date(2025, 7, 10))[share.pk]
    assert early.points == []
    late = national_figures([share], LATE, known_on=dt.date(2025, 7, 20))[share.pk]
    assert late.pairs() == [(Q2.end, Decimal(50))]
    assert late.latest.row.approved_on == dt.date(2025, 7, 20)


def test_a_derived_indicator_of_derived_indicators_and_its_own_scale(ratio, program):
    _share, trained, staff = ratio
    per_thousand = _indicator(
        program, "4", numerator_code="3", denominator_code="3.2", scale=Decimal(1000)
    )
    _value(trained, Q2, "30")
    _value(staff, Q2, "120")
    figures = national_figures([per_thousand], LATE)
    assert list(figures) == [per_thousand.pk]  # the inputs are read, not returned
    assert figures[per_thousand.pk].pairs() == [(Q2.end, Decimal("208.333333"))]
    assert per_thousand.formula_text == "3 / 3.2 × 1000"


def test_a_cycle_stored_by_hand_gives_no_value_and_says_why(program):
    a = _indicator(program, "A", numerator_code="B", denominator_code="C")
    _indicator(program, "B", numerator_code="A", denominator_code="C")
    _indicator(program, "C")
    series = national_figures([a], LATE)[a.pk]
    assert series.points == [] and "vòng lặp" in series.notes[0]


def test_province_values_derive_per_province_and_the_national_figure_from_the_roll_ups(
    program, hanoi, tq_new
):
    kwargs = {"levels": ["province"], "aggregation": "sum"}
    users = _indicator(program, "5.1", **kwargs)
    people = _indicator(program, "5.2", **kwargs)
    share = _indicator(
        program, "5", unit="%", numerator_code="5.1", denominator_code="5.2", **kwargs
    )
    Target.objects.create(
        indicator=share, due_on=dt.date(2030, 12, 31), operator="ge", value=80, text="≥ 80"
    )
    for unit, top, bottom in ((hanoi, "60", "100"), (tq_new, "20", "100")):
        _value(users, Q3, top, unit)
        _value(people, Q3, bottom, unit)
    by_unit = unit_series([share], LATE)[share.pk]
    assert {v.org_unit.pk: v.value for (v,) in by_unit.values()} == {
        hanoi.pk: 60,
        tq_new.pk: 20,
    }
    assert national_figures([share], LATE)[share.pk].pairs() == [(Q3.end, Decimal(40))]
    provinces = {i.label: i.value for i in composite.by_province([share], LATE)}
    assert provinces == {hanoi.name: pytest.approx(75), tq_new.name: pytest.approx(25)}


def test_status_and_composite_read_the_derived_series(ratio):
    share, trained, staff = ratio
    share.baseline_value, share.baseline_on = Decimal(20), dt.date(2024, 12, 31)
    share.save()
    Target.objects.create(
        indicator=share, due_on=dt.date(2030, 12, 31), operator="ge", value=80, text="≥ 80"
    )
    _value(trained, Q3, "60")
    _value(staff, Q3, "100")
    (row,) = catalogue(Indicator.objects.filter(pk=share.pk), LATE)
    assert row.latest.value == 60 and row.assessment.latest.value == 60
    assert row.status not in (IndicatorStatus.NO_DATA, IndicatorStatus.NOT_ASSESSED)
    data = row_json(row)
    assert data["formula"] == "3.1 / 3.2 × 100" and data["latest"]["value"] == "60"
    (score,) = composite.indicator_scores([share], LATE)
    assert score.latest_value == 60 and score.completion == pytest.approx(40 / 60)


def test_nobody_reports_a_derived_indicator(ratio, most, hanoi):
    share, _trained, _staff = ratio
    assert expected_slots(share, Q3.end, [hanoi]) == []
    slots = slots_for_agency(Indicator.objects.all(), most, Q3)
    assert {s.indicator.code for s in slots} == {"3.1", "3.2"}
    assert {r.indicator.code for r in completeness(Indicator.objects.all(), Q3)} == {"3.1", "3.2"}
    with pytest.raises(Conflict):
        services.save_value(
            share,
            org_unit=None,
            period_start=Q3.start,
            period_end=Q3.end,
            value=Decimal(1),
        )


def test_figures_stay_within_four_queries_for_many_derived_indicators(
    ratio, program, django_assert_max_num_queries
):
    share, trained, staff = ratio
    more = [
        _indicator(program, f"9.{n}", numerator_code="3.1", denominator_code="3.2")
        for n in range(5)
    ]
    _value(trained, Q2, "30")
    _value(staff, Q2, "120")
    with django_assert_max_num_queries(4):
        figures = national_figures([share, *more], LATE)
    assert all(figures[i.pk].pairs() == [(Q2.end, Decimal("0.25"))] for i in more)
    with django_assert_max_num_queries(2):
        unit_series([share, *more], LATE)
    with django_assert_max_num_queries(7):  # the catalogue's six, and the inputs
        catalogue(Indicator.objects.filter(program=program), LATE)


def test_the_page_says_what_it_is_computed_from_with_links(client, clerk, ratio):
    share, trained, staff = ratio
    client.force_login(clerk)
    page = client.get(reverse("indicators:detail", args=[share.pk])).content.decode()
    assert "Tính từ" in page
    assert reverse("indicators:detail", args=[trained.pk]) in page
    assert reverse("indicators:detail", args=[staff.pk]) in page
    assert "× 100" in page


HEADINGS = ["STT", "Chỉ tiêu", "Đơn vị tính", "Công thức", "Mục tiêu đến năm 2030"]


def _csv(rows) -> bytes:
    return "\n".join(";".join(r) for r in [HEADINGS, *rows]).encode()


def test_the_importer_reads_the_formula_column(program):
    result = import_catalogue(
        _csv(
            [
                ["1", "Số cán bộ được đào tạo", "người", "", ""],
                ["2", "Tổng số cán bộ", "người", "", ""],
                ["3", "Tỷ lệ cán bộ được đào tạo", "%", "= 1 / 2 × 100", "≥ 80"],
                ["4", "Số cán bộ mỗi nghìn", "người", "1 / 2 x 1000", ""],
            ]
        ),
        "catalogue.csv",
        program=program,
    )
    assert result.ok, result.problems
    share = program.indicators.get(code="3")
    assert (share.numerator_code, share.denominator_code, share.scale) == ("1", "2", 100)
    assert program.indicators.get(code="4").formula_text == "1 / 2 × 1000"
    assert program.indicators.get(code="1").derived is False


@pytest.mark.parametrize(
    ("formula_rows", "reason"),
    [
        ([["1", "A", "người", "= 2 / 3", ""], ["2", "B", "người", "= 1 / 3", ""]], "cycle"),
        ([["1", "A", "người", "= 1 / 3", ""]], "itself"),
        ([["1", "A", "người", "= 7 / 3", ""]], "no indicator “7”"),
        ([["1", "A", "người", "= 3 / ", ""]], "Cannot read"),
    ],
)
def test_the_importer_refuses_a_bad_formula_naming_the_row_and_column(
    program, formula_rows, reason
):
    rows = [*formula_rows, ["3", "C", "người", "", ""]]
    result = import_catalogue(_csv(rows), "catalogue.csv", program=program)
    assert not result.ok
    problem = result.problems[0]
    assert (problem.row, problem.column) == (2, "Công thức")
    assert reason in problem.reason_en and problem.reason_vi
    assert not program.indicators.exists()


def test_the_entry_template_and_reporting_status_leave_it_out(client, reporter, ratio, most):
    share, trained, _staff = ratio
    share.name = "Tỷ lệ cán bộ được đào tạo"
    share.save()
    client.force_login(reporter)
    query = {"agency": most.pk, "period": "2025-Q3", "program": "NQ57"}
    template = client.get(reverse("indicators:entry-template"), query)
    cells = {str(c) for row in read_xlsx_table(template.content) for c in row if c}
    assert trained.name in cells and share.name not in cells
    status = client.get(reverse("indicators:reporting-status"), {"period": "2025-Q3"})
    assert trained.name in status.content.decode()
    assert share.name not in status.content.decode()
