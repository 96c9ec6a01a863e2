"""Reporting periods and the way official documents write numbers and dates (pure Python).

A quarterly report covers a ``Period`` (``2025-Q1``, written "quý I/2025"; see
``dondoc.core.dates``) and looks ahead to
the next one. Official Vietnamese documents write counts with at least two digits ("09 nhiệm
vụ"), the issuing date in words ("ngày 10 tháng 4 năm 2025", with a leading zero for days below
10 and for January and February) and other dates short ("22/01/2025", "06/3/2025").
"""

from __future__ import annotations

import datetime as dt

# Quarters are read and written in one place, with the dates.
from dondoc.core.dates import ROMAN, Period, parse_period

__all__ = ["ROMAN", "Period", "day_month", "long_date", "parse_period", "short_date", "two_digits"]


def two_digits(n: int) -> str:
    """A count as the documents write it: ``09``, ``13``, ``120``."""
    return f"{n:02d}"


def long_date(day: dt.date) -> str:
    """``ngày 10 tháng 4 năm 2025``; ``ngày 05 tháng 01 năm 2025``."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def short_date(day: dt.date) -> str:
    """``22/01/2025``, ``06/3/2025``: day with two digits, month with two only for 01 and 02."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{day.day:02d}/{month}/{day.year}"


def day_month(day: dt.date) -> str:
    """``20/01``, ``04/3``: a date within a year already named."""
    return short_date(day).rsplit("/", 1)[0]
