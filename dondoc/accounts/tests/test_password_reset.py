"""Password reset: through the job queue, the same answer for any address, rate-limited."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dondoc.accounts import passwords
from dondoc.outbox.models import OutgoingMail


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def reporter_with_address(reporter):
    reporter.email = "reporter@example.vn"
    reporter.save()
    return reporter


def _ask(client, address: str, capture):
    with capture(execute=True) as jobs:
        response = client.post("/password-reset/", {"email": address})
    assert response.status_code == 302
    return jobs


@pytest.mark.django_db
def test_the_reset_mail_is_written_to_the_outbox_and_sent_by_a_job(
    client, reporter_with_address, django_capture_on_commit_callbacks
):
    _ask(client, "Reporter@Example.vn", django_capture_on_commit_callbacks)

    sent = OutgoingMail.objects.get()
    assert sent.to == "reporter@example.vn" and sent.state == "sent"
    assert len(mail.outbox) == 1 and "/password-reset/" in mail.outbox[0].body
    assert mail.outbox[0].extra_headers["Message-ID"].startswith(f"<mail-{sent.pk}@")


@pytest.mark.django_db
def test_the_request_does_the_same_work_for_a_known_and_an_unknown_address(
    client, reporter_with_address, django_capture_on_commit_callbacks
):
    """Nothing the request itself does depends on the account: same queries, one job each."""
    answers, queries = [], []
    for address in ("reporter@example.vn", "nobody@example.vn"):
        with (
            CaptureQueriesContext(connection) as ctx,
            django_capture_on_commit_callbacks(execute=False) as jobs,
        ):
            response = client.post("/password-reset/", {"email": address})
        answers.append((response.status_code, response["Location"]))
        queries.append([q["sql"] for q in ctx.captured_queries])
        assert len(jobs) == 1  # one queued job, whoever asked

    assert answers[0] == answers[1]
    assert queries[0] == queries[1]
    assert not any("accounts_user" in sql for sql in queries[0])


@pytest.mark.django_db
def test_an_address_is_limited_to_a_few_requests_an_hour(
    client, reporter_with_address, settings, django_capture_on_commit_callbacks
):
    settings.DONDOC_PASSWORD_RESET_LIMIT = 3

    for _ in range(6):
        _ask(client, "reporter@example.vn", django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 3
    assert OutgoingMail.objects.count() == 3


@pytest.mark.django_db
def test_an_account_is_limited_however_the_request_reaches_it(
    reporter_with_address, settings, django_capture_on_commit_callbacks
):
    """The per-account limit holds even past the per-address one (jobs run again, variants)."""
    settings.DONDOC_PASSWORD_RESET_LIMIT = 2

    with django_capture_on_commit_callbacks(execute=True):
        queued = [
            passwords.send_reset_mails(
                "reporter@example.vn", domain="testserver", use_https=False, language="vi", job=job
            )
            for job in "abcde"
        ]

    assert sum(queued) <= 2
    assert len(mail.outbox) <= 2


@pytest.mark.django_db
def test_the_same_job_run_twice_sends_one_mail(
    reporter_with_address, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            passwords.send_reset_mails(
                "reporter@example.vn", domain="testserver", use_https=False, language="vi", job="j1"
            )

    assert len(mail.outbox) == 1
