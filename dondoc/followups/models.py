"""Explanations for late tasks (giải trình) and deadline extensions (gia hạn).

When a task turns overdue the Working Group asks its lead agency to explain, with a date by
which to answer. The agency answers with a reason and, usually, a proposed new deadline. The
Working Group or the Standing Office then grants an extension or refuses it.

A task keeps ``due_on`` as its original deadline for ever. A ``DeadlineExtension`` records the
new date beside the original one, and the date it was granted: the status of a task "against
the extended deadline" on a date uses the latest extension granted on or before that date, so a
report can say both "overdue against the original deadline" and "within the extended deadline".
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from dondoc.core.history import AuditedHistory


class ExplanationState(models.TextChoices):
    REQUESTED = "requested", _("Waiting for the agency's explanation")
    REPLIED = "replied", _("Explained, waiting for a decision")
    GRANTED = "granted", _("Extension granted")
    REFUSED = "refused", _("Extension refused")


class ExplanationRequest(models.Model):
    """A request to the lead agency to explain a late task (yêu cầu giải trình)."""

    task = models.ForeignKey(
        "tasks.Task", on_delete=models.CASCADE, related_name="explanation_requests"
    )
    agency = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="explanation_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    reply_due_on = models.DateField(_("reply due by"))
    message = models.TextField(_("message"))
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=ExplanationState.choices,
        default=ExplanationState.REQUESTED,
    )
    # The agency's answer (nội dung giải trình).
    reason = models.TextField(_("reason for the delay"), blank=True)
    proposed_due_on = models.DateField(_("proposed new deadline"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replied by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    # The decision.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    # Raised by every transition; a form carries the value it was loaded at (a stale form is
    # a conflict, see ``dondoc.core.transitions``).
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords(bases=[AuditedHistory])

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("explanation request")
        verbose_name_plural = _("explanation requests")
        indexes = [models.Index(fields=["agency", "state"])]

    def __str__(self) -> str:
        return f"#{self.task_id}: {self.agency} ({self.get_state_display()})"

    def policy_org_ids(self) -> set[int]:
        """The agency asked to explain (for ``policy.can`` with scope OWN)."""
        return {self.agency_id}

    @property
    def is_open(self) -> bool:
        return self.state in (ExplanationState.REQUESTED, ExplanationState.REPLIED)


class DeadlineExtension(models.Model):
    """A new deadline granted for a task (gia hạn), the original one kept on record."""

    task = models.ForeignKey(
        "tasks.Task", on_delete=models.CASCADE, related_name="deadline_extensions"
    )
    original_due_on = models.DateField(_("original deadline"))
    new_due_on = models.DateField(_("extended deadline"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_on = models.DateField(_("granted on"))
    request = models.ForeignKey(
        ExplanationRequest,
        verbose_name=_("explanation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="extensions",
    )
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(bases=[AuditedHistory])

    class Meta:
        ordering = ["granted_on", "id"]
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        indexes = [models.Index(fields=["task", "granted_on"])]

    def __str__(self) -> str:
        return f"#{self.task_id}: {self.original_due_on:%d/%m/%Y} → {self.new_due_on:%d/%m/%Y}"
