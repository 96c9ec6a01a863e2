"""Account security writes: API tokens, the TOTP second factor (xác thực hai bước).

TOTP devices come from django-otp (RFC 6238, with throttling of wrong codes and refusal of a
code already used). A user with a *confirmed* device is asked for a code after the password,
before the session is opened (see ``views.LoginView`` and ``views.login_code``).
"""

from __future__ import annotations

import base64
import io

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from dondoc.accounts.models import TOKEN_DAYS_DEFAULT, ApiToken, User

SCOPES = ("read", "write")


@transaction.atomic
def issue_token(
    user: User, *, name: str, scopes: list[str], days: int = TOKEN_DAYS_DEFAULT
) -> tuple[ApiToken, str]:
    """A new token for ``user``, valid for ``days``; the key is returned once, never stored."""
    assert scopes and set(scopes) <= set(SCOPES), scopes
    return ApiToken.issue(user, name, ",".join(s for s in SCOPES if s in scopes), days=days)


@transaction.atomic
def revoke_token(token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


@transaction.atomic
def enrolment_device(user: User) -> TOTPDevice:
    """The unconfirmed device being set up (created on first visit)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=False)
    return device


@transaction.atomic
def confirm_device(device: TOTPDevice, token: str) -> bool:
    """Confirm the device when ``token`` is right: from then on sign-in asks for a code."""
    if not device.verify_token(token.strip()):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user_id=device.user_id, confirmed=False).delete()
    return True


@transaction.atomic
def disable_two_factor(user: User, token: str) -> bool:
    """Remove the second factor when ``token`` (from the current device) is right."""
    device = confirmed_device(user)
    if device is None or not device.verify_token(token.strip()):
        return False
    TOTPDevice.objects.filter(user=user).delete()
    return True


def secret_base32(device: TOTPDevice) -> str:
    """The key as typed into an authenticator app by hand."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def qr_svg_data_uri(text: str) -> str:
    """A QR code of ``text`` as an SVG data URI: drawn here, no outside service."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()
