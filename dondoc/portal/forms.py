"""Forms of the public portal and of its back office.

The public form checks everything once: lengths, the e-mail, the phone, the files by their
content (``core/uploads.py``), the honeypot. Services then assume valid input.
"""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from dondoc.core.forms import DateField, lazy_text
from dondoc.core.transitions import VersionField
from dondoc.core.uploads import ALLOWED, check_upload
from dondoc.orgs.choices import grouped_choices
from dondoc.portal.models import Kind, PublicName, SubmitterKind
from dondoc.portal.services import IncomingFile

#: The kinds of file a citizen may attach (no spreadsheets of macros, no archives).
PORTAL_FILE_TYPES = {".pdf", ".docx", ".xlsx", ".pptx", ".doc", ".xls", ".png", ".jpg", ".jpeg"}
assert set(ALLOWED) >= PORTAL_FILE_TYPES
_PHONE = re.compile(r"^\+?[0-9 .()-]{8,20}$")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ",".join(sorted(PORTAL_FILE_TYPES))})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class SubmissionForm(forms.Form):
    """Góp ý, sáng kiến, kiến nghị: the citizen's form, no account needed."""

    kind = forms.ChoiceField(
        label=_("What are you sending?"), choices=Kind.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(
        label=_("Title"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    description = forms.CharField(
        label=_("Content"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What is the problem, and what do you propose? At most 10,000 characters."),
    )
    group = forms.TypedChoiceField(
        label=_("Solution group of the resolution"), required=False, coerce=int, empty_value=None
    )
    field = forms.CharField(
        label=_("Field"),
        max_length=200,
        required=False,
        help_text=_("For example: digital transformation, health, agriculture."),
    )
    expected_benefit = forms.CharField(
        label=_("Expected benefit"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    submitter_kind = forms.ChoiceField(
        label=_("Sent by"),
        choices=SubmitterKind.choices,
        initial=SubmitterKind.PERSON,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    organisation = forms.CharField(
        label=_("Organisation or business"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        required=False,
        help_text=_("We send the receipt and every update to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    public_name = forms.ChoiceField(
        label=_("Your name toward the public"),
        choices=PublicName.choices,
        initial=PublicName.ANONYMOUS,
        widget=forms.RadioSelect,
    )
    consent_to_publish = forms.BooleanField(
        label=_("I agree that my submission and the answer may be published"),
        required=False,
    )
    files = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=lazy_text(
            _("PDF, Word, Excel, PowerPoint or images; at most %(count)s files of %(mb)s MB."),
            count=settings.DONDOC_PORTAL_MAX_FILES,
            mb=settings.DONDOC_PORTAL_MAX_FILE_BYTES // (1024 * 1024),
        ),
    )
    # The honeypot: hidden from people (and from screen readers); robots fill every field.
    #: Set by the page that warned of an earlier copy: the sender wants this one recorded.
    send_anyway = forms.BooleanField(required=False, widget=forms.HiddenInput)
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, groups=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.groups = {g.pk: g for g in groups}
        self.fields["group"].choices = [("", _("I don't know"))] + [(g.pk, str(g)) for g in groups]
        self.incoming: list[IncomingFile] = []

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and not _PHONE.match(phone):
            raise forms.ValidationError(_("Enter a phone number of digits, such as 0912 345 678."))
        return phone

    def clean_group(self):
        pk = self.cleaned_data["group"]
        if pk is None:
            return None
        if pk not in self.groups:
            raise forms.ValidationError(_("Choose a group from the list."))
        return self.groups[pk]

    def clean_files(self) -> list:
        files = self.cleaned_data["files"] or []
        if len(files) > settings.DONDOC_PORTAL_MAX_FILES:
            raise forms.ValidationError(
                _("At most %(count)s files.") % {"count": settings.DONDOC_PORTAL_MAX_FILES}
            )
        problems = []
        self.incoming = []
        for upload in files:
            checked, found = check_upload(
                upload,
                upload.name,
                allowed=PORTAL_FILE_TYPES,
                max_bytes=settings.DONDOC_PORTAL_MAX_FILE_BYTES,
            )
            problems += found
            if checked is not None:
                self.incoming.append(IncomingFile(upload, checked))
        if problems:
            raise forms.ValidationError(problems)
        return files

    def clean(self):
        data = super().clean()
        if not data.get("phone") and not data.get("email"):
            self.add_error(
                "phone", _("Give a phone number or an e-mail address, so that we can answer you.")
            )
        if data.get("submitter_kind") == SubmitterKind.ORGANISATION and not data.get(
            "organisation"
        ):
            self.add_error("organisation", _("Give the name of the organisation."))
        return data


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=40,
        help_text=_("Ten letters and digits, such as K7QM-2XPA-9T."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


# Back office ------------------------------------------------------------------------------


class ClassifyForm(forms.Form):
    version = VersionField()
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    group = forms.TypedChoiceField(
        label=_("Solution group"), required=False, coerce=int, empty_value=None
    )
    field = forms.CharField(label=_("Field"), max_length=200, required=False)
    task = forms.IntegerField(
        label=_("Linked task (number)"), required=False, min_value=1, max_value=2**31 - 1
    )

    def __init__(self, *args, groups=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", "—")] + [(g.pk, str(g)) for g in groups]


class RouteForm(forms.Form):
    version = VersionField()
    agency = forms.TypedChoiceField(label=_("Agency in charge"), coerce=int)
    due_on = DateField(label=_("Answer due by"), required=False)

    def __init__(self, *args, agencies=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "—"), *grouped_choices(agencies)]


class AnswerForm(forms.Form):
    version = VersionField()
    text = forms.CharField(
        label=_("Answer"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6})
    )


class RejectForm(forms.Form):
    version = VersionField()
    reason = forms.CharField(
        label=_("Reason (sent to the sender)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class BulkForm(forms.Form):
    """Bulk actions on the queue: the same step for every ticked item."""

    ACTIONS = [
        ("review", _("Mark as under review")),
        ("group", _("Assign the solution group")),
        ("route", _("Send to the agency")),
        ("reject", _("Not accept, with the reason")),
    ]
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    ids = forms.TypedMultipleChoiceField(coerce=int)
    group = forms.TypedChoiceField(
        label=_("Solution group"), required=False, coerce=int, empty_value=None
    )
    agency = forms.TypedChoiceField(label=_("Agency"), required=False, coerce=int, empty_value=None)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=4000)

    def __init__(self, *args, ids=(), groups=(), agencies=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ids"].choices = [(i, i) for i in ids]
        self.fields["group"].choices = [("", "—")] + [(g.pk, str(g)) for g in groups]
        self.fields["agency"].choices = [("", "—"), *grouped_choices(agencies)]

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == "group" and not data.get("group"):
            self.add_error("group", _("Choose a group."))
        if action == "route" and not data.get("agency"):
            self.add_error("agency", _("Choose an agency."))
        if action == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason."))
        return data
