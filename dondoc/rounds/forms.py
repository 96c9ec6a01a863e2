"""Forms of the rounds pages: opening a round, the agency's draft, review, action plans."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dondoc.core.forms import DateField, DateInput, first_errors
from dondoc.core.params import BadParameter
from dondoc.core.uploads import check_upload
from dondoc.orgs.choices import OrgUnitChoiceField, OrgUnitMultipleChoiceField
from dondoc.orgs.models import OrgKind, OrgUnit
from dondoc.rounds.models import ReportingRound
from dondoc.tasks.models import Program
from dondoc.tasks.services import IncomingFile

REPORTING_KINDS = [
    (OrgKind.PROVINCE, _("All provinces and cities")),
    (OrgKind.MINISTRY, _("All ministries and agencies")),
    (OrgKind.CENTRAL, _("All central Party bodies")),
]


class RoundForm(forms.Form):
    """Open a reporting round (mở kỳ báo cáo)."""

    program = forms.ModelChoiceField(
        label=_("Program"), queryset=Program.objects.active().order_by("pk")
    )
    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("e.g. Quý II/2025"))
    period_start = DateField(label=_("Period start"), widget=DateInput())
    period_end = DateField(label=_("Period end"), widget=DateInput())
    cutoff_on = DateField(
        label=_("Data cut-off date"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "Figures and progress as of this date, e.g. the 14th of the period's last month. "
            "Empty: the period end."
        ),
    )
    due_on = DateField(
        label=_("Due date"),
        widget=DateInput(),
        help_text=_("May fall before the period ends (e.g. the 15th–20th of its last month)."),
    )
    grace_days = forms.IntegerField(
        label=_("Grace days"),
        min_value=0,
        max_value=60,
        initial=0,
        help_text=_("Days after the due date that still count as on time."),
    )
    lock_on = DateField(
        label=_("Lock date"),
        required=False,
        widget=DateInput(),
        help_text=_("After this date only the Standing Office can reopen a submission."),
    )
    kinds = forms.MultipleChoiceField(
        label=_("Agencies by kind"),
        choices=REPORTING_KINDS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every unit of the kind that exists at the end of the period."),
    )
    agencies = OrgUnitMultipleChoiceField(
        label=_("Other agencies"),
        queryset=OrgUnit.objects.exclude(kind=OrgKind.COMMUNE),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    requires_task_updates = forms.BooleanField(
        label=_("A progress update on each open task"), required=False, initial=True
    )
    requires_indicator_values = forms.BooleanField(
        label=_("The indicator values of the period"),
        required=False,
        help_text=_("Each agency also enters the values of its indicators for the period."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end, due = data.get("period_start"), data.get("period_end"), data.get("due_on")
        grace, lock = data.get("grace_days") or 0, data.get("lock_on")
        if start and end and start > end:
            self.add_error("period_end", _("The period cannot end before it starts."))
        cutoff = data.get("cutoff_on")
        if cutoff and start and end and not start <= cutoff <= end:
            self.add_error("cutoff_on", _("The cut-off date must fall within the period."))
        elif due and cutoff and due < cutoff:
            self.add_error("due_on", _("The due date cannot be before the data cut-off date."))
        elif due and start and due < start:
            self.add_error("due_on", _("The due date cannot be before the period starts."))
        if due and lock and lock < due + dt.timedelta(days=grace):
            self.add_error("lock_on", _("The lock date must be after the due date and grace days."))
        if not data.get("kinds") and not data.get("agencies"):
            raise forms.ValidationError(_("Choose the agencies that must report."))
        program, title = data.get("program"), data.get("title")
        if (
            program
            and title
            and ReportingRound.objects.filter(program=program, title=title).exists()
        ):
            self.add_error("title", _("This program already has a round with this title."))
        return data


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Summary of the period"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("return", _("Return for correction"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when returning: say what must be corrected."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say what must be corrected."))
        return data


class ReopenForm(forms.Form):
    comment = forms.CharField(label=_("Reason"), required=False, max_length=2000)


class ActionPlanForm(forms.Form):
    """Record an agency's action plan for the program (kế hoạch hành động)."""

    agency = OrgUnitChoiceField(label=_("Agency"), queryset=OrgUnit.objects.none())
    number = forms.CharField(label=_("Number and symbol"), max_length=64)
    issued_on = DateField(label=_("Issued on"), widget=DateInput())
    title = forms.CharField(label=_("Title"), max_length=400, required=False)
    file = forms.FileField(label=_("File"), required=False)

    def __init__(self, *args: Any, agencies, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.incoming: IncomingFile | None = None

    def clean_issued_on(self) -> dt.date:
        day = self.cleaned_data["issued_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        self.incoming = None
        if upload:
            checked, problems = check_upload(upload, upload.name)
            if checked is None:
                raise forms.ValidationError(problems)
            self.incoming = IncomingFile(upload, checked)
        return upload


class PeriodForm(forms.Form):
    start = DateField(label=_("From"), required=False, widget=DateInput())
    end = DateField(label=_("To"), required=False, widget=DateInput())

    def period(self) -> tuple[dt.date, dt.date]:
        """The dates asked for (this year to today by default); ``BadParameter`` (a 400 with
        the reason) when one cannot be read, never today in its place."""
        today = timezone.localdate()
        if self.is_bound and not self.is_valid():
            raise BadParameter(first_errors(self))
        data = self.cleaned_data if self.is_bound else {}
        end = data.get("end") or today
        start = data.get("start") or dt.date(end.year, 1, 1)
        if start > end:
            start = dt.date(end.year, 1, 1)
        return start, end
