import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dondoc.reports.periods import (
    Period,
    day_month,
    long_date,
    parse_period,
    short_date,
    two_digits,
)


@pytest.mark.parametrize(
    "text", ["2025-Q1", "2025Q1", "2025-q1", "Q1/2025", "quý I/2025", "I/2025"]
)
def test_quarter_is_read_in_iso_and_vietnamese_forms(text):
    assert parse_period(text) == Period(2025, 1)


def test_unreadable_quarter_is_refused_with_the_expected_form():
    with pytest.raises(ValueError, match="Quý I/2025"):
        parse_period("quý V/2025")


def test_quarter_bounds_and_next_quarter_cross_the_year():
    q4 = Period(2025, 4)
    assert (q4.start, q4.end) == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    assert q4.next() == Period(2026, 1)
    assert Period(2025, 1).label() == "quý I/2025"


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_every_day_lies_in_the_quarter_that_contains_it(day):
    period = Period.containing(day)
    assert period.contains(day)
    assert parse_period(period.code) == period
    assert period.next().start == period.end + dt.timedelta(days=1)


def test_counts_are_written_with_two_digits_as_the_documents_do():
    assert [two_digits(n) for n in (0, 9, 13, 120)] == ["00", "09", "13", "120"]


def test_dates_follow_the_official_style():
    assert long_date(dt.date(2025, 4, 10)) == "ngày 10 tháng 4 năm 2025"
    assert long_date(dt.date(2025, 1, 5)) == "ngày 05 tháng 01 năm 2025"
    assert short_date(dt.date(2025, 3, 6)) == "06/3/2025"
    assert short_date(dt.date(2025, 1, 22)) == "22/01/2025"
    assert day_month(dt.date(2025, 1, 20)) == "20/01"


def test_a_number_typed_with_its_symbol_is_not_given_the_symbol_twice():
    from dondoc.reports.compose import number_line
    from dondoc.reports.models import DocumentFormat, ReportTemplate

    party = ReportTemplate(symbol="BC/CQTTBCĐ", document_format=DocumentFormat.PARTY)
    for typed in ("05", "05-BC/CQTTBCĐ", "Số 05-BC/CQTTBCĐ", " 05 - BC/CQTTBCD ", "số: 05"):
        assert number_line(party, typed) == "Số 05-BC/CQTTBCĐ", typed
    state = ReportTemplate(symbol="BC-VPCP", document_format=DocumentFormat.STATE)
    assert number_line(state, "Số: 05/BC-VPCP") == "Số: 05/BC-VPCP"
    assert number_line(state, "05") == "Số: 05/BC-VPCP"
