"""Queueing e-mail and delivering it from the outbox.

``queue_mail`` writes the message inside the caller's transaction and, once that commits,
asks the worker to deliver it. If the job never reaches the broker (the broker is down, the
process dies between commit and enqueue), the scheduler's sweep delivers the message anyway.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from kombu.exceptions import OperationalError

from dondoc.outbox.claims import Claims, Fields, new_token
from dondoc.outbox.models import OutgoingMail

log = logging.getLogger(__name__)

CLAIMS = Claims(
    OutgoingMail,
    Fields(
        state="state",
        attempts="attempts",
        done_at="sent_at",
        claimed_by="claimed_by",
        lease_until="lease_until",
        retry_at="retry_at",
    ),
)


def enqueue_on_commit(task, *args) -> None:
    """Send ``task`` to the queue once the current transaction commits (at once outside one).

    A broker that cannot be reached is logged, not raised: the row is written, and the sweep
    delivers it later.
    """

    def send() -> None:
        try:
            task.apply_async(args=args)
        except (OperationalError, OSError):
            log.warning("job %s not queued (broker unreachable); the sweep will run it", task.name)

    transaction.on_commit(send)


def message_id(kind: str, pk: int) -> str:
    """A stable Message-ID, so that a receiving server can recognise a message sent again."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "dondoc"
    return f"<{kind}-{pk}@{domain}>"


def queue_mail(to: str, subject: str, body: str, *, key: str) -> OutgoingMail | None:
    """Queue one e-mail; the worker sends it after the caller's transaction commits.

    ``key`` names the message: queueing the same key again changes nothing and returns None.
    """
    try:
        with transaction.atomic():
            mail = OutgoingMail.objects.create(key=key, to=to, subject=subject[:300], body=body)
    except IntegrityError:
        return None
    from dondoc.outbox.tasks import deliver_mail

    enqueue_on_commit(deliver_mail, [mail.pk])
    return mail


def send_message(message: EmailMessage) -> bool:
    try:
        message.send()
    except Exception:
        log.exception("sending an e-mail to %s failed", message.to)
        return False
    return True


def deliver(ids: Iterable[int] | None = None, *, token: str | None = None) -> tuple[int, int]:
    """Send pending mail (all of it, or ``ids``); (sent, failed)."""
    token = token or new_token()
    qs = OutgoingMail.objects.filter(CLAIMS.claimable(token))
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    sent = failed = 0
    connection = get_connection()
    for pk in qs.order_by("pk").values_list("pk", flat=True):
        if not CLAIMS.claim([pk], token):
            continue
        mail = OutgoingMail.objects.get(pk=pk)
        message = EmailMessage(
            subject=mail.subject,
            body=mail.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[mail.to],
            headers={"Message-ID": message_id("mail", mail.pk)},
            connection=connection,
        )
        ok = send_message(message)
        CLAIMS.finish([pk], token, sent=ok)
        sent += ok
        failed += not ok
    return sent, failed


def retry_countdown(retries: int) -> int:
    """Seconds before a job whose sending failed runs again: 30 s, 1, 2, 4 … minutes."""
    return min(30 * 2**retries, 3600)


def run_job(task, work: Callable[[str], tuple[int, int]]) -> int:
    """Run a delivery job under the job's own id; retry it later (with backoff) on failures."""
    request = task.request
    sent, failed = work(request.id or new_token())
    if failed and not request.is_eager and request.retries < task.max_retries:
        raise task.retry(countdown=retry_countdown(request.retries))
    return sent
