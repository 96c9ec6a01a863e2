"""``ddmmyyyy`` writes its dates itself: the same text as ``date_format`` in every language."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from dondoc.tasks.templatetags.dondoc import ddmmyyyy

DATES = [dt.date(2026, 1, 2), dt.date(2025, 12, 31), dt.date(999, 3, 4), dt.date(1, 1, 1)]
TIMES = [
    dt.datetime(2026, 6, 30, 23, 59, 59),
    dt.datetime(2026, 1, 1, 0, 0, tzinfo=dt.UTC),  # 07:00 in Hanoi
    dt.datetime(2025, 12, 31, 17, 5, tzinfo=dt.UTC),  # the next day in Hanoi
    dt.datetime(2026, 3, 9, 8, 7, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_dates_and_times_read_as_date_format_wrote_them(language):
    with translation.override(language):
        for day in DATES:
            assert ddmmyyyy(day) == date_format(day, "d/m/Y")
        for moment in TIMES:
            local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
            assert ddmmyyyy(moment) == date_format(local, "d/m/Y H:i")
        assert ddmmyyyy(None) == "" and ddmmyyyy("") == ""
