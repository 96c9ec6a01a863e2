"""Forms of the reports pages: the quarterly report's parameters and its text sections."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dondoc.core.forms import DateField, PeriodField
from dondoc.reports.compose import bare_number
from dondoc.reports.presets import template_for
from dondoc.tasks.models import Program


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
    period = PeriodField(label=_("Quarter"), help_text=_("For example Quý I/2025."))
    as_of = DateField(label=_("Figures as of"))
    number = forms.CharField(
        label=_("Document number"), max_length=16, required=False, help_text=_("For example 02.")
    )
    issued_on = DateField(
        label=_("Date of issue"), required=False, help_text=_("Defaults to the figures' date.")
    )

    field_order = ["program", "period", "as_of", "number", "issued_on"]

    def clean(self):
        data = super().clean()
        period, as_of = data.get("period"), data.get("as_of")
        if period and as_of and as_of < period.start:
            self.add_error("as_of", _("The figures' date cannot be before the quarter starts."))
        program, number = data.get("program"), data.get("number")
        if program and number:
            # "Số 05-BC/CQTTBCĐ" typed whole is kept as "05"; another symbol is a mistake.
            template = template_for(program)
            data["number"] = bare_number(template, number)
            if any(joint in data["number"] for joint in "-/"):
                self.add_error(
                    "number",
                    _("Write the number only (for example 05): the symbol %(symbol)s is added.")
                    % {"symbol": template.symbol},
                )
        return data

    def texts(self) -> dict[str, str]:
        return {k: self.cleaned_data.get(k, "") for k in TextSectionsForm.base_fields}
