"""Dates and quarters as people type them: read in one place, refused with a reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from dondoc.core.dates import (
    MAX_DATE,
    MIN_DATE,
    DateError,
    Period,
    format_date,
    parse_date,
    parse_optional_date,
    parse_period,
)


@pytest.mark.parametrize("text", ["31/03/2025", "31/3/2025", "2025-03-31", " 31/03/2025 "])
def test_a_date_is_read_the_vietnamese_way_and_as_iso(text):
    assert parse_date(text) == dt.date(2025, 3, 31)


def test_day_first_never_month_first():
    assert parse_date("04/10/2025") == dt.date(2025, 10, 4)


@pytest.mark.parametrize("text", ["32/01/2025", "29/02/2025", "31/04/2025", "00/01/2025"])
def test_a_day_not_on_the_calendar_is_refused_with_the_reason(text):
    with translation.override("en"), pytest.raises(DateError, match="calendar"):
        parse_date(text)


@pytest.mark.parametrize("text", ["9999-12-31", "31/12/9999", "0001-01-01", "01/01/0001"])
def test_a_date_outside_the_supported_range_is_refused(text):
    with pytest.raises(DateError, match="01/01/1945"):
        parse_date(text)


@pytest.mark.parametrize("text", ["", "hôm nay", "2025", "31.03.2025", "2025-03-31T00:00", "\x00"])
def test_text_that_is_not_a_date_asks_for_dd_mm_yyyy(text):
    with pytest.raises(DateError, match="dd/mm/yyyy"):
        parse_date(text)


def test_a_date_object_is_range_checked_too():
    assert parse_date(dt.date(2025, 1, 1)) == dt.date(2025, 1, 1)
    with pytest.raises(DateError):
        parse_date(dt.date(9999, 12, 31))


def test_an_empty_optional_date_is_none():
    assert parse_optional_date("  ") is None
    assert parse_optional_date(None) is None


@given(st.dates(min_value=MIN_DATE, max_value=MAX_DATE))
def test_every_supported_date_round_trips_through_its_display_form(day):
    assert parse_date(format_date(day)) == day
    assert parse_date(day.isoformat()) == day


@given(st.text(max_size=30))
def test_reading_any_text_gives_a_date_in_range_or_a_date_error(text):
    try:
        day = parse_date(text)
    except DateError as exc:
        assert str(exc)
    else:
        assert MIN_DATE <= day <= MAX_DATE


@pytest.mark.parametrize("text", ["Quý I/2025", "quý i/2025", "I/2025", "Q1/2025", "2025-Q1"])
def test_a_quarter_is_read_as_shown_and_as_its_code(text):
    assert parse_period(text) == Period(2025, 1)


def test_a_quarter_is_shown_as_quy_with_a_roman_numeral():
    assert Period(2025, 4).title == "Quý IV/2025"
    assert Period(2025, 4).code == "2025-Q4"


@pytest.mark.parametrize("text", ["Quý V/2025", "2025-Q5", "Quý I/9999", "2025", ""])
def test_an_unreadable_or_out_of_range_quarter_is_refused(text):
    with pytest.raises(DateError):
        parse_period(text)


def test_the_last_supported_quarter_ends_on_the_last_supported_day():
    assert Period(2100, 4).end == MAX_DATE
