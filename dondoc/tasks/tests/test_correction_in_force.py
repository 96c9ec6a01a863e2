"""The result a report or an export shows as of a date is the text in force on that date: a
correction replaces the original from the day it was recorded, whatever date it speaks of."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from dondoc.tasks import services
from dondoc.tasks.exports import TaskExporter
from dondoc.tasks.models import ProgressUpdate, Task, UpdateState
from dondoc.tasks.queries import with_status

pytestmark = pytest.mark.django_db
VN = dt.timezone(dt.timedelta(hours=7))


def _on(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 9, tzinfo=VN), tick=False)


@pytest.fixture
def corrected(program, notice, most, clerk) -> Task:
    task = services.create_task(
        program=program,
        content="Ban hành danh mục công nghệ chiến lược",
        assigned_on=dt.date(2025, 1, 22),
        deadline="Quý III/2025",
        sources=[(notice, "(2)", "")],
        leads=[most],
    )
    with _on(dt.date(2025, 4, 10)):
        original = services.post_update(
            task,
            by=clerk,
            text="Đã trình dự thảo",
            reported_on=dt.date(2025, 4, 10),
            agency=most,
            state=UpdateState.PUBLISHED,
        )
    with _on(dt.date(2025, 5, 5)):
        # Dated before the original: it speaks of what was true on 01/04/2025.
        services.post_update(
            task,
            by=clerk,
            text="Chưa trình dự thảo (đính chính)",
            reported_on=dt.date(2025, 4, 1),
            agency=most,
            state=UpdateState.PUBLISHED,
            corrects=original,
        )
        ProgressUpdate.objects.filter(pk=original.pk).update(state=UpdateState.CORRECTED)
    return task


def _latest(task: Task, day: dt.date) -> str:
    rows = list(TaskExporter(with_status(Task.objects.filter(pk=task.pk), day), day).rows())
    return rows[0].latest_result


def test_after_the_correction_the_export_shows_the_corrected_text(corrected):
    assert _latest(corrected, dt.date(2025, 6, 30)) == "Chưa trình dự thảo (đính chính)"


def test_before_the_correction_was_recorded_the_original_stands(corrected):
    assert _latest(corrected, dt.date(2025, 4, 30)) == "Đã trình dự thảo"
