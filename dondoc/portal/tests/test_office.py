"""The back office: triage, routing to an agency, its answer, scoping, bulk steps, reminders."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from dondoc.notifications import runner
from dondoc.notifications.models import Notification, NotificationKind
from dondoc.outbox.models import OutgoingMail
from dondoc.portal import services
from dondoc.portal.access import suggestions
from dondoc.portal.models import State, Submission
from dondoc.tasks.models import SolutionGroup

pytestmark = pytest.mark.django_db


def citizen_item(program, title="Bản đồ số đất hiếm", **extra) -> Submission:
    return services.submit(
        program=program,
        kind="initiative",
        title=title,
        description="Đề xuất xây dựng bản đồ số về đất hiếm.",
        name="Trần Thị Bình",
        email="binh@example.org",
        consent_to_publish=True,
        **extra,
    )


def test_routed_item_is_seen_by_its_agency_and_answered_there(
    client, program, clerk, reporter, most
):
    item = citizen_item(program)
    client.force_login(clerk)
    response = client.post(
        reverse("portal:route", args=[item.pk]), {"agency": most.pk, "version": item.version}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == State.ROUTED and item.answer_due_on is not None

    client.force_login(reporter)
    listing = client.get(reverse("portal:queue")).content.decode()
    assert item.display_code in listing
    response = client.post(
        reverse("portal:answer", args=[item.pk]),
        {"text": "Bộ sẽ nghiên cứu, tiếp thu.", "version": item.version},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == State.ANSWERED and item.answered_by == reporter
    assert {m.key.split(":")[2] for m in OutgoingMail.objects.all()} == {
        "received",
        "routed",
        "answered",
    }
    assert [h.state for h in item.history.order_by("history_date")] == [
        State.RECEIVED,
        State.ROUTED,
        State.ANSWERED,
    ]


def test_another_agency_does_not_see_the_item(client, program, clerk, other_reporter, most):
    item = services.route(citizen_item(program), agency=most, by=clerk)
    client.force_login(other_reporter)
    assert client.get(reverse("portal:detail", args=[item.pk])).status_code == 404
    assert client.post(reverse("portal:answer", args=[item.pk]), {"text": "x"}).status_code == 404
    assert item.display_code not in client.get(reverse("portal:queue")).content.decode()


def test_a_received_item_is_not_visible_to_any_agency(client, program, reporter):
    item = citizen_item(program)
    client.force_login(reporter)
    assert client.get(reverse("portal:detail", args=[item.pk])).status_code == 404


def test_a_member_or_observer_has_no_back_office(client, program, committee_member):
    client.force_login(committee_member)
    assert client.get(reverse("portal:queue")).status_code == 403


def test_a_stale_form_is_a_conflict_not_an_overwrite(client, program, clerk, most, hanoi):
    item = citizen_item(program)
    services.route(item, agency=most, by=clerk)
    client.force_login(clerk)
    response = client.post(
        reverse("portal:route", args=[item.pk]), {"agency": hanoi.pk, "version": item.version}
    )
    assert response.status_code == 409
    item.refresh_from_db()
    assert item.routed_to == most


def test_an_answered_item_cannot_be_rejected(program, clerk):
    item = services.answer(citizen_item(program), text="Đã trả lời", by=clerk)
    with pytest.raises(services.Conflict):
        services.reject(item, reason="muộn", by=clerk)


def test_bulk_routes_and_rejects_ticked_items(client, program, clerk, most):
    first, second, third = (citizen_item(program, title=f"Ý kiến {i}") for i in range(3))
    client.force_login(clerk)
    client.post(
        reverse("portal:bulk"),
        {"action": "route", "ids": [first.pk, second.pk], "agency": most.pk},
    )
    client.post(reverse("portal:bulk"), {"action": "reject", "ids": [third.pk], "reason": "Trùng"})
    states = dict(Submission.objects.values_list("pk", "state"))
    assert states == {first.pk: State.ROUTED, second.pk: State.ROUTED, third.pk: State.REJECTED}


def test_triage_suggests_the_group_and_the_agency_leading_its_tasks(program, most, notice, clerk):
    from dondoc.tasks import services as tasks

    group = SolutionGroup.objects.get(program=program, number=3)
    group.keywords = "đất hiếm\nkhoáng sản"
    group.save()
    task = tasks.create_task(
        program=program,
        content="Khai thác đất hiếm",
        assigned_on=dt.date(2025, 1, 22),
        deadline="Quý I/2025",
        sources=[(notice, "(1)", "")],
        leads=[most],
    )
    task.group = group
    task.save()
    assert suggestions(citizen_item(program)) == (group, most)


def test_moderation_releases_or_removes_a_held_item(client, program, clerk):
    item = citizen_item(program, suspicious="honeypot")
    client.force_login(clerk)
    listing = client.get(reverse("portal:queue"), {"moderation": "1"}).content.decode()
    assert item.display_code in listing
    client.post(reverse("portal:step", args=[item.pk]), {"action": "remove"})
    item.refresh_from_db()
    assert item.state == State.REJECTED and item.hidden


def test_internal_note_and_task_link(client, program, clerk, notice, most):
    from dondoc.tasks import services as tasks

    task = tasks.create_task(
        program=program,
        content="Bản đồ số",
        assigned_on=dt.date(2025, 1, 22),
        deadline="Quý I/2025",
        sources=[(notice, "(1)", "")],
        leads=[most],
    )
    item = citizen_item(program)
    client.force_login(clerk)
    client.post(reverse("portal:note", args=[item.pk]), {"text": "<i>gọi lại</i>"})
    client.post(
        reverse("portal:classify", args=[item.pk]),
        {"kind": "initiative", "task": task.pk, "version": item.version},
    )
    item.refresh_from_db()
    assert item.task == task and item.state == State.UNDER_REVIEW
    page = client.get(reverse("portal:detail", args=[item.pk])).content.decode()
    assert "&lt;i&gt;gọi lại&lt;/i&gt;" in page


def test_the_agency_is_reminded_before_the_answer_date_and_the_office_after(
    program, clerk, reporter, most
):
    with time_machine.travel(dt.datetime(2025, 5, 1, 9, 0), tick=False):
        item = services.route(
            citizen_item(program), agency=most, by=clerk, due_on=dt.date(2025, 5, 5)
        )
        runner.run(dt.date(2025, 5, 1))
    kinds = Notification.objects.filter(kind=NotificationKind.PORTAL_ANSWER_DUE)
    assert set(kinds.values_list("user__username", flat=True)) == {reporter.username}
    runner.run(dt.date(2025, 5, 6))
    assert set(kinds.values_list("user__username", flat=True)) == {
        reporter.username,
        clerk.username,
    }
    assert item.display_code in kinds.first().subject
