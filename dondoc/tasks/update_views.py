"""Steps on one progress update: edit or withdraw a draft, approve it, correct a published one.

Each view finds the update through ``policy.visible_updates`` (another agency's draft is a 404),
asks the permission table, and calls ``dondoc.tasks.reporting``; a conflict (already approved,
withdrawn, changed since the page was loaded) is shown to the user as a message.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dondoc.accounts.policy import (
    Scope,
    can,
    may_see_update,
    scope_of,
    user_org_ids,
    visible_updates,
)
from dondoc.tasks import reporting
from dondoc.tasks.forms import CorrectionForm, DraftEditForm, VersionForm
from dondoc.tasks.models import Attachment, ProgressUpdate, UpdateState
from dondoc.tasks.views import get_task_for_user


def get_update_for_user(request: HttpRequest, pk: int) -> ProgressUpdate:
    """The update, or 404 when its task or the update itself is outside what the user reads."""
    if not can(request.user, "task.view"):
        raise Http404
    qs = visible_updates(request.user, ProgressUpdate.objects.all()).select_related(
        "task", "task__program", "agency", "author", "corrects"
    )
    update = get_object_or_404(qs, pk=pk)
    if not can(request.user, "task.view", update.task):
        raise Http404
    return update


def _back(
    update: ProgressUpdate, next_url: str | None = None, request: HttpRequest | None = None
) -> HttpResponse:
    """Back to where the step was taken (a page of this site only), else the update's task."""
    if (
        next_url
        and request is not None
        and url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return redirect(next_url)
    return redirect(reverse("task-detail", args=[update.task_id]) + f"#update-{update.pk}")


def _own_draft(request: HttpRequest, update: ProgressUpdate) -> None:
    """Only the author changes or withdraws a draft, and only while they may report."""
    if not (
        update.state == UpdateState.DRAFT
        and update.author_id == request.user.pk
        and can(request.user, "task.post_update", update.task)
    ):
        raise Http404


@login_required
def draft_edit(request: HttpRequest, pk: int) -> HttpResponse:
    update = get_update_for_user(request, pk)
    _own_draft(request, update)
    initial: dict[str, Any] = {
        "text": update.text,
        "reported_on": update.reported_on,
        "version": update.version,
    }
    form = DraftEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            reporting.edit_draft(
                update,
                by=request.user,
                text=data["text"],
                reported_on=data["reported_on"],
                version=data["version"],
            )
        except reporting.UpdateConflict as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Draft saved."))
        return _back(update, request.POST.get("next"), request)
    return render(
        request,
        "tasks/update_edit.html",
        {"update": update, "form": form, "task": update.task, "correcting": False},
    )


@login_required
@require_POST
def draft_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    update = get_update_for_user(request, pk)
    _own_draft(request, update)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The page was out of date; please try again."))
        return _back(update)
    try:
        reporting.withdraw_draft(update, by=request.user, version=form.cleaned_data["version"])
    except reporting.UpdateConflict as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Draft withdrawn."))
    return _back(update, request.POST.get("next"), request)


@login_required
@require_POST
def draft_approve(request: HttpRequest, pk: int) -> HttpResponse:
    update = get_update_for_user(request, pk)
    if update.agency_id is None or not (
        can(request.user, "update.approve", update.agency) and update.is_draft
    ):
        if update.is_published:
            messages.info(request, _("This update has already been approved and published."))
            return _back(update, request.POST.get("next"), request)
        raise Http404
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The page was out of date; please try again."))
        return _back(update)
    try:
        reporting.approve(
            [update], by=request.user, versions={update.pk: form.cleaned_data["version"]}
        )
    except reporting.UpdateConflict as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Update approved and published."))
    return _back(update, request.POST.get("next"), request)


def _may_correct(user: Any, update: ProgressUpdate) -> bool:
    if update.state != UpdateState.PUBLISHED or not can(user, "task.post_update", update.task):
        return False
    if scope_of(user, "task.post_update") is Scope.ALL:
        return True
    return update.agency_id is not None and update.agency_id in user_org_ids(user)


@login_required
def update_correct(request: HttpRequest, pk: int) -> HttpResponse:
    update = get_update_for_user(request, pk)
    if not _may_correct(request.user, update):
        raise Http404
    form = CorrectionForm(request.POST or None, initial={"text": update.text})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            correction, created = reporting.record_update(
                update.task,
                by=request.user,
                text=data["text"],
                reported_on=data["reported_on"],
                agency=update.agency,
                corrects=update,
                form_token=data.get("form_token") or None,
                reason=data["reason"].strip(),
            )
        except reporting.UpdateConflict as error:
            messages.error(request, str(error))
            return _back(update)
        if created and correction.is_draft:
            messages.success(
                request,
                _("Correction saved as a draft: it replaces the update once approved."),
            )
        elif created:
            messages.success(request, _("Correction recorded; the original stays, marked."))
        return _back(correction)
    return render(
        request,
        "tasks/update_edit.html",
        {"update": update, "form": form, "task": update.task, "correcting": True},
    )


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(Attachment.objects.select_related("update"), pk=pk)
    get_task_for_user(request, attachment.update.task_id)  # 404 outside the user's scope
    if not may_see_update(request.user, attachment.update):  # another agency's draft
        raise Http404
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
