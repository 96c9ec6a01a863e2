"""Programs in the app: list, detail, create, edit, archive (``program.view``, ``program.manage``).

Everybody signed in reads the active programs; an archived one is shown only to those who
manage programs (for anybody else it does not exist: 404), though its tasks stay reachable from
the task list by its code.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dondoc.accounts.policy import can
from dondoc.tasks import program_forms as forms
from dondoc.tasks import programs
from dondoc.tasks.models import Program
from dondoc.tasks.views import require


def get_program_for_user(request: HttpRequest, code: str) -> Program:
    """The program of ``code``, or 404 when there is none or it is archived and the user does
    not manage programs."""
    require(request, "program.view")
    program = Program.objects.select_related("standing_office").filter(code=code).first()
    if program is None or (program.is_archived and not can(request.user, "program.manage")):
        raise Http404
    return program


@login_required
@require_GET
def program_list(request: HttpRequest) -> HttpResponse:
    require(request, "program.view")
    may_manage = can(request.user, "program.manage")
    state = request.GET.get("state", "")
    if state not in ("active", "archived", "all") or not may_manage:
        state = "active"
    queryset = Program.objects.all()
    if state == "active":
        queryset = queryset.active()
    elif state == "archived":
        queryset = queryset.filter(archived_on__isnull=False)
    queryset = programs.with_counts(queryset).order_by(F("archived_on").asc(nulls_first=True), "pk")
    return render(
        request,
        "tasks/programs/list.html",
        {
            "programs": queryset,
            "state": state,
            "may_manage": may_manage,
            "states": [
                ("active", _("Active")),
                ("archived", _("Archived")),
                ("all", _("All")),
            ],
        },
    )


@login_required
@require_GET
def program_detail(request: HttpRequest, code: str) -> HttpResponse:
    program = get_program_for_user(request, code)
    groups = programs.with_group_counts(program)
    task_count = program.tasks.filter(merged_into__isnull=True).count()
    return render(
        request,
        "tasks/programs/detail.html",
        {
            "program": program,
            "groups": groups,
            "task_count": task_count,
            "tasks_link": reverse("task-list") + "?" + urlencode({"program": program.code}),
            "import_link": reverse("import-upload") + "?" + urlencode({"program": program.code}),
            "may_manage": can(request.user, "program.manage"),
            "import_allowed": can(request.user, "import.run") and not program.is_archived,
            "archive_form": forms.ArchiveForm(),
        },
    )


def _form_page(request: HttpRequest, program: Program | None) -> HttpResponse:
    code = program.code if program is not None else ""
    form = forms.ProgramForm(request.POST or None, instance=program)
    formset = forms.group_formset(request.POST or None, program)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = {name: form.cleaned_data[name] for name in programs.PROGRAM_FIELDS}
        specs = forms.group_specs(formset)
        try:
            if program is None:
                saved = programs.create_program(**data, groups=specs, by=request.user)
            else:
                saved = programs.update_program(
                    program,
                    **data,
                    groups=specs,
                    by=request.user,
                    version=request.POST.get("version", "")[:40] or None,
                )
        except programs.StaleProgram:
            messages.error(
                request,
                _(
                    "Somebody changed this program after you opened the page. Nothing was "
                    "saved: here is its current state."
                ),
            )
            return redirect("program-edit", code=code)
        except programs.ProgramError as exc:
            for field, problems in exc.message_dict.items():
                target = field if field in form.fields else None
                for problem in problems:
                    if field == "groups":
                        formset._non_form_errors = formset.error_class(
                            [*formset.non_form_errors(), problem]
                        )
                    else:
                        form.add_error(target, problem)
        else:
            messages.success(request, _("“%(name)s” is saved.") % {"name": saved.name})
            return redirect("program-detail", code=saved.code)
    version = request.POST.get("version", "") if form.is_bound else ""
    if program is not None and not form.is_bound:
        version = programs.version_of(program)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "tasks/programs/form.html",
        {"form": form, "formset": formset, "program": program, "code": code, "version": version},
        status=status,
    )


@login_required
def program_create(request: HttpRequest) -> HttpResponse:
    require(request, "program.manage")
    return _form_page(request, None)


@login_required
def program_edit(request: HttpRequest, code: str) -> HttpResponse:
    require(request, "program.manage")
    return _form_page(request, get_program_for_user(request, code))


def _archive_step(request: HttpRequest, code: str, step, done: str) -> HttpResponse:
    require(request, "program.manage")
    program = get_program_for_user(request, code)
    form = forms.ArchiveForm(request.POST)
    if not form.is_valid():
        for problem in form.errors.get("reason", []):
            messages.error(request, problem)
        return redirect("program-detail", code=program.code)
    try:
        step(program, by=request.user, reason=form.cleaned_data["reason"])
    except programs.ProgramError as exc:
        for problem in exc.messages:
            messages.error(request, problem)
    else:
        messages.success(request, done % {"name": program.name})
    return redirect("program-detail", code=program.code)


@login_required
@require_POST
def program_archive(request: HttpRequest, code: str) -> HttpResponse:
    return _archive_step(request, code, programs.archive_program, _("“%(name)s” is archived."))


@login_required
@require_POST
def program_unarchive(request: HttpRequest, code: str) -> HttpResponse:
    return _archive_step(
        request, code, programs.unarchive_program, _("“%(name)s” is active again.")
    )
