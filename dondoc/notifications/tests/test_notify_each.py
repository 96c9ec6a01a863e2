"""``notify_each``: one event told to many users, each their own text, once per user."""

from __future__ import annotations

import pytest

from dondoc.notifications import services
from dondoc.notifications.models import EmailState, Notification, NotificationKind

pytestmark = pytest.mark.django_db

KIND = NotificationKind.ROUND_OPENED


def _notices(*users):
    return [services.Notice(user=u, subject=f"Kỳ báo cáo mở ({u.username})") for u in users]


def test_an_event_told_again_tells_nobody_twice(reporter, other_reporter):
    first = services.notify_each(_notices(reporter, other_reporter), kind=KIND, key="event:1")
    again = services.notify_each(_notices(reporter, other_reporter), kind=KIND, key="event:1")

    assert len(first) == 2 and again == []
    assert Notification.objects.count() == 2


def test_a_user_named_twice_is_told_once_with_the_first_text(reporter):
    notices = [
        services.Notice(user=reporter, subject="Bộ KH&CN"),
        services.Notice(user=reporter, subject="Hà Nội"),
    ]

    services.notify_each(notices, kind=KIND, key="event:2")

    assert list(Notification.objects.values_list("subject", flat=True)) == ["Bộ KH&CN"]


def test_a_user_already_told_by_notify_is_not_told_again(reporter, other_reporter):
    services.notify([reporter], kind=KIND, key="event:3", subject="Đã báo")

    created = services.notify_each(_notices(reporter, other_reporter), kind=KIND, key="event:3")

    assert [n.user for n in created] == [other_reporter]


def test_an_inactive_user_is_not_told_and_one_without_an_address_gets_no_e_mail(
    reporter, other_reporter, tracker
):
    reporter.email = "reporter@example.vn"
    reporter.save()
    other_reporter.is_active = False
    other_reporter.save()

    created = services.notify_each(
        _notices(reporter, other_reporter, tracker), kind=KIND, key="event:4"
    )

    assert [(n.user, n.email_state) for n in created] == [
        (reporter, EmailState.PENDING),  # sent by the job once the transaction commits
        (tracker, EmailState.NONE),
    ]


@pytest.mark.django_db
def test_the_users_of_many_agencies_are_read_in_two_statements(
    most, hanoi, reporter, other_reporter, django_assert_num_queries
):
    from dondoc.accounts.models import Membership, Role, User
    from dondoc.notifications.services import agency_users, users_of_each
    from dondoc.orgs.models import OrgKind, OrgUnit

    # A province merged into Hà Nội: its reporter is told through Hà Nội's successor chain.
    old = OrgUnit.objects.create(code="cu", kind=OrgKind.PROVINCE, name="Tỉnh cũ", successor=hanoi)
    old_reporter = User.objects.create_user("cu", role=Role.REPORTER)
    Membership.objects.create(user=old_reporter, org_unit=hanoi)
    idle = User.objects.create_user("idle", role=Role.OBSERVER)
    Membership.objects.create(user=idle, org_unit=most)
    with django_assert_num_queries(2):
        found = users_of_each([most.pk, hanoi.pk, old.pk])
    assert found[most.pk] == [reporter]
    assert {u.pk for u in found[hanoi.pk]} == {other_reporter.pk, old_reporter.pk}
    assert {u.pk for u in found[old.pk]} == {other_reporter.pk, old_reporter.pk}
    assert {u.pk for u in agency_users([old.pk, hanoi.pk])} == {other_reporter.pk, old_reporter.pk}


def test_notify_tells_many_users_in_the_same_few_statements(
    reporter, other_reporter, tracker, django_assert_num_queries
):
    # Claimed keys (read, write), preferences, notifications: four statements (plus the
    # savepoint around the keys) for three users as for one.
    with django_assert_num_queries(6):
        created = services.notify(
            [reporter, other_reporter, tracker], kind=KIND, key="event:5", subject="Nhắc"
        )

    assert {n.user for n in created} == {reporter, other_reporter, tracker}
    assert Notification.objects.filter(subject="Nhắc").count() == 3


def test_a_key_taken_between_the_read_and_the_write_costs_only_that_user(
    reporter, other_reporter, monkeypatch
):
    """Another runner claims one user's key after this call read the keys: the batch INSERT
    fails whole, and every other user is still told, once."""
    from dondoc.notifications.models import NotificationKey

    real_filter = NotificationKey.objects.filter

    def read_then_lose_the_race(*args, **kwargs):
        found = list(real_filter(*args, **kwargs).values_list("key", flat=True))
        NotificationKey.objects.create(key=services.user_key("event:6", other_reporter))
        return NotificationKey.objects.none() if not found else real_filter(*args, **kwargs)

    monkeypatch.setattr(NotificationKey.objects, "filter", read_then_lose_the_race)
    created = services.notify(
        [reporter, other_reporter], kind=KIND, key="event:6", subject="Chạy đua"
    )

    assert [n.user for n in created] == [reporter]
    assert Notification.objects.filter(subject="Chạy đua").count() == 1
