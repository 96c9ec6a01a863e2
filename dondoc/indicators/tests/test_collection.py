"""Collection of values: the checks, the draft → submitted → approved path, who reports,
completeness before and after the 2025 merger, and the roll-up of merged provinces."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dondoc.core.transitions import Conflict
from dondoc.indicators import services
from dondoc.indicators.checks import NotANumber, check_value, parse_number
from dondoc.indicators.collection import (
    check_consistency,
    completeness,
    parse_report_period,
    rolled_up,
    slots_for_agency,
)
from dondoc.indicators.models import IndicatorValue, ValueState
from dondoc.indicators.tests.collection_world import MERGER, Q2, Q3


def _save(indicator, unit, period, value, by=None, **extra):
    row, _changed = services.save_value(
        indicator,
        org_unit=unit,
        period_start=period.start,
        period_end=period.end,
        period_label=period.label,
        value=None if value is None else Decimal(value),
        by=by,
        **extra,
    )
    return row


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("25,5", "25.5"),
        ("1.234.567", "1234567"),
        ("1.234,5", "1234.5"),
        ("25.5", "25.5"),
        (" 73 ", "73"),
        ("-2,5", "-2.5"),
        ("", None),
    ],
)
def test_numbers_are_read_as_vietnamese_writes_them(text, number):
    assert parse_number(text) == (None if number is None else Decimal(number))


@pytest.mark.parametrize("text", ["abc", "12,3,4", "1.23.4", "1e400", "--1"])
def test_text_that_is_not_a_number_is_refused_with_the_text(text):
    with pytest.raises(NotANumber, match=r"không phải là số|is not a number"):
        parse_number(text)


def test_required_unless_not_available_with_a_reason():
    assert check_value(unit="%", value=None).errors
    assert check_value(unit="%", value=None, not_available="Chưa có điều tra").ok


def test_ranges_of_percentages_and_counts():
    assert check_value(unit="%", value=Decimal("100.5")).errors
    assert check_value(unit="%", value=Decimal("-1")).errors
    assert check_value(unit="doanh nghiệp", value=Decimal("-3")).errors
    assert check_value(unit="%", value=Decimal("25.5")).ok


def test_a_jump_over_the_limit_is_a_warning_not_an_error():
    verdict = check_value(unit="%", value=Decimal(40), previous=Decimal(20), jump_limit=50)
    assert verdict.ok and len(verdict.warnings) == 1
    assert "100" in verdict.warnings[0]
    assert not check_value(unit="%", value=Decimal(29), previous=Decimal(20)).warnings


def test_sub_indicators_may_not_add_up_to_more_than_a_sum_parent(firms, firms_ai):
    problems = check_consistency(
        {firms.pk: Decimal(10), firms_ai.pk: Decimal(12)}, [firms, firms_ai]
    )
    assert list(problems) == [firms.pk] and "22.1" in problems[firms.pk][0]
    assert not check_consistency(
        {firms.pk: Decimal(12), firms_ai.pk: Decimal(12)}, [firms, firms_ai]
    )


def test_draft_submit_approve_with_history(share, tq_new, tq_reporter, tq_head, tracker):
    row = _save(share, tq_new, Q3, "25.5", by=tq_reporter)
    row = _save(share, tq_new, Q3, "26", by=tq_reporter, comment="Số liệu sơ bộ")
    assert row.state == ValueState.DRAFT and row.version == 2
    assert IndicatorValue.objects.filter(indicator=share).count() == 1

    services.submit_values([row], by=tq_head, versions={row.pk: 2})
    (row,) = services.approve_values([row], by=tracker)

    assert row.state == ValueState.APPROVED and row.value == Decimal(26)
    states = [h.state for h in row.history.order_by("history_date")]
    assert states == ["draft", "draft", "submitted", "approved"]
    assert row.history.latest().history_user == tracker


def test_a_returned_value_carries_the_comment_and_becomes_a_draft_when_edited(
    share, tq_new, tq_reporter, tq_head, tracker
):
    row = _save(share, tq_new, Q3, "25", by=tq_reporter)
    services.submit_values([row], by=tq_head)
    (row,) = services.return_values([row], by=tracker, comment="Kiểm tra lại mẫu số")
    assert row.state == ValueState.RETURNED and row.review_comment == "Kiểm tra lại mẫu số"

    row = _save(share, tq_new, Q3, "24", by=tq_reporter)
    assert row.state == ValueState.DRAFT


def test_submitting_twice_is_a_conflict_and_a_submitted_value_is_not_edited(
    share, tq_new, tq_reporter, tq_head
):
    row = _save(share, tq_new, Q3, "25", by=tq_reporter)
    services.submit_values([row], by=tq_head)
    with pytest.raises(Conflict, match=r"đã được gửi|already been submitted"):
        services.submit_values([row], by=tq_head)
    with pytest.raises(Conflict):
        _save(share, tq_new, Q3, "30", by=tq_reporter)


def test_a_stale_form_is_a_conflict(share, tq_new, tq_reporter):
    row = _save(share, tq_new, Q3, "25", by=tq_reporter)
    _save(share, tq_new, Q3, "26", by=tq_reporter, version=row.version)
    with pytest.raises(Conflict):
        _save(share, tq_new, Q3, "27", by=tq_reporter, version=row.version)


def test_not_available_with_a_reason(share, tq_new, tq_reporter):
    row = _save(share, tq_new, Q3, None, by=tq_reporter, not_available="Chưa điều tra")
    assert row.value is None and row.not_available == "Chưa điều tra"


def test_a_province_reports_its_province_indicators_and_the_ministry_its_national_one(
    share, firms, economy, tq_new, hanoi, most
):
    indicators = [share, firms, economy]
    assert [s.indicator.code for s in slots_for_agency(indicators, tq_new, Q3)] == ["21", "22"]
    assert slots_for_agency(indicators, tq_new, Q2) == []  # the new province began on 01/07
    (slot,) = slots_for_agency(indicators, most, Q3)
    assert slot.indicator == economy and slot.unit is None


def test_completeness_counts_63_style_before_the_merger_and_34_style_after(
    share, hanoi, tq_old, hg_old, tq_new, tq_head
):
    for unit, period in [(hanoi, Q2), (tq_old, Q2), (tq_new, Q3)]:
        row = _save(share, unit, period, "30")
        services.submit_values([row], by=tq_head)

    (before,) = completeness([share], Q2)
    (after,) = completeness([share], Q3)

    assert (len(before.reported), len(before.expected)) == (2, 3)
    assert [s.unit for s in before.missing] == [hg_old]
    assert (len(after.reported), len(after.expected)) == (1, 2)
    assert [s.unit for s in after.missing] == [hanoi]


def test_merged_provinces_roll_up_to_their_successor(share, firms, hanoi, tq_old, hg_old, tq_new):
    for indicator, values in [(share, ("20", "40", "50")), (firms, ("10", "4", "7"))]:
        for unit, value in zip([hanoi, tq_old, hg_old], values, strict=True):
            row = _save(indicator, unit, Q2, value)
            IndicatorValue.objects.filter(pk=row.pk).update(state=ValueState.APPROVED)

    assert rolled_up(share, Q2, MERGER) == {hanoi.pk: Decimal(20), tq_new.pk: Decimal(45)}
    assert rolled_up(firms, Q2, MERGER) == {hanoi.pk: Decimal(10), tq_new.pk: Decimal(11)}
    assert rolled_up(firms, Q2, Q2.end)[tq_old.pk] == Decimal(4)  # before: each its own


def test_periods_read_quarters_and_years():
    assert parse_report_period("Quý II/2025").code == "2025-Q2"
    assert parse_report_period("2025").label == "Năm 2025"
    assert parse_report_period("2025-Q1").previous().code == "2024-Q4"
    assert parse_report_period("2025").previous().code == "2024"
    span = parse_report_period("2025-04-01_2025-05-31")
    assert (
        parse_report_period(span.code) == span and span.previous().code == "2025-01-30_2025-03-31"
    )
