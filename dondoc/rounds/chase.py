"""Chasing the agencies that have not reported in a round ("đôn đốc ngay").

The Standing Office or the Working Group presses "Chase now" on the round's dashboard: every
expected agency without a submitted report (nothing, a draft, or a report returned for
correction) is notified through the notifications service, and the round records when it was
last chased. A second press within the same minute (a double click) notifies nobody twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dondoc.notifications import services as notifications
from dondoc.notifications.models import NotificationKind
from dondoc.orgs.models import OrgUnit
from dondoc.rounds.completeness import ReportStatus, completeness
from dondoc.rounds.models import ReportingRound

#: Standings that are chased: nothing sent yet (a draft or a returned report counts as none).
CHASED = frozenset({ReportStatus.NOTHING, ReportStatus.DRAFT})


@dataclass
class ChaseResult:
    agencies: list[OrgUnit]
    notified: int  # notifications created (users × agencies)


def agencies_to_chase(round_: ReportingRound) -> list[OrgUnit]:
    """The expected agencies that have not submitted their report."""
    return [line.agency for line in completeness(round_).lines if line.status in CHASED]


@transaction.atomic
def chase(round_: ReportingRound, *, by) -> ChaseResult:
    """Notify every agency of ``round_`` that has not submitted, now."""
    locked = ReportingRound.objects.select_for_update().get(pk=round_.pk)
    now = timezone.now()
    agencies = agencies_to_chase(locked)
    stamp = timezone.localtime(now).strftime("%Y%m%d%H%M")
    with notifications.site_language():
        subject = _("Reminder: your report for “%(round)s” is due on %(date)s") % {
            "round": locked.title,
            "date": f"{locked.due_on:%d/%m/%Y}",
        }
    notified = 0
    users = notifications.users_of_each([agency.pk for agency in agencies])
    for agency in agencies:
        with notifications.site_language():
            body = _(
                "%(agency)s has not submitted its report for “%(round)s” yet "
                "(figures as of %(cutoff)s, due on %(date)s)."
            ) % {
                "agency": agency,
                "round": locked.title,
                "cutoff": f"{locked.data_as_of:%d/%m/%Y}",
                "date": f"{locked.due_on:%d/%m/%Y}",
            }
        notified += len(
            notifications.notify_now(
                users[agency.pk],
                kind=NotificationKind.ROUND_CLOSING,
                key=f"round_chase:{locked.pk}:{agency.pk}:{stamp}",
                subject=subject,
                body=body,
                url=reverse("rounds:submission", args=[locked.pk, agency.pk]),
            )
        )
    locked.last_chased_at = now
    locked._history_user = by
    locked.save(update_fields=["last_chased_at"])
    round_.last_chased_at = now
    return ChaseResult(agencies=agencies, notified=notified)
