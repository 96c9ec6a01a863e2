"""The change history of a task keeps an agency's drafts inside the agency after approval too:
outside it an update appears as first published, with what changed after."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from dondoc.accounts.models import Membership, Role, User
from dondoc.conftest import PASSWORD
from dondoc.tasks import reporting, services
from dondoc.tasks.models import Task, UpdateState
from dondoc.tasks.views import task_history

FIRST_DRAFT = "Bản nháp đầu: mới xong 10% khối lượng"
PUBLISHED = "Đã hoàn thành 80% khối lượng, trình Bộ trưởng"


@pytest.fixture
def head(most) -> User:
    user = User.objects.create_user(
        username="head", password=PASSWORD, role=Role.AGENCY_HEAD, full_name="Head"
    )
    Membership.objects.create(user=user, org_unit=most)
    return user


@pytest.fixture
def shared(program, notice, most, hanoi) -> Task:
    return services.create_task(
        program=program,
        content="Xây dựng cơ sở dữ liệu quốc gia về đất hiếm",
        assigned_on=dt.date(2025, 1, 22),
        deadline="Quý I/2025",
        sources=[(notice, "(1)", "")],
        leads=[most],
        coordinators=[hanoi],
    )


@pytest.fixture
def approved(shared, reporter, head, most):
    """A draft written, rewritten with another date, approved; then a withdrawn draft."""
    update, _created = reporting.record_update(
        shared, by=reporter, text=FIRST_DRAFT, agency=most, reported_on=dt.date(2025, 6, 20)
    )
    update = reporting.edit_draft(
        update, by=reporter, text=PUBLISHED, reported_on=dt.date(2025, 6, 30), version=None
    )
    reporting.approve([update], by=head)
    withdrawn, _created = reporting.record_update(
        shared, by=reporter, text="Nháp rút lại", agency=most, reported_on=dt.date(2025, 7, 1)
    )
    reporting.withdraw_draft(withdrawn, by=reporter, version=None)
    return update


def _update_entries(task, user):
    return [e for e in task_history(task, user) if e.subject == "update"]


def _texts(entries) -> str:
    return " ".join(f"{e.label} {c.old} {c.new}" for e in entries for c in e.changes)


def test_another_agency_sees_an_approved_update_as_first_published(
    client, shared, approved, head, other_reporter, clerk
):
    for outsider in (other_reporter, clerk):
        entries = _update_entries(shared, outsider)
        assert [(e.kind, e.who) for e in entries] == [("+", head)]
        assert entries[0].label.endswith("30/06/2025")
        assert FIRST_DRAFT not in _texts(entries)
        assert "20/06/2025" not in _texts(entries)
        client.force_login(outsider)
        html = client.get(reverse("task-detail", args=[shared.pk])).content.decode()
        assert FIRST_DRAFT not in html
        assert "20/06/2025" not in html


def test_after_publication_changes_are_shown_against_the_published_record(
    shared, approved, head, other_reporter, clerk
):
    reporting.record_update(
        shared, by=clerk, text="Đính chính: 70%", corrects=approved, reported_on=dt.date(2025, 7, 2)
    )
    entries = [e for e in _update_entries(shared, other_reporter) if e.label.endswith("30/06/2025")]
    assert [e.kind for e in entries] == ["~", "+"]
    published, corrected = str(UpdateState.PUBLISHED.label), str(UpdateState.CORRECTED.label)
    assert (published, corrected) in [(c.old, c.new) for c in entries[0].changes]


def test_the_agency_itself_keeps_the_whole_history_of_its_drafts(shared, approved, reporter):
    entries = _update_entries(shared, reporter)
    texts = _texts(entries)
    assert FIRST_DRAFT in texts and PUBLISHED in texts
    assert sorted(e.kind for e in entries) == ["+", "~", "~"]
