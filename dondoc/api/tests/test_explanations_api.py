"""Explanations through the API: reply and decision, and 409 when someone acted first."""

from __future__ import annotations

import datetime as dt

import pytest

from dondoc.api.tests.test_api import bearer
from dondoc.followups import services
from dondoc.followups.models import DeadlineExtension, ExplanationState
from dondoc.tasks import services as task_services

LATER = dt.date.today() + dt.timedelta(days=90)


@pytest.fixture
def asked(program, notice, most, tracker):
    task = task_services.create_task(
        program=program,
        content="Ban hành kế hoạch chuyển đổi số của Bộ",
        assigned_on=dt.date(2025, 1, 22),
        deadline="Quý I/2025",
        leads=[most],
    )
    return services.request_explanation(
        task, by=tracker, agency=most, reply_due_on=dt.date.today(), message="?"
    )


def _post(client, user, path, body):
    return client.post(path, body, content_type="application/json", **bearer(user, "read,write"))


@pytest.mark.django_db
def test_the_agency_replies_and_the_working_group_grants(client, asked, reporter, tracker):
    replied = _post(
        client,
        reporter,
        f"/api/explanations/{asked.pk}/reply",
        {"reason": "Chờ ý kiến Chính phủ", "proposed_due_on": LATER.isoformat()},
    )
    assert replied.status_code == 200, replied.content
    assert replied.json()["state"] == ExplanationState.REPLIED

    decided = _post(
        client,
        tracker,
        f"/api/explanations/{asked.pk}/decision",
        {
            "decision": "grant",
            "new_due_on": LATER.isoformat(),
            "version": replied.json()["version"],
        },
    )

    assert decided.status_code == 200, decided.content
    assert decided.json()["state"] == ExplanationState.GRANTED
    assert DeadlineExtension.objects.get().new_due_on == LATER


@pytest.mark.django_db
def test_a_second_decision_is_a_409_with_the_reason(client, asked, tracker, clerk):
    first = _post(client, clerk, f"/api/explanations/{asked.pk}/decision", {"decision": "refuse"})
    assert first.status_code == 200

    second = client.post(
        f"/api/explanations/{asked.pk}/decision",
        {"decision": "grant", "new_due_on": LATER.isoformat()},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="vi",
        **bearer(tracker, "read,write"),
    )

    assert second.status_code == 409
    assert "đã được quyết định" in second.json()["detail"]
    assert not DeadlineExtension.objects.exists()


@pytest.mark.django_db
def test_a_decision_on_a_version_older_than_the_reply_is_a_409(client, asked, reporter, clerk):
    read_at = asked.version
    services.reply_explanation(asked, by=reporter, reason="Đã trình", proposed_due_on=LATER)

    response = _post(
        client,
        clerk,
        f"/api/explanations/{asked.pk}/decision",
        {"decision": "refuse", "version": read_at},
    )

    assert response.status_code == 409
    asked.refresh_from_db()
    assert asked.state == ExplanationState.REPLIED


@pytest.mark.django_db
def test_a_reply_after_the_decision_is_a_409(client, asked, reporter, clerk):
    services.refuse_extension(asked, by=clerk)

    response = _post(client, reporter, f"/api/explanations/{asked.pk}/reply", {"reason": "Muộn"})

    assert response.status_code == 409
    asked.refresh_from_db()
    assert (asked.state, asked.reason) == (ExplanationState.REFUSED, "")
