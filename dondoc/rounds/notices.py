"""Who is told of a step in a submission's life, and what they read.

Called by ``services`` inside the step's transaction: the notifications are written with the
step and their e-mail leaves through the job queue once it commits. Each notice is keyed by
the step's timeline event, so it is sent once (the reminder run uses the same keys).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from dondoc.accounts.models import Role, User
from dondoc.notifications import services as notifications
from dondoc.notifications.models import NotificationKind
from dondoc.rounds.models import Submission, SubmissionEvent


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
