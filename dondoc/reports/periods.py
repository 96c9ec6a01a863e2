"""Reporting periods and the way official documents write numbers and dates (pure Python).

A quarterly report covers a ``Period`` (``2025-Q1``, written "quý I/2025") and looks ahead to
the next one. Official Vietnamese documents write counts with at least two digits ("09 nhiệm
vụ"), the issuing date in words ("ngày 10 tháng 4 năm 2025", with a leading zero for days below
10 and for January and February) and other dates short ("22/01/2025", "06/3/2025").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_FROM_ROMAN = {v: k for k, v in ROMAN.items()}

_ISO = re.compile(r"^\s*(\d{4})\s*-?\s*Q\s*([1-4])\s*$", re.IGNORECASE)
_VN = re.compile(r"^\s*(?:quý|quy|q)?\s*(IV|I{1,3}|[1-4])\s*/\s*(\d{4})\s*$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Period:
    """A calendar quarter (quý)."""

    year: int
    quarter: int

    def __post_init__(self) -> None:
        if self.quarter not in ROMAN:
            raise ValueError(f"quarter must be 1 to 4, got {self.quarter}")

    @property
    def code(self) -> str:
        """``2025-Q1``: the form used in parameters, file names and URLs."""
        return f"{self.year}-Q{self.quarter}"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.quarter - 2, 1)

    @property
    def end(self) -> dt.date:
        return self.next().start - dt.timedelta(days=1)

    def next(self) -> Period:
        if self.quarter == 4:
            return Period(self.year + 1, 1)
        return Period(self.year, self.quarter + 1)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def label(self) -> str:
        """``quý I/2025`` as the documents write it (capitalise at the start of a sentence)."""
        return f"quý {ROMAN[self.quarter]}/{self.year}"

    def __str__(self) -> str:
        return self.code

    @classmethod
    def containing(cls, day: dt.date) -> Period:
        return cls(day.year, (day.month - 1) // 3 + 1)


def parse_period(text: str) -> Period:
    """``2025-Q1``, ``2025Q1``, ``Q1/2025``, ``quý I/2025`` or ``I/2025``; ``ValueError`` else."""
    value = str(text).strip()
    match = _ISO.match(value)
    if match:
        return Period(int(match.group(1)), int(match.group(2)))
    match = _VN.match(value)
    if match:
        quarter = match.group(1).upper()
        number = int(quarter) if quarter.isdigit() else _FROM_ROMAN[quarter]
        return Period(int(match.group(2)), number)
    raise ValueError(f"{value!r} is not a quarter; write it as 2025-Q1")


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
