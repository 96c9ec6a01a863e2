"""Spans are recomputed once per write, however many links the write adds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from dondoc.orgs.models import Member
from dondoc.tasks import services, spans
from dondoc.tasks.models import TaskStatusSpan

SPAN_TABLE = TaskStatusSpan._meta.db_table


def _recomputations(queries) -> int:
    return sum(1 for q in queries if q["sql"].startswith("DELETE") and SPAN_TABLE in q["sql"])


@pytest.mark.django_db
def test_a_new_task_with_agencies_and_members_has_its_spans_computed_once(
    program, notice, most, hanoi, member_person
):
    other = Member.objects.create(program=program, full_name="Trần Văn B", position="Ủy viên")
    with CaptureQueriesContext(connection) as captured:
        task = services.create_task(
            program=program,
            content="Xây dựng cơ sở dữ liệu",
            assigned_on=dt.date(2025, 2, 1),
            deadline="Quý I/2025",
            sources=[(notice, "", "")],
            leads=[most],
            coordinators=[hanoi],
            members=[member_person, other],
        )
    assert _recomputations(captured.captured_queries) == 1
    assert TaskStatusSpan.objects.filter(task=task).exists()
    assert list(spans.differences()) == []


@pytest.mark.django_db
def test_nested_deferred_blocks_refresh_at_the_end_of_the_outermost(program, notice, most):
    with CaptureQueriesContext(connection) as captured, transaction.atomic(), spans.deferred():
        first = services.create_task(
            program=program, content="Một", assigned_on=dt.date(2025, 2, 1),
            sources=[(notice, "", "")], leads=[most],
        )  # fmt: skip
        second = services.create_task(
            program=program, content="Hai", assigned_on=dt.date(2025, 2, 1),
            sources=[(notice, "", "")], leads=[most],
        )  # fmt: skip
        assert not TaskStatusSpan.objects.filter(task__in=[first, second]).exists()
    assert _recomputations(captured.captured_queries) == 1
    assert list(spans.differences()) == []


@pytest.mark.django_db
def test_an_error_inside_a_deferred_block_refreshes_nothing(program, notice, most):
    task = services.create_task(
        program=program, content="Một", assigned_on=dt.date(2025, 2, 1),
        sources=[(notice, "", "")], leads=[most],
    )  # fmt: skip
    with (
        pytest.raises(RuntimeError),
        CaptureQueriesContext(connection) as captured,
        transaction.atomic(),
        spans.deferred(),
    ):
        spans.refresh([task.pk])
        raise RuntimeError("stop")
    assert _recomputations(captured.captured_queries) == 0
    TaskStatusSpan.objects.filter(task=task).delete()
    spans.refresh([task.pk])  # outside a block: at once
    assert TaskStatusSpan.objects.filter(task=task).exists()
