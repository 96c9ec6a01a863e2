"""Dates as people type them: ISO (2025-03-31) or the Vietnamese way (31/03/2025)."""

from __future__ import annotations

import datetime as dt

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


def parse_date(text: str | dt.date) -> dt.date:
    """Read ``text`` as YYYY-MM-DD or dd/mm/yyyy; raise ``ValueError`` with a readable reason."""
    if isinstance(text, dt.datetime):
        return text.date()
    if isinstance(text, dt.date):
        return text
    value = str(text).strip()
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{value!r} is not a date; write it as YYYY-MM-DD or dd/mm/yyyy")
