"""Reminders for answers owed to citizens, through the notification machinery.

Registered with ``dondoc.notifications.rules`` when the app is ready: each submission sent to
an agency and not yet answered reminds that agency's users as its answer date nears (within
their chosen days), and once it has passed, the agency and the Standing Office.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext as _

from dondoc.notifications.models import NotificationKind
from dondoc.notifications.rules import Audience, Event
from dondoc.portal.models import State, Submission


def _date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def answer_events(today: dt.date, audience: Audience, horizon: int) -> Iterator[Event]:
    waiting = Submission.objects.filter(
        state=State.ROUTED,
        answer_due_on__isnull=False,
        answer_due_on__lte=today + dt.timedelta(days=horizon),
        routed_to__isnull=False,
    ).order_by("pk")
    for item in waiting:
        due = item.answer_due_on
        overdue = due < today
        subject = (
            _("A citizen's submission %(code)s awaits its answer since %(date)s")
            if overdue
            else _("A citizen's submission %(code)s is to be answered by %(date)s")
        ) % {"code": item.display_code, "date": _date(due)}
        yield Event(
            kind=NotificationKind.PORTAL_ANSWER_DUE,
            key=f"portal_answer:{item.pk}:{'late' if overdue else 'soon'}:{due:%Y%m%d}",
            subject=subject,
            body=item.title,
            url=reverse("portal:detail", args=[item.pk]),
            users=audience.agency(item.routed_to_id) + (audience.office if overdue else []),
            days_left=None if overdue else (due - today).days,
        )
