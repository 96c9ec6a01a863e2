"""The session and the signed-in user of a request, read by statements compiled once.

Every page starts by reading its session row and its user row. Django builds both queries
through the ORM on every request (about 0.3 ms of CPU each, more than the database takes to
answer them). Here each is compiled once per database and run with the request's values;
nothing is kept between requests but the SQL text: both rows are read in the request, as
before.

The user's statement also carries what other apps register in ``USER_EXTRAS`` (the unread
notification count of the bell, ``notifications.apps``), read in the same round trip.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth import get_user as django_get_user
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthentication
from django.contrib.sessions.backends import db
from django.core.exceptions import SuspiciousOperation
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Expression
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from dondoc.core import prepared

#: name -> a function returning an expression on the user (``OuterRef("pk")``), annotated on
#: the signed-in user when it is read. Filled by the apps above this one at ``ready()``.
USER_EXTRAS: dict[str, Callable[[], Expression]] = {}

#: How many writes to what ``USER_EXTRAS`` count this process has made (``extras_written``).
_WRITES = [0]


def extras_written() -> None:
    """Say that rows counted by a ``USER_EXTRAS`` annotation were written: a user read before
    then no longer answers for them (``extras_current``)."""
    _WRITES[0] += 1


def extras_current(user: Any) -> bool:
    """Do ``user``'s ``USER_EXTRAS`` annotations still hold: read with the user, and nothing
    they count written by this process since?"""
    return getattr(user, "_dondoc_extras_at", None) == _WRITES[0]


_KEY = "dondoc-session-stand-in-key"
_WHEN = dt.datetime(1999, 12, 31, 1, 2, 3, 456789, tzinfo=dt.UTC)
_SESSION_SQL: dict[tuple, tuple[str, list]] = {}


def _session_statement(model: Any) -> tuple[str, list]:
    """The SQL of ``model.objects.get(session_key=…, expire_date__gt=…)`` (Django's own
    session read, its data column alone) and, per parameter, the value it keeps or the name
    of the request's value that goes there."""
    connection = connections[DEFAULT_DB_ALIAS]
    key = (connection.vendor, model._meta.db_table)
    found = _SESSION_SQL.get(key)
    if found is None:
        queryset = model.objects.filter(session_key=_KEY, expire_date__gt=_WHEN)
        queryset = queryset.values_list("session_data")[:1]
        sql, params = queryset.query.get_compiler(using=DEFAULT_DB_ALIAS).as_sql()
        when = connection.ops.adapt_datetimefield_value(_WHEN)
        places = ["key" if p == _KEY else "when" if p == when else (p,) for p in params]
        if sorted(p for p in places if isinstance(p, str)) != ["key", "when"]:
            raise AssertionError(f"unexpected session statement: {sql} {params!r}")
        found = _SESSION_SQL[key] = (sql, places)
    return found


class SessionStore(db.SessionStore):
    """Django's database sessions, their read compiled once (``SESSION_ENGINE``)."""

    def load(self) -> dict:
        data = self._session_data_from_db()
        return self.decode(data) if data is not None else {}

    def _session_data_from_db(self) -> str | None:
        """``_get_session_from_db().session_data``: the session's data while it has not
        expired, else None (and the key is forgotten, as Django does)."""
        try:
            if not self.session_key:
                raise self.model.DoesNotExist
            sql, places = _session_statement(self.model)
            connection = connections[DEFAULT_DB_ALIAS]
            values = {
                "key": self.session_key,
                "when": connection.ops.adapt_datetimefield_value(timezone.now()),
            }
            params = [values[p] if isinstance(p, str) else p[0] for p in places]
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                row = cursor.fetchone()
            if row is None:
                raise self.model.DoesNotExist
            return row[0]
        except (self.model.DoesNotExist, SuspiciousOperation) as e:
            if isinstance(e, SuspiciousOperation):
                logger = logging.getLogger(f"django.security.{e.__class__.__name__}")
                logger.warning(str(e))
            self._session_key = None
            return None


def _user_query(ids: list[int]):
    user_model = get_user_model()
    queryset = user_model._default_manager.filter(pk=ids[0])
    if USER_EXTRAS:
        queryset = queryset.annotate(**{name: make() for name, make in USER_EXTRAS.items()})
    return queryset


def load_user(user_id: Any) -> Any:
    """``ModelBackend().get_user(user_id)``, its statement compiled once: the active user
    with this id (and the ``USER_EXTRAS`` annotations), or None."""
    try:
        pk = int(user_id)
    except (TypeError, ValueError):
        return ModelBackend().get_user(user_id)
    writes = _WRITES[0]
    found = prepared.instances(("signed_in_user", tuple(USER_EXTRAS)), _user_query, [pk])
    if not found:
        return None
    user = found[0]
    user._dondoc_extras_at = writes
    return user if ModelBackend().user_can_authenticate(user) else None


_MODEL_BACKEND = f"{ModelBackend.__module__}.{ModelBackend.__qualname__}"


def get_user(request: Any) -> Any:
    """``django.contrib.auth.get_user(request)``: the user of the request's session, with its
    session hash checked, read by ``load_user`` when the session was opened by Django's
    ``ModelBackend`` (any other backend goes through Django's own function)."""
    from django.contrib.auth.models import AnonymousUser

    try:
        backend_path = request.session[BACKEND_SESSION_KEY]
    except KeyError:
        return AnonymousUser()
    if backend_path != _MODEL_BACKEND or backend_path not in settings.AUTHENTICATION_BACKENDS:
        return django_get_user(request)
    try:
        user_id = get_user_model()._meta.pk.to_python(request.session[SESSION_KEY])
    except KeyError:
        return AnonymousUser()
    user = load_user(user_id)
    # Verify the session, as Django does.
    if hasattr(user, "get_session_auth_hash"):
        session_hash = request.session.get(HASH_SESSION_KEY)
        if not session_hash:
            session_hash_verified = False
        else:
            session_auth_hash = user.get_session_auth_hash()
            session_hash_verified = constant_time_compare(session_hash, session_auth_hash)
        if not session_hash_verified:
            if session_hash and any(
                constant_time_compare(session_hash, fallback_auth_hash)
                for fallback_auth_hash in user.get_session_auth_fallback_hash()
            ):
                request.session.cycle_key()
                request.session[HASH_SESSION_KEY] = session_auth_hash
            else:
                request.session.flush()
                user = None
    return user or AnonymousUser()


class AuthenticationMiddleware(DjangoAuthentication):
    """Django's ``AuthenticationMiddleware``, the user read by ``get_user`` above."""

    def process_request(self, request: Any) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: get_user(request))
