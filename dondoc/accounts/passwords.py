"""Password reset by e-mail: the same quick answer whether or not the address is known.

The request only counts the attempt for the address and queues a job; the job finds the
accounts, counts the attempt for each account, and queues the e-mail in the outbox. Nothing
the request does depends on whether an account exists, so neither its answer nor its timing
tells. Both limits live in the cache (Redis in production).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import override

from dondoc.core import ratelimit
from dondoc.outbox.models import OutgoingMail
from dondoc.outbox.services import enqueue_on_commit, queue_mail

EMAIL_TEMPLATE = "accounts/password_reset_email.txt"
SUBJECT_TEMPLATE = "accounts/password_reset_subject.txt"


def _allowed(scope: str, value: str) -> bool:
    return ratelimit.hit(
        scope,
        value,
        limit=settings.DONDOC_PASSWORD_RESET_LIMIT,
        window=settings.DONDOC_PASSWORD_RESET_WINDOW,
    )


def request_reset(email: str, *, domain: str, use_https: bool, language: str) -> None:
    """Queue the reset of the accounts with this address (if any, and if not asked too often)."""
    address = email.strip().lower()
    if not _allowed("password-reset-address", address):
        return
    from dondoc.accounts.tasks import send_password_reset

    enqueue_on_commit(send_password_reset, address, domain, use_https, language)


def send_reset_mails(address: str, *, domain: str, use_https: bool, language: str, job: str) -> int:
    """For each active account with ``address``: a reset link by e-mail; how many queued.

    ``job`` names the request: the same job run again (after a worker died) sends nothing new.
    """
    queued = 0
    for user in PasswordResetForm().get_users(address):
        key = f"password-reset:{job}:{user.pk}"
        if OutgoingMail.objects.filter(key=key).exists():
            continue  # this job ran before
        if not _allowed("password-reset-account", str(user.pk)):
            continue
        token = default_token_generator.make_token(user)
        context = {
            "email": user.email,
            "domain": domain,
            "site_name": domain,
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "user": user,
            "token": token,
            "protocol": "https" if use_https else "http",
        }
        with override(language):
            subject = "".join(render_to_string(SUBJECT_TEMPLATE, context).splitlines())
            body = render_to_string(EMAIL_TEMPLATE, context)
        queued += bool(queue_mail(user.email, subject, body, key=key))
    return queued
