"""Two people acting on one explanation at the same moment, in real threads on PostgreSQL.

Each test runs a few rounds of the same race (a fresh request each time) so that a missing lock
fails reliably; the final state must be one that some serial order of the actions produces.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from dondoc.core.testing.concurrency import assert_serial, postgres_only, run_together
from dondoc.core.transitions import Conflict
from dondoc.followups import services
from dondoc.followups.models import DeadlineExtension, ExplanationRequest, ExplanationState
from dondoc.tasks import services as task_services

pytestmark = postgres_only

ROUNDS = 4
LATER = dt.date.today() + dt.timedelta(days=90)


@pytest.fixture
def late_task(program, notice, most, member_person):
    return task_services.create_task(
        program=program,
        content="Ban hành kế hoạch chuyển đổi số của Bộ",
        assigned_on=dt.date(2025, 1, 22),
        deadline="Quý I/2025",
        leads=[most],
        members=[member_person],
    )


def _asked(task, agency, by) -> ExplanationRequest:
    return services.request_explanation(
        task, by=by, agency=agency, reply_due_on=dt.date.today(), message="Đề nghị giải trình"
    )


def _explained(task, agency, by, reporter) -> ExplanationRequest:
    request = _asked(task, agency, by)
    return services.reply_explanation(
        request, by=reporter, reason="Chờ ý kiến Chính phủ", proposed_due_on=LATER
    )


def _close(request: ExplanationRequest, by) -> None:
    """Leave the request decided so that the next round can ask again."""
    request.refresh_from_db()
    if request.is_open:
        services.refuse_extension(request, by=by)


def test_grant_and_refuse_at_once_give_one_decision(late_task, most, tracker, clerk, reporter):
    for _round in range(ROUNDS):
        request = _explained(late_task, most, tracker, reporter)
        extensions_before = DeadlineExtension.objects.count()
        version = request.version

        outcomes = run_together(
            lambda request=request, version=version: services.grant_extension(
                late_task,
                by=tracker,
                new_due_on=LATER,
                request=ExplanationRequest.objects.get(pk=request.pk),
                expected_version=version,
            ),
            lambda request=request, version=version: services.refuse_extension(
                ExplanationRequest.objects.get(pk=request.pk), by=clerk, expected_version=version
            ),
            names=["grant", "refuse"],
        )

        outcomes.assert_one_success(Conflict)
        request.refresh_from_db()
        added = DeadlineExtension.objects.count() - extensions_before
        assert_serial(
            (request.state, added, request.version),
            {
                "grant first": (ExplanationState.GRANTED, 1, version + 1),
                "refuse first": (ExplanationState.REFUSED, 0, version + 1),
            },
        )


def test_two_grants_at_once_extend_once(late_task, most, tracker, clerk, reporter):
    for _round in range(ROUNDS):
        request = _explained(late_task, most, tracker, reporter)
        before = DeadlineExtension.objects.count()

        def grant(by, request=request, _round=_round):
            fresh = ExplanationRequest.objects.get(pk=request.pk)
            return services.grant_extension(
                late_task, by=by, new_due_on=LATER + dt.timedelta(days=_round), request=fresh
            )

        outcomes = run_together(lambda: grant(tracker), lambda: grant(clerk))

        outcomes.assert_one_success(Conflict)
        assert DeadlineExtension.objects.count() == before + 1
        assert DeadlineExtension.objects.filter(request=request).count() == 1


def test_a_refusal_racing_the_agencys_reply_is_never_lost(
    late_task, most, tracker, clerk, reporter
):
    for _round in range(ROUNDS):
        request = _asked(late_task, most, tracker)
        seen = request.version  # the decider's page was loaded before the reply

        outcomes = run_together(
            lambda request=request: services.reply_explanation(
                ExplanationRequest.objects.get(pk=request.pk),
                by=reporter,
                reason="Đã trình Chính phủ",
                proposed_due_on=LATER,
            ),
            lambda request=request, seen=seen: services.refuse_extension(
                ExplanationRequest.objects.get(pk=request.pk),
                by=clerk,
                note="Không gia hạn",
                expected_version=seen,
            ),
            names=["reply", "refuse"],
        )

        outcomes.assert_one_success(Conflict)
        request.refresh_from_db()
        assert_serial(
            (request.state, request.reason, request.decision_note),
            {
                # the refusal was decided on a page without the reply: refused as stale
                "reply first": (ExplanationState.REPLIED, "Đã trình Chính phủ", ""),
                # the request was closed: the late reply is refused, the decision stays
                "refuse first": (ExplanationState.REFUSED, "", "Không gia hạn"),
            },
        )
        _close(request, clerk)


def test_two_requests_to_the_same_agency_at_once_make_one(late_task, most, tracker, clerk):
    for _round in range(ROUNDS):
        before = ExplanationRequest.objects.count()

        outcomes = run_together(
            lambda: _asked(late_task, most, tracker), lambda: _asked(late_task, most, clerk)
        )

        winner = outcomes.assert_one_success(Conflict)
        assert ExplanationRequest.objects.count() == before + 1
        _close(winner.value, clerk)


def test_two_direct_extensions_from_the_same_page_extend_once(late_task, tracker, clerk):
    for round_ in range(ROUNDS):
        seen = services.deadline_version(late_task.pk)
        new_due = LATER + dt.timedelta(days=round_)

        def extend(by, seen=seen, new_due=new_due):
            return services.grant_extension(
                late_task, by=by, new_due_on=new_due, reason="Gia hạn", expected_version=seen
            )

        outcomes = run_together(lambda: extend(tracker), lambda: extend(clerk))

        outcomes.assert_one_success(Conflict)
        assert DeadlineExtension.objects.filter(task=late_task, new_due_on=new_due).count() == 1


def test_two_clerks_clicking_at_once_get_one_success_and_a_409(
    late_task, most, tracker, clerk, reporter
):
    request = _explained(late_task, most, tracker, reporter)

    def click(user, decision):
        client = Client()
        client.force_login(user)
        response = client.post(
            f"/explanations/{request.pk}/decide/",
            {
                "decision": decision,
                "new_due_on": LATER.strftime("%d/%m/%Y"),
                "note": decision,
                "version": request.version,
            },
        )
        return response.status_code, response.content.decode()

    outcomes = run_together(lambda: click(tracker, "grant"), lambda: click(clerk, "refuse"))

    statuses = sorted(status for status, _page in outcomes.assert_all_ok())
    assert statuses == [302, 409]
    conflict_page = next(page for status, page in outcomes.assert_all_ok() if status == 409)
    assert "đã được quyết định" in conflict_page
    request.refresh_from_db()
    assert request.state in (ExplanationState.GRANTED, ExplanationState.REFUSED)
    assert DeadlineExtension.objects.filter(request=request).count() == (
        1 if request.state == ExplanationState.GRANTED else 0
    )
