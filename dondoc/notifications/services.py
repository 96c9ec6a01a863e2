"""Creating notifications once, and delivering their e-mail from an outbox.

``notify`` claims one key per event and user (an INSERT into a UNIQUE column): a second run, or
a second runner at the same moment, finds the key taken and creates nothing. It writes the
notifications inside the caller's transaction and, once that commits, queues a job that sends
their e-mail (the scheduler's sweep sends whatever a lost job left pending). ``deliver`` claims
each pending message (``dondoc.outbox.claims``: a conditional UPDATE, a lease, the job's own
token), sends it, and marks it sent; a user with more than ``DONDOC_EMAIL_GROUP_OVER`` e-mails
waiting at once (the first run on an old database) gets one summary instead. Users who chose
the daily digest get one message a day (``send_digests``) that groups everything pending.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from dondoc.accounts import signin
from dondoc.accounts.models import Membership, Role, User
from dondoc.notifications.models import (
    EmailState,
    Notification,
    NotificationKey,
    NotificationPreference,
)
from dondoc.outbox.claims import Claims, Fields, new_token
from dondoc.outbox.services import enqueue_on_commit, message_id, send_message

log = logging.getLogger(__name__)

CLAIMS = Claims(
    Notification,
    Fields(
        state="email_state",
        attempts="email_attempts",
        done_at="emailed_at",
        claimed_by="email_claimed_by",
        lease_until="email_lease_until",
        retry_at="email_retry_at",
    ),
)
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
    send: bool = True,
) -> list[Notification]:
    """Create the notification of event ``key`` for each user who has not had it yet.

    E-mail is queued (``pending``) for users whose preferences ask for this kind and who have
    an address. With ``send`` (the default) a job sends it once the caller's transaction
    commits; a caller that sends in bulk itself (the reminder run) passes ``send=False``.
    The same few statements however many users (``notify_each``).
    """
    notices = [Notice(user, subject, body, url) for user in users]
    return _create(notices, kind=kind, key=key, prefs=prefs, send=send)


def _email_state(user: User, pref: NotificationPreference | None, kind: str) -> str:
    pref = pref or NotificationPreference(user_id=user.pk)
    wants_email = bool(user.email) and pref.wants_email(kind)
    return EmailState.PENDING if wants_email else EmailState.NONE


def _send_on_commit(created: list[Notification]) -> None:
    """One job, once the caller's transaction commits, sends the e-mail of ``created``."""
    ids = [n.pk for n in created if n.email_state == EmailState.PENDING]
    if ids:
        from dondoc.notifications.tasks import deliver_notifications

        enqueue_on_commit(deliver_notifications, ids)


@dataclass(frozen=True)
class Notice:
    """What one user reads of an event (``notify_each``)."""

    user: User
    subject: str
    body: str = ""
    url: str = ""


def notify_each(notices: Iterable[Notice], *, kind: str, key: str) -> list[Notification]:
    """``notify`` for an event told to many users, each with their own text (their agency,
    their link), in the same few statements however many users: a round opened for every
    province and ministry is not a thousand INSERTs in the clerk's request.

    A user named twice (two of their agencies) is told once: the first notice counts. The
    e-mail leaves in one job once the caller's transaction commits.
    """
    return _create(notices, kind=kind, key=key, prefs=None, send=True)


def _create(
    notices: Iterable[Notice],
    *,
    kind: str,
    key: str,
    prefs: dict[int, NotificationPreference] | None,
    send: bool,
) -> list[Notification]:
    """The notifications of ``notices`` whose users have not had event ``key`` yet."""
    chosen: dict[int, Notice] = {}
    for notice in notices:
        if notice.user.is_active:
            chosen.setdefault(notice.user.pk, notice)
    fresh = _claim_together(list(chosen.values()), key)
    if not fresh:
        return []
    if prefs is None:
        prefs = preferences([notice.user for notice in fresh])
    created = Notification.objects.bulk_create(
        [
            Notification(
                user=notice.user,
                kind=kind,
                subject=notice.subject[:300],
                body=notice.body,
                url=notice.url,
                email_state=_email_state(notice.user, prefs.get(notice.user.pk), kind),
            )
            for notice in fresh
        ]
    )
    signin.extras_written()  # written without post_save: a bell's count read before is stale
    if send:
        _send_on_commit(created)
    return created


def _claim_together(notices: list[Notice], key: str) -> list[Notice]:
    """The notices whose user's key of event ``key`` this call took (one SELECT, one INSERT).

    Should another runner take one of them at the same moment, that INSERT fails whole and
    each key is claimed on its own.
    """
    keys = {notice.user.pk: user_key(key, notice.user) for notice in notices}
    taken = set(
        NotificationKey.objects.filter(key__in=list(keys.values())).values_list("key", flat=True)
    )
    fresh = [notice for notice in notices if keys[notice.user.pk] not in taken]
    if not fresh:
        return []
    try:
        with transaction.atomic():
            NotificationKey.objects.bulk_create(
                [NotificationKey(key=keys[notice.user.pk]) for notice in fresh]
            )
    except IntegrityError:
        return [notice for notice in fresh if claim(keys[notice.user.pk])]
    return fresh


#: The same as ``notify``: the e-mail leaves once the surrounding transaction has committed.
notify_now = notify


def agency_users(unit_ids: Iterable[int]) -> list[User]:
    """The active reporters and heads of these units or of the units they merged into."""
    found = users_of_each(unit_ids)
    return list({user.pk: user for users in found.values() for user in users}.values())


def users_of_each(unit_ids: Iterable[int]) -> dict[int, list[User]]:
    """``agency_users`` of each unit, read together (two statements for any number of units,
    where a chase of 45 agencies read every unit's successor 45 times)."""
    from dondoc.orgs.models import OrgUnit

    successors = dict(OrgUnit.objects.exclude(successor=None).values_list("pk", "successor_id"))
    chains: dict[int, set[int]] = {}
    for start in unit_ids:
        chain, unit_id = set(), start
        while unit_id is not None and unit_id not in chain:
            chain.add(unit_id)
            unit_id = successors.get(unit_id)
        chains[start] = chain
    wanted = set().union(*chains.values()) if chains else set()
    rows = (
        Membership.objects.filter(
            org_unit_id__in=wanted, user__is_active=True, user__role__in=AGENCY_ROLES
        )
        .select_related("user")
        .order_by("user_id")
    )
    members: dict[int, list[User]] = {}
    for membership in rows:
        members.setdefault(membership.org_unit_id, []).append(membership.user)
    out: dict[int, list[User]] = {}
    for start, chain in chains.items():
        users = {user.pk: user for unit_id in chain for user in members.get(unit_id, [])}
        out[start] = list(users.values())
    return out


# -- E-mail -------------------------------------------------------------------------------------


def absolute(url: str) -> str:
    return f"{settings.DONDOC_SITE_URL}{url}" if url.startswith("/") else url


def _footer() -> str:
    return "\n\n--\n" + _("Đôn đốc. Choose which notifications come by e-mail at %(url)s") % {
        "url": absolute("/notifications/preferences/")
    }


def _message(user: User, subject: str, body: str, first_id: int) -> EmailMessage:
    return EmailMessage(
        subject=f"[{_('Đôn đốc')}] {subject}",
        body=body + _footer(),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={"Message-ID": message_id("notification", first_id)},
    )


def _lines(items: list[Notification]) -> str:
    return "\n".join(f"- {n.subject}" + (f"\n  {absolute(n.url)}" if n.url else "") for n in items)


def _send_group(user: User, items: list[Notification], token: str, subject, connection) -> bool:
    """Claim ``items`` and send them as one message; False when it failed."""
    claimed = CLAIMS.claim([n.pk for n in items], token)
    items = [n for n in items if n.pk in claimed]
    if not items:
        return True
    if subject is None:
        n = items[0]
        body = n.body + (f"\n\n{absolute(n.url)}" if n.url else "")
        message = _message(user, n.subject, body, n.pk)
    else:
        title = subject % {"count": len(items)}
        message = _message(user, title, _lines(items), items[0].pk)
    message.connection = connection
    ok = send_message(message)
    CLAIMS.finish(claimed, token, sent=ok)
    return ok


def _waiting(token: str, ids: Iterable[int] | None, *, digest: bool):
    qs = (
        Notification.objects.filter(CLAIMS.claimable(token))
        .exclude(email_state=EmailState.NONE)
        .select_related("user")
        .order_by("user_id", "created_at", "pk")
    )
    digest_users = NotificationPreference.objects.filter(digest=True).values("user_id")
    qs = qs.filter(user_id__in=digest_users) if digest else qs.exclude(user_id__in=digest_users)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    by_user: dict[int, list[Notification]] = {}
    for notification in qs:
        by_user.setdefault(notification.user_id, []).append(notification)
    return by_user


def deliver(ids: Iterable[int] | None = None, *, token: str | None = None) -> tuple[int, int]:
    """Send the pending e-mails of users without the digest (or only ``ids``): (sent, failed).

    A user with more than ``DONDOC_EMAIL_GROUP_OVER`` waiting gets them as one summary.
    """
    token = token or new_token()
    sent = failed = 0
    connection = get_connection()
    with site_language():
        for items in _waiting(token, ids, digest=False).values():
            user = items[0].user
            if len(items) > settings.DONDOC_EMAIL_GROUP_OVER:
                summary = _("Summary of %(count)s notifications")
                groups = [(items, summary)]
            else:
                groups = [([n], None) for n in items]
            for group, subject in groups:
                ok = _send_group(user, group, token, subject, connection)
                sent += ok
                failed += not ok
    return sent, failed


def send_digests(today: dt.date, *, token: str | None = None) -> int:
    """One message per digest user with everything pending; at most one digest a day."""
    token = token or new_token()
    sent = 0
    connection = get_connection()
    with site_language():
        for items in _waiting(token, None, digest=True).values():
            user = items[0].user
            resuming = any(n.email_state == EmailState.SENDING for n in items)
            if not resuming and not claim(f"digest:{today:%Y%m%d}:{user.pk}"):
                continue  # today's digest has gone; these wait for tomorrow's
            subject = _("Daily digest of %(date)s: %(count)s notifications")
            subject = subject.replace("%(date)s", f"{today:%d/%m/%Y}")
            sent += _send_group(user, items, token, subject, connection)
    return sent


# -- In-app -------------------------------------------------------------------------------------


def mark_read(user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications (all, or ``ids``) as read."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    signin.extras_written()  # the bell's count read with the user no longer holds
    return qs.update(read_at=timezone.now())


@transaction.atomic
def save_preferences(user: User, **values) -> NotificationPreference:
    pref, _created = NotificationPreference.objects.get_or_create(user=user)
    for name, value in values.items():
        setattr(pref, name, value)
    pref.save()
    return pref
