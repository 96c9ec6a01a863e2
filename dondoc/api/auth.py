"""Who is calling the API: a bearer token, or the browser's signed-in session.

A token (``dondoc.accounts.models.ApiToken``) is found by the hash of its key; revoked and
expired tokens are refused. Scopes: "read" for GET, "write" for anything that changes data. The
session is accepted too, so the pages' own JavaScript can call the API; writes then need the
CSRF token, as a form would.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer
from ninja.security.base import AuthBase
from ninja.utils import check_csrf

from dondoc.accounts.models import ApiToken

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: ``last_used_at`` is written at most this often per token.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def required_scope(request: HttpRequest) -> str:
    return "read" if request.method in SAFE_METHODS else "write"


def touch_token(token: ApiToken, now: dt.datetime | None = None) -> None:
    """Record that ``token`` was used, at most once a minute (one conditional UPDATE)."""
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk).exclude(
        last_used_at__gt=now - LAST_USED_RESOLUTION
    ).update(last_used_at=now)
    token.last_used_at = now


class BearerToken(HttpBearer):
    """``Authorization: Bearer <key>`` with a key issued by ``dondoc token create``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        key = token.strip()
        if not key:
            raise AuthenticationError(message="The bearer token is empty.")
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True)
            .first()
        )
        if found is None or not found.user.is_active:
            raise AuthenticationError(message="The bearer token is unknown or has been revoked.")
        if found.is_expired:
            expired = timezone.localtime(found.expires_at).strftime("%d/%m/%Y")
            raise AuthenticationError(
                message=f"The bearer token expired on {expired}: create a new one."
            )
        scope = required_scope(request)
        if scope not in found.scope_set:
            raise HttpError(403, f"This token does not have the {scope!r} scope.")
        touch_token(found)
        request.user = found.user
        request.api_token = found
        return found.user


class SessionAuth(AuthBase):
    """The browser's session cookie; writes also need Django's CSRF token."""

    openapi_type = "apiKey"
    openapi_in = "cookie"
    openapi_name = "sessionid"

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise HttpError(403, "CSRF check failed: send the X-CSRFToken header.")
        return user
