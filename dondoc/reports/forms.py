"""Forms of the reports pages: the quarterly report's parameters and its text sections."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dondoc.reports.periods import Period, parse_period
from dondoc.tasks.models import Program

DATE_INPUTS = ["%Y-%m-%d", "%d/%m/%Y"]


class TextSectionsForm(forms.Form):
    """The sections a clerk writes (one paragraph per line)."""

    assessment = forms.CharField(
        label=_("Assessment: results achieved"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    bottlenecks = forms.CharField(
        label=_("Shortcomings and bottlenecks"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    focus = forms.CharField(
        label=_("Focus for the next quarter"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    recommendations = forms.CharField(
        label=_("Recommendations"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class QuarterlyReportForm(TextSectionsForm):
    program = forms.ModelChoiceField(
        label=_("Program"), queryset=Program.objects.order_by("pk"), empty_label=None
    )
    period = forms.CharField(label=_("Quarter"), max_length=16, help_text=_("For example 2025-Q1."))
    as_of = forms.DateField(
        label=_("Figures as of"),
        input_formats=DATE_INPUTS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    number = forms.CharField(
        label=_("Document number"), max_length=16, required=False, help_text=_("For example 02.")
    )
    issued_on = forms.DateField(
        label=_("Date of issue"),
        required=False,
        input_formats=DATE_INPUTS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Defaults to the figures' date."),
    )

    field_order = ["program", "period", "as_of", "number", "issued_on"]

    def clean_period(self) -> Period:
        try:
            return parse_period(self.cleaned_data["period"])
        except ValueError as exc:
            raise forms.ValidationError(_("Write the quarter as 2025-Q1.")) from exc

    def clean(self):
        data = super().clean()
        period, as_of = data.get("period"), data.get("as_of")
        if period and as_of and as_of < period.start:
            self.add_error("as_of", _("The figures' date cannot be before the quarter starts."))
        return data

    def texts(self) -> dict[str, str]:
        return {k: self.cleaned_data.get(k, "") for k in TextSectionsForm.base_fields}
