"""One-time links with which an invited person sets their first password.

The link carries a token in the manner of Django's password reset (an HMAC of the user's id,
password hash, last sign-in and address, with a timestamp), under its own salt and lifetime: it
stops working once used (the password changes), after ``INVITATION_DAYS``, or when the address
changes. A password-reset link does not open an invitation, nor the other way round.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode

#: How long an invitation link stays valid.
INVITATION_DAYS = 7


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "dondoc.accounts.invitations.InvitationTokenGenerator"
    timeout_seconds = INVITATION_DAYS * 24 * 3600

    def check_token(self, user, token) -> bool:
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return self._num_seconds(self._now()) - ts <= self.timeout_seconds


invitation_tokens = InvitationTokenGenerator()


def invitation_link(user) -> str:
    """The absolute address of ``user``'s invitation, as sent by e-mail."""
    path = reverse(
        "invitation-accept",
        args=[urlsafe_base64_encode(force_bytes(user.pk)), invitation_tokens.make_token(user)],
    )
    return settings.DONDOC_SITE_URL + path
