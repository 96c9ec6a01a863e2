"""Reading a directive in the app: paste or upload it, review the proposed tasks, accept them.

``/directives/read/`` takes the text (or a .txt/.docx/.pdf file) and keeps the reading as a
draft; ``/directives/read/<id>/`` shows the document beside the proposed tasks, and every change
to a card is a POST there (``action``), answered with the review again (only the review region
for htmx, a redirect otherwise). The Standing Office and the Working Group may do this.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dondoc.accounts.policy import can
from dondoc.core.collation import vi_order
from dondoc.core.forms import first_errors
from dondoc.core.transitions import Conflict
from dondoc.core.uploads import check_upload
from dondoc.orgs.choices import grouped_choices, in_force
from dondoc.orgs.models import Member, OrgGroup, OrgUnit
from dondoc.reader import assist, drafts
from dondoc.reader.core import read_directive, read_file
from dondoc.reader.forms import ACCEPTED_FILES, MAX_TEXT, CardForm, HeaderForm, SplitForm, StartForm
from dondoc.reader.models import DraftState, ReadingDraft
from dondoc.reader.registry import build_register
from dondoc.tasks.models import SolutionGroup, Task
from dondoc.tasks.programs import picker_programs


def _require(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can(request.user, "directive.read"):
        raise PermissionDenied
    return None


def _endpoint() -> assist.Endpoint | None:
    """The optional language-model endpoint for hard items (None: not configured)."""
    if not (settings.DONDOC_READER_LLM_URL and settings.DONDOC_READER_LLM_MODEL):
        return None
    return assist.Endpoint(
        url=settings.DONDOC_READER_LLM_URL,
        model=settings.DONDOC_READER_LLM_MODEL,
        key=settings.DONDOC_READER_LLM_KEY,
        timeout=float(settings.DONDOC_READER_LLM_TIMEOUT),
    )


def _clean_text(text: str) -> str:
    return text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")


@require_http_methods(["GET", "POST"])
def read_start(request: HttpRequest) -> HttpResponse:
    denied = _require(request)
    if denied:
        return denied
    programs = picker_programs()
    form = StartForm(request.POST or None, request.FILES or None, programs=programs)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        incoming = form.cleaned_data.get("file")
        text = form.cleaned_data.get("text") or ""
        name = ""
        if incoming is not None:
            checked, errors = check_upload(incoming, incoming.name, allowed=ACCEPTED_FILES)
            if checked is not None:
                name = checked.name
                try:
                    text = read_file(incoming.read(), checked.name)
                except ValueError as exc:
                    errors.append(str(exc))
        text = _clean_text(text)
        if not errors and len(text) > MAX_TEXT:
            errors.append(
                _("The text is too long to read (at most %(n)s characters).") % {"n": MAX_TEXT}
            )
        if not errors and not text.strip():
            errors.append(_("No text could be read from this file."))
        if not errors:
            program = form.cleaned_data["program"]
            register = build_register(program)
            reading = read_directive(text, register=register)
            assisted = assist.refine(reading, register, _endpoint(), below=drafts.LOW_CONFIDENCE)
            draft = drafts.create_draft(
                program=program,
                reading=reading,
                by=request.user,
                source_name=name,
                assisted=assisted,
            )
            return redirect("reader-review", draft.pk)
    elif request.method == "POST":
        errors.append(first_errors(form))
    recent = (
        ReadingDraft.objects.filter(state=DraftState.OPEN, program__in=programs)
        .select_related("program", "created_by")
        .defer("text")[:20]
    )
    return render(
        request,
        "reader/start.html",
        {"form": form, "errors": errors, "recent": recent, "section": "directives"},
        status=400 if errors else 200,
    )


def _draft_for_user(request: HttpRequest, pk: int) -> ReadingDraft:
    draft = ReadingDraft.objects.select_related("program", "directive").filter(pk=pk).first()
    if draft is None:
        raise Http404
    return draft


def _ref_names(cards: list[dict]) -> dict[str, str]:
    """``ref`` -> the name of what it points to, for every name on the cards."""
    wanted: dict[str, set[int]] = {"unit": set(), "group": set(), "member": set()}
    for c in cards:
        for role in drafts.ROLES:
            for e in c[role]:
                kind, _sep, pk = e["ref"].partition(":")
                if kind in wanted and pk.isdigit():
                    wanted[kind].add(int(pk))
    names = {}
    for kind, model, attr in (
        ("unit", OrgUnit, "name"),
        ("group", OrgGroup, "name"),
        ("member", Member, "full_name"),
    ):
        for obj in model.objects.filter(pk__in=wanted[kind]):
            names[f"{kind}:{obj.pk}"] = getattr(obj, attr)
    return names


def _choices(draft: ReadingDraft, cards: list[dict]) -> dict[str, list[tuple[str, list]]]:
    """What an unresolved name can be mapped to (only loaded when one is unresolved), as
    groups of (value, label): the units in force by kind, then the collective agencies."""
    need = {role for c in cards for role in drafts.ROLES for e in c[role] if not e["ref"]}
    out: dict[str, list[tuple[str, list]]] = {}
    if need & {"leads", "coordinators"}:
        agencies = [
            (group, [(f"unit:{pk}", label) for pk, label in rows])
            for group, rows in grouped_choices(in_force(OrgUnit.objects.all()))
        ]
        collective = [
            (f"group:{g.pk}", g.name) for g in OrgGroup.objects.order_by(vi_order("name"))
        ]
        if collective:
            agencies.append((_("Collective agencies"), collective))
        out["leads"] = out["coordinators"] = agencies
    if "members" in need:
        members = Member.objects.filter(program=draft.program).order_by(vi_order("full_name"))
        out["members"] = [("", [(f"member:{m.pk}", m.full_name) for m in members])]
    return out


def _context(request: HttpRequest, draft: ReadingDraft, **extra) -> dict:
    text = draft.text
    cards = draft.proposals
    refs = _ref_names(cards)
    choices = _choices(draft, cards)
    task_ids = {c["task_id"] for c in cards if c["task_id"]}
    task_ids |= {c["match"]["task_id"] for c in cards if c.get("match")}
    tasks = Task.objects.in_bulk(task_ids)
    labels = {c["key"]: c["label"] for c in cards if c.get("key")}
    groups = list(SolutionGroup.objects.filter(program=draft.program).order_by("number"))
    group_names = {g.pk: f"{g.number}. {g.title}" for g in groups}
    assisted = {
        "content": _("Content"),
        "members": _("Supervising members"),
        "leads": _("Lead agencies"),
        "coordinating": _("Coordinating agencies"),
        "deadline_text": _("Deadline"),
    }
    shown = []
    for c in cards:
        start, end = c["span"]
        quote = text[start:end].strip()
        roles = {}
        for role in drafts.ROLES:
            roles[role] = [
                {
                    **e,
                    "index": i,
                    "resolved": refs.get(e["ref"], ""),
                    "options": () if e["ref"] else choices.get(role, ()),
                }
                for i, e in enumerate(c[role])
            ]
        match = c.get("match")
        shown.append(
            {
                **c,
                "quote": quote,
                "parent_label": labels.get(c["parent_key"] or "") or c["parent_key"],
                "low": c["confidence"] < drafts.LOW_CONFIDENCE,
                "due_date": dt.date.fromisoformat(c["due"]) if c["due"] else None,
                "roles": roles,
                "unresolved": any(not e["ref"] for r in drafts.ROLES for e in c[r]),
                "lines": {r: "\n".join(e["name"] for e in c[r]) for r in drafts.ROLES},
                "split_at": drafts.split_point(c["content"]),
                "match_task": tasks.get(match["task_id"]) if match else None,
                "task": tasks.get(c["task_id"]) if c["task_id"] else None,
                "group_name": group_names.get(c.get("group_id") or 0, ""),
                "assisted_names": [assisted[f] for f in c.get("assisted", ()) if f in assisted],
            }
        )
    header = draft.header
    header_form = HeaderForm(
        initial={
            "version": draft.version,
            "number": header.get("number", ""),
            "date": dt.date.fromisoformat(header["date"]) if header.get("date") else None,
            "issuer": header.get("issuer_id"),
            "kind": header.get("kind"),
            "title": header.get("title", ""),
        },
        issuer_id=header.get("issuer_id"),
    )
    proposed = sum(1 for c in cards if c["state"] == drafts.PROPOSED)
    return {
        "draft": draft,
        "cards": shown,
        "segments": drafts.marked_segments(text, cards),
        "header_form": header_form,
        "proposed": proposed,
        "groups": groups,
        "section": "directives",
        **extra,
    }


def _render(request: HttpRequest, draft: ReadingDraft, *, status: int = 200, **extra):
    template = "reader/_review.html" if request.headers.get("HX-Request") else "reader/review.html"
    return render(request, template, _context(request, draft, **extra), status=status)


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _summary(result: drafts.Accepted) -> str:
    parts = [
        _("Tasks created: %(n)s.") % {"n": len(result.created)},
        _("Linked to existing tasks: %(n)s.") % {"n": len(result.linked)},
        _("Deadlines restated: %(n)s.") % {"n": len(result.restated)},
    ]
    if result.unmapped:
        names = ", ".join(dict.fromkeys(result.unmapped))
        parts.append(_("Names left out (matched nobody): %(names)s.") % {"names": names})
    return " ".join(parts)


@require_http_methods(["GET", "POST"])
def read_review(request: HttpRequest, pk: int) -> HttpResponse:
    denied = _require(request)
    if denied:
        return denied
    draft = _draft_for_user(request, pk)
    if request.method == "GET":
        return _render(request, draft)
    action = request.POST.get("action", "")
    card_id = request.POST.get("card", "")[:16]
    version = _version(request)
    flash = ""
    try:
        if action == "header":
            form = HeaderForm(request.POST, issuer_id=draft.header.get("issuer_id"))
            if not form.is_valid():
                return _render(request, draft, status=400, problem=first_errors(form))
            data = form.cleaned_data
            header = {
                "number": data["number"].strip(),
                "date": data["date"].isoformat(),
                "issuer_id": data["issuer"].pk,
                "kind": data["kind"],
                "title": data["title"].strip(),
            }
            drafts.set_header(draft, header, version=version, by=request.user)
            flash = _("The directive's details were saved.")
        elif action == "edit":
            form = CardForm(request.POST)
            if not form.is_valid():
                return _render(request, draft, status=400, problem=first_errors(form))
            data = form.cleaned_data
            edit = drafts.CardEdit(
                content=data["content"],
                parent_key=data["parent_key"],
                deadline=data["deadline"],
                output=data["output"],
                members=form.names("members"),
                leads=form.names("leads"),
                coordinators=form.names("coordinators"),
                choice=data["choice"],
                group_id=data["group"],
            )
            drafts.edit_card(draft, card_id, edit, version=version, by=request.user)
            flash = _("The card was saved.")
        elif action == "map":
            refs = {}
            for name, value in request.POST.items():
                role, _sep, index = name.removeprefix("map_").rpartition("_")
                usable = index.isdigit() and len(index) < 4 and value.partition(":")[2].isdigit()
                if name.startswith("map_") and role in drafts.ROLES and usable:
                    refs[(role, int(index))] = value
            drafts.map_names(draft, card_id, refs, version=version, by=request.user)
            flash = _("The names were mapped.")
        elif action == "split":
            form = SplitForm(request.POST)
            if not form.is_valid():
                return _render(request, draft, status=400, problem=first_errors(form))
            if not all(drafts.split_at(form.cleaned_data["content"], form.cleaned_data["at"])):
                problem = _("Put the cursor in the text where the second task begins, then split.")
                return _render(request, draft, status=400, problem=problem)
            drafts.split_card(
                draft,
                card_id,
                form.cleaned_data["content"],
                form.cleaned_data["at"],
                version=version,
                by=request.user,
            )
            flash = _("The card was split in two.")
        elif action in ("drop", "restore"):
            state = drafts.DROPPED if action == "drop" else drafts.PROPOSED
            drafts.set_state(draft, card_id, state, version=version, by=request.user)
            flash = _("The card was dropped.") if action == "drop" else _("The card is back.")
        elif action == "merge":
            drafts.merge_cards(
                draft, request.POST.getlist("cards"), version=version, by=request.user
            )
            flash = _("The cards were merged.")
        elif action in ("accept", "accept_one"):
            ids = [card_id] if action == "accept_one" else request.POST.getlist("cards")
            result = drafts.accept_cards(draft, ids, version=version, by=request.user)
            flash = _summary(result)
        else:
            return _render(request, draft, status=400, problem=_("Unknown action."))
    except Conflict as exc:
        draft.refresh_from_db()
        return _render(request, draft, status=409, problem=str(exc))
    if request.headers.get("HX-Request"):
        return _render(request, draft, flash=flash)
    messages.success(request, flash)
    return redirect(
        reverse("reader-review", args=[draft.pk]) + (f"#card-{card_id}" if card_id else "")
    )
