"""A form loaded before someone else acted: a conflict shown on the page (409), never a silent
overwrite. These run one request after the other, so they hold on SQLite and PostgreSQL alike;
``test_races.py`` runs the same transitions in real threads."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from dondoc.followups import services
from dondoc.followups.models import DeadlineExtension, ExplanationRequest, ExplanationState
from dondoc.tasks import services as task_services


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2025, 4, 15, 9, 0), tick=False):
        yield


@pytest.fixture
def late_task(program, notice, most):
    return task_services.create_task(
        program=program,
        content="Ban hành kế hoạch chuyển đổi số của Bộ",
        assigned_on=dt.date(2025, 1, 22),
        deadline="Quý I/2025",
        leads=[most],
    )


@pytest.fixture
def asked(late_task, most, tracker) -> ExplanationRequest:
    return services.request_explanation(
        late_task, by=tracker, agency=most, reply_due_on=dt.date(2025, 4, 22), message="?"
    )


def _hidden_version(page: str, action: str) -> str:
    form = page[page.index(f'action="{action}"') :]
    return re.search(r'name="version" value="(\d+)"', form[: form.index("</form>")]).group(1)


@pytest.mark.django_db
def test_the_task_page_forms_carry_the_version_they_were_loaded_at(
    client, late_task, asked, tracker
):
    client.force_login(tracker)

    page = client.get(f"/tasks/{late_task.pk}/").content.decode()

    assert _hidden_version(page, f"/explanations/{asked.pk}/decide/") == str(asked.version)
    assert _hidden_version(page, f"/tasks/{late_task.pk}/extensions/grant/") == "0"


@pytest.mark.django_db
def test_a_decision_on_an_already_decided_explanation_is_a_conflict(
    client, late_task, asked, tracker, clerk
):
    loaded_at = asked.version
    services.refuse_extension(asked, by=clerk, note="Không gia hạn")
    client.force_login(tracker)

    response = client.post(
        f"/explanations/{asked.pk}/decide/",
        {
            "decision": "grant",
            "new_due_on": "30/06/2025",
            "note": "Đồng ý gia hạn",
            "version": loaded_at,
        },
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert "Đã có người khác thao tác trước." in page
    assert "Giải trình này đã được quyết định (Không cho gia hạn) bởi Clerk" in page
    assert "Đồng ý gia hạn" in page  # what the user typed is shown, not lost
    assert f'action="/explanations/{asked.pk}/decide/"' not in page  # no form to send again
    asked.refresh_from_db()
    assert (asked.state, asked.decision_note) == (ExplanationState.REFUSED, "Không gia hạn")
    assert not DeadlineExtension.objects.exists()


@pytest.mark.django_db
def test_a_reply_after_the_decision_does_not_reopen_it(client, asked, clerk, reporter):
    services.refuse_extension(asked, by=clerk, note="Không gia hạn")
    client.force_login(reporter)

    response = client.post(
        f"/explanations/{asked.pk}/reply/",
        {"reason": "Chờ ý kiến Chính phủ", "version": 1},
    )

    assert response.status_code == 409
    assert "đã được quyết định" in response.content.decode()
    asked.refresh_from_db()
    assert (asked.state, asked.reason) == (ExplanationState.REFUSED, "")


@pytest.mark.django_db
def test_a_decision_from_a_page_loaded_before_the_reply_is_a_conflict(
    client, asked, tracker, reporter
):
    loaded_at = asked.version
    services.reply_explanation(
        asked, by=reporter, reason="Chờ ý kiến Chính phủ", proposed_due_on=dt.date(2025, 9, 30)
    )
    client.force_login(tracker)

    response = client.post(
        f"/explanations/{asked.pk}/decide/",
        {"decision": "refuse", "note": "Không", "version": loaded_at},
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert "Giải trình của cơ quan đã thay đổi kể từ khi bạn mở trang" in page
    assert "Chờ ý kiến Chính phủ" in page  # the reply the decider had not seen
    # The form comes back with the user's note and the current version: sending it again is
    # a decision taken knowing the reply.
    assert _hidden_version(page, f"/explanations/{asked.pk}/decide/") == str(loaded_at + 1)
    asked.refresh_from_db()
    assert asked.state == ExplanationState.REPLIED

    again = client.post(
        f"/explanations/{asked.pk}/decide/",
        {"decision": "refuse", "note": "Không", "version": loaded_at + 1},
    )
    assert again.status_code == 302
    asked.refresh_from_db()
    assert asked.state == ExplanationState.REFUSED


@pytest.mark.django_db
def test_asking_the_same_agency_twice_is_a_conflict(client, late_task, asked, most, clerk):
    client.force_login(clerk)

    response = client.post(
        f"/tasks/{late_task.pk}/explanations/request/",
        {"agency": most.pk, "reply_due_on": "22/04/2025", "message": "Lần hai"},
    )

    assert response.status_code == 409
    assert "vẫn đang mở" in response.content.decode()
    assert ExplanationRequest.objects.count() == 1


@pytest.mark.django_db
def test_an_extension_from_a_stale_page_is_a_conflict(client, late_task, tracker, clerk):
    services.grant_extension(late_task, by=clerk, new_due_on=dt.date(2025, 6, 30), reason="Một")
    client.force_login(tracker)

    response = client.post(
        f"/tasks/{late_task.pk}/extensions/grant/",
        {"new_due_on": "30/09/2025", "reason": "Hai", "version": 0},
    )

    assert response.status_code == 409
    assert "Thời hạn đã được Clerk gia hạn đến 30/06/2025" in response.content.decode()
    assert DeadlineExtension.objects.count() == 1


@pytest.mark.django_db
def test_a_service_call_on_a_decided_request_raises_a_conflict_not_an_assertion(
    late_task, asked, tracker, clerk
):
    from dondoc.core.transitions import Conflict

    stale = ExplanationRequest.objects.get(pk=asked.pk)
    services.refuse_extension(asked, by=clerk)

    with pytest.raises(Conflict):
        services.grant_extension(
            late_task, by=tracker, new_due_on=dt.date(2025, 6, 30), request=stale
        )
    assert not DeadlineExtension.objects.exists()
