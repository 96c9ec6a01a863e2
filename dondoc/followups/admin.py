"""Admin views of explanations and extensions (read only: written by the services)."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from dondoc.accounts.admin import ReadOnlyPolicyAdmin
from dondoc.followups.models import DeadlineExtension, ExplanationRequest


@admin.register(ExplanationRequest)
class ExplanationRequestAdmin(ReadOnlyPolicyAdmin, SimpleHistoryAdmin):
    list_display = ["task", "agency", "state", "requested_at", "reply_due_on", "replied_at"]
    list_filter = ["state"]
    search_fields = ["task__content_folded", "agency__name"]
    raw_id_fields = ["task"]


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(ReadOnlyPolicyAdmin, SimpleHistoryAdmin):
    list_display = ["task", "original_due_on", "new_due_on", "granted_on", "granted_by"]
    raw_id_fields = ["task", "request"]
