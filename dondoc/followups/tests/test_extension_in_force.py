"""An extension extends the deadline in force, after the changes made on the task's management
page: not the deadline as first assigned."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import translation

from dondoc.core.transitions import Conflict
from dondoc.followups import services
from dondoc.followups.forms import DecisionForm, ExtensionForm
from dondoc.followups.models import DeadlineExtension, ExplanationState
from dondoc.followups.tests.test_conflicts import _hidden_version
from dondoc.tasks import manage
from dondoc.tasks import services as task_services

pytestmark = pytest.mark.django_db

MAY_31 = dt.date(2025, 5, 31)  # after the original deadline, before the one in force
JUNE_30 = dt.date(2025, 6, 30)  # the deadline in force after the management page moved it
JULY_31 = dt.date(2025, 7, 31)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2025, 4, 15, 9, 0), tick=False):
        yield


@pytest.fixture
def task(program, notice, most):
    return task_services.create_task(
        program=program,
        content="Ban hành kế hoạch chuyển đổi số của Bộ",
        assigned_on=dt.date(2025, 1, 22),
        deadline="Quý I/2025",  # 31/03/2025
        leads=[most],
    )


@pytest.fixture
def moved(task, clerk):
    """The management page moved the deadline from 31/03/2025 to 30/06/2025 today."""
    manage.change_deadline(task, by=clerk, reason="Theo Thông báo 02", phrase="30/06/2025")
    task.refresh_from_db()
    return task


def test_an_extension_earlier_than_the_deadline_in_force_is_refused_by_the_forms(moved):
    extend = ExtensionForm({"new_due_on": "31/05/2025", "reason": "Chậm", "version": 0}, task=moved)
    decide = DecisionForm(
        {"decision": "grant", "new_due_on": "31/05/2025", "version": 0}, task=moved
    )

    assert not extend.is_valid()
    assert not decide.is_valid()
    assert "30/06/2025" in str(extend.errors["new_due_on"])
    assert "30/06/2025" in str(decide.errors["new_due_on"])


def test_an_extension_earlier_than_the_deadline_in_force_is_a_conflict_in_the_service(moved, clerk):
    with pytest.raises(Conflict):
        services.grant_extension(moved, by=clerk, new_due_on=MAY_31, reason="Chậm")

    assert not DeadlineExtension.objects.exists()
    assert manage.deadline_in_force(moved, dt.date(2025, 4, 15))[1] == JUNE_30


def test_the_extension_records_the_deadline_in_force_it_replaces(moved, clerk):
    extension = services.grant_extension(moved, by=clerk, new_due_on=JULY_31, reason="Chậm")

    assert (extension.original_due_on, extension.new_due_on) == (JUNE_30, JULY_31)
    assert manage.deadline_in_force(moved, dt.date(2025, 4, 15))[1] == JULY_31


def test_an_extension_form_loaded_before_a_change_on_the_management_page_is_a_conflict(
    client, task, tracker, clerk
):
    loaded_at = ExtensionForm(task=task).initial["version"]
    manage.change_deadline(task, by=clerk, reason="Theo Thông báo 02", phrase="30/06/2025")
    client.force_login(tracker)

    response = client.post(
        f"/tasks/{task.pk}/extensions/grant/",
        {"new_due_on": "31/07/2025", "reason": "Chậm", "version": loaded_at},
    )

    assert response.status_code == 409
    assert "30/06/2025" in response.content.decode()
    assert not DeadlineExtension.objects.exists()


def test_the_extension_form_carries_the_latest_deadline_change(client, moved, tracker):
    client.force_login(tracker)
    page = client.get(f"/tasks/{moved.pk}/").content.decode()
    loaded_at = _hidden_version(page, f"/tasks/{moved.pk}/extensions/grant/")
    assert loaded_at == str(moved.deadline_changes.get().pk)

    response = client.post(
        f"/tasks/{moved.pk}/extensions/grant/",
        {"new_due_on": "31/07/2025", "reason": "Chậm", "version": loaded_at},
    )

    assert response.status_code == 302
    assert DeadlineExtension.objects.get().original_due_on == JUNE_30


def test_granting_on_a_task_without_a_deadline_in_force_is_a_clear_conflict(
    task, most, tracker, reporter, clerk
):
    manage.change_deadline(task, by=clerk, reason="Chuyển", phrase="Thường xuyên")
    asked = services.request_explanation(
        task, by=tracker, agency=most, reply_due_on=dt.date(2025, 4, 22), message="?"
    )
    services.reply_explanation(asked, by=reporter, reason="Chờ", proposed_due_on=JULY_31)

    with translation.override("vi"), pytest.raises(Conflict, match="không có thời hạn cụ thể"):
        services.grant_extension(task, by=clerk, new_due_on=JULY_31, request=asked)

    asked.refresh_from_db()
    assert asked.state == ExplanationState.REPLIED
    assert not DeadlineExtension.objects.exists()


def test_the_decision_page_on_a_task_without_a_deadline_says_so(
    client, program, most, tracker, reporter
):
    undated = task_services.create_task(
        program=program,
        content="Theo dõi thường xuyên",
        assigned_on=dt.date(2025, 1, 22),
        deadline="",
        leads=[most],
    )
    asked = services.request_explanation(
        undated, by=tracker, agency=most, reply_due_on=dt.date(2025, 4, 22), message="?"
    )
    client.force_login(tracker)

    response = client.post(
        f"/explanations/{asked.pk}/decide/",
        {"decision": "grant", "new_due_on": "31/07/2025", "version": asked.version},
    )

    assert response.status_code == 400
    assert "không có thời hạn cụ thể đang có hiệu lực" in response.content.decode()
    assert not DeadlineExtension.objects.exists()
