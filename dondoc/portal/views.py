"""The portal's back office (/portal/): the Standing Office's queue and each item's page.

Every view asks the permission table (``portal.view``, ``portal.triage``, ``portal.answer``);
an item outside the user's scope is a 404. Every change goes through ``services``; a step that
someone else's change made impossible shows its message with HTTP 409.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dondoc.accounts.policy import Scope, can, scope_of, user_org_ids
from dondoc.core.dates import DateError
from dondoc.core.params import int_param, page_number
from dondoc.core.text import fold
from dondoc.core.transitions import Conflict
from dondoc.orgs.choices import grouped_choices, in_force
from dondoc.orgs.models import OrgUnit
from dondoc.portal import services
from dondoc.portal import stats as portal_stats
from dondoc.portal.access import (
    get_submission_for_user,
    portal_program,
    suggestions,
    visible_submissions,
)
from dondoc.portal.forms import (
    AnswerForm,
    BulkForm,
    ClassifyForm,
    NoteForm,
    RejectForm,
    RouteForm,
)
from dondoc.portal.models import Kind, State, Submission
from dondoc.tasks.models import SolutionGroup, Task

PAGE_SIZE = 30


def _require(request: HttpRequest, action: str, obj=None) -> None:
    if not can(request.user, action, obj):
        raise PermissionDenied


def _agencies(*keep: int | None) -> list[OrgUnit]:
    """Units an item can be sent to: those in force, and the one it was sent to (``keep``)."""
    return list(in_force(OrgUnit.objects.all(), keep=keep))


def _groups(submission: Submission | None = None) -> list[SolutionGroup]:
    qs = SolutionGroup.objects.select_related("program")
    if submission is not None:
        qs = qs.filter(program_id=submission.program_id)
    return list(qs)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _require(request, "portal.view")
    items = visible_submissions(
        request.user, Submission.objects.select_related("routed_to", "group")
    )
    state = request.GET.get("state", "")
    if state in State.values:
        items = items.filter(state=state)
    kind = request.GET.get("kind", "")
    if kind in Kind.values:
        items = items.filter(kind=kind)
    group = int_param(request.GET, "group")
    if group:
        items = items.filter(group_id=group)
    agency = int_param(request.GET, "agency")
    if agency:
        items = items.filter(routed_to_id=agency)
    moderation = request.GET.get("moderation") == "1"
    if moderation:
        items = items.filter(flagged=True) | items.filter(hidden=True)
    for word in fold((request.GET.get("q") or "")[:200]).split():
        items = items.filter(search_folded__contains=word)
    page = Paginator(items.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        page_number(request.GET)
    )
    may_triage = can(request.user, "portal.triage")
    return render(
        request,
        "portal/queue.html",
        {
            "page": page,
            "states": State.choices,
            "kinds": Kind.choices,
            "state": state,
            "kind": kind,
            "q": request.GET.get("q", "")[:200],
            "moderation": moderation,
            "may_triage": may_triage,
            "groups": _groups() if may_triage else [],
            "agency_choices": grouped_choices(_agencies()) if may_triage else [],
            "bulk_actions": BulkForm.ACTIONS,
        },
    )


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """The same step for every ticked item; each item its own transaction, so one that
    cannot take the step is named and the others go through."""
    _require(request, "portal.triage")
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit() and len(i) < 12]
    items = list(visible_submissions(request.user, Submission.objects.filter(pk__in=ids)))
    form = BulkForm(request.POST, ids=[s.pk for s in items], groups=_groups(), agencies=_agencies())
    if not form.is_valid() or not items:
        messages.error(request, _("Tick at least one item and complete the action."))
        return redirect("portal:queue")
    data = form.cleaned_data
    done, refused = 0, []
    group = next((g for g in _groups() if g.pk == data["group"]), None)
    agency = OrgUnit.objects.filter(pk=data["agency"]).first() if data["agency"] else None
    for item in items:
        try:
            if data["action"] == "review":
                services.classify(item, by=request.user)
            elif data["action"] == "group":
                services.classify(item, by=request.user, group=group)
            elif data["action"] == "route":
                services.route(item, agency=agency, by=request.user)
            else:
                services.reject(item, reason=data["reason"].strip(), by=request.user)
            done += 1
        except Conflict as exc:
            refused.append(f"{item.display_code}: {exc}")
    if done:
        messages.success(request, _("%(count)s items changed.") % {"count": done})
    for line in refused:
        messages.error(request, line)
    return redirect("portal:queue")


def _detail(request: HttpRequest, submission: Submission, *, status=200, **forms) -> HttpResponse:
    may_triage = can(request.user, "portal.triage", submission)
    may_answer = can(request.user, "portal.answer", submission) and submission.state in (
        State.ROUTED,
        State.UNDER_REVIEW,
        State.RECEIVED,
    )
    context = {
        "submission": submission,
        "attachments": submission.attachments.all(),
        "notes": submission.notes.select_related("author"),
        "history": submission.history.select_related("history_user").order_by("-history_date")[:50],
        "duplicates": submission.duplicates.all()[:20],
        "may_triage": may_triage,
        "may_answer": may_answer,
        "status": status,
    }
    if may_triage:
        group, agency = suggestions(submission)
        initial = {"version": submission.version}
        context.update(
            suggested_group=group,
            suggested_agency=agency,
            classify_form=forms.get("classify")
            or ClassifyForm(
                initial={
                    **initial,
                    "kind": submission.kind,
                    "group": submission.group_id or (group.pk if group else None),
                    "field": submission.field,
                    "task": submission.task_id,
                },
                groups=_groups(submission),
            ),
            route_form=forms.get("route")
            or RouteForm(
                initial={
                    **initial,
                    "agency": submission.routed_to_id or (agency.pk if agency else None),
                },
                agencies=_agencies(submission.routed_to_id),
            ),
            reject_form=forms.get("reject") or RejectForm(initial=initial),
        )
    if may_answer:
        context["answer_form"] = forms.get("answer") or AnswerForm(
            initial={"version": submission.version, "text": submission.answer}
        )
    context["note_form"] = forms.get("note") or NoteForm()
    context["conflict"] = forms.get("conflict")
    return render(request, "portal/detail.html", context, status=status)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_submission_for_user(request, pk))


def _act(request, submission, form_name, form, work) -> HttpResponse:
    if not form.is_valid():
        return _detail(request, submission, status=400, **{form_name: form})
    try:
        work(form.cleaned_data)
    except Conflict as exc:
        fresh = get_submission_for_user(request, submission.pk)
        return _detail(request, fresh, status=409, conflict=str(exc))
    messages.success(request, _("Saved."))
    return redirect("portal:detail", pk=submission.pk)


@login_required
@require_POST
def classify(request: HttpRequest, pk: int) -> HttpResponse:
    submission = get_submission_for_user(request, pk)
    _require(request, "portal.triage", submission)
    form = ClassifyForm(request.POST, groups=_groups(submission))

    def work(data):
        task = None
        if data["task"]:
            task = Task.objects.filter(pk=data["task"]).first()
            if task is None:
                raise Conflict(_("There is no task #%(id)s.") % {"id": data["task"]})
        group = next((g for g in _groups(submission) if g.pk == data["group"]), None)
        services.classify(
            submission,
            by=request.user,
            kind=data["kind"],
            group=group,
            field=data["field"],
            task=task,
            expected_version=data["version"],
        )

    return _act(request, submission, "classify", form, work)


@login_required
@require_POST
def route(request: HttpRequest, pk: int) -> HttpResponse:
    submission = get_submission_for_user(request, pk)
    _require(request, "portal.triage", submission)
    form = RouteForm(request.POST, agencies=_agencies(submission.routed_to_id))

    def work(data):
        services.route(
            submission,
            agency=OrgUnit.objects.get(pk=data["agency"]),
            due_on=data["due_on"],
            by=request.user,
            expected_version=data["version"],
        )

    return _act(request, submission, "route", form, work)


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    submission = get_submission_for_user(request, pk)
    _require(request, "portal.answer", submission)
    form = AnswerForm(request.POST)

    def work(data):
        services.answer(
            submission, text=data["text"], by=request.user, expected_version=data["version"]
        )

    return _act(request, submission, "answer", form, work)


@login_required
@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    submission = get_submission_for_user(request, pk)
    _require(request, "portal.triage", submission)
    form = RejectForm(request.POST)

    def work(data):
        services.reject(
            submission, reason=data["reason"], by=request.user, expected_version=data["version"]
        )

    return _act(request, submission, "reject", form, work)


@login_required
@require_POST
def step(request: HttpRequest, pk: int) -> HttpResponse:
    """Select for use, publish (with the files ticked public), reopen, or moderate."""
    submission = get_submission_for_user(request, pk)
    _require(request, "portal.triage", submission)
    version = int_param(request.POST, "version")
    action = request.POST.get("action", "")
    try:
        if action == "select":
            services.select(submission, by=request.user, expected_version=version)
        elif action == "publish":
            files = [int(i) for i in request.POST.getlist("public_files") if i.isdigit()]
            services.publish(
                submission, by=request.user, public_files=files, expected_version=version
            )
        elif action == "reopen":
            services.reopen(submission, by=request.user, expected_version=version)
        elif action in ("release", "remove"):
            services.moderate(submission, by=request.user, keep=action == "release")
        else:
            return _detail(request, submission, status=400)
    except Conflict as exc:
        fresh = get_submission_for_user(request, pk)
        return _detail(request, fresh, status=409, conflict=str(exc))
    messages.success(request, _("Saved."))
    return redirect("portal:detail", pk=pk)


@login_required
@require_POST
def note(request: HttpRequest, pk: int) -> HttpResponse:
    submission = get_submission_for_user(request, pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _detail(request, submission, status=400, note=form)
    services.add_note(submission, by=request.user, text=form.cleaned_data["text"])
    return redirect("portal:detail", pk=pk)


@login_required
def stats(request: HttpRequest) -> HttpResponse:
    """Counts by kind, group, agency and state for a period, and the median time to answer.

    An agency sees the figures of the items sent to it; a period that cannot be read is
    answered 400 with the reason."""
    _require(request, "portal.view")
    program = portal_program()
    text = (request.GET.get("period") or "").strip()[:40]
    error = ""
    span = portal_stats.current_span(timezone.localdate())
    if text:
        try:
            span = portal_stats.parse_span(text)
        except DateError as exc:
            error = str(exc)
    figures = None
    if program is not None and not error:
        org_ids = (
            None
            if scope_of(request.user, "portal.view") is Scope.ALL
            else user_org_ids(request.user)
        )
        figures = portal_stats.compute(program, span, org_ids=org_ids)
    return render(
        request,
        "portal/stats.html",
        {
            "program": program,
            "figures": figures,
            "span": span,
            "period": text,
            "error": error,
            "breakdowns": [
                (_("Handled, by solution group"), figures.by_group),
                (_("Handled, by agency"), figures.by_agency),
            ]
            if figures
            else [],
        },
        status=400 if error else 200,
    )
