"""The forms of a program: its fields, its solution groups (one row each), archiving."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dondoc.core.forms import DateField, DateInput
from dondoc.orgs.choices import OrgUnitChoiceField
from dondoc.tasks import programs
from dondoc.tasks.models import Program

#: Empty rows offered under the groups for new ones.
EXTRA_GROUPS = 3
MAX_GROUPS = 100


class ProgramForm(forms.ModelForm):
    class Meta:
        model = Program
        fields = list(programs.PROGRAM_FIELDS)
        widgets = {
            "adopted_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"adopted_on": DateField, "standing_office": OrgUnitChoiceField}
        help_texts = {
            "code": _(
                "Letters without diacritics, digits, hyphens; unique. Used in links and on "
                "the console (e.g. NQ57)."
            ),
            "resolution": _("The resolution's number, e.g. 57-NQ/TW."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["standing_office"].keep(self.instance.standing_office_id)

    def clean_code(self) -> str:
        try:
            return programs.check_code(
                self.cleaned_data["code"], exclude=self.instance if self.instance.pk else None
            )
        except programs.ProgramError as exc:
            raise forms.ValidationError(exc.message_dict["code"]) from None

    def validate_unique(self) -> None:
        """``clean_code`` checks the code, letter case ignored."""


class GroupForm(forms.Form):
    pk = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    number = forms.IntegerField(
        label=_("No."),
        required=False,
        min_value=1,
        max_value=programs.MAX_GROUP_NUMBER,
        widget=forms.NumberInput(attrs={"class": "narrow"}),
    )
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    DELETE = forms.BooleanField(label=_("Remove"), required=False)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("DELETE"):
            return data
        if data.get("title") and data.get("number") is None and "number" not in self.errors:
            self.add_error("number", _("Give the group's number."))
        if data.get("number") is not None and not (data.get("title") or "").strip():
            self.add_error("title", _("Give the group's title."))
        return data


GroupFormSet = forms.formset_factory(
    GroupForm, extra=EXTRA_GROUPS, max_num=MAX_GROUPS, validate_max=True, absolute_max=MAX_GROUPS
)


def group_formset(data=None, program: Program | None = None) -> forms.BaseFormSet:
    initial = []
    if program is not None:
        for group in programs.with_group_counts(program):
            initial.append(
                {
                    "pk": group.pk,
                    "number": group.number,
                    "title": group.title,
                    "task_count": group.task_count,
                }
            )
    return GroupFormSet(data, initial=initial, prefix="groups")


def group_specs(formset: forms.BaseFormSet) -> list[programs.GroupSpec]:
    """The groups wanted: every row kept with a number (empty rows and removed ones left out)."""
    specs = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE") or data.get("number") is None:
            continue
        specs.append(programs.GroupSpec(data["number"], data["title"], data.get("pk")))
    return specs


class ArchiveForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=programs.MAX_REASON,
        help_text=_("Kept in the program's change history."),
    )

    def clean_reason(self) -> str:
        reason = " ".join(self.cleaned_data["reason"].split())
        if not reason or "\x00" in reason:
            raise forms.ValidationError(_("Give the reason."))
        return reason
