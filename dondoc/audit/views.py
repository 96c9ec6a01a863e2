"""The audit page: who changed what, when, from where; filterable, exportable."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from dondoc.accounts.policy import can
from dondoc.audit.log import AuditFilter, Entry, audited_models, entries, hydrate, iter_entries
from dondoc.core.forms import DateField, DateInput
from dondoc.core.params import MAX_NUMBER, page_number
from dondoc.core.spreadsheet import append_row, csv_bytes, new_workbook, workbook_bytes

PAGE_SIZE = 50
#: An export holds at most this many entries (narrow the filters for more).
EXPORT_LIMIT = 50_000


class FilterForm(forms.Form):
    user = forms.CharField(label=gettext_lazy("User name"), required=False, max_length=150)
    model = forms.ChoiceField(label=gettext_lazy("What"), required=False)
    date_from = DateField(label=gettext_lazy("From"), required=False, widget=DateInput())
    date_to = DateField(label=gettext_lazy("To"), required=False, widget=DateInput())
    object_id = forms.IntegerField(
        label=gettext_lazy("Object number"), required=False, min_value=1, max_value=MAX_NUMBER
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", _("Everything"))] + [
            (m.label, m.name.capitalize()) for m in audited_models()
        ]

    def filters(self) -> AuditFilter:
        if not self.is_valid():
            return AuditFilter(object_id=-1)  # invalid filters match nothing
        data = self.cleaned_data
        return AuditFilter(
            user=data["user"].strip(),
            model=data["model"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            object_id=data["object_id"],
        )


def _require(request: HttpRequest) -> None:
    if not can(request.user, "audit.view"):
        raise PermissionDenied


@login_required
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    _require(request)
    form = FilterForm(request.GET or None)
    filters = form.filters() if request.GET else AuditFilter()
    page = Paginator(entries(filters, request.user), PAGE_SIZE).get_page(page_number(request.GET))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/list.html",
        {
            "form": form,
            "page": page,
            "entries": hydrate(list(page.object_list), request.user),
            "query": query.urlencode(),
        },
    )


HEADER = [
    gettext_lazy("When"),
    gettext_lazy("Who"),
    gettext_lazy("From address"),
    gettext_lazy("Action"),
    gettext_lazy("What"),
    gettext_lazy("Object number"),
    gettext_lazy("Changes"),
]


def _row(entry: Entry) -> list[str]:
    return [
        f"{timezone.localtime(entry.when):%d/%m/%Y %H:%M:%S}",
        entry.who.username if entry.who else "",
        entry.ip_address or "",
        {"+": _("created"), "~": _("changed"), "-": _("deleted")}.get(entry.kind, entry.kind),
        entry.model.name,
        str(entry.object_id),
        "; ".join(f"{c.field}: {c.old} → {c.new}" for c in entry.changes),
    ]


@login_required
@require_GET
def audit_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _require(request)
    form = FilterForm(request.GET or None)
    filters = form.filters() if request.GET else AuditFilter()
    rows = (_row(e) for e in iter_entries(filters, EXPORT_LIMIT, reader=request.user))
    header = [str(h) for h in HEADER]
    stem = f"nhat-ky-thay-doi-{dt.date.today():%Y-%m-%d}"
    if fmt == "csv":
        response = HttpResponse(csv_bytes([header, *rows]), content_type="text/csv; charset=utf-8")
    else:
        book = new_workbook(write_only=True)
        sheet = book.create_sheet(_("Audit log")[:31])
        append_row(sheet, header)
        for row in rows:
            append_row(sheet, row)
        response = HttpResponse(
            workbook_bytes(book),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response
