"""Who is told of a round opened or of a step in a submission's life, and what they read.

Called by ``services`` inside the step's transaction: the notifications are written with the
step and their e-mail leaves through the job queue once it commits. Each notice is keyed by
the round or by the step's timeline event, so it is sent once (the reminder run uses the same
keys). An agency's people are those ``policy.agency_holders`` names for the action the notice
asks of them; nobody is told of their own step.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from dondoc.accounts.models import Role, User
from dondoc.accounts.policy import agency_holders
from dondoc.notifications import services as notifications
from dondoc.notifications.models import NotificationKind
from dondoc.rounds.completeness import expected_agencies
from dondoc.rounds.models import ReportingRound, Submission, SubmissionEvent


def _date(day) -> str:
    return f"{day:%d/%m/%Y}"


def _submission_url(submission: Submission) -> str:
    return reverse("rounds:submission", args=[submission.round_id, submission.agency_id])


def submitted(submission: Submission, event: SubmissionEvent) -> None:
    """The Standing Office and the Working Group learn that an agency submitted."""
    reviewers = User.objects.filter(is_active=True, role__in=[Role.STANDING_OFFICE, Role.TRACKER])
    with notifications.site_language():
        subject = _("%(agency)s submitted its report for “%(round)s”") % {
            "agency": submission.agency,
            "round": submission.round,
        }
        body = submission.note or ""
    notifications.notify(
        reviewers,
        kind=NotificationKind.SUBMISSION_SUBMITTED,
        key=f"submission_submitted:{event.pk}",
        subject=subject,
        body=body,
        url=_submission_url(submission),
    )


def reviewed(submission: Submission, event: SubmissionEvent, *, accepted: bool) -> None:
    """The agency learns that its report was accepted, or returned with the comment."""
    with notifications.site_language():
        if accepted:
            kind = NotificationKind.SUBMISSION_ACCEPTED
            subject = _("Your report for “%(round)s” was accepted") % {"round": submission.round}
        else:
            kind = NotificationKind.SUBMISSION_RETURNED
            subject = _("Your report for “%(round)s” was returned for correction") % {
                "round": submission.round
            }
    notifications.notify(
        notifications.agency_users([submission.agency_id]),
        kind=kind,
        key=f"{kind.value}:{event.pk}",
        subject=subject,
        body=event.comment,
        url=_submission_url(submission),
    )


def opened(round_: ReportingRound, *, by: User | None) -> int:
    """The reporters and heads of every expected agency learn that the round is open: its
    period, the date its figures speak of, the due date, and where to report. A user of two
    expected agencies gets one notification naming both, linked to their to-do."""
    agencies = expected_agencies(round_)
    holders = agency_holders("submission.prepare", [unit.pk for unit in agencies])
    theirs: dict[int, tuple[User, list]] = {}
    for unit in agencies:
        for user in holders[unit.pk]:
            if by is None or user.pk != by.pk:
                theirs.setdefault(user.pk, (user, []))[1].append(unit)
    with notifications.site_language():
        subject = _("Reporting round “%(round)s” is open: report by %(date)s") % {
            "round": round_.title,
            "date": _date(round_.due_on),
        }
        lines = [
            _("Period: %(start)s – %(end)s; figures as of %(cutoff)s.")
            % {
                "start": _date(round_.period_start),
                "end": _date(round_.period_end),
                "cutoff": _date(round_.data_as_of),
            },
            _("Report due on %(date)s.") % {"date": _date(round_.due_on)},
        ]
        if round_.lock_on:
            lines.append(
                _("After %(date)s the report can no longer be changed.")
                % {"date": _date(round_.lock_on)}
            )
        notices = []
        for user, units in theirs.values():
            names = ", ".join(str(unit) for unit in units)
            body = "\n".join([*lines, _("For: %(agencies)s") % {"agencies": names}])
            if len(units) == 1:
                url = reverse("rounds:submission", args=[round_.pk, units[0].pk])
            else:
                url = reverse("rounds:todo")
            notices.append(notifications.Notice(user=user, subject=subject, body=body, url=url))
    created = notifications.notify_each(
        notices, kind=NotificationKind.ROUND_OPENED, key=f"round_opened:{round_.pk}"
    )
    return len(created)


def sent_to_head(submission: Submission, event: SubmissionEvent, *, by: User | None) -> None:
    """The agency's heads learn that its report awaits their approval."""
    heads = agency_holders("submission.submit", [submission.agency_id])[submission.agency_id]
    with notifications.site_language():
        subject = _("%(agency)s: the report for “%(round)s” awaits your approval") % {
            "agency": submission.agency,
            "round": submission.round.title,
        }
        body = _("%(user)s sent the report to you for approval; the round is due on %(date)s.") % {
            "user": by or _("Someone"),
            "date": _date(submission.round.due_on),
        }
        if submission.note:
            body += "\n\n" + submission.note
    notifications.notify(
        [user for user in heads if by is None or user.pk != by.pk],
        kind=NotificationKind.SUBMISSION_AWAITING_APPROVAL,
        key=f"submission_awaiting_approval:{event.pk}",
        subject=subject,
        body=body,
        url=_submission_url(submission),
    )
