"""Reporting rounds (kỳ báo cáo), agencies' submissions and their review, action plans.

The Standing Office opens a round for a set of agencies; each expected agency prepares a
submission (progress updates on its open tasks), its head approves and submits it, and the
Working Group accepts it or returns it with a comment. Which agencies are expected follows the
units' validity on the round's period end (see ``dondoc.rounds.completeness``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from dondoc.core.history import AuditedHistory


class ReportingRound(models.Model):
    """A reporting round (kỳ báo cáo): "Quý II/2025", due 05/07/2025."""

    program = models.ForeignKey(
        "tasks.Program", on_delete=models.CASCADE, related_name="rounds", verbose_name=_("program")
    )
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    cutoff_on = models.DateField(
        _("data cut-off date"),
        null=True,
        blank=True,
        help_text=_(
            "Agencies report their figures and progress as of this date (for example the 14th "
            "of the period's last month); the period end when empty."
        ),
    )
    due_on = models.DateField(_("due date"))
    grace_days = models.PositiveSmallIntegerField(
        _("grace days"),
        default=0,
        help_text=_("Days after the due date that still count as on time."),
    )
    lock_on = models.DateField(
        _("lock date"),
        null=True,
        blank=True,
        help_text=_("After this date only the Standing Office can reopen a submission."),
    )
    requires_task_updates = models.BooleanField(
        _("progress update on each open task"), default=True
    )
    #: Placeholder: indicator values join the submission with the indicator catalogue.
    requires_indicator_values = models.BooleanField(_("indicator values"), default=False)
    agencies = models.ManyToManyField(
        "orgs.OrgUnit",
        through="RoundAgency",
        related_name="reporting_rounds",
        verbose_name=_("agencies chosen"),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    last_chased_at = models.DateTimeField(_("last chased at"), null=True, blank=True)
    history = HistoricalRecords(bases=[AuditedHistory])

    class Meta:
        ordering = ["-period_end", "-pk"]
        verbose_name = _("reporting round")
        verbose_name_plural = _("reporting rounds")
        constraints = [
            models.UniqueConstraint(fields=["program", "title"], name="unique_round_title"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def data_as_of(self) -> dt.date:
        """The date the agencies' figures and progress speak of: the cut-off date, or the
        period end."""
        return self.cutoff_on or self.period_end

    @property
    def on_time_until(self) -> dt.date:
        """The last day a submission counts as on time (due date plus grace days)."""
        return self.due_on + dt.timedelta(days=self.grace_days)

    def policy_org_ids(self) -> set[int]:
        """The agencies expected to report (for ``policy.can`` with scope OWN)."""
        from dondoc.rounds.completeness import expected_agencies

        return {unit.pk for unit in expected_agencies(self)}

    def is_locked(self, day: dt.date) -> bool:
        return self.lock_on is not None and day > self.lock_on

    def is_closed(self, day: dt.date) -> bool:
        return day > self.on_time_until

    def is_on_time(self, moment: dt.datetime) -> bool:
        return timezone.localdate(moment) <= self.on_time_until


class RoundAgency(models.Model):
    """An agency chosen when the round was opened (by kind or by hand)."""

    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="chosen")
    org_unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "org_unit"], name="unique_round_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.org_unit_id}"


class SubmissionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_APPROVAL = "with_head", _("Awaiting the head's approval")
    SUBMITTED = "submitted", _("Submitted, awaiting review")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned for correction")


#: States in which the agency may still change its submission (a returned one is a draft again).
EDITABLE_STATES = frozenset(
    {SubmissionState.DRAFT, SubmissionState.AWAITING_APPROVAL, SubmissionState.RETURNED}
)
#: States in which the agency has reported.
SUBMITTED_STATES = frozenset({SubmissionState.SUBMITTED, SubmissionState.ACCEPTED})


def signed_report_path(instance: Submission, filename: str) -> str:
    return f"submissions/{instance.round_id}/{instance.agency_id}/{filename}"


class Submission(models.Model):
    """One agency's report for one round (báo cáo của cơ quan trong kỳ)."""

    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="submissions")
    agency = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="submissions")
    state = models.CharField(
        _("state"), max_length=16, choices=SubmissionState.choices, default=SubmissionState.DRAFT
    )
    note = models.TextField(_("summary"), blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    #: Set when the Standing Office reopens a submission after the lock date.
    reopened = models.BooleanField(default=False)
    #: Raised by every step; a form loaded at an older version is a conflict, not an overwrite.
    version = models.PositiveIntegerField(default=1)
    # The signed official report (công văn báo cáo) the agency sent with its submission.
    signed_number = models.CharField(_("report number"), max_length=64, blank=True)
    signed_on = models.DateField(_("report date"), null=True, blank=True)
    signed_file = models.FileField(
        _("signed report (PDF)"), upload_to=signed_report_path, blank=True
    )
    signed_name = models.CharField(max_length=255, blank=True)
    updates = models.ManyToManyField(
        "tasks.ProgressUpdate", through="SubmissionUpdate", related_name="submissions"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(bases=[AuditedHistory])

    class Meta:
        ordering = ["round", "agency"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(fields=["round", "agency"], name="unique_round_submission"),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.agency}"

    def policy_org_ids(self) -> set[int]:
        """The agency that owns this submission (for ``policy.can`` with scope OWN)."""
        return {self.agency_id}

    @property
    def is_draft(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def first_on_time(self) -> bool | None:
        """Was the first submission on time? None when never submitted."""
        if self.first_submitted_at is None:
            return None
        return self.round.is_on_time(self.first_submitted_at)


class SubmissionUpdate(models.Model):
    """A progress update posted as part of a submission."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="items")
    update = models.ForeignKey(
        "tasks.ProgressUpdate", on_delete=models.CASCADE, related_name="submission_items"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "update"], name="unique_submission_update"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission_id}: {self.update_id}"


class EventKind(models.TextChoices):
    CREATED = "created", _("Draft started")
    SAVED = "saved", _("Draft saved")
    UPDATE = "update", _("Progress update added")
    SUBMITTED = "submitted", _("Approved and submitted")
    SENT_TO_HEAD = "sent_to_head", _("Sent to the head for approval")
    APPROVED = "approved", _("Progress update approved")
    WITHDRAWN = "withdrawn", _("Draft update withdrawn")
    SIGNED = "signed", _("Signed report attached")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned for correction")
    REOPENED = "reopened", _("Reopened by the Standing Office")


class SubmissionEvent(models.Model):
    """One step in a submission's timeline."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.TextField(blank=True)
    task = models.ForeignKey("tasks.Task", null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.at:%d/%m/%Y %H:%M})"


def action_plan_path(instance: ActionPlan, filename: str) -> str:
    return f"action-plans/{instance.program_id}/{instance.agency_id}/{filename}"


class ActionPlan(models.Model):
    """An agency's own action plan for a program (kế hoạch hành động / chương trình hành động)."""

    program = models.ForeignKey(
        "tasks.Program", on_delete=models.CASCADE, related_name="action_plans"
    )
    agency = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="action_plans",
        verbose_name=_("agency"),
    )
    number = models.CharField(_("number and symbol"), max_length=64)
    issued_on = models.DateField(_("issued on"))
    title = models.CharField(_("title"), max_length=400, blank=True)
    file = models.FileField(_("file"), upload_to=action_plan_path, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(bases=[AuditedHistory])

    class Meta:
        ordering = ["agency__kind", "agency__name"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        constraints = [
            models.UniqueConstraint(fields=["program", "agency"], name="unique_action_plan"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.issued_on:%d/%m/%Y})"

    def policy_org_ids(self) -> set[int]:
        return {self.agency_id}
