"""An update written on the task's own page or through the API while a round owes it counts in
the agency's report of that round, as if written on the round's page: once, only for the agency
that owes the task, and never into a report already sent or a locked round."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from dondoc.accounts.models import ApiToken
from dondoc.rounds import services
from dondoc.rounds.models import EventKind, Submission, SubmissionUpdate
from dondoc.rounds.todo import round_progress
from dondoc.tasks.models import ProgressUpdate

VN = dt.timezone(dt.timedelta(hours=7))


@pytest.fixture(autouse=True)
def during_the_round():
    with time_machine.travel(dt.datetime(2025, 7, 2, 9, tzinfo=VN), tick=False):
        yield


def _post_on_task_page(client, user, task, text="Đang xây dựng dự thảo"):
    client.force_login(user)
    response = client.post(
        reverse("task-detail", args=[task.pk]),
        {"text": text, "reported_on": "01/07/2025"},
    )
    assert response.status_code == 302
    return ProgressUpdate.objects.filter(task=task).latest("pk")


def test_a_draft_on_the_task_page_counts_in_the_agencys_report(
    client, q2, most, most_tasks, reporter
):
    update = _post_on_task_page(client, reporter, most_tasks[0])
    submission = Submission.objects.get(round=q2, agency=most)
    assert list(submission.items.values_list("update_id", flat=True)) == [update.pk]
    assert round_progress(q2, most, submission) == (1, 2)
    assert submission.events.filter(kind=EventKind.UPDATE, task=most_tasks[0]).count() == 1
    page = client.get(reverse("rounds:submission", args=[q2.pk, most.pk]))
    assert "1/2 nhiệm vụ đang thực hiện đã cập nhật" in page.content.decode()


def test_an_update_joins_the_report_the_agency_has_started(client, q2, most, most_tasks, reporter):
    started = services.start_submission(q2, most, by=reporter)
    services.add_update(started, most_tasks[1], by=reporter, text="Trên trang của kỳ")
    _post_on_task_page(client, reporter, most_tasks[0])
    assert Submission.objects.filter(round=q2, agency=most).count() == 1
    assert round_progress(q2, most, started) == (2, 2)
    assert SubmissionUpdate.objects.filter(submission=started).count() == 2


def test_the_rounds_own_page_files_its_update_once(q2, most, most_tasks, reporter):
    submission = services.start_submission(q2, most, by=reporter)
    services.add_update(submission, most_tasks[0], by=reporter, text="Một lần")
    assert SubmissionUpdate.objects.filter(submission=submission).count() == 1


def test_a_coordinating_agencys_update_is_not_in_its_report(
    client, q2, hanoi, most_tasks, other_reporter
):
    # Hà Nội coordinates the first task: it owes no report on it.
    _post_on_task_page(client, other_reporter, most_tasks[0], "Hà Nội đã góp ý")
    assert not SubmissionUpdate.objects.exists()
    assert not Submission.objects.filter(agency=hanoi).exists()


def test_a_report_already_sent_is_not_changed(client, q2, most, most_tasks, reporter, clerk):
    sent = services.submit(services.start_submission(q2, most, by=reporter), by=clerk)
    _post_on_task_page(client, reporter, most_tasks[0])
    assert not SubmissionUpdate.objects.filter(submission=sent).exists()
    assert round_progress(q2, most, sent) == (0, 2)


def test_a_locked_round_takes_no_more_updates(client, q2, most, most_tasks, reporter):
    with time_machine.travel(dt.datetime(2025, 8, 1, 9, tzinfo=VN), tick=False):
        _post_on_task_page(client, reporter, most_tasks[0])
    assert not Submission.objects.filter(round=q2, agency=most).exists()


def test_a_task_outside_any_round_is_not_filed(client, most, most_tasks, reporter):
    # No round is open: the draft is the agency's alone, as before.
    update = _post_on_task_page(client, reporter, most_tasks[0])
    assert update.is_draft
    assert not Submission.objects.exists()


def test_an_update_through_the_api_counts_too(client, q2, most, most_tasks, reporter):
    _token, secret = ApiToken.issue(reporter, "t", "read,write")
    response = client.post(
        f"/api/tasks/{most_tasks[1].pk}/updates",
        {"text": "Qua API", "reported_on": "2025-07-01"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 201, response.content
    submission = Submission.objects.get(round=q2, agency=most)
    assert round_progress(q2, most, submission) == (1, 2)


def test_the_todo_counts_tasks_not_their_updates(client, q2, most, most_tasks, reporter, head):
    # Three updates on the first task (two approved earlier, one in the report): still 1 of 2.
    for text in ("Tháng 4", "Tháng 5"):
        update = _post_on_task_page(client, reporter, most_tasks[0], text)
        client.force_login(head)
        assert client.post(
            reverse("update-approve", args=[update.pk]), {"version": update.version}
        ).status_code in (200, 302)
    submission = Submission.objects.get(round=q2, agency=most)
    assert round_progress(q2, most, submission) == (1, 2)
    client.force_login(reporter)
    page = client.get(reverse("rounds:todo")).content.decode()
    assert "1/2 nhiệm vụ đã cập nhật" in page
