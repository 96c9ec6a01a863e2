"""Explanations for late tasks (giải trình) and extensions, through the task page."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from dondoc.followups.models import DeadlineExtension, ExplanationRequest, ExplanationState
from dondoc.notifications.models import Notification
from dondoc.tasks import services
from dondoc.tasks.status import Status

TODAY = dt.date(2025, 4, 15)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2025, 4, 15, 9, 0), tick=False):
        yield


@pytest.fixture
def late_task(program, notice, most, hanoi, member_person):
    return services.create_task(
        program=program,
        content="Ban hành kế hoạch chuyển đổi số của Bộ",
        assigned_on=dt.date(2025, 1, 22),
        deadline="Quý I/2025",
        leads=[most],
        coordinators=[hanoi],
        members=[member_person],
    )


def _request(client, task, agency):
    return client.post(
        f"/tasks/{task.pk}/explanations/request/",
        {
            "agency": agency.pk,
            "reply_due_on": "22/04/2025",
            "message": "Đề nghị giải trình rõ lý do chậm",
        },
    )


@pytest.mark.django_db
def test_the_working_group_asks_the_agency_replies_and_an_extension_is_granted(
    client, late_task, most, tracker, reporter
):
    client.force_login(tracker)
    response = _request(client, late_task, most)
    assert response.status_code == 302
    request = ExplanationRequest.objects.get()
    assert (request.agency, request.reply_due_on) == (most, dt.date(2025, 4, 22))
    assert Notification.objects.filter(user=reporter, kind="explanation_requested").exists()

    client.force_login(reporter)
    page = client.get(f"/tasks/{late_task.pk}/").content.decode()
    assert "Đề nghị giải trình rõ lý do chậm" in page
    assert f"/explanations/{request.pk}/reply/" in page
    response = client.post(
        f"/explanations/{request.pk}/reply/",
        {"reason": "Chờ ý kiến của Chính phủ", "proposed_due_on": "30/06/2025"},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == ExplanationState.REPLIED
    assert request.proposed_due_on == dt.date(2025, 6, 30)
    assert Notification.objects.filter(user=tracker, kind="explanation_replied").exists()

    client.force_login(tracker)
    response = client.post(
        f"/explanations/{request.pk}/decide/",
        {"decision": "grant", "new_due_on": "30/06/2025", "note": "Đồng ý"},
    )
    assert response.status_code == 302
    extension = DeadlineExtension.objects.get()
    assert (extension.original_due_on, extension.new_due_on) == (
        dt.date(2025, 3, 31),
        dt.date(2025, 6, 30),
    )
    request.refresh_from_db()
    assert request.state == ExplanationState.GRANTED
    late_task.refresh_from_db()
    assert late_task.due_on == dt.date(2025, 3, 31)  # the original stays on record

    page = client.get(f"/tasks/{late_task.pk}/").content.decode()
    assert "30/06/2025" in page and "31/03/2025" in page
    assert request.history.count() == 3  # requested, replied, granted


@pytest.mark.django_db
def test_the_status_reads_both_ways_after_an_extension(client, late_task, tracker):
    from dondoc.followups.services import grant_extension
    from dondoc.tasks.queries import status_counts, tasks_as_of, with_status

    grant_extension(late_task, by=tracker, new_due_on=dt.date(2025, 6, 30))

    effective = with_status(tasks_as_of(TODAY), TODAY).get(pk=late_task.pk)
    original = with_status(tasks_as_of(TODAY), TODAY, deadline="original").get(pk=late_task.pk)
    assert effective.status == Status.IN_PROGRESS
    assert effective.due_on_as_of == dt.date(2025, 6, 30)
    assert original.status == Status.OVERDUE
    counts = status_counts(tasks_as_of(TODAY), TODAY)
    assert (counts["overdue"], counts["overdue_original"]) == (0, 1)


@pytest.mark.django_db
def test_only_the_agency_asked_may_reply(client, late_task, most, tracker, other_reporter):
    from dondoc.followups.services import request_explanation

    request = request_explanation(
        late_task, by=tracker, agency=most, reply_due_on=dt.date(2025, 4, 22), message="?"
    )
    client.force_login(other_reporter)  # Hà Nội coordinates: sees the task, may not reply

    page = client.get(f"/tasks/{late_task.pk}/").content.decode()
    assert f"/explanations/{request.pk}/reply/" not in page
    response = client.post(f"/explanations/{request.pk}/reply/", {"reason": "x"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_an_agency_may_not_request_or_grant(client, late_task, most, reporter):
    client.force_login(reporter)

    assert _request(client, late_task, most).status_code == 403
    response = client.post(
        f"/tasks/{late_task.pk}/extensions/grant/",
        {"new_due_on": "30/06/2025", "reason": "x"},
    )
    assert response.status_code == 403
    assert not DeadlineExtension.objects.exists()


@pytest.mark.django_db
def test_a_task_outside_the_users_scope_is_not_found(client, program, hanoi, tracker, reporter):
    theirs = services.create_task(
        program=program,
        content="Nhiệm vụ của Hà Nội",
        assigned_on=dt.date(2025, 1, 22),
        deadline="Quý I/2025",
        leads=[hanoi],
    )
    from dondoc.followups.services import request_explanation

    request = request_explanation(
        theirs, by=tracker, agency=hanoi, reply_due_on=dt.date(2025, 4, 22), message="?"
    )
    client.force_login(reporter)

    assert client.post(f"/explanations/{request.pk}/reply/", {"reason": "x"}).status_code == 404


@pytest.mark.django_db
def test_a_new_deadline_must_be_after_the_original(client, late_task, tracker):
    client.force_login(tracker)

    response = client.post(
        f"/tasks/{late_task.pk}/extensions/grant/",
        {"new_due_on": "15/03/2025", "reason": "x"},
    )

    assert response.status_code == 400
    assert not DeadlineExtension.objects.exists()


@pytest.mark.django_db
def test_refusing_keeps_the_deadline(client, late_task, most, tracker):
    from dondoc.followups.services import request_explanation

    request = request_explanation(
        late_task, by=tracker, agency=most, reply_due_on=dt.date(2025, 4, 22), message="?"
    )
    client.force_login(tracker)

    client.post(f"/explanations/{request.pk}/decide/", {"decision": "refuse", "note": "Không"})

    request.refresh_from_db()
    assert request.state == ExplanationState.REFUSED
    assert not DeadlineExtension.objects.exists()


@pytest.mark.django_db
def test_the_list_shows_an_agency_only_its_own_requests(
    client, program, late_task, most, hanoi, tracker, other_reporter, django_assert_max_num_queries
):
    from dondoc.followups.services import request_explanation

    theirs = services.create_task(
        program=program,
        content="Nhiệm vụ của Hà Nội",
        assigned_on=dt.date(2025, 1, 22),
        deadline="Quý I/2025",
        leads=[hanoi],
    )
    request_explanation(late_task, by=tracker, agency=most, reply_due_on=TODAY, message="?")
    request_explanation(theirs, by=tracker, agency=hanoi, reply_due_on=TODAY, message="?")
    client.force_login(other_reporter)

    with django_assert_max_num_queries(10):
        response = client.get("/explanations/")

    assert [r.task_id for r in response.context["requests"]] == [theirs.pk]
