"""The steps of importing a task table in any layout (bảng nhiệm vụ): confirm which column holds
what, then one review of the names the system does not know, then the dry run to confirm.

Step 2 (``columns``) shows the recognised mapping, one select per column of the file, and the
first rows read with it (section rows marked); content and lead agency must be mapped. Step 3
(``check``) runs the import as a dry run with that mapping — a job of the queue like the import
itself, so a long table is checked with its progress shown — and lists every unknown agency,
member and document once, each to be mapped to an existing one, created or dropped; the
choices are kept in the session and the dry run is shown again until nothing is left unknown.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from dondoc.core.params import is_id
from dondoc.core.text import fold
from dondoc.orgs.models import Member, OrgKind, OrgUnit
from dondoc.tasks.importers import staging
from dondoc.tasks.importers.jobs import start_import
from dondoc.tasks.importers.references import guess_org_kind
from dondoc.tasks.importers.service import inspect_table
from dondoc.tasks.importers.table import TASK_COLUMNS, read_table
from dondoc.tasks.importers.views import (
    DIRECTIVE_MAX,
    pending_upload,
    require_import,
    save_pending,
)
from dondoc.tasks.models import Directive, ImportJob, ImportState, Program

#: What each column of a task table may hold (our keys), as the page names them.
FIELD_LABELS = {
    "stt": gettext_lazy("No."),
    "content": gettext_lazy("Task content"),
    "lead": gettext_lazy("Lead agency"),
    "coordinating": gettext_lazy("Coordinating agencies"),
    "deadline": gettext_lazy("Deadline"),
    "output": gettext_lazy("Expected output"),
    "result": gettext_lazy("Result"),
    "documents": gettext_lazy("Assigning documents"),
    "members": gettext_lazy("Supervising members"),
    "group": gettext_lazy("Solution group"),
    "note": gettext_lazy("Note"),
}
REQUIRED = ("content", "lead")
PREVIEW_ROWS = 5
#: The kinds of unknown names and their choices.
UNKNOWN_KINDS = {
    "agency": gettext_lazy("Agency"),
    "member": gettext_lazy("Member"),
    "document": gettext_lazy("Document"),
}
ACTIONS = ("map", "create", "drop")
#: A table holds at most this many unknown names worth a form (the reader's row bound).
MAX_UNKNOWNS = 20_000


def field_keys() -> list[str]:
    return [key for key in FIELD_LABELS if key in TASK_COLUMNS] + [
        key for key in TASK_COLUMNS if key not in FIELD_LABELS
    ]


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _staged_bytes(pending: dict) -> bytes:
    return staging.staged(pending["token"]).read_bytes()


def _no_table(request: HttpRequest) -> HttpResponse | None:
    denied = require_import(request)
    if denied:
        return denied
    pending = pending_upload(request)
    if pending is None or pending.get("kind") != "table":
        return redirect("import-upload")
    return None


# --- Step 2: the columns -----------------------------------------------------------------


def read_mapping(post, width: int) -> tuple[dict[str, int], list[str]]:
    """The mapping chosen in the form (``col-<i>`` = key or blank) and what is wrong with it."""
    keys = set(field_keys())
    chosen: dict[str, int] = {}
    errors: list[str] = []
    for index in range(width):
        key = post.get(f"col-{index}", "")
        if not key:
            continue
        if key not in keys:
            errors.append(
                _("Column %(column)s: choose a field from the list.")
                % {"column": column_letter(index)}
            )
        elif key in chosen:
            errors.append(
                _("“%(field)s” is chosen for more than one column (%(a)s and %(b)s).")
                % {
                    "field": FIELD_LABELS.get(key, key),
                    "a": column_letter(chosen[key]),
                    "b": column_letter(index),
                }
            )
        else:
            chosen[key] = index
    for key in REQUIRED:
        if key not in chosen:
            errors.append(
                _("Choose the column that holds “%(field)s”.") % {"field": FIELD_LABELS[key]}
            )
    return chosen, errors


def preview(read, columns: dict[str, int]) -> dict[str, Any]:
    """The first data rows read with ``columns``, with the section rows among them."""
    rows = list(read.rows[:PREVIEW_ROWS])
    keys = [key for key in field_keys() if key in columns]
    last = rows[-1].row if rows else read.header_row
    sections = [s for s in read.sections if s.row <= last]
    lines: list[dict[str, Any]] = [{"row": s.row, "section": s, "cells": []} for s in sections] + [
        {"row": r.row, "section": None, "cells": [r.values.get(k, "") for k in keys]} for r in rows
    ]
    lines.sort(key=lambda line: line["row"])
    return {"keys": [FIELD_LABELS.get(k, k) for k in keys], "lines": lines, "total": len(read.rows)}


@require_http_methods(["GET", "POST"])
def columns(request: HttpRequest) -> HttpResponse:
    refused = _no_table(request)
    if refused:
        return refused
    pending = pending_upload(request)
    data = _staged_bytes(pending)
    read = inspect_table(data, pending["name"])
    errors: list[str] = []
    if request.method == "POST":
        chosen, errors = read_mapping(request.POST, len(read.headings))
        directive = " ".join(request.POST.get("directive", pending.get("directive", "")).split())
        if len(directive) > DIRECTIVE_MAX:
            errors.append(
                _("The assigning document is too long (at most %(count)s characters).")
                % {"count": DIRECTIVE_MAX}
            )
        else:
            pending["directive"] = directive
        if not errors and "preview" not in request.POST:
            pending["columns"] = chosen
            pending.pop("resolutions", None)
            save_pending(request, pending)
            return redirect("import-check")
    else:
        chosen = pending.get("columns") or dict(read.columns)
    shown = read if chosen == read.columns else read_table(data, pending["name"], columns=chosen)
    by_index = {index: key for key, index in chosen.items()}
    headings = [
        {
            "index": i,
            "letter": column_letter(i),
            "heading": heading,
            "key": by_index.get(i, ""),
        }
        for i, heading in enumerate(read.headings)
    ]
    context = {
        "section": "import",
        "pending": pending,
        "headings": headings,
        "fields": [(key, FIELD_LABELS.get(key, key)) for key in field_keys()],
        "preview": preview(shown, chosen),
        "problems": read.problems,
        "header_row": read.header_row,
        "source": read.source,
        "errors": errors,
        "documents_mapped": "documents" in chosen,
    }
    return render(request, "importers/columns.html", context, status=400 if errors else 200)


# --- Step 3: the dry run and the unknown names ------------------------------------------------


def _unit_label(unit: OrgUnit) -> str:
    return f"{unit.name} ({unit.code})"


def _member_label(member: Member) -> str:
    return f"{member.full_name} ({member.position})" if member.position else member.full_name


def _document_label(directive: Directive) -> str:
    return (
        f"{directive.number} ngày {directive.date:%d/%m/%Y}" if directive.date else directive.number
    )


def choices_of(kind: str, program: Program) -> list[tuple[int, str]]:
    """Every existing object an unknown name of ``kind`` can be mapped to: (id, label)."""
    if kind == "agency":
        units = OrgUnit.objects.order_by("name", "code").only("pk", "name", "code")
        return [(u.pk, _unit_label(u)) for u in units]
    if kind == "member":
        people = Member.objects.filter(program=program).order_by("full_name")
        return [(m.pk, _member_label(m)) for m in people]
    documents = Directive.objects.filter(program=program).order_by("date", "number")
    return [(d.pk, _document_label(d)) for d in documents]


def read_resolutions(post, program: Program) -> tuple[list[list], list[str]]:
    """The choices of the form: ``[kind, name, choice]`` for each unknown name, and errors."""
    count = int(post["unknowns"]) if is_id(post.get("unknowns", "")) else 0
    lookups: dict[str, dict[str, int]] = {}
    resolutions: list[list] = []
    errors: list[str] = []
    for j in range(min(count, MAX_UNKNOWNS)):
        kind, name = post.get(f"u-{j}-kind", ""), post.get(f"u-{j}-name", "")
        action = post.get(f"u-{j}-action", "")
        if kind not in UNKNOWN_KINDS or not name or action not in ACTIONS:
            if kind in UNKNOWN_KINDS and name:
                errors.append(_("“%(name)s”: choose what to do with it.") % {"name": name})
            continue
        choice: dict[str, Any] = {"action": action}
        if action == "map":
            search = " ".join(post.get(f"u-{j}-search", "").split())
            picked = post.get(f"u-{j}-id", "")
            if search:
                if kind not in lookups:
                    lookups[kind] = {fold(label): pk for pk, label in choices_of(kind, program)}
                found = lookups[kind].get(fold(search))
                if found is None:
                    errors.append(
                        _("“%(name)s”: nothing found as “%(search)s”; pick a name from the list.")
                        % {"name": name, "search": search}
                    )
                    continue
                choice["id"] = found
            elif is_id(picked):
                choice["id"] = int(picked)
            else:
                errors.append(
                    _("“%(name)s”: choose the existing one it stands for.") % {"name": name}
                )
                continue
        elif action == "create" and kind == "agency":
            org_kind = post.get(f"u-{j}-org_kind", "")
            choice["org_kind"] = org_kind if org_kind in OrgKind.values else OrgKind.OTHER
        resolutions.append([kind, name, choice])
    return resolutions, errors


def _unknown_rows(summary: dict, chosen: dict[tuple[str, str], dict]) -> list[dict[str, Any]]:
    rows = []
    for unknown in summary.get("unknowns") or ():
        kind, name = unknown["kind"], unknown["name"]
        suggestions = unknown.get("suggestions") or []
        choice = chosen.get((kind, name)) or (
            {"action": "map", "id": suggestions[0]["id"]} if suggestions else {"action": "create"}
        )
        if kind == "agency" and not choice.get("org_kind"):
            choice = {**choice, "org_kind": guess_org_kind(name)}
        rows.append(
            {
                **unknown,
                "kind_label": UNKNOWN_KINDS.get(kind, kind),
                "choice": choice,
            }
        )
    return rows


def _mapped_search(resolutions: list[list], program: Program) -> dict[tuple[str, str], dict]:
    """The session's choices, with the label of a mapped object that is not a suggestion."""
    chosen: dict[tuple[str, str], dict] = {}
    labels: dict[str, dict[int, str]] = {}
    for kind, name, choice in resolutions:
        chosen[(kind, name)] = dict(choice)
        if choice.get("action") == "map":
            if kind not in labels:
                labels[kind] = dict(choices_of(kind, program))
            chosen[(kind, name)]["label"] = labels[kind].get(choice.get("id"), "")
    return chosen


def _check_job(request: HttpRequest, pending: dict, program: Program) -> ImportJob:
    """The dry run of the upload with the choices made so far: the session's current one, or
    a new one (queued like an import: a long table is checked with its progress shown)."""
    options = {
        "kind": "table",
        "columns": pending["columns"],
        "directive": pending.get("directive", ""),
        "resolutions": pending.get("resolutions") or [],
    }
    current = pending.get("check") or {}
    mine = ImportJob.objects.filter(user=request.user, dry_run=True)
    if current.get("options") == options and "again" not in request.GET:
        job = mine.filter(pk=current.get("job")).first()
        if job is not None:
            return job
    mine.filter(pk=current.get("job")).delete()
    job = start_import(
        program=program,
        user=request.user,
        token=pending["token"],
        filename=pending["name"],
        options=options,
        dry_run=True,
    )
    pending["check"] = {"job": job.pk, "options": options}
    save_pending(request, pending)
    job.refresh_from_db()  # run already when no worker is configured
    return job


@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    refused = _no_table(request)
    if refused:
        return refused
    pending = pending_upload(request)
    if not pending.get("columns"):
        return redirect("import-columns")
    program = Program.objects.filter(code=pending["program"]).first()
    if program is None:
        return redirect("import-upload")
    errors: list[str] = []
    if request.method == "POST":
        resolutions, errors = read_resolutions(request.POST, program)
        if not errors:
            pending["resolutions"] = resolutions
            save_pending(request, pending)
            return redirect("import-check")
    job = _check_job(request, pending, program)
    context = {"section": "import", "job": job, "program": program, "pending": pending}
    if job.state == ImportState.DONE and job.summary:
        context |= _check_context(job.summary, pending, program)
    context["errors"] = errors
    template = "importers/_check.html" if request.headers.get("HX-Request") == "true" else None
    return render(
        request, template or "importers/check.html", context, status=400 if errors else 200
    )


def _check_context(summary: dict, pending: dict, program: Program) -> dict[str, Any]:
    chosen = _mapped_search(pending.get("resolutions") or [], program)
    unknowns = _unknown_rows(summary, chosen)
    listed = {(row["kind"], row["name"]) for row in unknowns}
    unknowns += [  # decided earlier and no longer reported unknown: still shown, to change
        {
            "kind": kind,
            "name": name,
            "rows": [],
            "suggestions": [],
            "choice": choice,
            "kind_label": UNKNOWN_KINDS.get(kind, kind),
        }
        for (kind, name), choice in chosen.items()
        if (kind, name) not in listed
    ]
    for row in unknowns:
        suggested = {s["id"] for s in row.get("suggestions") or ()}
        choice = row["choice"]
        mapped_elsewhere = choice.get("action") == "map" and choice.get("id") not in suggested
        row["search"] = choice.get("label", "") if mapped_elsewhere else ""
    kinds = sorted({row["kind"] for row in unknowns})
    undecided = [u for u in summary.get("unknowns") or () if not u.get("resolution")]
    needs_resolution = bool(summary.get("needs_resolution"))
    return {
        "summary": summary,
        "unknowns": unknowns,
        "datalists": {kind: [label for _pk, label in choices_of(kind, program)] for kind in kinds},
        "org_kinds": OrgKind.choices,
        "columns_used": [
            (FIELD_LABELS.get(key, key), heading)
            for key, heading in (summary.get("columns") or {}).items()
        ],
        "needs_resolution": needs_resolution,
        "confirmable": summary.get("ok") and not needs_resolution,
        # Names still undecided are refusals of their own; the list of refusals is shown
        # only when the file has others, which a new upload must correct.
        "show_summary": not needs_resolution or len(summary["rejected"]) > len(undecided),
    }
