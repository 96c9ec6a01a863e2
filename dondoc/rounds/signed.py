"""The signed official report (công văn báo cáo: number, date, PDF) attached to a submission."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from dondoc.core.forms import DateField, DateInput
from dondoc.core.uploads import check_upload
from dondoc.tasks.services import IncomingFile


class SignedReportForm(forms.Form):
    signed_number = forms.CharField(label=_("Report number"), max_length=64)
    signed_on = DateField(label=_("Report date"), widget=DateInput())
    signed_file = forms.FileField(label=_("Signed report (PDF)"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.incoming: IncomingFile | None = None

    def clean_signed_number(self) -> str:
        number = self.cleaned_data["signed_number"].strip()
        if not number:
            raise forms.ValidationError(_("Write the number of the report."))
        return number

    def clean_signed_on(self) -> dt.date:
        day = self.cleaned_data["signed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day

    def clean_signed_file(self):
        upload = self.cleaned_data.get("signed_file")
        if not upload:
            return upload
        checked, problems = check_upload(upload, upload.name)
        if checked is None:
            raise forms.ValidationError(problems)
        if checked.content_type != "application/pdf":
            raise forms.ValidationError(_("The signed report must be a PDF file."))
        self.incoming = IncomingFile(upload, checked)
        return upload


@login_required
@require_GET
def signed_report_file(request: HttpRequest, pk: int, agency_pk: int) -> FileResponse:
    from dondoc.rounds.submission_views import get_submission_for_user

    _round, _agency, submission = get_submission_for_user(request, pk, agency_pk)
    if submission is None or not submission.signed_file:
        raise Http404
    return FileResponse(
        submission.signed_file.open("rb"),
        as_attachment=True,
        filename=submission.signed_name or "bao-cao.pdf",
        content_type="application/pdf",
    )
