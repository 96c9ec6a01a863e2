"""Dates and quarters as people type them, read in one place.

Dates are written the Vietnamese way, dd/mm/yyyy (31/03/2025; 1/4/2025 too); ISO
(2025-03-31) is accepted as well, for links and the API. A date must lie between
``MIN_DATE`` (01/01/1945, the founding of the state: no document of the system is older) and
``MAX_DATE`` (31/12/2100, well past the longest horizon a resolution names, "tầm nhìn đến năm
2045"). Anything else is refused with a message, never replaced by today: every date
computation in the system (due soon, day counts, the next quarter) stays within the calendar.

Quarters are written "Quý I/2025" and read in that form, as "I/2025", "Q1/2025" or
"2025-Q1" (the form used in URLs and file names).

``DateError`` is a ``ValueError`` whose text is the message to show the user.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

MIN_DATE = dt.date(1945, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)

#: What a date input shows as its placeholder and accepts (``pattern`` attribute).
DATE_PLACEHOLDER = "dd/mm/yyyy"
DATE_PATTERN = r"\s*(\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{1,2}-\d{1,2})\s*"

_VN_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


class DateError(ValueError):
    """A date or a quarter that cannot be accepted; ``str()`` is the message for the user."""


def format_date(day: dt.date | None) -> str:
    """``31/03/2025``; empty for no date."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}" if day else ""


def range_message() -> str:
    return _("Dates must lie between %(min)s and %(max)s.") % {
        "min": format_date(MIN_DATE),
        "max": format_date(MAX_DATE),
    }


def check_range(day: dt.date) -> dt.date:
    """``day`` if it lies within the supported range, else ``DateError``."""
    if not MIN_DATE <= day <= MAX_DATE:
        raise DateError(range_message())
    return day


def parse_date(text: str | dt.date) -> dt.date:
    """Read ``text`` as dd/mm/yyyy or YYYY-MM-DD within the supported range.

    Raise ``DateError`` (a ``ValueError``) with the message to show: "32/01/2025" is not a
    date, "31/12/9999" lies outside the range. A ``date`` (or ``datetime``) is range-checked.
    """
    if isinstance(text, dt.datetime):
        return check_range(text.date())
    if isinstance(text, dt.date):
        return check_range(text)
    value = str(text).strip()
    match = _VN_DATE.match(value)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _ISO_DATE.match(value)
        if not match:
            raise DateError(
                _("“%(value)s” is not a date: write it as dd/mm/yyyy.") % {"value": _shown(value)}
            )
        year, month, day = (int(g) for g in match.groups())
    try:
        found = dt.date(year, month, day)
    except ValueError:
        if 1 <= year <= 9999 and not MIN_DATE.year <= year <= MAX_DATE.year:
            raise DateError(range_message()) from None
        raise DateError(
            _("“%(value)s” is not a date on the calendar: check the day and the month.")
            % {"value": _shown(value)}
        ) from None
    return check_range(found)


def parse_optional_date(text: str | dt.date | None) -> dt.date | None:
    """``parse_date``, with ``None`` for an empty value."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    return parse_date(text)


def _shown(value: str, limit: int = 40) -> str:
    """The value as quoted back in a message: printable, and short."""
    clean = "".join(ch if ch.isprintable() else "?" for ch in value)
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"


# Quarters -------------------------------------------------------------------------------------

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_FROM_ROMAN = {v: k for k, v in ROMAN.items()}

_ISO_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*Q\s*([1-4])\s*$", re.IGNORECASE)
_VN_QUARTER = re.compile(
    r"^\s*(?:quý|quy|q)?\s*\.?\s*(IV|I{1,3}|[1-4])\s*/\s*(\d{4})\s*$", re.IGNORECASE
)


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
        if self.quarter == 4:
            return dt.date(self.year, 12, 31)
        return self.next().start - dt.timedelta(days=1)

    def next(self) -> Period:
        if self.quarter == 4:
            return Period(self.year + 1, 1)
        return Period(self.year, self.quarter + 1)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def label(self) -> str:
        """``quý I/2025`` as the documents write it within a sentence."""
        return f"quý {ROMAN[self.quarter]}/{self.year}"

    @property
    def title(self) -> str:
        """``Quý I/2025``: how a quarter is shown and typed in the pages."""
        return f"Quý {ROMAN[self.quarter]}/{self.year}"

    def __str__(self) -> str:
        return self.code

    @classmethod
    def containing(cls, day: dt.date) -> Period:
        return cls(day.year, (day.month - 1) // 3 + 1)


def parse_period(text: str) -> Period:
    """``Quý I/2025``, ``I/2025``, ``Q1/2025``, ``2025-Q1`` or ``2025Q1``; ``DateError`` else
    (also for a year outside the supported range)."""
    value = str(text).strip()
    match = _ISO_QUARTER.match(value)
    if match:
        year, quarter = int(match.group(1)), int(match.group(2))
    else:
        match = _VN_QUARTER.match(value)
        if not match:
            raise DateError(
                _("“%(value)s” is not a quarter: write it as Quý I/2025.")
                % {"value": _shown(value)}
            )
        roman = match.group(1).upper()
        year, quarter = int(match.group(2)), int(roman) if roman.isdigit() else _FROM_ROMAN[roman]
    if not MIN_DATE.year <= year <= MAX_DATE.year:
        raise DateError(range_message())
    return Period(year, quarter)
