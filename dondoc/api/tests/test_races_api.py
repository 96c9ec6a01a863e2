"""Two API clients deciding one explanation at the same moment: one 200, one 409 (PostgreSQL,
real threads)."""

from __future__ import annotations

from django.test import Client

from dondoc.api.tests.test_api import bearer
from dondoc.api.tests.test_explanations_api import LATER, asked  # noqa: F401 (fixture)
from dondoc.core.testing.concurrency import postgres_only, run_together
from dondoc.followups.models import DeadlineExtension, ExplanationState

pytestmark = postgres_only


def test_two_api_decisions_at_once_give_one_200_and_one_409(asked, tracker, clerk):  # noqa: F811
    headers = {user.pk: bearer(user, "read,write") for user in (tracker, clerk)}

    def decide(user, body):
        response = Client().post(
            f"/api/explanations/{asked.pk}/decision",
            body,
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE="vi",
            **headers[user.pk],
        )
        return response.status_code, response.json()

    outcomes = run_together(
        lambda: decide(tracker, {"decision": "grant", "new_due_on": LATER.isoformat()}),
        lambda: decide(clerk, {"decision": "refuse", "note": "Không"}),
    )

    answers = sorted(outcomes.assert_all_ok(), key=lambda answer: answer[0])
    assert [status for status, _body in answers] == [200, 409]
    assert "đã được quyết định" in answers[1][1]["detail"]
    asked.refresh_from_db()
    granted = asked.state == ExplanationState.GRANTED
    assert DeadlineExtension.objects.filter(request=asked).count() == int(granted)
