"""Upload page of the importers: upload, see the dry run, confirm; template downloads.

The uploaded bytes wait in a server-side staging folder under a random token kept in the
session (never in the form), and are deleted once the import is confirmed or replaced.
"""

from __future__ import annotations

import contextlib
import secrets
import tempfile
import time
from pathlib import Path

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dondoc.accounts.policy import can
from dondoc.core.uploads import check_upload
from dondoc.tasks.importers import template as tpl
from dondoc.tasks.importers.service import import_file
from dondoc.tasks.models import Program
from dondoc.tasks.programs import default_program, picker_programs

ALLOWED = {".txt", ".csv", ".xlsx"}
SESSION_KEY = "dondoc_import"


#: Staged uploads nobody confirmed are deleted after this many seconds.
STAGING_SECONDS = 24 * 3600


def staging_dir() -> Path:
    path = Path(tempfile.gettempdir()) / "dondoc-import-staging"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def _sweep_staging() -> None:
    """Delete uploads abandoned before confirmation."""
    limit = time.time() - STAGING_SECONDS
    for staged in staging_dir().iterdir():
        with contextlib.suppress(OSError):
            if staged.stat().st_mtime < limit:
                staged.unlink()


def _staged(token: str) -> Path:
    if not token or not token.replace("-", "").replace("_", "").isalnum():
        raise PermissionDenied
    return staging_dir() / token


def _discard(request: HttpRequest) -> None:
    pending = request.session.pop(SESSION_KEY, None)
    if pending:
        _staged(pending["token"]).unlink(missing_ok=True)


def _require_import(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can(request.user, "import.run"):
        raise PermissionDenied
    return None


def _program(request: HttpRequest) -> Program | None:
    code = request.POST.get("program") or request.GET.get("program")
    if code:
        return Program.objects.filter(code=code).first() or default_program()
    return default_program()


@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    denied = _require_import(request)
    if denied:
        return denied
    context = {"programs": picker_programs(), "section": "import"}
    if request.method == "GET":
        return render(request, "importers/upload.html", context)
    program = _program(request)
    incoming = request.FILES.get("file")
    errors = []
    if program is None:
        errors.append(_("There is no program to import into."))
    if incoming is None:
        errors.append(_("Choose a file to import."))
    checked = None
    if incoming is not None:
        checked, problems = check_upload(incoming, incoming.name, allowed=ALLOWED)
        errors += problems
    if errors:
        return render(request, "importers/upload.html", {**context, "errors": errors}, status=400)
    data = incoming.read()
    summary = import_file(
        data, filename=checked.name, program=program, by=request.user, dry_run=True
    )
    _discard(request)
    _sweep_staging()
    if summary.ok:
        token = secrets.token_urlsafe(24)
        _staged(token).write_bytes(data)
        request.session[SESSION_KEY] = {
            "token": token,
            "name": checked.name,
            "program": program.code,
        }
    return render(
        request,
        "importers/summary.html",
        {**context, "summary": summary, "program": program, "confirmable": summary.ok},
    )


@require_POST
def confirm(request: HttpRequest) -> HttpResponse:
    denied = _require_import(request)
    if denied:
        return denied
    pending = request.session.get(SESSION_KEY)
    path = _staged(pending["token"]) if pending else None
    if not pending or not path.is_file():
        request.session.pop(SESSION_KEY, None)
        return redirect("import-upload")
    program = Program.objects.filter(code=pending["program"]).first()
    try:
        summary = import_file(
            path.read_bytes(), filename=pending["name"], program=program, by=request.user
        )
    finally:
        _discard(request)
    return render(
        request,
        "importers/summary.html",
        {
            "summary": summary,
            "program": program,
            "confirmable": False,
            "done": True,
            "section": "import",
        },
    )


@require_GET
def template_download(request: HttpRequest, fmt: str) -> HttpResponse:
    denied = _require_import(request)
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
