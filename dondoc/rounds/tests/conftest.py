"""Fixtures of the rounds tests: a round for two agencies, their tasks, an agency head."""

from __future__ import annotations

import datetime as dt

import pytest

from dondoc.accounts.models import Membership, Role, User
from dondoc.conftest import PASSWORD
from dondoc.rounds import services
from dondoc.tasks.services import create_task


@pytest.fixture
def head(most) -> User:
    """The head of the ministry's Party committee: approves and submits its reports."""
    user = User.objects.create_user(
        username="head", password=PASSWORD, role=Role.AGENCY_HEAD, full_name="Head"
    )
    Membership.objects.create(user=user, org_unit=most)
    return user


@pytest.fixture
def observer(db) -> User:
    return User.objects.create_user(username="observer", password=PASSWORD, role=Role.OBSERVER)


@pytest.fixture
def q2(program, most, hanoi, clerk):
    """Round "Quý II/2025": period 01/04–30/06/2025, due 05/07, 2 grace days, locked after 31/07."""
    return services.open_round(
        program=program,
        title="Quý II/2025",
        period_start=dt.date(2025, 4, 1),
        period_end=dt.date(2025, 6, 30),
        due_on=dt.date(2025, 7, 5),
        grace_days=2,
        lock_on=dt.date(2025, 7, 31),
        agencies=[most, hanoi],
        by=clerk,
    )


@pytest.fixture
def most_tasks(program, notice, most, hanoi):
    """Two open tasks led by the ministry (one coordinated by Hà Nội) and one led by Hà Nội."""
    first = create_task(
        program=program,
        content="Xây dựng Luật Khoa học, công nghệ và đổi mới sáng tạo",
        assigned_on=dt.date(2025, 1, 22),
        deadline="Quý II/2025",
        sources=[(notice, "(1)", "")],
        leads=[most],
        coordinators=[hanoi],
    )
    second = create_task(
        program=program,
        content="Ban hành danh mục công nghệ chiến lược",
        assigned_on=dt.date(2025, 1, 22),
        deadline="Tháng 9/2025",
        sources=[(notice, "(2)", "")],
        leads=[most],
    )
    theirs = create_task(
        program=program,
        content="Triển khai nền tảng số của Thành phố",
        assigned_on=dt.date(2025, 1, 22),
        deadline="Quý III/2025",
        sources=[(notice, "(3)", "")],
        leads=[hanoi],
    )
    return first, second, theirs
