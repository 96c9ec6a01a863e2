"""A reading under review (bản đọc đang rà soát): the text, its header and the proposed tasks.

The reader's result is kept as a draft so the review survives a reload and a second clerk sees
the same cards; every change goes through ``dondoc.reader.drafts`` and moves ``version`` on, so
a form loaded before someone else's change is refused, never applied over it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DraftState(models.TextChoices):
    OPEN = "open", _("Under review")
    DONE = "done", _("Accepted")  # every card accepted or dropped


class ReadingDraft(models.Model):
    """One document read and under review. ``proposals`` is the list of cards (see
    ``dondoc.reader.drafts.card_from``); ``header`` the document's number, date, issuer, kind."""

    program = models.ForeignKey(
        "tasks.Program", on_delete=models.CASCADE, related_name="reading_drafts"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_name = models.CharField(_("source name"), max_length=300, blank=True)
    text = models.TextField(_("text"))
    header = models.JSONField(default=dict)
    proposals = models.JSONField(default=list)
    state = models.CharField(max_length=8, choices=DraftState.choices, default=DraftState.OPEN)
    directive = models.ForeignKey(
        "tasks.Directive", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("reading under review")

    def __str__(self) -> str:
        return self.header.get("number") or self.source_name or f"#{self.pk}"
