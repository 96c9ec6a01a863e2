"""Told when it happens: a citizen's submission routed to an agency, with its answer date."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from dondoc.accounts.models import Membership, Role, User
from dondoc.accounts.policy import can
from dondoc.conftest import PASSWORD
from dondoc.core.transitions import Conflict
from dondoc.notifications import runner
from dondoc.notifications.models import EmailState, Notification, NotificationKind
from dondoc.portal import services
from dondoc.portal.models import Submission

pytestmark = pytest.mark.django_db


def _item(program) -> Submission:
    return services.submit(
        program=program,
        kind="initiative",
        title="Bản đồ số đất hiếm",
        description="Đề xuất xây dựng bản đồ số về đất hiếm.",
        name="Trần Thị Bình",
        email="binh@example.org",
        consent_to_publish=True,
    )


def _person(username: str, role: str, *units) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, role=role, email=f"{username}@example.vn"
    )
    for unit in units:
        Membership.objects.create(user=user, org_unit=unit)
    return user


def _told() -> dict[str, Notification]:
    found = Notification.objects.filter(kind=NotificationKind.PORTAL_ROUTED)
    return {n.user.username: n for n in found.select_related("user")}


def test_routing_tells_the_agency_users_who_may_answer_with_the_answer_date(
    program, most, hanoi, clerk, tracker, reporter, other_reporter, committee_member
):
    head = _person("head", Role.AGENCY_HEAD, most)
    watcher = _person("watcher", Role.OBSERVER, most)

    item = services.route(_item(program), agency=most, by=clerk, due_on=dt.date(2025, 8, 15))

    told = _told()
    assert set(told) == {"reporter", "head"}
    notice = told["head"]
    assert item.display_code in notice.subject and "15/08/2025" in notice.subject
    assert "Bản đồ số đất hiếm" in notice.body and "Bộ KH&CN" in notice.body
    assert notice.url == reverse("portal:detail", args=[item.pk])
    assert can(head, "portal.answer", item) and can(reporter, "portal.answer", item)
    assert not can(watcher, "portal.view", item)


def test_routing_again_to_another_agency_tells_the_new_one(program, most, hanoi, clerk):
    item = services.route(_item(program), agency=most, by=clerk)
    _person("hanoi_head", Role.AGENCY_HEAD, hanoi)

    services.route(item, agency=hanoi, by=clerk, due_on=dt.date(2025, 9, 1))

    assert set(_told()) == {"hanoi_head"}


def test_whoever_routes_the_item_is_not_told_of_it(program, most, clerk):
    """A head who routes an item to their own agency (portal.answer) is not told of it."""
    head = _person("head", Role.AGENCY_HEAD, most)
    deputy = _person("deputy", Role.REPORTER, most)
    item = _item(program)
    Submission.objects.filter(pk=item.pk).update(routed_to=most, state="routed")

    services.route(item, agency=most, by=head, due_on=dt.date(2025, 9, 1))

    assert set(_told()) == {deputy.username}


def test_a_refused_routing_tells_nobody(program, most, clerk, reporter):
    item = _item(program)
    services.reject(item, reason="Trùng lặp", by=clerk)

    with pytest.raises(Conflict):
        services.route(item, agency=most, by=clerk)

    assert not Notification.objects.exists()
    services.reopen(item, by=clerk)
    services.route(item, agency=most, by=clerk)
    assert set(_told()) == {"reporter"}


@pytest.mark.django_db(transaction=True)
def test_the_routing_e_mail_leaves_once_after_commit_and_never_on_a_rollback(
    program, most, clerk, reporter
):
    reporter.email = "reporter@example.vn"
    reporter.save()
    item = _item(program)
    mail.outbox.clear()

    with pytest.raises(RuntimeError), transaction.atomic():
        services.route(item, agency=most, by=clerk)
        raise RuntimeError("the page failed after routing")
    assert not Notification.objects.exists()
    assert mail.outbox == []

    with transaction.atomic():
        services.route(item, agency=most, by=clerk, due_on=dt.date(2025, 8, 15))
        assert mail.outbox == []
    to_agency = [m for m in mail.outbox if m.to == ["reporter@example.vn"]]
    assert len(to_agency) == 1
    assert "15/08/2025" in to_agency[0].subject
    assert reverse("portal:detail", args=[item.pk]) in to_agency[0].body
    assert Notification.objects.get(user=reporter).email_state == EmailState.SENT


def test_the_daily_reminder_of_an_answer_due_mails_an_agency_user_with_an_address(
    program, most, clerk, reporter
):
    """A kind without an e-mail choice of its own is mailed (it was refused with an error)."""
    reporter.email = "reporter@example.vn"
    reporter.save()
    services.route(_item(program), agency=most, by=clerk, due_on=dt.date(2025, 5, 5))

    report = runner.run(dt.date(2025, 5, 6))

    due = Notification.objects.get(user=reporter, kind=NotificationKind.PORTAL_ANSWER_DUE)
    assert due.email_state == EmailState.SENT and report.emailed >= 1
