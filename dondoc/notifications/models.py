"""In-app notifications (thông báo), e-mail preferences, and the keys that make sending once.

A notification is created once per event and user: its key (``overdue:<task>:<due>:<user>``)
is claimed by inserting a ``NotificationKey`` row, whose UNIQUE constraint makes a second
runner (or a second run) find it taken and send nothing. E-mail is an outbox: a notification
waiting for e-mail has ``email_state = pending`` and is claimed for sending with a conditional
UPDATE, so two runners never send the same message.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    DUE_SOON = "due_soon", _("A task is due soon")
    OVERDUE = "overdue", _("A task is overdue")
    ROUND_CLOSING = "round_closing", _("A reporting round closes soon")
    ROUND_MISSED = "round_missed", _("A reporting round closed with nothing submitted")
    SUBMISSION_SUBMITTED = "submission_submitted", _("An agency submitted its report")
    SUBMISSION_ACCEPTED = "submission_accepted", _("A submission was accepted")
    SUBMISSION_RETURNED = "submission_returned", _("A submission was returned")
    EXPLANATION_REQUESTED = "explanation_requested", _("An explanation was requested")
    EXPLANATION_REPLIED = "explanation_replied", _("An explanation was received")
    PORTAL_ANSWER_DUE = "portal_answer_due", _("A citizen's submission awaits an answer")
    INDICATOR_WARNING = "indicator_warning", _("An indicator is at risk or its value is missing")
    ROUND_OPENED = "round_opened", _("A reporting round was opened")
    SUBMISSION_AWAITING_APPROVAL = (
        "submission_awaiting_approval",
        _("A report awaits the head's approval"),
    )
    PORTAL_ROUTED = "portal_routed", _("A citizen's submission was sent to the agency")


class EmailState(models.TextChoices):
    NONE = "", _("No e-mail")
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Could not be sent")


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_state = models.CharField(
        _("e-mail"), max_length=16, choices=EmailState.choices, default="", blank=True
    )
    email_attempts = models.PositiveSmallIntegerField(default=0)
    emailed_at = models.DateTimeField(null=True, blank=True)
    #: Who is sending the e-mail and until when (see ``dondoc.outbox.claims``).
    email_claimed_by = models.CharField(max_length=64, blank=True)
    email_lease_until = models.DateTimeField(null=True, blank=True)
    #: After a failed attempt: not before then.
    email_retry_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(fields=["email_state", "user"]),
        ]

    def __str__(self) -> str:
        return self.subject


def default_remind_days() -> int:
    return settings.DONDOC_REMIND_DAYS


class NotificationPreference(models.Model):
    """A user's choices: which kinds also come by e-mail, one daily digest, how early."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_due_soon = models.BooleanField(_("a task is due soon"), default=True)
    email_overdue = models.BooleanField(_("a task is overdue"), default=True)
    email_round_closing = models.BooleanField(_("a reporting round closes soon"), default=True)
    email_round_missed = models.BooleanField(
        _("a reporting round closed with nothing submitted"), default=True
    )
    email_submission_submitted = models.BooleanField(
        _("an agency submitted its report"), default=True
    )
    email_submission_accepted = models.BooleanField(_("a submission was accepted"), default=True)
    email_submission_returned = models.BooleanField(_("a submission was returned"), default=True)
    email_explanations = models.BooleanField(_("explanations requested or received"), default=True)
    email_round_opened = models.BooleanField(_("a reporting round is opened"), default=True)
    email_submission_awaiting_approval = models.BooleanField(
        _("a report is sent to me for approval"), default=True
    )
    email_portal_routed = models.BooleanField(
        _("a citizen's submission is sent to my agency"), default=True
    )
    digest = models.BooleanField(
        _("one daily digest instead of one e-mail per notification"), default=False
    )
    due_soon_days = models.PositiveSmallIntegerField(
        _("remind me this many days before a deadline"), default=default_remind_days
    )

    class Meta:
        verbose_name = _("notification preferences")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)

    EMAIL_FIELDS = {
        NotificationKind.DUE_SOON: "email_due_soon",
        NotificationKind.OVERDUE: "email_overdue",
        NotificationKind.ROUND_CLOSING: "email_round_closing",
        NotificationKind.ROUND_MISSED: "email_round_missed",
        NotificationKind.SUBMISSION_SUBMITTED: "email_submission_submitted",
        NotificationKind.SUBMISSION_ACCEPTED: "email_submission_accepted",
        NotificationKind.SUBMISSION_RETURNED: "email_submission_returned",
        NotificationKind.EXPLANATION_REQUESTED: "email_explanations",
        NotificationKind.EXPLANATION_REPLIED: "email_explanations",
        NotificationKind.ROUND_OPENED: "email_round_opened",
        NotificationKind.SUBMISSION_AWAITING_APPROVAL: "email_submission_awaiting_approval",
        NotificationKind.PORTAL_ROUTED: "email_portal_routed",
    }

    def wants_email(self, kind: str) -> bool:
        """Does the user want ``kind`` by e-mail too? Yes for a kind with no choice of its own."""
        field = self.EMAIL_FIELDS.get(NotificationKind(kind))
        return field is None or bool(getattr(self, field))


class NotificationKey(models.Model):
    """An event already notified to a user (or a digest already sent): claimed by insert."""

    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.key
