"""Importing the indicator catalogue (danh mục chỉ tiêu) from its authors' table on a page:
upload, see what the import would do (or every refused cell, by row and column), confirm.

The same ``import_catalogue`` as ``dondoc indicators import``: the whole file is checked before
anything is written, and the write is one transaction. The uploaded bytes wait in the import
staging folder under a random token kept in the session (never in the form), and are deleted
once imported, refused or replaced by another upload.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dondoc.accounts.policy import can
from dondoc.core.uploads import check_upload
from dondoc.indicators.importer import CatalogueImport, import_catalogue
from dondoc.tasks.importers import staging
from dondoc.tasks.models import Program
from dondoc.tasks.programs import choose_program, picker_programs

ALLOWED = {".csv", ".xlsx", ".docx"}
SESSION_KEY = "dondoc_indicator_import"

#: What ``import_catalogue`` counts, as the page says it (in this order).
OUTCOMES = ("created", "new version", "updated", "unchanged", "targets changed")


def _outcome_labels() -> dict[str, str]:
    return {
        "created": _("new indicators"),
        "new version": _("indicators with a new definition (new version)"),
        "updated": _("indicators with other fields changed"),
        "unchanged": _("indicators unchanged"),
        "targets changed": _("targets changed"),
    }


def _require(request: HttpRequest) -> None:
    if not can(request.user, "indicator.import"):
        raise PermissionDenied


def _discard(request: HttpRequest) -> None:
    pending = request.session.pop(SESSION_KEY, None)
    if pending:
        staging.staged(pending["token"]).unlink(missing_ok=True)


def _pending(request: HttpRequest) -> dict | None:
    pending = request.session.get(SESSION_KEY)
    if pending and staging.staged(pending["token"]).is_file():
        return pending
    request.session.pop(SESSION_KEY, None)
    return None


def _outcome(result: CatalogueImport) -> dict:
    """The result as the page shows it: the counts in order, the refused cells."""
    labels = _outcome_labels()
    return {
        "ok": result.ok,
        "counts": [(labels[k], result.counts[k]) for k in OUTCOMES if result.counts.get(k)],
        "headings": list(dict.fromkeys(result.columns.values())),
        "problems": [
            {
                "row": p.row,
                "column_label": p.column,
                "reason": p.reason_vi,
                "reason_en": p.reason_en,
            }
            for p in result.problems
        ],
    }


def _page(request: HttpRequest, context: dict, status: int = 200) -> HttpResponse:
    context.setdefault("programs", picker_programs())
    return render(request, "indicators/import.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def catalogue_import(request: HttpRequest) -> HttpResponse:
    _require(request)
    if request.method == "GET":
        return _page(request, {"program": choose_program(request.GET.get("program"))})
    code = request.POST.get("program")
    program = Program.objects.filter(code=code).first() if code else choose_program(None)
    incoming = request.FILES.get("file")
    errors = []
    if program is None and code:
        errors.append(_("There is no program with the code %(code)s.") % {"code": code[:20]})
    elif program is None:
        errors.append(_("There is no program to import into."))
    if incoming is None:
        errors.append(_("Choose a file to import."))
    checked = None
    if incoming is not None:
        checked, problems = check_upload(incoming, incoming.name, allowed=ALLOWED)
        errors += problems
    if errors:
        return _page(request, {"program": program, "errors": errors}, status=400)
    data = incoming.read()
    _discard(request)
    staging.sweep()
    result = import_catalogue(data, checked.name, program=program, dry_run=True, by=request.user)
    if result.ok:
        token = staging.new_token()
        staging.staged(token).write_bytes(data)
        request.session[SESSION_KEY] = {
            "token": token,
            "name": checked.name,
            "program": program.code,
        }
    context = {"program": program, "filename": checked.name, "result": _outcome(result)}
    return _page(request, context, status=200 if result.ok else 400)


@login_required
@require_POST
def catalogue_import_confirm(request: HttpRequest) -> HttpResponse:
    _require(request)
    pending = _pending(request)
    if pending is None:
        messages.error(request, _("Nothing is waiting to be imported: upload the file again."))
        return redirect("indicators:import")
    program = Program.objects.filter(code=pending["program"]).first()
    try:
        data = staging.staged(pending["token"]).read_bytes()
    except FileNotFoundError:  # a second click of the same confirmation took it
        request.session.pop(SESSION_KEY, None)
        messages.error(request, _("Nothing is waiting to be imported: upload the file again."))
        return redirect("indicators:import")
    _discard(request)
    if program is None:
        messages.error(request, _("There is no program to import into."))
        return redirect("indicators:import")
    result = import_catalogue(data, pending["name"], program=program, by=request.user)
    if not result.ok:
        # The catalogue changed since the check (another import): nothing was written.
        context = {"program": program, "filename": pending["name"], "result": _outcome(result)}
        return _page(request, context, status=409)
    shown = "; ".join(f"{label}: {n}" for label, n in _outcome(result)["counts"]) or "0"
    messages.success(
        request,
        _("Catalogue imported from %(name)s: %(counts)s.")
        % {"name": pending["name"], "counts": shown},
    )
    return redirect(reverse("indicators:list") + f"?program={program.code}")
