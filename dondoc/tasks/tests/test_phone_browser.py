"""On a phone (390 px wide) the task list reads as cards, with no label for a field the task
leaves empty."""

from __future__ import annotations

import datetime as dt
import functools

import pytest

from dondoc.conftest import log_in as _log_in
from dondoc.tasks import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


log_in = functools.partial(_log_in, viewport=PHONE)


def _task(program, notice, content: str, **roles):
    return services.create_task(
        program=program,
        content=content,
        assigned_on=dt.date(2025, 1, 22),
        deadline="Quý III/2025",
        sources=[(notice, "(1)", "")],
        **roles,
    )


def test_a_phone_card_shows_no_label_for_a_task_without_a_member(
    page, clerk, program, notice, most, member_person
):
    _task(program, notice, "Nhiệm vụ có thành viên chỉ đạo.", leads=[most], members=[member_person])
    _task(program, notice, "Nhiệm vụ chưa có thành viên.", leads=[most])
    log_in(page, clerk.username)
    page.goto(page.base_url + "/tasks/?program=NQ57")
    rows = page.locator("table.stack tbody tr")
    with_member = rows.filter(has_text="có thành viên chỉ đạo")
    without = rows.filter(has_text="chưa có thành viên")
    assert with_member.locator("td[data-label]").nth(1).is_visible()
    assert without.locator("td[data-label]").nth(1).is_hidden()
    assert without.locator("td[data-label]").nth(0).is_visible()  # the lead agency
