"""The Standing Office's pages to create and edit organisation units (``org.manage``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from dondoc.accounts.policy import can
from dondoc.orgs import services
from dondoc.orgs.forms import OrgUnitForm
from dondoc.orgs.models import OrgUnit


def _form_page(request: HttpRequest, unit: OrgUnit | None) -> HttpResponse:
    if not can(request.user, "org.manage"):
        raise PermissionDenied
    form = OrgUnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_unit(
                unit,
                data={name: form.cleaned_data[name] for name in services.UNIT_FIELDS},
                aliases=form.cleaned_data["aliases"],
                by=request.user,
                version=request.POST.get("version", "")[:40] or None,
            )
        except services.StaleEdit:
            messages.error(
                request,
                _(
                    "Somebody changed this unit after you opened the page. Nothing was saved: "
                    "here is its current state."
                ),
            )
            return redirect("org-edit", pk=unit.pk)
        messages.success(request, _("“%(name)s” is saved.") % {"name": saved.name})
        return redirect("org-detail", pk=saved.pk)
    version = request.POST.get("version", "") if form.is_bound else ""
    if unit is not None and not form.is_bound:
        version = services.version_of(unit)
    return render(request, "orgs/org_form.html", {"form": form, "unit": unit, "version": version})


@login_required
def org_create(request: HttpRequest) -> HttpResponse:
    return _form_page(request, None)


@login_required
def org_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if not can(request.user, "org.manage"):
        raise PermissionDenied
    return _form_page(request, get_object_or_404(OrgUnit, pk=pk))
