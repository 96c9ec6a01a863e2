"""On a phone (390 px wide) the round's bulk entry grid stacks each task: its text across the
screen, then a labelled progress box as wide as the screen."""

from __future__ import annotations

import datetime as dt
import functools

import pytest
from django.urls import reverse

from dondoc.conftest import log_in as _log_in
from dondoc.rounds import services as rounds
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


def test_the_bulk_entry_grid_is_readable_on_a_phone(page, clerk, reporter, program, notice, most):
    _task(program, notice, "Xây dựng sàn giao dịch khoa học, công nghệ trực tuyến.", leads=[most])
    today = dt.date.today()
    round_ = rounds.open_round(
        program=program,
        title="Kỳ này",
        period_start=today - dt.timedelta(days=30),
        period_end=today + dt.timedelta(days=30),
        due_on=today + dt.timedelta(days=20),
        agencies=[most],
        by=clerk,
    )
    log_in(page, reporter.username)
    page.goto(page.base_url + reverse("rounds:grid", args=[round_.pk, most.pk]))
    box = page.locator(".grid-table textarea").first.bounding_box()
    task = page.locator(".grid-table td.grid-task").first.bounding_box()
    assert box["width"] >= 300 and task["width"] >= 300
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.get_by_text("Tiến độ kỳ này").first.is_visible()
