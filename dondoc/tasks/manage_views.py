"""Pages of task management for the Standing Office and the Working Group.

Each view finds the task the user may see (404 otherwise), asks the permission table for the
action (403 otherwise), checks the form and calls one function of ``tasks.manage``. A form
loaded before someone else changed the task is refused as stale rather than overwriting.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET

from dondoc.accounts.policy import visible_tasks
from dondoc.core.params import is_id
from dondoc.tasks import manage
from dondoc.tasks import manage_forms as forms
from dondoc.tasks.deadlines import Deadline, DeadlineKind, format_deadline, parse_deadline
from dondoc.tasks.models import Program, Task
from dondoc.tasks.programs import default_program
from dondoc.tasks.views import get_task_for_user, require

STALE = gettext_noop(
    "The task was changed by someone else while you were editing: look again and repeat."
)


def _task_url(task: Task) -> str:
    return reverse("task-detail", args=[task.pk])


def _managed_task(request: HttpRequest, pk: int, action: str) -> Task:
    task = get_task_for_user(request, pk)  # 404 outside the user's scope
    require(request, action, task)  # 403 for a role without the action
    return task


def _deadline_now(task: Task | None) -> str:
    if task is None:
        return ""
    kind, due = manage.deadline_in_force(task, timezone.localdate())
    return format_deadline(Deadline("", DeadlineKind(kind), due))


def _page(request: HttpRequest, task: Task | None, form, **context: Any) -> HttpResponse:
    return render(
        request,
        "tasks/manage/form.html",
        {
            "task": task,
            "form": form,
            "preview": "preview" in request.POST,
            "deadline_now": _deadline_now(task),
            **context,
        },
    )


def _stale(request: HttpRequest, task: Task) -> HttpResponse:
    messages.error(request, _(STALE))
    return redirect(_task_url(task))


def _merged(request: HttpRequest, task: Task) -> HttpResponse | None:
    if task.merged_into_id is None:
        return None
    messages.error(request, _("This task was merged into another one and can no longer change."))
    return redirect(_task_url(task))


@login_required
def task_create(request: HttpRequest) -> HttpResponse:
    require(request, "task.create")
    program = None
    code = request.POST.get("program") or request.GET.get("program")
    if code and is_id(code):
        program = Program.objects.filter(pk=code).first()
    program = program or default_program()
    form = forms.TaskCreateForm(request.POST or None, program=program)
    if request.method == "POST" and form.is_valid() and "preview" not in request.POST:
        data = form.cleaned_data
        task = manage.create(
            program=data["program"],
            content=data["content"].strip(),
            sources=form.sources(),
            group=data["group"] or form.suggested_group,
            members=data["members"],
            leads=data["leads"],
            coordinators=data["coordinators"],
            deadline=data["deadline"],
            assigned_on=data["assigned_on"],
            expected_output=data["expected_output"].strip(),
            reason=data["reason"],
            by=request.user,
        )
        messages.success(request, _("Task #%(id)s has been created.") % {"id": task.pk})
        return redirect(_task_url(task))
    return _page(
        request,
        None,
        form,
        title=_("New task"),
        submit=_("Create the task"),
        deadline_preview=forms.deadline_display(form.deadline) if form.is_bound else "",
        suggested_group=form.suggested_group if form.is_bound else None,
    )


def _simple(
    request: HttpRequest, pk: int, action: str, form_class, title: str, submit: str, save
) -> HttpResponse:
    """A management page: the form for ``task``; ``save(task, form)`` when it is valid."""
    task = _managed_task(request, pk, action)
    if (refused := _merged(request, task)) is not None:
        return refused
    extra: dict[str, Any] = {"task": task}
    if form_class is forms.MergeForm:
        extra["visible"] = visible_tasks(request.user, Task.objects.all())
    form = form_class(request.POST or None, version=manage.version_of(task), **extra)
    if request.method == "POST" and form.is_valid() and "preview" not in request.POST:
        try:
            message = save(task, form)
        except manage.StaleTask:
            return _stale(request, task)
        messages.success(request, message)
        return redirect(_task_url(task))
    deadline = getattr(form, "deadline", None)
    return _page(
        request,
        task,
        form,
        title=title,
        submit=submit,
        deadline_preview=forms.deadline_display(deadline) if form.is_bound else "",
    )


@login_required
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    def save(task: Task, form) -> str:
        data = form.cleaned_data
        manage.edit(
            task,
            by=request.user,
            reason=data["reason"],
            content=data["content"].strip(),
            group=data["group"],
            sources=form.sources(),
            version=data["version"],
            expected_output=data["expected_output"].strip(),
        )
        return _("The task has been changed.")

    return _simple(
        request, pk, "task.edit", forms.TaskEditForm, _("Edit the task"), _("Save"), save
    )


@login_required
def task_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    def save(task: Task, form) -> str:
        data = form.cleaned_data
        manage.reassign(
            task,
            by=request.user,
            reason=data["reason"],
            leads=list(data["leads"]),
            coordinators=list(data["coordinators"]),
            members=list(data["members"]),
            version=data["version"],
        )
        return _("The agencies and members of the task have been changed.")

    return _simple(
        request, pk, "task.reassign", forms.ReassignForm, _("Reassign the task"), _("Save"), save
    )


@login_required
def task_deadline(request: HttpRequest, pk: int) -> HttpResponse:
    def save(task: Task, form) -> str:
        data = form.cleaned_data
        manage.change_deadline(
            task,
            by=request.user,
            reason=data["reason"],
            phrase=data["deadline"],
            version=data["version"],
        )
        return _("The new deadline is recorded; the deadline history is on the task.")

    return _simple(
        request,
        pk,
        "task.change_deadline",
        forms.DeadlineForm,
        _("Change the deadline"),
        _("Record the new deadline"),
        save,
    )


@login_required
def task_split(request: HttpRequest, pk: int) -> HttpResponse:
    def save(task: Task, form) -> str:
        data = form.cleaned_data
        parts = manage.split(
            task,
            by=request.user,
            reason=data["reason"],
            parts=form.parts(),
            close_original=data["close_original"],
            version=data["version"],
        )
        return _("The task has been split into tasks %(ids)s.") % {
            "ids": ", ".join(f"#{t.pk}" for t in parts)
        }

    return _simple(
        request, pk, "task.split", forms.SplitForm, _("Split the task"), _("Split"), save
    )


@login_required
def task_merge(request: HttpRequest, pk: int) -> HttpResponse:
    def save(task: Task, form) -> str:
        data = form.cleaned_data
        duplicate = data["duplicate"]
        manage.merge(
            task, duplicate, by=request.user, reason=data["reason"], version=data["version"]
        )
        return _("Task #%(id)s has been merged into this one.") % {"id": duplicate.pk}

    return _simple(
        request, pk, "task.merge", forms.MergeForm, _("Merge a duplicate"), _("Merge"), save
    )


@login_required
def task_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    def save(task: Task, form) -> str:
        data = form.cleaned_data
        manage.cancel(
            task,
            by=request.user,
            reason=data["reason"],
            effective_on=data["effective_on"],
            version=data["version"],
        )
        return _("The task has been cancelled.")

    return _simple(
        request,
        pk,
        "task.set_status",
        forms.CancelForm,
        _("Cancel the task"),
        _("Cancel the task"),
        save,
    )


@login_required
@require_GET
def deadline_preview(request: HttpRequest) -> HttpResponse:
    """The date a deadline phrase is read as, for the form to show while it is typed."""
    require(request, "task.change_deadline")
    deadline = parse_deadline(request.GET.get("deadline", "")[:200])
    return render(
        request,
        "tasks/manage/_deadline_preview.html",
        {
            "understood": deadline.kind != DeadlineKind.UNRECOGNISED,
            "shown": format_deadline(deadline),
        },
    )
