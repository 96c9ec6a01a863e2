"""Claiming rows of an outbox for sending, so that each message leaves once.

A row waits as ``pending``. A sender claims it with one conditional UPDATE (``pending`` →
``sending``, with its own token and a lease); two senders at the same moment cannot both win.
After sending it marks the row ``sent``; after a failure the row is pending again with a later
``retry_at`` (exponential backoff) until ``MAX_ATTEMPTS``, then ``failed``.

A sender that dies mid-job leaves its rows ``sending``. The same job, delivered again by the
broker (``acks_late``: the job is acknowledged only once it ran), carries the same token and
takes its rows back at once; any other sender takes them only when the lease has run out. The
lease is longer than one SMTP exchange can last, so a live sender is never overtaken.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

#: After this many failed attempts a message is marked failed and no longer retried.
MAX_ATTEMPTS = 5


class State(models.TextChoices):
    PENDING = "pending", "pending"
    SENDING = "sending", "sending"
    SENT = "sent", "sent"
    FAILED = "failed", "failed"


def new_token() -> str:
    return uuid.uuid4().hex


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 … minutes after the first, second, third … failure (at most a day)."""
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 24 * 60))


@dataclass(frozen=True)
class Fields:
    """The names of the claim columns in one outbox model."""

    state: str
    attempts: str
    done_at: str
    claimed_by: str
    lease_until: str
    retry_at: str


class Claims:
    def __init__(self, model: type[models.Model], fields: Fields) -> None:
        self.model = model
        self.f = fields

    def claimable(self, token: str) -> Q:
        """Rows this sender may take now: due pending ones, its own, and abandoned ones."""
        f, now = self.f, timezone.now()
        due = Q(**{f"{f.retry_at}__isnull": True}) | Q(**{f"{f.retry_at}__lte": now})
        return (
            (Q(**{f.state: State.PENDING}) & due)
            | Q(**{f.state: State.SENDING, f.claimed_by: token})
            | Q(**{f.state: State.SENDING, f"{f.lease_until}__lt": now})
        )

    def claim(self, ids: Iterable[int], token: str) -> set[int]:
        """Take the rows among ``ids`` that are free (or already this token's); their ids."""
        ids = list(ids)
        lease = dt.timedelta(seconds=settings.DONDOC_MAIL_LEASE_SECONDS)
        self.model.objects.filter(pk__in=ids).filter(self.claimable(token)).update(
            **{
                self.f.state: State.SENDING,
                self.f.claimed_by: token,
                self.f.lease_until: timezone.now() + lease,
            }
        )
        return set(
            self.model.objects.filter(
                pk__in=ids, **{self.f.state: State.SENDING, self.f.claimed_by: token}
            ).values_list("pk", flat=True)
        )

    def finish(self, ids: Iterable[int], token: str, *, sent: bool) -> None:
        f, now = self.f, timezone.now()
        mine = self.model.objects.filter(
            pk__in=list(ids), **{f.state: State.SENDING, f.claimed_by: token}
        )
        if sent:
            mine.update(**{f.state: State.SENT, f.done_at: now, f.lease_until: None})
            return
        for pk, attempts in mine.values_list("pk", f.attempts):
            attempts += 1
            self.model.objects.filter(pk=pk).update(
                **{
                    f.state: State.PENDING if attempts < MAX_ATTEMPTS else State.FAILED,
                    f.attempts: F(f.attempts) + 1,
                    f.retry_at: now + backoff(attempts),
                    f.lease_until: None,
                }
            )
