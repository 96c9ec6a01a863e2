"""Forms of the review screen (màn hình rà soát): the document, its header, one card."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dondoc.core.forms import DateField
from dondoc.core.transitions import VersionField
from dondoc.orgs.choices import OrgUnitChoiceField
from dondoc.reader.drafts import LINK, NEW, RESTATE
from dondoc.tasks.models import DirectiveKind, Program

ACCEPTED_FILES = {".txt", ".docx", ".pdf"}
#: The longest text pasted or extracted that a reading takes (about 300 pages).
MAX_TEXT = 1_000_000


class StartForm(forms.Form):
    program = forms.ModelChoiceField(
        label=_("Program"), queryset=Program.objects.none(), to_field_name="code"
    )
    text = forms.CharField(
        label=_("Text of the directive"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Paste the text, or choose a file below."),
    )
    file = forms.FileField(
        label=_("Or a file"),
        required=False,
        help_text=_("Accepted: .txt, .docx, .pdf with a text layer."),
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.docx,.pdf"}),
    )

    def __init__(self, *args, programs=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["program"]
        field.queryset = Program.objects.filter(pk__in=[p.pk for p in programs]).order_by("pk")
        if programs:
            field.initial = programs[0].code

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("file"):
            raise forms.ValidationError(_("Paste the text of the directive or choose a file."))
        return data


class HeaderForm(forms.Form):
    version = VersionField()
    number = forms.CharField(label=_("Number and symbol"), max_length=64)
    date = DateField(label=_("Date"))
    issuer = OrgUnitChoiceField(label=_("Issuer"))
    kind = forms.ChoiceField(label=_("Kind"), choices=DirectiveKind.choices)
    title = forms.CharField(label=_("Title"), max_length=500, required=False)

    def __init__(self, *args, issuer_id: int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # An old document may come from a unit merged away since: the issuer read stays listed.
        self.fields["issuer"].keep(issuer_id)


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class CardForm(forms.Form):
    version = VersionField()
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 4}))
    parent_key = forms.CharField(label=_("Parent item"), max_length=32, required=False)
    members = forms.CharField(
        label=_("Supervising members"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line."),
    )
    leads = forms.CharField(
        label=_("Lead agencies"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    coordinators = forms.CharField(
        label=_("Coordinating agencies"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    deadline = forms.CharField(label=_("Deadline"), max_length=200, required=False)
    output = forms.CharField(label=_("Expected output"), max_length=1000, required=False)
    group = forms.IntegerField(label=_("Solution group"), required=False, min_value=1)
    choice = forms.ChoiceField(
        label=_("On accepting"),
        choices=[
            (NEW, _("Create a new task")),
            (LINK, _("Link to the existing task")),
            (RESTATE, _("Restate the existing task with the new deadline")),
        ],
        initial=NEW,
    )

    def names(self, role: str) -> list[str]:
        return _lines(self.cleaned_data.get(role, ""))


class SplitForm(forms.Form):
    """A card's text and where to cut it: ``at`` is the caret's offset in ``content`` (sent by
    the page's script); without it the text is cut at its first line break."""

    version = VersionField()
    content = forms.CharField(
        label=_("Content"), strip=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    at = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
