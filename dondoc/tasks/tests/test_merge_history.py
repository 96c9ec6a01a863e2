"""Merging two tasks moves the duplicate's timeline over, and each move is in the history."""

from __future__ import annotations

import datetime as dt

import pytest

from dondoc.tasks import services
from dondoc.tasks.models import ProgressUpdate, UpdateState

pytestmark = pytest.mark.django_db


def _task(program, notice, most, content: str):
    return services.create_task(
        program=program,
        content=content,
        assigned_on=dt.date(2025, 1, 22),
        deadline="Quý II/2025",
        sources=[(notice, "(4)", "")],
        leads=[most],
    )


def test_each_moved_update_has_a_history_record_by_whoever_merged(program, notice, most, clerk):
    keep = _task(program, notice, most, "Xây dựng cơ sở dữ liệu đất hiếm")
    duplicate = _task(program, notice, most, "Xây dựng CSDL đất hiếm")
    moved = services.post_update(
        duplicate,
        by=clerk,
        text="Đã khảo sát",
        reported_on=dt.date(2025, 3, 1),
        agency=most,
        state=UpdateState.PUBLISHED,
    )

    services.merge_tasks(keep, duplicate, by=clerk)

    assert ProgressUpdate.objects.get(pk=moved.pk).task_id == keep.pk
    latest = moved.history.order_by("-history_id").first()
    assert latest.task_id == keep.pk
    assert latest.history_user == clerk
    assert moved.history.count() == 2
