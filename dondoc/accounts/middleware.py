"""No session counts as signed in until it has passed every factor its user has.

The sign-in pages ask for the TOTP code after the password (``views.LoginView`` and
``views.login_code``), but a session can be opened by other paths too (Django's admin sign-in,
``login()`` called anywhere). This middleware closes all of them at once: when the user of a
session has a confirmed device and the session was not verified with a code from it
(django-otp's ``otp_device_id``), ``request.user`` is anonymous for every page and the API.

Whether the user has a device is remembered in the session when it opens, so the pages of users
without a second factor pay no extra query.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY

from dondoc.accounts import security

#: Session key: does this session's user have a confirmed second factor?
NEEDS_CODE = "dondoc_needs_code"


def remember_second_factor(request: HttpRequest, user: Any) -> None:
    request.session[NEEDS_CODE] = security.confirmed_device(user) is not None


@receiver(user_logged_in)
def _on_login(sender, request: HttpRequest | None, user: Any, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        remember_second_factor(request, user)


def verified_user(request: HttpRequest, user: Any) -> Any:
    """``user``, or an anonymous user when the session lacks the second factor it needs."""
    if not getattr(user, "is_authenticated", False):
        return user
    if request.session.get(NEEDS_CODE) is None:  # a session opened before this check existed
        remember_second_factor(request, user)
    if not request.session[NEEDS_CODE]:
        return user
    device = security.confirmed_device(user)
    if device is None:  # the device was removed since: the code is no longer asked
        request.session[NEEDS_CODE] = False
        return user
    if request.session.get(DEVICE_ID_SESSION_KEY) == device.persistent_id:
        return user
    return AnonymousUser()


class SecondFactorMiddleware:
    """Place right after ``AuthenticationMiddleware``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        request.user = SimpleLazyObject(lambda: verified_user(request, user))
        return self.get_response(request)
