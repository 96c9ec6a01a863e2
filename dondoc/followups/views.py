"""Explanations for late tasks and deadline extensions: the actions of the task panel.

Each action asks the permission table; an object outside the user's scope is a 404.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dondoc.accounts.policy import Scope, can, scope_of, user_org_ids
from dondoc.core.params import page_number
from dondoc.core.transitions import Conflict
from dondoc.followups import services
from dondoc.followups.forms import DecisionForm, ExtensionForm, ReplyForm, RequestForm
from dondoc.followups.models import ExplanationRequest, ExplanationState
from dondoc.tasks.models import DeadlineChange, TaskAgency
from dondoc.tasks.views import get_task_for_user

PAGE_SIZE = 30


def _back(task_id: int) -> HttpResponse:
    return redirect(reverse("task-detail", args=[task_id]) + "#followups")


def get_request_for_user(request: HttpRequest, pk: int) -> ExplanationRequest:
    """The explanation request with its task, or 404 when the task is outside the user's
    scope."""
    found = ExplanationRequest.objects.select_related("agency").filter(pk=pk).first()
    if found is None:
        raise Http404
    found.task = get_task_for_user(request, found.task_id)  # 404 when the task is not visible
    return found


def _form_page(request: HttpRequest, task, form, title: str, action: str) -> HttpResponse:
    return render(
        request,
        "followups/form_page.html",
        {"task": task, "form": form, "title": title, "action": action},
        status=400 if request.method == "POST" else 200,
    )


def _conflict_page(
    request: HttpRequest, task, form, title: str, action: str, conflict: Conflict
) -> HttpResponse:
    """Someone else acted first: say so (HTTP 409), show what the row now is, keep the text.

    When the request is still open the form comes back with the user's input and the current
    version, so sending it again is a decision taken knowing the change; otherwise the user's
    text is shown without a form.
    """
    current = conflict.current if isinstance(conflict.current, ExplanationRequest) else None
    still_open = form is not None and (current is None or current.is_open)
    if still_open and form.is_bound:
        data = form.data.copy()
        if current is not None:
            data["version"] = str(current.version)
        elif isinstance(conflict.current, DeadlineChange):
            data["version"] = str(conflict.current.pk)
        form = type(form)(data, **_form_kwargs(form))
        form.is_valid()
    return render(
        request,
        "followups/form_page.html",
        {
            "task": task,
            "form": form if still_open else None,
            "submitted": [] if still_open or form is None else _submitted(form),
            "title": title,
            "action": action,
            "conflict": conflict,
            "current": current,
        },
        status=409,
    )


def _form_kwargs(form) -> dict:
    return {"task": form.task} if hasattr(form, "task") else {}


def _submitted(form) -> list[tuple[str, str]]:
    """The text a user typed into a form that can no longer be sent, to copy elsewhere."""
    shown = []
    for name, field in form.fields.items():
        value = form.data.get(name, "")
        if value and name != "version" and not isinstance(field.widget, forms.HiddenInput):
            if isinstance(field, forms.ChoiceField):  # the label people chose, not its code
                value = dict(field.choices).get(value, value)
            shown.append((str(field.label), str(value)))
    return shown


@login_required
@require_POST
def explanation_request(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_task_for_user(request, pk)
    if not can(request.user, "explanation.request", task):
        raise PermissionDenied
    form = RequestForm(request.POST, task=task)
    if not form.is_valid():
        return _form_page(request, task, form, _("Request an explanation"), request.get_full_path())
    data = form.cleaned_data
    try:
        services.request_explanation(
            task,
            by=request.user,
            agency=data["agency"],
            reply_due_on=data["reply_due_on"],
            message=data["message"],
        )
    except Conflict as conflict:
        title = _("Request an explanation")
        return _conflict_page(request, task, None, title, request.path, conflict)
    messages.success(request, _("The agency has been asked to explain."))
    return _back(task.pk)


@login_required
def explanation_reply(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_request_for_user(request, pk)
    if not can(request.user, "explanation.reply", found):
        raise PermissionDenied
    form = ReplyForm(request.POST or None, initial={"version": found.version})
    title, action = _("Explain the delay"), request.get_full_path()
    if request.method == "POST" and form.is_valid():
        try:
            services.reply_explanation(
                found,
                by=request.user,
                reason=form.cleaned_data["reason"],
                proposed_due_on=form.cleaned_data["proposed_due_on"],
                expected_version=form.cleaned_data["version"],
            )
        except Conflict as conflict:
            return _conflict_page(request, found.task, form, title, action, conflict)
        messages.success(request, _("Your explanation has been sent."))
        return _back(found.task_id)
    if not found.is_open:
        conflict = Conflict(services.decided_message(found), current=found)
        return _conflict_page(request, found.task, form, title, action, conflict)
    return _form_page(request, found.task, form, title, action)


@login_required
@require_POST
def explanation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_request_for_user(request, pk)
    task = found.task
    if not can(request.user, "extension.grant", task):
        raise PermissionDenied
    form = DecisionForm(request.POST, task=task)
    title = _("Decide on the explanation")
    if not form.is_valid():
        return _form_page(request, task, form, title, request.path)
    data = form.cleaned_data
    try:
        if data["decision"] == "grant":
            services.grant_extension(
                task,
                by=request.user,
                new_due_on=data["new_due_on"],
                reason=data["note"],
                request=found,
                expected_version=data["version"],
            )
            messages.success(request, _("The deadline has been extended."))
        else:
            services.refuse_extension(
                found, by=request.user, note=data["note"], expected_version=data["version"]
            )
            messages.success(request, _("The extension has been refused."))
    except Conflict as conflict:
        return _conflict_page(request, task, form, title, request.path, conflict)
    return _back(task.pk)


@login_required
@require_POST
def extension_grant(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_task_for_user(request, pk)
    if not can(request.user, "extension.grant", task):
        raise PermissionDenied
    form = ExtensionForm(request.POST, task=task)
    if not form.is_valid():
        return _form_page(request, task, form, _("Extend the deadline"), request.path)
    try:
        services.grant_extension(
            task,
            by=request.user,
            new_due_on=form.cleaned_data["new_due_on"],
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except Conflict as conflict:
        title = _("Extend the deadline")
        return _conflict_page(request, task, form, title, request.path, conflict)
    messages.success(request, _("The deadline has been extended."))
    return _back(task.pk)


@login_required
@require_GET
def explanation_list(request: HttpRequest) -> HttpResponse:
    """Explanation requests: open ones first; an agency sees only its own."""
    scope = scope_of(request.user, "explanation.list")
    if scope is None:
        raise PermissionDenied
    qs = ExplanationRequest.objects.select_related(
        "task", "agency", "requested_by", "replied_by"
    ).prefetch_related(
        Prefetch("task__task_agencies", queryset=TaskAgency.objects.select_related("org_unit"))
    )
    if scope is Scope.OWN:
        qs = qs.filter(agency_id__in=user_org_ids(request.user))
    state = request.GET.get("state", "open")
    if state == "open":
        qs = qs.filter(state__in=[ExplanationState.REQUESTED, ExplanationState.REPLIED])
    elif state in ExplanationState.values:
        qs = qs.filter(state=state)
    page = Paginator(qs.order_by("reply_due_on", "pk"), PAGE_SIZE).get_page(
        page_number(request.GET)
    )
    return render(
        request,
        "followups/list.html",
        {
            "page": page,
            "requests": page.object_list,
            "state": state,
            "states": [("open", _("Open")), *ExplanationState.choices, ("all", _("All"))],
        },
    )
