"""The import page: upload, (for a task table) confirm the columns and resolve unknown names,
see the dry run, confirm; the import then runs as a job whose progress the page follows.

The uploaded bytes wait in the staging folder (``staging.py``) under a random token kept in
the session (never in the form); once the import is confirmed the job owns them and deletes
them after its run. The steps of a task table are in ``table_views.py``.
"""

from __future__ import annotations

from pathlib import PurePath

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dondoc.accounts.policy import can
from dondoc.core.uploads import check_upload
from dondoc.tasks.importers import staging
from dondoc.tasks.importers import template as tpl
from dondoc.tasks.importers.jobs import start_import
from dondoc.tasks.importers.service import import_file, inspect_table
from dondoc.tasks.importers.staging import staging_dir  # noqa: F401  (tests read it here)
from dondoc.tasks.models import ImportJob, Program
from dondoc.tasks.programs import default_program, picker_programs

ALLOWED = {".txt", ".csv", ".xlsx", ".docx"}
SESSION_KEY = "dondoc_import"
#: A directive named at upload ("03/NQ-CP ngày 09/01/2025") is at most this long.
DIRECTIVE_MAX = 300


def require_import(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can(request.user, "import.run"):
        raise PermissionDenied
    return None


def pending_upload(request: HttpRequest) -> dict | None:
    """The upload waiting in this session, if its staged file is still there."""
    pending = request.session.get(SESSION_KEY)
    if pending and staging.staged(pending["token"]).is_file():
        return pending
    request.session.pop(SESSION_KEY, None)
    return None


def save_pending(request: HttpRequest, pending: dict) -> None:
    request.session[SESSION_KEY] = pending
    request.session.modified = True


def _discard(request: HttpRequest) -> None:
    pending = request.session.pop(SESSION_KEY, None)
    if pending:
        staging.staged(pending["token"]).unlink(missing_ok=True)


def _program(request: HttpRequest) -> Program | None:
    code = request.POST.get("program") or request.GET.get("program")
    if code:
        return Program.objects.filter(code=code).first() or default_program()
    return default_program()


def file_kind(data: bytes, filename: str) -> str:
    """``report`` (.txt), ``template`` (a header meant to be our template's, as the importer
    decides) or ``table`` (any other layout, read by column mapping). A file whose header
    cannot be found goes straight to the dry run, whose refusal names the problem."""
    extension = PurePath(filename).suffix.lower()
    if extension == ".txt":
        return "report"
    if extension == ".docx":
        return "table"
    read = inspect_table(data, filename)
    return "template" if not read.headings or tpl.looks_like_template(read.headings) else "table"


@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    denied = require_import(request)
    if denied:
        return denied
    context = {"programs": picker_programs(), "section": "import"}
    if request.method == "GET":
        return render(request, "importers/upload.html", context)
    program = _program(request)
    incoming = request.FILES.get("file")
    directive = " ".join(request.POST.get("directive", "").split())
    errors = []
    if program is None:
        errors.append(_("There is no program to import into."))
    if incoming is None:
        errors.append(_("Choose a file to import."))
    if len(directive) > DIRECTIVE_MAX:
        errors.append(
            _("The assigning document is too long (at most %(count)s characters).")
            % {"count": DIRECTIVE_MAX}
        )
    checked = None
    if incoming is not None:
        checked, problems = check_upload(incoming, incoming.name, allowed=ALLOWED)
        errors += problems
    if errors:
        context |= {"errors": errors, "directive": directive}
        return render(request, "importers/upload.html", context, status=400)
    data = incoming.read()
    _discard(request)
    staging.sweep()
    token = staging.new_token()
    staging.staged(token).write_bytes(data)
    kind = file_kind(data, checked.name)
    save_pending(
        request,
        {
            "token": token,
            "name": checked.name,
            "program": program.code,
            "kind": kind,
            "directive": directive,
        },
    )
    if kind == "table":
        return redirect("import-columns")
    summary = import_file(
        data, filename=checked.name, program=program, by=request.user, dry_run=True
    )
    if not summary.ok:
        _discard(request)
    return render(
        request,
        "importers/summary.html",
        {**context, "summary": summary, "program": program, "confirmable": summary.ok},
    )


@require_POST
def confirm(request: HttpRequest) -> HttpResponse:
    denied = require_import(request)
    if denied:
        return denied
    pending = pending_upload(request)
    if pending is None:
        return redirect("import-upload")
    if pending.get("kind") == "table" and not pending.get("columns"):
        return redirect("import-columns")
    program = Program.objects.filter(code=pending["program"]).first()
    if program is None:
        _discard(request)
        return redirect("import-upload")
    try:
        job = start_import(
            program=program,
            user=request.user,
            token=pending["token"],
            filename=pending["name"],
            options={
                "kind": pending.get("kind", ""),
                "columns": pending.get("columns") or {},
                "directive": pending.get("directive", ""),
                "resolutions": pending.get("resolutions") or [],
            },
        )
    except IntegrityError:  # a double click: the first click's job has this file
        job = ImportJob.objects.filter(token=pending["token"], user=request.user).first()
        if job is None:
            raise
    request.session.pop(SESSION_KEY, None)  # the job owns the staged file now
    return redirect("import-job", pk=job.pk)


@require_GET
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's progress while it runs (htmx asks every second), then its summary."""
    denied = require_import(request)
    if denied:
        return denied
    job = ImportJob.objects.select_related("program").filter(pk=pk, user=request.user).first()
    if job is None:
        raise Http404
    context = {"job": job, "summary": job.summary, "program": job.program, "section": "import"}
    context["done"] = job.state == "done"
    if request.headers.get("HX-Request") == "true":
        return render(request, "importers/_job.html", context)
    return render(request, "importers/job.html", context)


@require_GET
def template_download(request: HttpRequest, fmt: str) -> HttpResponse:
    denied = require_import(request)
    if denied:
        return denied
    if fmt == "xlsx":
        body = tpl.template_xlsx()
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body, kind = tpl.template_csv(), "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="mau-nhap-nhiem-vu.{fmt}"'
    return response
