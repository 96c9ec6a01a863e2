"""Explanations for late tasks and deadline extensions: the actions of the task panel.

Each action asks the permission table; an object outside the user's scope is a 404.
"""

from __future__ import annotations

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
from dondoc.followups import services
from dondoc.followups.forms import DecisionForm, ExtensionForm, ReplyForm, RequestForm
from dondoc.followups.models import ExplanationRequest, ExplanationState
from dondoc.tasks.models import TaskAgency
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
    services.request_explanation(
        task,
        by=request.user,
        agency=data["agency"],
        reply_due_on=data["reply_due_on"],
        message=data["message"],
    )
    messages.success(request, _("The agency has been asked to explain."))
    return _back(task.pk)


@login_required
def explanation_reply(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_request_for_user(request, pk)
    if not can(request.user, "explanation.reply", found) or not found.is_open:
        raise PermissionDenied
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.reply_explanation(
            found,
            by=request.user,
            reason=form.cleaned_data["reason"],
            proposed_due_on=form.cleaned_data["proposed_due_on"],
        )
        messages.success(request, _("Your explanation has been sent."))
        return _back(found.task_id)
    return _form_page(request, found.task, form, _("Explain the delay"), request.get_full_path())


@login_required
@require_POST
def explanation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_request_for_user(request, pk)
    task = found.task
    if not can(request.user, "extension.grant", task) or not found.is_open:
        raise PermissionDenied
    form = DecisionForm(request.POST, task=task)
    if not form.is_valid():
        return _form_page(request, task, form, _("Decide on the explanation"), request.path)
    data = form.cleaned_data
    if data["decision"] == "grant":
        services.grant_extension(
            task, by=request.user, new_due_on=data["new_due_on"], reason=data["note"], request=found
        )
        messages.success(request, _("The deadline has been extended."))
    else:
        services.refuse_extension(found, by=request.user, note=data["note"])
        messages.success(request, _("The extension has been refused."))
    return _back(task.pk)


@login_required
@require_POST
def extension_grant(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_task_for_user(request, pk)
    if not can(request.user, "extension.grant", task) or task.due_on is None:
        raise PermissionDenied
    form = ExtensionForm(request.POST, task=task)
    if not form.is_valid():
        return _form_page(request, task, form, _("Extend the deadline"), request.path)
    services.grant_extension(
        task,
        by=request.user,
        new_due_on=form.cleaned_data["new_due_on"],
        reason=form.cleaned_data["reason"],
    )
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
