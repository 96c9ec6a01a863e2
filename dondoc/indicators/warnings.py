"""Early warnings of the indicator set (cảnh báo sớm), for the dashboard and notifications.

Two kinds:

* **at risk**: the indicator's status on the date (an override counts) is limited progress or
  deterioration (``status.AT_RISK``);
* **value missing**: the indicator has been collected (it has at least one approved national
  value) but none for the last period that ended ``GRACE`` days or more before the date
  (monthly, quarterly, half-yearly or yearly, by its frequency). Indicators never collected
  show as "no data" in the list instead, so they do not fill the panel.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from dondoc.indicators.models import Frequency, Indicator
from dondoc.indicators.queries import catalogue
from dondoc.indicators.status import AT_RISK, IndicatorStatus

#: Days after a period ends before its value counts as missing.
GRACE = dt.timedelta(days=30)

#: Months in which a period ends, by frequency.
_END_MONTHS = {
    Frequency.MONTH: tuple(range(1, 13)),
    Frequency.QUARTER: (3, 6, 9, 12),
    Frequency.HALF_YEAR: (6, 12),
    Frequency.YEAR: (12,),
}


@dataclass(frozen=True)
class IndicatorWarning:
    indicator: Indicator
    kind: str  # "at_risk" or "missing"
    status: IndicatorStatus
    expected_end: dt.date | None = None  # the period end whose value is missing
    latest_end: dt.date | None = None


def last_period_due(frequency: str, as_of: dt.date, grace: dt.timedelta = GRACE) -> dt.date:
    """The end of the last period whose value is due by ``as_of`` (ended ``grace`` before)."""
    limit = as_of - grace
    months = _END_MONTHS.get(frequency, _END_MONTHS[Frequency.YEAR])
    year, month = limit.year, limit.month
    while True:
        if month in months:
            end = dt.date(year, month, calendar.monthrange(year, month)[1])
            if end <= limit:
                return end
        month -= 1
        if month == 0:
            year, month = year - 1, 12


def indicator_warnings(queryset: QuerySet, as_of: dt.date) -> list[IndicatorWarning]:
    """Warnings of the indicators of ``queryset`` on ``as_of``, at risk first."""
    found: list[IndicatorWarning] = []
    for row in catalogue(queryset, as_of):
        latest_end = row.latest.period_end if row.latest else None
        if row.status in AT_RISK:
            found.append(IndicatorWarning(row.indicator, "at_risk", row.status, None, latest_end))
        if latest_end is not None:
            due = last_period_due(row.indicator.frequency, as_of)
            if latest_end < due:
                found.append(
                    IndicatorWarning(row.indicator, "missing", row.status, due, latest_end)
                )
    found.sort(key=lambda w: (w.kind != "at_risk", w.indicator.sort_key))
    return found
