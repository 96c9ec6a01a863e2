"""The session and the signed-in user read by statements compiled once (``accounts.signin``),
with the bell's count in the user's statement."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dondoc.accounts import signin
from dondoc.notifications import services
from dondoc.notifications.context import notifications


def _notify(user, n: int) -> None:
    for i in range(n):
        services.notify([user], kind="overdue", key=f"t:{user.pk}:{i}", subject=f"Việc {i}")


def _request_of(client):
    request = RequestFactory().get("/")
    request.session = signin.SessionStore(client.session.session_key)
    return request


@pytest.mark.django_db
def test_a_page_reads_the_user_and_its_unread_count_in_one_statement(client, reporter):
    _notify(reporter, 3)
    client.force_login(reporter)

    with CaptureQueriesContext(connection) as queries:
        page = client.get("/notifications/preferences/").content.decode()

    assert 'class="bell-count">3<' in page
    counting = [q["sql"] for q in queries if '"notifications_notification"' in q["sql"]]
    assert len(counting) == 1 and "accounts_user" in counting[0]


@pytest.mark.django_db
def test_the_count_read_with_the_user_gives_way_to_a_notification_written_since(client, reporter):
    _notify(reporter, 1)
    client.force_login(reporter)
    request = _request_of(client)
    request.user = signin.get_user(request)
    assert request.user == reporter and signin.extras_current(request.user)

    _notify(reporter, 2)  # after the user was read, in the same request

    assert not signin.extras_current(request.user)
    assert notifications(request)["unread_notifications"]() == 2


@pytest.mark.django_db
def test_marking_read_after_the_user_was_read_is_seen_by_the_bell(client, reporter):
    _notify(reporter, 2)
    client.force_login(reporter)
    request = _request_of(client)
    request.user = signin.get_user(request)

    services.mark_read(reporter)

    assert notifications(request)["unread_notifications"]() == 0


@pytest.mark.django_db
def test_an_expired_session_reads_as_empty_and_forgets_its_key(client, reporter):
    client.force_login(reporter)
    key = client.session.session_key
    assert signin.SessionStore(key).load()[SESSION_KEY] == str(reporter.pk)

    Session.objects.filter(pk=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    store = signin.SessionStore(key)

    assert store.load() == {} and store.session_key is None


@pytest.mark.django_db
def test_a_changed_password_or_a_deactivated_user_reads_as_anonymous(client, reporter):
    client.force_login(reporter)
    reporter.set_password("another-long-passphrase-2026")
    reporter.save()
    request = _request_of(client)
    assert not signin.get_user(request).is_authenticated
    assert not request.session.get(SESSION_KEY)  # flushed, as Django does

    client.force_login(reporter)
    reporter.is_active = False
    reporter.save()
    assert not signin.get_user(_request_of(client)).is_authenticated


@pytest.mark.django_db
def test_the_session_and_user_statements_are_djangos(client, reporter, settings):
    """With the check of kept statements on, the user's statement is compared with what the
    ORM writes for the same id."""
    settings.DONDOC_VERIFY_KEPT_SQL = True
    client.force_login(reporter)
    request = _request_of(client)
    assert signin.get_user(request) == reporter
    assert client.get("/notifications/preferences/").status_code == 200
