"""The notifications page, marking read, preferences, and the bell in the navigation."""

from __future__ import annotations

import pytest

from dondoc.notifications import services
from dondoc.notifications.models import Notification, NotificationPreference


@pytest.fixture
def signed_in(client, reporter):
    client.force_login(reporter)
    return client


def _make(user, n: int = 1) -> list[Notification]:
    return [
        services.notify(
            [user], kind="overdue", key=f"test:{user.pk}:{i}", subject=f"Việc {i}", url="/tasks/"
        )[0]
        for i in range(n)
    ]


@pytest.mark.django_db
def test_the_bell_shows_the_unread_count(signed_in, reporter):
    _make(reporter, 3)

    page = signed_in.get("/notifications/").content.decode()

    assert 'class="bell-count">3<' in page


@pytest.mark.django_db
def test_the_bell_counts_the_readers_own_unread_ones_at_each_request(
    client, reporter, other_reporter
):
    client.force_login(other_reporter)
    assert "bell-count" not in client.get("/notifications/").content.decode()
    _make(reporter, 2)
    (mine,) = _make(other_reporter)
    assert 'class="bell-count">1<' in client.get("/notifications/").content.decode()
    client.post(f"/notifications/{mine.pk}/read/")
    assert "bell-count" not in client.get("/notifications/").content.decode()


@pytest.mark.django_db
def test_list_shows_only_ones_own_notifications(
    signed_in, reporter, other_reporter, django_assert_max_num_queries
):
    _make(reporter, 40)
    _make(other_reporter, 1)

    with django_assert_max_num_queries(8):
        response = signed_in.get("/notifications/")

    assert response.status_code == 200
    assert len(response.context["notifications"]) == 30
    assert all(n.user_id == reporter.pk for n in response.context["notifications"])


@pytest.mark.django_db
def test_opening_a_notification_marks_it_read_and_goes_to_its_page(signed_in, reporter):
    (notification,) = _make(reporter)

    response = signed_in.post(f"/notifications/{notification.pk}/read/", {"open": "1"})

    assert response.status_code == 302 and response["Location"] == "/tasks/"
    notification.refresh_from_db()
    assert notification.read_at is not None


@pytest.mark.django_db
def test_another_users_notification_is_not_found(signed_in, other_reporter):
    (theirs,) = _make(other_reporter)

    assert signed_in.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.django_db
def test_mark_all_read(signed_in, reporter):
    _make(reporter, 2)

    signed_in.post("/notifications/read-all/")

    assert not Notification.objects.filter(user=reporter, read_at__isnull=True).exists()


@pytest.mark.django_db
def test_preferences_are_saved(signed_in, reporter):
    response = signed_in.post(
        "/notifications/preferences/",
        {"email_due_soon": "on", "digest": "on", "due_soon_days": "10"},
    )

    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=reporter)
    assert (pref.email_due_soon, pref.email_overdue, pref.digest, pref.due_soon_days) == (
        True,
        False,
        True,
        10,
    )


@pytest.mark.django_db
def test_a_key_is_claimed_once_even_when_asked_twice(reporter):
    first = services.notify([reporter], kind="overdue", key="k", subject="A")
    second = services.notify([reporter], kind="overdue", key="k", subject="A")

    assert len(first) == 1 and second == []
