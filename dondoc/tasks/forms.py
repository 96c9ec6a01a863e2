"""Forms of the task pages: posting a progress update (with evidence and a status change)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dondoc.core.forms import DateField, DateInput, lazy_text
from dondoc.core.uploads import check_upload
from dondoc.tasks.models import ClosureKind, Task
from dondoc.tasks.services import IncomingFile

MAX_FILES = 10

__all__ = ["DateInput", "DuplicateDecisionForm", "ProgressUpdateForm"]  # DateInput: core's


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by ``check_upload``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ProgressUpdateForm(forms.Form):
    """A progress report on a task (báo cáo tiến độ, kết quả thực hiện)."""

    text = forms.CharField(
        label=_("Progress or result"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
    )
    reported_on = DateField(label=_("Date"), widget=DateInput())
    files = MultipleFileField(
        label=_("Evidence (attachments)"),
        required=False,
        help_text=lazy_text(
            _("PDF, Word, Excel, PowerPoint, images or text; up to %(count)s files."),
            count=MAX_FILES,
        ),
    )
    status_change = forms.ChoiceField(label=_("Status change"), required=False, choices=())
    effective_on = DateField(
        label=_("Completion date"),
        required=False,
        widget=DateInput(),
        help_text=_("When the task was actually completed or stopped; default: the date above."),
    )

    #: One-time token: the same form posted twice (a double click, a resent request) records
    #: one update. A fresh token comes with each form shown.
    form_token = forms.RegexField(
        regex=r"^[0-9a-f]{32}$", required=False, widget=forms.HiddenInput()
    )

    def __init__(self, *args: Any, task: Task, may_set_status: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["form_token"].initial = uuid.uuid4().hex
        self.task = task
        self.incoming: list[IncomingFile] = []
        self.fields["reported_on"].initial = timezone.localdate()
        if not may_set_status:
            del self.fields["status_change"]
            del self.fields["effective_on"]
            return
        if task.closure_kind:
            choices = [("", _("No change")), (ClosureKind.REOPENED, _("Reopen the task"))]
        else:
            choices = [
                ("", _("No change")),
                (ClosureKind.COMPLETED, _("Mark as completed")),
                (ClosureKind.CANCELLED, _("Mark as cancelled (stopped)")),
            ]
        self.fields["status_change"].choices = choices

    def clean_reported_on(self) -> dt.date:
        day = self.cleaned_data["reported_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day

    def clean_effective_on(self) -> dt.date | None:
        day = self.cleaned_data.get("effective_on")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day

    def clean_files(self) -> list:
        files = self.cleaned_data.get("files") or []
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("Attach at most %(count)s files.") % {"count": MAX_FILES})
        problems: list[str] = []
        self.incoming = []
        for upload in files:
            checked, reasons = check_upload(upload, upload.name)
            if checked is None:
                problems.extend(reasons)
            else:
                self.incoming.append(IncomingFile(upload, checked))
        if problems:
            raise forms.ValidationError(problems)
        return files

    def clean(self) -> dict:
        data = super().clean()
        change = data.get("status_change")
        if change in (ClosureKind.COMPLETED, ClosureKind.CANCELLED) and not data.get(
            "effective_on"
        ):
            data["effective_on"] = data.get("reported_on")
        if change == ClosureKind.REOPENED:
            data["effective_on"] = None
        return data


class DuplicateDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("same", _("Same task")),
            ("related", _("Related, not the same")),
            ("different", _("Different")),
        ]
    )


class DraftEditForm(forms.Form):
    """A draft update changed by its author, from the version the page was loaded at."""

    text = forms.CharField(
        label=_("Progress or result"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
    )
    reported_on = DateField(label=_("Date"), widget=DateInput())
    version = forms.IntegerField(widget=forms.HiddenInput(), min_value=1)

    def clean_reported_on(self) -> dt.date:
        day = self.cleaned_data["reported_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day


class VersionForm(forms.Form):
    """A step on an update (withdraw, approve) from the version the page was loaded at."""

    version = forms.IntegerField(widget=forms.HiddenInput(), min_value=1)


class CorrectionForm(forms.Form):
    """A dated correction of a published update; the original stays, marked as corrected."""

    text = forms.CharField(
        label=_("Corrected text"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
    )
    reported_on = DateField(label=_("Date of the correction"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason for the correction"),
        required=False,
        max_length=100,
        help_text=_("e.g. a wrong figure, the wrong document cited. Shown on the timeline."),
    )
    form_token = forms.RegexField(
        regex=r"^[0-9a-f]{32}$", required=False, widget=forms.HiddenInput()
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["form_token"].initial = uuid.uuid4().hex
        self.fields["reported_on"].initial = timezone.localdate()

    def clean_reported_on(self) -> dt.date:
        day = self.cleaned_data["reported_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day
