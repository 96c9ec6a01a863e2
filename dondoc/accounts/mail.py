"""E-mails about accounts. ``send_invitation`` is the one place an invitation is sent from."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from dondoc.accounts.invitations import INVITATION_DAYS, invitation_link


def send_invitation(user: Any, *, invited_by: Any = None) -> None:
    """Send ``user`` the link that sets their first password (in the interface's language)."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "invited_by": invited_by,
            "link": invitation_link(user),
            "days": INVITATION_DAYS,
            "site_url": settings.DONDOC_SITE_URL,
        }
        subject = render_to_string("accounts/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/invitation_email.txt", context)
    send_mail(subject, body, None, [user.email])
