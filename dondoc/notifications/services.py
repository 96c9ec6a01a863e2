"""Creating notifications once, and delivering their e-mail from an outbox.

``notify`` claims one key per event and user (an INSERT into a UNIQUE column): a second run, or
a second runner at the same moment, finds the key taken and creates nothing. E-mail leaves
only after the notification is committed: ``deliver`` claims each pending message with a
conditional UPDATE (``pending`` → ``sending``), sends it, and marks it sent; users who chose
the daily digest get one message a day (``send_digests``) that groups everything pending.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from dondoc.accounts.models import Membership, Role, User
from dondoc.notifications.models import (
    EmailState,
    Notification,
    NotificationKey,
    NotificationPreference,
)

log = logging.getLogger(__name__)

#: After this many failed attempts a message is marked failed and no longer retried.
MAX_ATTEMPTS = 5
#: Roles that speak for an agency and receive its reminders.
AGENCY_ROLES = (Role.REPORTER, Role.AGENCY_HEAD)


@contextmanager
def site_language() -> Iterator[None]:
    """Texts stored for users (subjects, bodies) are written in the site's language."""
    with override(settings.LANGUAGE_CODE):
        yield


def preferences(users: Iterable[User]) -> dict[int, NotificationPreference]:
    """Each user's preferences; the defaults (unsaved) for a user who never chose."""
    ids = [user.pk for user in users]
    found = {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=ids)}
    return {pk: found.get(pk) or NotificationPreference(user_id=pk) for pk in ids}


def preference_for(user: User) -> NotificationPreference:
    return preferences([user])[user.pk]


def claim(key: str) -> bool:
    """Take ``key`` for good; False when it was already taken (by this or another runner)."""
    try:
        with transaction.atomic():
            NotificationKey.objects.create(key=key)
    except IntegrityError:
        return False
    return True


def is_claimed(key: str) -> bool:
    return NotificationKey.objects.filter(key=key).exists()


def user_key(key: str, user: User) -> str:
    return f"{key}:{user.pk}"


def notify(
    users: Iterable[User],
    *,
    kind: str,
    key: str,
    subject: str,
    body: str = "",
    url: str = "",
    prefs: dict[int, NotificationPreference] | None = None,
) -> list[Notification]:
    """Create the notification of event ``key`` for each user who has not had it yet.

    E-mail is queued (``pending``) for users whose preferences ask for this kind and who have
    an address; ``deliver`` or ``send_digests`` sends it.
    """
    users = [user for user in {u.pk: u for u in users}.values() if user.is_active]
    prefs = prefs if prefs is not None else preferences(users)
    created = []
    for user in users:
        if not claim(user_key(key, user)):
            continue
        pref = prefs.get(user.pk) or NotificationPreference(user_id=user.pk)
        wants_email = bool(user.email) and pref.wants_email(kind)
        created.append(
            Notification.objects.create(
                user=user,
                kind=kind,
                subject=subject[:300],
                body=body,
                url=url,
                email_state=EmailState.PENDING if wants_email else EmailState.NONE,
            )
        )
    return created


def notify_now(users: Iterable[User], **event) -> list[Notification]:
    """``notify``, then send the e-mails once the surrounding transaction has committed."""
    created = notify(users, **event)
    ids = [n.pk for n in created if n.email_state == EmailState.PENDING]
    if ids:
        transaction.on_commit(lambda: deliver(ids=ids))
    return created


def agency_users(unit_ids: Iterable[int]) -> list[User]:
    """The active reporters and heads of these units or of the units they merged into."""
    from dondoc.orgs.models import OrgUnit

    successors = dict(OrgUnit.objects.values_list("pk", "successor_id"))
    wanted: set[int] = set()
    for unit_id in unit_ids:
        seen = set()
        while unit_id is not None and unit_id not in seen:
            seen.add(unit_id)
            wanted.add(unit_id)
            unit_id = successors.get(unit_id)
    ids = Membership.objects.filter(org_unit_id__in=wanted).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True, role__in=AGENCY_ROLES))


# -- E-mail -------------------------------------------------------------------------------------


def absolute(url: str) -> str:
    return f"{settings.DONDOC_SITE_URL}{url}" if url.startswith("/") else url


def _footer() -> str:
    return "\n\n--\n" + _("Đôn đốc. Choose which notifications come by e-mail at %(url)s") % {
        "url": absolute("/notifications/preferences/")
    }


def _message(user: User, subject: str, body: str) -> EmailMessage:
    return EmailMessage(
        subject=f"[{_('Đôn đốc')}] {subject}",
        body=body + _footer(),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )


def _claim_for_sending(ids: Iterable[int]) -> int:
    return Notification.objects.filter(pk__in=list(ids), email_state=EmailState.PENDING).update(
        email_state=EmailState.SENDING
    )


def _finish(ids: list[int], sent: bool) -> None:
    qs = Notification.objects.filter(pk__in=ids, email_state=EmailState.SENDING)
    if sent:
        qs.update(email_state=EmailState.SENT, emailed_at=timezone.now())
        return
    qs.update(email_attempts=F("email_attempts") + 1, email_state=EmailState.PENDING)
    Notification.objects.filter(
        pk__in=ids, email_state=EmailState.PENDING, email_attempts__gte=MAX_ATTEMPTS
    ).update(email_state=EmailState.FAILED)


def deliver(ids: Iterable[int] | None = None) -> int:
    """Send the pending e-mails of users without the digest (or only ``ids``); how many sent."""
    qs = Notification.objects.filter(
        email_state=EmailState.PENDING, user__notification_preference__digest=True
    )
    digest_ids = set(qs.values_list("pk", flat=True))
    pending = Notification.objects.filter(email_state=EmailState.PENDING).select_related("user")
    if ids is not None:
        pending = pending.filter(pk__in=list(ids))
    sent = 0
    connection = get_connection()
    with site_language():
        for notification in pending.order_by("pk"):
            if notification.pk in digest_ids or not _claim_for_sending([notification.pk]):
                continue
            body = notification.body
            if notification.url:
                body += "\n\n" + absolute(notification.url)
            message = _message(notification.user, notification.subject, body)
            message.connection = connection
            ok = _send(message)
            _finish([notification.pk], ok)
            sent += ok
    return sent


def send_digests(today: dt.date) -> int:
    """One message per digest user with everything pending; at most one digest a day."""
    pending = (
        Notification.objects.filter(
            email_state=EmailState.PENDING, user__notification_preference__digest=True
        )
        .select_related("user")
        .order_by("user_id", "created_at", "pk")
    )
    by_user: dict[int, list[Notification]] = {}
    for notification in pending:
        by_user.setdefault(notification.user_id, []).append(notification)
    sent = 0
    connection = get_connection()
    with site_language():
        for items in by_user.values():
            user = items[0].user
            if not claim(f"digest:{today:%Y%m%d}:{user.pk}"):
                continue  # today's digest has gone; these wait for tomorrow's
            ids = [n.pk for n in items]
            if not _claim_for_sending(ids):
                continue
            claimed = set(
                Notification.objects.filter(pk__in=ids, email_state=EmailState.SENDING).values_list(
                    "pk", flat=True
                )
            )
            lines = []
            for n in items:
                if n.pk in claimed:
                    lines.append(f"- {n.subject}" + (f"\n  {absolute(n.url)}" if n.url else ""))
            subject = _("Daily digest of %(date)s: %(count)s notifications") % {
                "date": f"{today:%d/%m/%Y}",
                "count": len(lines),
            }
            message = _message(user, subject, "\n".join(lines))
            message.connection = connection
            ok = _send(message)
            _finish(list(claimed), ok)
            sent += ok
    return sent


def _send(message: EmailMessage) -> bool:
    try:
        message.send()
    except Exception:
        log.exception("sending a notification e-mail to %s failed", message.to)
        return False
    return True


# -- In-app -------------------------------------------------------------------------------------


def mark_read(user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications (all, or ``ids``) as read."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


@transaction.atomic
def save_preferences(user: User, **values) -> NotificationPreference:
    pref, _created = NotificationPreference.objects.get_or_create(user=user)
    for name, value in values.items():
        setattr(pref, name, value)
    pref.save()
    return pref
