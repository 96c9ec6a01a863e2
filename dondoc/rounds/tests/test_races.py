"""Two people at once: every submission and update step gives one success and one clear
message, never two successes, a lost decision or a silent overwrite.

The threaded tests run on PostgreSQL (real row locks, each thread its own connection); the
serial versions beside them check the same outcome on any database."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
import time_machine
from django.db import connection

from dondoc.rounds import services
from dondoc.rounds.models import SubmissionState
from dondoc.tasks import reporting
from dondoc.tasks.models import ProgressUpdate, UpdateState

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL"
)


@pytest.fixture(autouse=True)
def during_the_round():
    vn = dt.timezone(dt.timedelta(hours=7))
    with time_machine.travel(dt.datetime(2025, 7, 2, 9, tzinfo=vn), tick=False):
        yield


def race(*steps: Callable[[], object]) -> list[object]:
    """Run ``steps`` at the same moment in threads; each result or the exception it raised."""
    barrier = threading.Barrier(len(steps))
    results: list[object] = [None] * len(steps)

    def run(i: int, step: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[i] = step()
        except Exception as error:  # the outcome is what the test inspects
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, s)) for i, s in enumerate(steps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def _errors(results, kind) -> int:
    return sum(isinstance(r, kind) for r in results)


@pytest.fixture
def prepared(q2, most, most_tasks, reporter):
    submission = services.start_submission(q2, most, by=reporter)
    update = services.add_update(submission, most_tasks[0], by=reporter, text="Nháp")
    return submission, update


# Threaded, on PostgreSQL ---------------------------------------------------------------------


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_heads_submitting_at_once_submit_once(prepared, head):
    submission, update = prepared
    results = race(
        lambda: services.submit(submission, by=head, version=submission.version),
        lambda: services.submit(submission, by=head, version=submission.version),
    )
    assert _errors(results, services.RoundError) == 1, results
    submission.refresh_from_db()
    assert submission.state == SubmissionState.SUBMITTED
    assert submission.events.filter(kind="submitted").count() == 1
    update.refresh_from_db()
    assert update.state == UpdateState.PUBLISHED


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_accept_and_return_at_once_leave_one_decision(prepared, head, tracker, clerk):
    submission, _update = prepared
    services.submit(submission, by=head)
    results = race(
        lambda: services.accept(submission, by=tracker),
        lambda: services.return_for_correction(submission, by=clerk, comment="Bổ sung"),
    )
    assert _errors(results, services.RoundError) == 1, results
    submission.refresh_from_db()
    decisions = list(submission.events.filter(kind__in=["accepted", "returned"]))
    assert len(decisions) == 1
    assert submission.state == decisions[0].kind


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_stale_head_form_does_not_replace_the_reporters_later_note(prepared, head, reporter):
    submission, _update = prepared
    loaded = submission.version  # the head opens the page
    results = race(
        lambda: services.save_draft(submission, by=reporter, note="Ghi chú mới", version=loaded),
        lambda: services.submit(submission, by=head, note="Ghi chú cũ", version=loaded),
    )
    assert _errors(results, services.RoundError) == 1, results
    submission.refresh_from_db()
    # Whichever came first won; the other was told, and nothing was overwritten silently.
    if submission.state == SubmissionState.SUBMITTED:
        assert submission.note == "Ghi chú cũ"
    else:
        assert submission.note == "Ghi chú mới"


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_submitted_update_form_creates_one_update(q2, most, most_tasks, reporter):
    submission = services.start_submission(q2, most, by=reporter)
    token = "ab" * 16

    def post():
        return services.add_update(
            submission, most_tasks[0], by=reporter, text="Một lần", form_token=token
        )

    results = race(post, post, post)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert ProgressUpdate.objects.filter(text="Một lần").count() == 1
    assert submission.items.count() == 1
    assert len({r.pk for r in results}) == 1


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_approve_and_withdraw_at_once_leave_one_outcome(prepared, head, reporter):
    _submission, update = prepared
    results = race(
        lambda: reporting.approve([update], by=head, versions={update.pk: update.version}),
        lambda: reporting.withdraw_draft(update, by=reporter, version=update.version),
    )
    assert _errors(results, reporting.UpdateConflict) == 1, results
    update.refresh_from_db()
    assert update.state in (UpdateState.PUBLISHED, UpdateState.WITHDRAWN)


# Serial, on any database ---------------------------------------------------------------------


def test_a_second_submit_is_refused_with_a_message(prepared, head):
    submission, _update = prepared
    services.submit(submission, by=head, version=submission.version)
    with pytest.raises(services.RoundError):
        services.submit(submission, by=head, version=1)


def test_a_head_form_loaded_before_the_reporters_note_is_a_conflict(prepared, head, reporter):
    submission, _update = prepared
    loaded = submission.version
    services.save_draft(submission, by=reporter, note="Ghi chú mới", version=loaded)
    with pytest.raises(services.RoundError, match="thay đổi báo cáo sau khi bạn mở trang"):
        services.submit(submission, by=head, note="Ghi chú cũ", version=loaded)
    submission.refresh_from_db()
    assert submission.note == "Ghi chú mới" and submission.state == SubmissionState.DRAFT


def test_the_same_update_form_posted_twice_creates_one_update(q2, most, most_tasks, reporter):
    submission = services.start_submission(q2, most, by=reporter)
    token = "cd" * 16
    first = services.add_update(submission, most_tasks[0], by=reporter, text="x", form_token=token)
    second = services.add_update(submission, most_tasks[0], by=reporter, text="x", form_token=token)
    assert first.pk == second.pk and submission.items.count() == 1


def test_approving_an_approved_draft_is_a_conflict(prepared, head):
    _submission, update = prepared
    reporting.approve([update], by=head)
    with pytest.raises(reporting.UpdateConflict):
        reporting.approve([update], by=head)
