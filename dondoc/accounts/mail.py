"""E-mails about accounts. ``send_invitation`` is the one place an invitation is sent from; it
leaves through the outbox, so the worker sends it after the caller's transaction commits."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from dondoc.accounts.invitations import INVITATION_DAYS, invitation_link
from dondoc.outbox.services import queue_mail


def send_invitation(user: Any, *, invited_by: Any = None) -> None:
    """Send ``user`` the link that sets their first password (in the interface's language)."""
    link = invitation_link(user)
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "invited_by": invited_by,
            "link": link,
            "days": INVITATION_DAYS,
            "site_url": settings.DONDOC_SITE_URL,
        }
        subject = render_to_string("accounts/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/invitation_email.txt", context)
    # One message per link: sending the same invitation twice queues it once, a new link again.
    digest = hashlib.sha256(link.encode()).hexdigest()[:40]
    queue_mail(user.email, subject, body, key=f"invitation:{user.pk}:{digest}")
