"""Forms of the explanation flow: request, reply, decision, direct extension."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dondoc.core.forms import DateField, DateInput
from dondoc.core.transitions import VersionField
from dondoc.followups.services import deadline_version, due_in_force
from dondoc.orgs.choices import OrgUnitChoiceField


def _not_past(day: dt.date) -> dt.date:
    if day < timezone.localdate():
        raise forms.ValidationError(_("The date must not be in the past."))
    return day


def _after_deadline_in_force(task, new_due: dt.date) -> str | None:
    """Why ``new_due`` cannot extend the deadline in force today (None when it can)."""
    in_force = due_in_force(task)
    if in_force is None:
        return _("The task has no deadline date in force, so it cannot be extended.")
    if new_due <= in_force:
        return _("The new deadline must be after the deadline in force (%(date)s).") % {
            "date": f"{in_force:%d/%m/%Y}"
        }
    return None


class RequestForm(forms.Form):
    agency = OrgUnitChoiceField(label=_("Agency asked to explain"), queryset=None)
    reply_due_on = DateField(label=_("Reply due by"), widget=DateInput())
    message = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )

    def __init__(self, *args: Any, task, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from dondoc.orgs.models import OrgUnit

        leads = [ta.org_unit_id for ta in task.task_agencies.all() if ta.role == "lead"]
        self.fields["agency"].queryset = OrgUnit.objects.filter(pk__in=leads)
        self.fields["agency"].keep(leads)  # the task's lead agencies, even merged away since
        if len(leads) == 1:
            self.fields["agency"].initial = leads[0]
        self.fields["reply_due_on"].initial = timezone.localdate() + dt.timedelta(days=7)

    def clean_reply_due_on(self) -> dt.date:
        return _not_past(self.cleaned_data["reply_due_on"])


class ReplyForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the delay"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000
    )
    proposed_due_on = DateField(
        label=_("Proposed new deadline"), widget=DateInput(), required=False
    )
    version = VersionField()  # the request's version when the page was loaded

    def clean_proposed_due_on(self) -> dt.date | None:
        day = self.cleaned_data.get("proposed_due_on")
        return _not_past(day) if day else None


class DecisionForm(forms.Form):
    DECISIONS = [("grant", _("Grant an extension")), ("refuse", _("Refuse"))]
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    new_due_on = DateField(label=_("New deadline"), widget=DateInput(), required=False)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000
    )
    version = VersionField()  # the request's version when the page was loaded

    def __init__(self, *args: Any, task, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.task = task

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") == "grant":
            new_due = data.get("new_due_on")
            if new_due is None:
                self.add_error("new_due_on", _("Give the new deadline."))
            else:
                error = _after_deadline_in_force(self.task, new_due)
                if error:
                    self.add_error("new_due_on", error)
        return data


class ExtensionForm(forms.Form):
    new_due_on = DateField(label=_("New deadline"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )
    version = VersionField()  # the latest deadline change's id when the page was loaded (0: none)

    def __init__(self, *args: Any, task, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.task = task
        if not self.is_bound:  # 0 without a deadline change (the task page knows: ``has_...``)
            changed = getattr(task, "has_deadline_changes", True)
            self.initial["version"] = deadline_version(task.pk) if changed else 0

    def clean_new_due_on(self) -> dt.date:
        new_due = self.cleaned_data["new_due_on"]
        error = _after_deadline_in_force(self.task, new_due)
        if error:
            raise forms.ValidationError(error)
        return new_due
