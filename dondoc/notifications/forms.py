from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dondoc.notifications.models import NotificationPreference


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = [
            "email_due_soon",
            "email_overdue",
            "email_round_closing",
            "email_round_missed",
            "email_submission_submitted",
            "email_submission_accepted",
            "email_submission_returned",
            "email_explanations",
            "email_round_opened",
            "email_submission_awaiting_approval",
            "email_portal_routed",
            "digest",
            "due_soon_days",
        ]

    def clean_due_soon_days(self) -> int:
        days = self.cleaned_data["due_soon_days"]
        if days > 90:
            raise forms.ValidationError(_("At most 90 days."))
        return days
