"""Round rules as officials use them: a data cut-off date, a due date before the period ends,
and "Chase now" from the round's dashboard."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from dondoc.notifications.models import Notification, NotificationKind
from dondoc.rounds import services
from dondoc.rounds.forms import RoundForm
from dondoc.rounds.models import ReportingRound
from dondoc.rounds.queries import tasks_to_report
from dondoc.tasks.services import create_task

VN = dt.timezone(dt.timedelta(hours=7))


def _form(program, most, **changes) -> RoundForm:
    data = {
        "program": program.pk, "title": "Quý II/2025", "period_start": "01/04/2025",
        "period_end": "30/06/2025", "cutoff_on": "14/06/2025", "due_on": "18/06/2025",
        "grace_days": "2", "lock_on": "31/07/2025", "agencies": [most.pk],
    }  # fmt: skip
    return RoundForm({**data, **changes})


def test_a_due_date_before_the_period_ends_is_accepted_with_a_cut_off(program, most):
    form = _form(program, most)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["cutoff_on"] == dt.date(2025, 6, 14)


def test_a_due_date_before_the_period_ends_is_accepted_without_a_cut_off(program, most):
    assert _form(program, most, cutoff_on="").is_valid()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"cutoff_on": "01/07/2025"}, "cutoff_on"),  # after the period
        ({"cutoff_on": "31/03/2025"}, "cutoff_on"),  # before it
        ({"due_on": "10/06/2025"}, "due_on"),  # before the cut-off: nothing to report yet
        ({"cutoff_on": "", "due_on": "31/03/2025"}, "due_on"),  # before the period starts
    ],
)
def test_the_round_form_refuses_dates_out_of_order(program, most, changes, field):
    form = _form(program, most, **changes)
    assert not form.is_valid()
    assert field in form.errors


def test_the_round_opened_from_the_page_keeps_its_cut_off(client, clerk, program, most):
    client.force_login(clerk)
    data = _form(program, most).data
    response = client.post(reverse("rounds:round-open"), data)
    assert response.status_code == 302
    round_ = ReportingRound.objects.get(title="Quý II/2025")
    assert (round_.cutoff_on, round_.due_on) == (dt.date(2025, 6, 14), dt.date(2025, 6, 18))
    assert round_.data_as_of == dt.date(2025, 6, 14)
    page = client.get(reverse("rounds:round-dashboard", args=[round_.pk]))
    assert "14/06/2025" in page.content.decode()


def test_agencies_report_on_the_tasks_open_on_the_cut_off_date(program, most, clerk):
    round_ = services.open_round(
        program=program, title="Quý II/2025", period_start=dt.date(2025, 4, 1),
        period_end=dt.date(2025, 6, 30), cutoff_on=dt.date(2025, 6, 14),
        due_on=dt.date(2025, 6, 18), agencies=[most], by=clerk,
    )  # fmt: skip
    before = create_task(
        program=program, content="Giao trước ngày chốt", assigned_on=dt.date(2025, 5, 2),
        deadline="Quý III/2025", leads=[most],
    )  # fmt: skip
    create_task(
        program=program, content="Giao sau ngày chốt", assigned_on=dt.date(2025, 6, 20),
        deadline="Quý III/2025", leads=[most],
    )  # fmt: skip
    assert list(tasks_to_report(round_, most)) == [before]


@pytest.fixture
def chased_round(q2, most, hanoi, reporter, other_reporter, clerk):
    """Hà Nội has submitted; the ministry has nothing."""
    with time_machine.travel(dt.datetime(2025, 7, 2, 9, tzinfo=VN)):
        services.submit(services.start_submission(q2, hanoi, by=other_reporter), by=clerk)
    return q2


def test_chase_now_notifies_only_the_agencies_that_have_not_reported(
    client, chased_round, tracker, reporter, other_reporter
):
    client.force_login(tracker)
    url = reverse("rounds:round-chase", args=[chased_round.pk])
    with time_machine.travel(dt.datetime(2025, 7, 3, 9, tzinfo=VN), tick=False):
        page = client.get(reverse("rounds:round-dashboard", args=[chased_round.pk]))
        assert url in page.content.decode()
        assert client.post(url).status_code == 302
        assert client.post(url).status_code == 302  # a double click: nobody notified twice
    # The other agency's submission told the Standing Office; the chase tells only the late one.
    notices = Notification.objects.filter(kind=NotificationKind.ROUND_CLOSING)
    assert [n.user for n in notices] == [reporter]
    assert "Quý II/2025" in notices[0].subject
    chased_round.refresh_from_db()
    assert chased_round.last_chased_at is not None
    assert chased_round.history.order_by("-history_id").first().history_user == tracker
    with time_machine.travel(dt.datetime(2025, 7, 4, 9, tzinfo=VN), tick=False):
        client.post(url)  # the next day: chased again
    assert notices.filter(user=reporter).count() == 2


@pytest.mark.parametrize("who", ["reporter", "committee_member"])
def test_only_the_standing_office_and_working_group_chase(client, chased_round, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("rounds:round-chase", args=[chased_round.pk]))
    assert response.status_code == 404
    assert not Notification.objects.filter(kind=NotificationKind.ROUND_CLOSING).exists()
