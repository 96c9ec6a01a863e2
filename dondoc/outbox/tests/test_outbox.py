"""The outbox: one message per key, claims that a dead sender cannot keep, retries later."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from dondoc.outbox import services
from dondoc.outbox.claims import MAX_ATTEMPTS, State
from dondoc.outbox.models import OutgoingMail
from dondoc.outbox.testing import free_port


@pytest.mark.django_db(transaction=True)
def test_queued_mail_leaves_after_commit_and_once_per_key():
    services.queue_mail("a@example.vn", "Lời mời", "Nội dung", key="invite:1")
    services.queue_mail("a@example.vn", "Lời mời", "Nội dung", key="invite:1")

    assert OutgoingMail.objects.count() == 1
    assert len(mail.outbox) == 1
    assert OutgoingMail.objects.get().state == State.SENT


def _mail(**fields) -> OutgoingMail:
    return OutgoingMail.objects.create(key=fields.pop("key", "k"), to="a@example.vn",
                                       subject="S", body="B", **fields)  # fmt: skip


@pytest.mark.django_db
def test_a_dead_senders_claim_is_taken_over_only_when_its_lease_ran_out():
    now = timezone.now()
    held = _mail(key="held", state=State.SENDING, claimed_by="alive",
                 lease_until=now + dt.timedelta(minutes=5))  # fmt: skip
    abandoned = _mail(key="abandoned", state=State.SENDING, claimed_by="dead",
                      lease_until=now - dt.timedelta(seconds=1))  # fmt: skip

    assert services.deliver(token="sweep") == (1, 0)

    held.refresh_from_db()
    abandoned.refresh_from_db()
    assert held.state == State.SENDING and abandoned.state == State.SENT
    assert [m.to for m in mail.outbox] == [["a@example.vn"]]


@pytest.mark.django_db
def test_the_same_job_delivered_again_resumes_its_own_claim_at_once():
    resumed = _mail(state=State.SENDING, claimed_by="job-1",
                    lease_until=timezone.now() + dt.timedelta(minutes=5))  # fmt: skip

    assert services.deliver([resumed.pk], token="job-2") == (0, 0)
    assert services.deliver([resumed.pk], token="job-1") == (1, 0)


@pytest.mark.django_db
def test_a_refused_message_is_retried_later_with_backoff_then_marked_failed(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    message = _mail()

    assert services.deliver(token="t") == (0, 1)
    message.refresh_from_db()
    assert message.state == State.PENDING and message.attempts == 1
    assert message.retry_at > timezone.now() + dt.timedelta(seconds=50)
    assert services.deliver(token="t") == (0, 0)  # not before its time

    for _ in range(MAX_ATTEMPTS - 1):
        OutgoingMail.objects.update(retry_at=None)
        services.deliver(token="t")
    message.refresh_from_db()
    assert message.state == State.FAILED and message.attempts == MAX_ATTEMPTS
