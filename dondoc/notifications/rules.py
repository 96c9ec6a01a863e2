"""What ``dondoc notify`` tells whom on a given day.

Each rule yields ``Event``s: a kind, a key that names the event (the user's id is appended when
it is claimed), the recipients, and the text. Rules only read; ``run`` creates the
notifications. The reporting-round rules apply only when the rounds app is installed.

- a task due within the user's chosen number of days (against the deadline in force, with
  extensions): the users of its lead agencies and its supervising members' users;
- a task overdue (against the deadline in force): the same people and the Working Group;
- a round closing within the user's chosen days: the users of each expected agency that has
  not submitted;
- a round closed (due date plus grace days passed) with nothing submitted by some agencies:
  those agencies' users, and one summary for the Standing Office;
- a submission returned for correction: the users of its agency;
- an indicator turned at risk (limited progress, deterioration) or whose value is missing
  after its period's due date (``indicators/warnings.py``): the users of its responsible
  agency, the Working Group and the Standing Office; once per status reached and per period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db.models import Prefetch
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from dondoc.accounts.models import Membership, Role, User
from dondoc.notifications.models import NotificationKind, NotificationPreference
from dondoc.notifications.services import AGENCY_ROLES
from dondoc.tasks.models import AgencyRole, TaskAgency
from dondoc.tasks.queries import tasks_as_of, with_status
from dondoc.tasks.status import Status

#: A round that closed longer ago than this is not reported as missed any more (so that the
#: first run on an old database does not announce every round ever held).
MISSED_ROUND_WINDOW = dt.timedelta(days=30)
#: A submission returned longer ago than this is not notified any more.
RETURNED_WINDOW = dt.timedelta(days=14)


@dataclass
class Event:
    kind: str
    key: str
    subject: str
    body: str
    url: str
    users: list[User] = field(default_factory=list)
    #: Recipients who are told only when the event is within their own reminder window.
    days_left: int | None = None


class Audience:
    """Who speaks for which agency, and which user is which committee member: loaded once."""

    def __init__(self) -> None:
        from dondoc.orgs.models import OrgUnit

        self.successor = dict(OrgUnit.objects.values_list("pk", "successor_id"))
        self.by_unit: dict[int, list[User]] = {}
        for membership in Membership.objects.filter(
            user__is_active=True, user__role__in=AGENCY_ROLES
        ).select_related("user"):
            self.by_unit.setdefault(membership.org_unit_id, []).append(membership.user)
        self.by_member: dict[int, list[User]] = {}
        for user in User.objects.filter(is_active=True, committee_member__isnull=False):
            self.by_member.setdefault(user.committee_member_id, []).append(user)
        self.trackers = list(User.objects.filter(is_active=True, role=Role.TRACKER))
        self.office = list(User.objects.filter(is_active=True, role=Role.STANDING_OFFICE))

    def agency(self, unit_id: int) -> list[User]:
        """The unit's reporters and heads, and those of the units it was merged into."""
        users: list[User] = []
        seen: set[int] = set()
        current: int | None = unit_id
        while current is not None and current not in seen:
            seen.add(current)
            users += self.by_unit.get(current, [])
            current = self.successor.get(current)
        return users


def _date(day: dt.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def task_events(today: dt.date, audience: Audience, horizon: int) -> Iterator[Event]:
    """Tasks due within ``horizon`` days, and overdue tasks, as of ``today``."""
    leads = Prefetch(
        "task_agencies",
        queryset=TaskAgency.objects.filter(role=AgencyRole.LEAD),
        to_attr="lead_roles",
    )
    tasks = (
        with_status(tasks_as_of(today), today, soon_days=horizon)
        .filter(status__in=[Status.DUE_SOON, Status.OVERDUE])
        .prefetch_related(leads, "members")
        .order_by("pk")
    )
    for task in tasks:
        due = task.due_on_as_of
        users: list[User] = []
        for role in task.lead_roles:
            users += audience.agency(role.org_unit_id)
        for member in task.members.all():
            users += audience.by_member.get(member.pk, [])
        url = reverse("task-detail", args=[task.pk])
        content = task.content if len(task.content) <= 160 else task.content[:159] + "…"
        if task.status == Status.OVERDUE:
            yield Event(
                kind=NotificationKind.OVERDUE,
                key=f"overdue:{task.pk}:{due:%Y%m%d}",
                subject=_("Task #%(id)s is overdue (deadline %(date)s)")
                % {"id": task.pk, "date": _date(due)},
                body=content,
                url=url,
                users=users + audience.trackers,
            )
        else:
            yield Event(
                kind=NotificationKind.DUE_SOON,
                key=f"due_soon:{task.pk}:{due:%Y%m%d}",
                subject=_("Task #%(id)s is due on %(date)s") % {"id": task.pk, "date": _date(due)},
                body=content,
                url=url,
                users=users,
                days_left=(due - today).days,
            )


def round_events(today: dt.date, audience: Audience, horizon: int) -> Iterator[Event]:
    """Rounds closing soon, rounds closed with nothing submitted, submissions returned."""
    if not apps.is_installed("dondoc.rounds"):
        return
    from dondoc.rounds.completeness import expected_agencies
    from dondoc.rounds.models import EventKind, ReportingRound, SubmissionEvent

    rounds = ReportingRound.objects.filter(
        due_on__gte=today - MISSED_ROUND_WINDOW - dt.timedelta(days=60),
        due_on__lte=today + dt.timedelta(days=horizon),
    ).prefetch_related("agencies", "submissions")
    for round_ in rounds:
        submitted = {
            s.agency_id for s in round_.submissions.all() if s.first_submitted_at is not None
        }
        missing = [unit for unit in expected_agencies(round_) if unit.pk not in submitted]
        closes = round_.on_time_until
        if today <= round_.due_on:
            for unit in missing:
                yield Event(
                    kind=NotificationKind.ROUND_CLOSING,
                    key=f"round_closing:{round_.pk}:{unit.pk}:{round_.due_on:%Y%m%d}",
                    subject=_("Reporting round “%(round)s” is due on %(date)s")
                    % {"round": round_, "date": _date(round_.due_on)},
                    body=_("%(agency)s has not submitted its report yet.") % {"agency": unit},
                    url=_round_url(round_, unit.pk),
                    users=audience.agency(unit.pk),
                    days_left=(round_.due_on - today).days,
                )
        elif closes < today <= closes + MISSED_ROUND_WINDOW and missing:
            for unit in missing:
                yield Event(
                    kind=NotificationKind.ROUND_MISSED,
                    key=f"round_missed:{round_.pk}:{unit.pk}",
                    subject=_("Reporting round “%(round)s” closed on %(date)s")
                    % {"round": round_, "date": _date(closes)},
                    body=_("%(agency)s submitted nothing.") % {"agency": unit},
                    url=_round_url(round_, unit.pk),
                    users=audience.agency(unit.pk),
                )
            yield Event(
                kind=NotificationKind.ROUND_MISSED,
                key=f"round_missed:{round_.pk}",
                subject=_(
                    "Reporting round “%(round)s” closed: %(count)s agencies submitted nothing"
                )
                % {"round": round_, "count": len(missing)},
                body="\n".join(f"- {unit}" for unit in missing),
                url=_round_url(round_),
                users=audience.office,
            )
    returned = SubmissionEvent.objects.filter(
        kind=EventKind.RETURNED, at__date__gte=today - RETURNED_WINDOW
    ).select_related("submission__round", "submission__agency")
    for event in returned:
        submission = event.submission
        yield Event(
            kind=NotificationKind.SUBMISSION_RETURNED,
            key=f"submission_returned:{event.pk}",
            subject=_("Your report for “%(round)s” was returned for correction")
            % {"round": submission.round},
            body=event.comment,
            url=_round_url(submission.round, submission.agency_id),
            users=audience.agency(submission.agency_id),
        )


def _round_url(round_, agency_id: int | None = None) -> str:
    """The agency's submission page, or the round's dashboard."""
    try:
        if agency_id is not None:
            return reverse("rounds:submission", args=[round_.pk, agency_id])
        return reverse("rounds:round-dashboard", args=[round_.pk])
    except NoReverseMatch:
        return "/rounds/"


#: Rules of the apps above this one (the portal's answer deadlines), added at their ``ready()``:
#: each is called as ``rule(today, audience, horizon)`` and yields ``Event``s.
EXTRA_RULES: list = []


def register(rule) -> None:
    if rule not in EXTRA_RULES:
        EXTRA_RULES.append(rule)


def events(today: dt.date, prefs: dict[int, NotificationPreference]) -> Iterator[Event]:
    """Every event of ``today``; ``prefs`` sets how far ahead reminders look."""
    horizon = max(
        [settings.DONDOC_REMIND_DAYS, *(p.due_soon_days for p in prefs.values())], default=0
    )
    audience = Audience()
    yield from task_events(today, audience, horizon)
    yield from round_events(today, audience, horizon)
    for rule in EXTRA_RULES:
        yield from rule(today, audience, horizon)
    yield from indicator_events(today, audience)


def indicator_events(today: dt.date, audience: Audience) -> Iterator[Event]:
    """Indicators at risk on ``today``, and values missing after their due date."""
    from dondoc.indicators.models import Indicator
    from dondoc.indicators.templatetags.indicator_numbers import status_label
    from dondoc.indicators.warnings import indicator_warnings

    for warning in indicator_warnings(Indicator.objects.all(), today):
        indicator = warning.indicator
        users = [*audience.trackers, *audience.office]
        if indicator.responsible_agency_id:
            users += audience.agency(indicator.responsible_agency_id)
        url = reverse("indicators:detail", args=[indicator.pk])
        if warning.kind == "at_risk":
            yield Event(
                kind=NotificationKind.INDICATOR_WARNING,
                key=f"indicator_at_risk:{indicator.pk}:{warning.status}",
                subject=_("Indicator %(code)s: %(status)s")
                % {"code": indicator.code, "status": status_label(warning.status)},
                body=indicator.name,
                url=url,
                users=users,
            )
        else:
            yield Event(
                kind=NotificationKind.INDICATOR_WARNING,
                key=f"indicator_missing:{indicator.pk}:{warning.expected_end:%Y%m%d}",
                subject=_("Indicator %(code)s: no value for the period ended %(date)s")
                % {"code": indicator.code, "date": _date(warning.expected_end)},
                body=indicator.name,
                url=url,
                users=users,
            )
