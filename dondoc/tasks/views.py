"""Pages of the task tracker: dashboard, task list and detail, directives, duplicates.

Every view asks the permission table first (``policy.can``) and narrows tasks with
``policy.visible_tasks``; a task outside the user's scope is a 404, as if it did not exist.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from urllib.parse import quote_plus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    CharField,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
    prefetch_related_objects,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, RowNumber
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.html import conditional_escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dondoc.accounts import chrome
from dondoc.accounts.policy import (
    Scope,
    can,
    narrowed_to,
    own_task_agency,
    scope_of,
    task_visibility_key,
    update_visibility_key,
    user_org_ids,
    visible_tasks,
    visible_updates,
)
from dondoc.audit.log import update_history_visible
from dondoc.core import prepared
from dondoc.core.addresses import pattern
from dondoc.core.collation import vi_order
from dondoc.core.params import date_param, page_number
from dondoc.core.transitions import Conflict
from dondoc.orgs.choices import dated_label, group_rows, kind_order
from dondoc.orgs.groups import members_summary
from dondoc.tasks import dashboard as figures
from dondoc.tasks import listpage, reporting, services
from dondoc.tasks.collective import group_reporting
from dondoc.tasks.exports import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    TaskExporter,
    render_csv,
    render_xlsx,
)
from dondoc.tasks.filters import (
    STATUS_ORDER,
    FilterState,
    filter_tasks,
    filtered_rows,
    rows_and_total,
    with_display_relations,
)
from dondoc.tasks.forms import DuplicateDecisionForm, ProgressUpdateForm
from dondoc.tasks.models import (
    AgencyRole,
    Attachment,
    DeadlineChange,
    Directive,
    DuplicateCandidate,
    DuplicateState,
    Program,
    ProgressUpdate,
    RelationKind,
    SolutionGroup,
    SpanPart,
    Task,
    TaskAgency,
    TaskAgencyGroup,
    TaskChange,
    TaskRelation,
    TaskSource,
    TaskStatusSpan,
)
from dondoc.tasks.outputs import OUTPUT_KINDS
from dondoc.tasks.page import TaskPageWriter
from dondoc.tasks.programs import chosen_and_offered
from dondoc.tasks.queries import tasks_as_of, with_late_against_original, with_status
from dondoc.tasks.status import STATUS_COLOURS, Status, late_against_original
from dondoc.tasks.templatetags.dondoc import (
    RenderedOptions,
    options_html,
    output_kind_text,
    status_text,
)
from dondoc.tasks.timeline import TimelineWriter, show_attachments

PAGE_SIZE = 50


def require(request: HttpRequest, action: str, obj: Any = None) -> None:
    """Refuse (403) an action the user's role does not hold at all."""
    if not can(request.user, action, obj):
        raise PermissionDenied


def get_task_for_user(request: HttpRequest, pk: int, as_of: dt.date | None = None) -> Task:
    """The task, annotated with its status today, or 404 when the user may not see it."""
    require(request, "task.view")
    day = as_of or timezone.localdate()
    qs = visible_tasks(request.user, Task.objects.filter(pk=pk))
    task = _with_page_relations(with_late_against_original(qs, day)).first()
    if task is None:
        raise Http404
    return task


def _with_page_relations(qs: QuerySet) -> QuerySet:
    return qs.select_related("program", "group", "parent", "merged_into").prefetch_related(
        Prefetch(
            "task_agencies",
            queryset=TaskAgency.objects.select_related("org_unit").order_by("role", "id"),
        ),
        Prefetch("task_groups", queryset=TaskAgencyGroup.objects.select_related("group")),
    )


def _task_page_task(request: HttpRequest, pk: int) -> Task:
    """``get_task_for_user`` for the task page, in one query with less to plan.

    The status today is read from the task's maintained status span covering today
    (``tasks.spans``: written in the same transaction as every change to the timeline, and
    checked against a recomputation by ``dondoc check-figures``) instead of being computed by
    the status expression, whose planning alone costs PostgreSQL ~15 ms; a task without a span
    today (merged into another, or assigned later) takes the computed path. The query also
    says, for each of the page's rarely filled parts, whether the task has any (``_probes``),
    so that the page asks for the rows of only those that have: index probes inside the one
    query instead of a round trip each that comes back empty."""
    require(request, "task.view")
    user, today = request.user, timezone.localdate()

    def build(ids: list[int]) -> QuerySet:
        qs = visible_tasks(user, Task.objects.filter(pk=ids[0]))
        qs = qs.annotate(**_page_extras(today)).select_related(
            "program", "group", "parent", "merged_into"
        )
        return qs.order_by("pk")[:1]  # ``first()``

    # Compiled once per day and narrowing by the policy (``core.prepared``): building it, with
    # its ten subqueries and four joined tables, cost more than running it.
    key = ("task_page", task_visibility_key(user), today)
    found = prepared.instances(key, build, [pk])
    task = found[0] if found else None
    if task is None:
        raise Http404
    # The task's agencies, sources and supervising members: one statement.
    agencies, task.page_sources, task.page_members = _agencies_sources_members(task)
    _set_prefetched(task, "task_agencies", agencies, TaskAgency.task.field)
    if task.has_groups:
        prefetch_related_objects(
            [task],
            Prefetch("task_groups", queryset=TaskAgencyGroup.objects.select_related("group")),
        )
    else:  # what the prefetch would have found: readers of ``task_groups.all()`` ask no more
        none = TaskAgencyGroup.objects.none()
        none._result_cache, none._prefetch_done = [], True
        task._prefetched_objects_cache["task_groups"] = none
    if task.span_status is None:
        computed = get_task_for_user(request, pk)
        task.status = computed.status
        task.late_against_original = computed.late_against_original
    else:
        task.status = task.span_status
        task.late_against_original = late_against_original(
            task.span_status, task.span_status_original
        )
    return task


def _set_prefetched(task: Task, name: str, objects: list, field: Any) -> None:
    """``objects`` as what ``prefetch_related(name)`` would have left on ``task``: the
    relation's ``all()`` answered from them, each object's ``field`` pointing back to it."""
    for obj in objects:
        field.set_cached_value(obj, task)
    queryset = getattr(task, name).all()
    queryset._result_cache, queryset._prefetch_done = objects, True
    if not hasattr(task, "_prefetched_objects_cache"):
        task._prefetched_objects_cache = {}
    task._prefetched_objects_cache[name] = queryset


_EXTRAS: dict[tuple, dict[str, RawSQL]] = {}


def _page_extras(today: dt.date) -> dict[str, RawSQL]:
    """The status span covering ``today`` and the probes (``_probes``) as annotations of the
    task, compiled once per database and date: building and compiling ten subqueries through
    the ORM cost more than running them. The SQL is the ORM's own, for the task table."""
    key = (connection.alias, connection.vendor, today)
    found = _EXTRAS.get(key)
    if found is not None:
        return found
    span = TaskStatusSpan.objects.filter(
        task=OuterRef("pk"), part=SpanPart.TASK, valid_from__lte=today, valid_to__gt=today
    )
    fields = {
        "span_status": Subquery(span.values("status")[:1]),
        "span_status_original": Subquery(span.values("status_original")[:1]),
        **{name: Exists(probe) for name, probe in _probes().items()},
    }
    query = Task.objects.annotate(**fields).query
    compiler = query.get_compiler(connection=connection)
    found = {}
    for name in fields:
        sql, params = compiler.compile(query.annotations[name])
        found[name] = RawSQL(sql, tuple(params), output_field=query.annotations[name].output_field)
    if len(_EXTRAS) > 16:
        _EXTRAS.clear()
    _EXTRAS[key] = found
    return found


def _probes() -> dict[str, QuerySet]:
    """What the task page's rarely filled parts read, as subqueries on the task (``pk``)."""
    from dondoc.followups.models import DeadlineExtension, ExplanationRequest

    task = OuterRef("pk")
    return {
        "has_relations": TaskRelation.objects.filter(Q(task=task) | Q(related=task)),
        "has_subtasks": Task.objects.filter(parent=task, merged_into__isnull=True),
        "has_merged": Task.objects.filter(merged_into=task),
        "has_duplicates": DuplicateCandidate.objects.filter(
            Q(task=task) | Q(candidate=task), state=DuplicateState.PENDING
        ),
        # Read by the manage panel (``task_manage``), the follow-ups panel and its forms.
        "has_deadline_changes": DeadlineChange.objects.filter(task=task),
        "has_changes": TaskChange.objects.filter(task=task),
        "has_explanations": ExplanationRequest.objects.filter(task=task),
        "has_extensions": DeadlineExtension.objects.filter(task=task),
        # Collective agencies ("Các tỉnh, thành phố") lead or coordinate few tasks.
        "has_groups": TaskAgencyGroup.objects.filter(task=task),
    }


def _is_htmx(request: HttpRequest) -> bool:
    """A request from htmx for a fragment (not a boosted link, not a history restore)."""
    headers = request.headers
    return (
        headers.get("HX-Request") == "true"
        and not headers.get("HX-Boosted")
        and not headers.get("HX-History-Restore-Request")
    )


# Dashboard ------------------------------------------------------------------------------------

_ROW_KEY = "ROWKEY0"  # stands for a row's id in a link pattern; survives URL encoding as is
_STATUS_KEY = "STATUSKEY0"  # and for a status


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    require(request, "dashboard.view")
    # The program and date as ``filter_tasks`` reads them, without building the task list's
    # query (its status expression alone took longer than the dashboard's figures).
    params = {k: request.GET.get(k, "") for k in ("program", "as_of")}
    program, programs = chosen_and_offered(params["program"] or None)
    as_of = date_param(params, "as_of") or timezone.localdate()
    state = FilterState(program=program, as_of=as_of)
    context: dict[str, Any] = {
        "state": state,
        "programs": programs,
        "program": program,
        "narrowed": narrowed_to(request.user),  # the title names the user's agency
    }
    if program is None:
        return render(request, "tasks/dashboard.html", context)

    whole = tasks_as_of(as_of, Task.objects.filter(program=program))
    base = visible_tasks(request.user, whole)
    # One query for every figure below, with the counts of only the lead agencies shown. The
    # policy gives the queryset back as it is to a reader it does not narrow: then it is the
    # whole program's, which need not be found out by comparing its SQL.
    figures.breakdowns(
        base, as_of, leads=figures.LEAD_ROWS, whole_program=program.pk if base is whole else None
    )
    counts = figures.status_counts(base, as_of)
    totals = figures.figures(counts["by_status"])
    task_list = reverse("task-list")
    status_param = {key: status for key, _label, status in figures.COLUMNS}

    # The ~35 addresses below differ only by their status and row: each kind (the totals',
    # each breakdown's) is encoded once around stand-ins, as ``_ROW_KEY``.
    encoded: dict[str, str] = {}

    def link(row: figures.Row | None, key: str, by: str = "") -> str:
        by = by if row is not None else ""
        around = encoded.get(by)
        if around is None:
            extra: dict[str, Any] = {"status": _STATUS_KEY, **({by: _ROW_KEY} if by else {})}
            around = encoded[by] = f"{task_list}?{state.querystring(**extra)}"
        address = around.replace(_STATUS_KEY, quote_plus(str(status_param.get(key, key))))
        return address.replace(_ROW_KEY, quote_plus(str(row.key))) if by else address

    breakdowns = []
    for by, title, rows in (
        ("lead", _("By lead agency (most overdue first)"), figures.by_lead(base, as_of)),
        ("group", _("By solution group"), figures.by_group(base, as_of, program)),
        ("member", _("By supervising member"), figures.by_member(base, as_of, program)),
    ):
        # Hundreds of cells differ only by the row's key: each column's address is encoded
        # once, around the key; the row's page (an agency's, a member's) reversed once too.
        around = [
            (key, *link(figures.Row(key=_ROW_KEY, label=""), key, by).partition(_ROW_KEY)[::2])
            for key, _l, _s in figures.COLUMNS
        ]
        page = {"lead": "org-detail", "member": "member-detail"}.get(by)
        parts = pattern(page) if page else None
        breakdowns.append(figures.breakdown(by, title, rows, around, parts))
    # A committee member first sees the tasks he or she supervises: the member's own row of
    # the breakdown by member, so no further query.
    member_id = getattr(request.user, "committee_member_id", None)
    mine = next((r for r in breakdowns[2]["rows"] if member_id and r.key == member_id), None)
    context.update(
        mine=mine,
        counts=counts,
        totals=totals,
        links={key: link(None, key) for key, _l, _s in figures.COLUMNS},
        completed_links={
            "on_time": link(None, Status.COMPLETED_ON_TIME.value),
            "late": link(None, Status.COMPLETED_LATE.value),
        },
        columns=figures.COLUMNS,
        breakdowns=breakdowns,
        overdue=figures.overdue_tasks(base, as_of),
        overdue_link=link(None, "overdue") + "&sort=deadline",
        is_today=as_of == timezone.localdate(),
        indicator_warnings=_indicator_warnings(request, program, as_of),
        portal_figures=_portal_panel(request.user, program, as_of),
    )
    return render(request, "tasks/dashboard.html", context)


def _indicator_warnings(request: HttpRequest, program: Program, as_of) -> list:
    """Indicators that need attention (chỉ số cần chú ý), for those who may read them."""
    if not can(request.user, "indicator.view"):
        return []
    from dondoc.indicators.models import Indicator
    from dondoc.indicators.warnings import indicator_warnings

    return indicator_warnings(Indicator.objects.filter(program=program), as_of)


def _portal_panel(user: Any, program: Program, as_of: dt.date):
    """The portal's figures for the quarter of the date, for roles that see the portal (an
    agency: the items sent to it); None for the others."""
    from dondoc.accounts.policy import Scope, scope_of, user_org_ids
    from dondoc.portal import stats as portal_stats

    scope = scope_of(user, "portal.view")
    if scope is None:
        return None
    org_ids = None if scope is Scope.ALL else user_org_ids(user)
    return portal_stats.compute(program, portal_stats.current_span(as_of), as_of, org_ids=org_ids)


# Task list and exports ------------------------------------------------------------------------


#: The filter form's option lists as written, keyed by the rows they were written from (and
#: the language): the rows are read on every request, so a list is never older than its data,
#: and equal rows give equal HTML whoever asks. Bounded; the oldest entry goes first.
_OPTIONS_WRITTEN: dict[tuple, RenderedOptions] = {}
_OPTIONS_KEPT = 64
_OPTIONS_LOCK = threading.Lock()


def _options(kind: str, rows: Any, labels: Callable[[list], list]) -> RenderedOptions:
    """``rows`` (read now) as ``<option>`` HTML through ``labels`` (rows to (value, label)),
    written once per distinct rows."""
    rows = tuple(rows)
    key = (kind, get_language(), rows)
    written = _OPTIONS_WRITTEN.get(key)
    if written is None:
        written = RenderedOptions(options_html(labels(list(rows))))
        with _OPTIONS_LOCK:
            if len(_OPTIONS_WRITTEN) >= _OPTIONS_KEPT:
                _OPTIONS_WRITTEN.pop(next(iter(_OPTIONS_WRITTEN)))
            _OPTIONS_WRITTEN[key] = written
    return written


def _option_parts(ids: list[int]) -> QuerySet:
    """The filter form's option lists of the program ``ids[0]``, in one query: units leading
    a task of it (communes, thousands of them at national scale, only the one selected,
    ``ids[1]``: they are reached from their own page), its solution groups, its members and
    its directives, each row (list, position, id, number, text, other text, date)."""
    from dondoc.orgs.models import Member, OrgUnit

    program, selected = ids
    # Typed NULLs: PostgreSQL matches the parts' columns by type.
    null_int, null_text = Cast(Value(None), IntegerField()), Cast(Value(None), CharField())

    def part(qs: QuerySet, n: int, order: list, number=None, text=None, other=None, day=None):
        return (
            qs.order_by()
            .annotate(
                o_list=Value(n, output_field=IntegerField()),
                o_position=Window(RowNumber(), order_by=order),
                o_number=(F(number) if isinstance(number, str) else number)
                if number is not None
                else null_int,
                o_text=F(text) if text else null_text,
                o_other=F(other) if other else null_text,
                o_date=F(day) if day else Cast(Value(None), DateField()),
            )
            .values_list("o_list", "o_position", "id", "o_number", "o_text", "o_other", "o_date")
        )

    leads = OrgUnit.objects.filter(
        Exists(
            TaskAgency.objects.filter(org_unit=OuterRef("pk"), role="lead", task__program=program)
        )
    ).exclude(Q(kind="commune") & ~Q(pk=selected))
    return part(
        leads,
        0,
        [F("kind").asc(), vi_order("name")],
        number=kind_order(),
        text="name",
        other="short_name",
        day="valid_to",
    ).union(
        part(
            SolutionGroup.objects.filter(program=program),
            1,
            [F("number").asc()],
            number="number",
            text="title",
        ),
        part(
            Member.objects.filter(program=program),
            2,
            [F("sort_order").asc(), vi_order("full_name")],
            text="full_name",
        ),
        part(
            Directive.objects.filter(program=program),
            3,
            [F("date").desc()],
            text="number",
            day="date",
        ),
        all=True,
    )


def _status_checkboxes(chosen: list[str]) -> SafeString:
    """The filter form's status checkboxes, written here rather than by a template loop (a
    dozen choices through the template engine on every list)."""
    choices = [
        ("assigned", _("Not cancelled")),
        ("open", _("Not completed")),
        *((s.value, status_text(s)) for s in STATUS_ORDER),
        ("completed", _("Completed (on time or late)")),
    ]
    classes = {s.value: STATUS_COLOURS[s] for s in Status}
    out = []
    for value, label in choices:
        text = conditional_escape(label)
        if value in classes:
            text = f'<span class="badge {conditional_escape(classes[value])}">{text}</span>'
        checked = " checked" if value in chosen else ""
        out.append(
            f'\n        <label class="chip"><input type="checkbox" name="status" '
            f'value="{conditional_escape(value)}"{checked}>{text}</label>\n        '
        )
    return mark_safe("".join(out))  # every value and label is escaped above


def _plain_options(choices: list[tuple[str, str]], chosen: list[str]) -> SafeString:
    """``<option>`` elements of a short fixed list, those in ``chosen`` selected."""
    return mark_safe(  # every value and label is escaped here
        "".join(
            f'<option value="{conditional_escape(value)}"'
            f"{' selected' if value in chosen else ''}>{conditional_escape(label)}</option>"
            for value, label in choices
        )
    )


def _list_context(request: HttpRequest, state: FilterState) -> dict[str, Any]:
    program = state.program
    # The option lists read only what an option shows, as plain values, in one query compiled
    # once (``_option_parts``), and are written by ``select_options`` (hundreds of options
    # through the template engine cost more than the page's SQL).
    lists: list[list[tuple]] = [[], [], [], []]
    if program:
        found = prepared.plain_rows(("list_options",), _option_parts, [program.pk, state.lead or 0])
        today = timezone.localdate()  # once, not once a lead
        for n, _position, pk, number, text, other, day in sorted(found, key=lambda r: r[:2]):
            if n == 0:  # a lead: its name (dated if it has ended) and its kind's position
                lists[0].append((pk, dated_label(other or text, None, day, today), number))
            else:
                lists[n].append(((pk, number, text), (pk, text), (pk, text, day))[n - 1])
    leads, groups, members, directives = lists
    return {
        "lead_options": _options("lead", leads, group_rows),
        "group_options": _options(
            "group",
            groups,
            lambda rows: [
                (pk, f"{number}. {Truncator(title).chars(60)}") for pk, number, title in rows
            ],
        ),
        "member_options": _options("member", members, list),
        "directive_options": _options(
            "directive",
            directives,
            lambda rows: [(pk, f"{number} ({date:%d/%m/%Y})") for pk, number, date in rows],
        ),
        "state": state,
        "programs": state.offered,
        "program": program,
        "status_checkboxes": _status_checkboxes(state.statuses),
        "sort_options": _plain_options(
            [
                ("deadline", _("Deadline, earliest first")),
                ("-deadline", _("Deadline, latest first")),
                ("-assigned", _("Assigned date, newest first")),
                ("assigned", _("Assigned date, oldest first")),
                ("status", _("Status, most urgent first")),
                ("lead", _("Lead agency, A to Z")),
                ("-lead", _("Lead agency, Z to A")),
            ],
            [state.sort],
        ),
        "output_kind_options": _plain_options(
            [(kind, output_kind_text(kind)) for kind in OUTPUT_KINDS], state.output_kinds
        ),
    }


def _page(qs, wanted: int) -> Page:
    """``Paginator.get_page``: the page asked for, the last when out of range; rows and total
    come from one query (``rows_and_total``)."""
    paginator = Paginator(qs, PAGE_SIZE)
    if wanted >= 1:
        rows, total = rows_and_total(qs, (wanted - 1) * PAGE_SIZE, PAGE_SIZE)
        paginator.count = total  # what the rows' query counted; saves a COUNT query
        if rows or not total:
            return Page(rows, wanted if rows else 1, paginator)
    return paginator.get_page(wanted)


def _row_page(request: HttpRequest, wanted: int) -> tuple[Page, FilterState]:
    """``_page`` for the task table, filtered by the request: the rows as
    ``listpage.ListRow`` (values, no model objects), their statuses from the maintained status
    spans (``filters.filtered_rows``). Out of range, the last page as ``_page`` gives it."""
    offset = (wanted - 1) * PAGE_SIZE  # ``page_number`` is at least 1
    qs, state, rows, total = filtered_rows(
        request.user, request.GET, offset, PAGE_SIZE, relate=listpage.read_rows
    )
    if rows or not total:
        paginator = Paginator(rows if qs is None else qs, PAGE_SIZE)
        paginator.count = total
        return Page(rows, wanted if rows else 1, paginator), state
    if qs is None:  # past the last page of a list counted without its rows: read the last
        return _row_page(request, (total - 1) // PAGE_SIZE + 1)
    return _page(with_display_relations(qs), wanted), state


@login_required
@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    require(request, "task.view")
    page, state = _row_page(request, page_number(request.GET))
    page_range = page.paginator.get_elided_page_range(page.number, on_each_side=2)
    results = listpage.results(request, page, page_range, state)
    if _is_htmx(request):
        response = HttpResponse(results)
    else:
        context = {
            "results": results,
            "page": page,
            "tasks": page.object_list,
            **_list_context(request, state),
        }
        # The page is written in Python (``listpage``, ``chrome.page``); the template only
        # passes it on, with the context the page was written from.
        context["html"] = chrome.page(request, _("Tasks"), listpage.content(request, context))
        response = render(request, "tasks/list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def task_export(request: HttpRequest, fmt: str) -> HttpResponse:
    require(request, "task.export")
    qs, state = filter_tasks(request.user, request.GET)
    exporter = TaskExporter(qs, state.as_of)
    stem = f"nhiem-vu-{state.as_of:%Y-%m-%d}"
    if fmt == "csv":
        response = HttpResponse(render_csv(exporter), content_type=CSV_CONTENT_TYPE)
    else:
        title = _("Tasks as of %(date)s") % {"date": f"{state.as_of:%d/%m/%Y}"}
        if state.program:
            title = f"{state.program.name}: {title}"
        response = HttpResponse(render_xlsx(exporter, title), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


# Task detail ----------------------------------------------------------------------------------


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: dt.datetime
    who: Any
    subject: str  # "task" or "update"
    kind: str  # "+", "~", "-"
    label: str
    changes: list[Change] = field(default_factory=list)


_HIDDEN_FIELDS = ["status_events_from", "status_events_to", "created_at", "updated_at"]


def _display(model: type, name: str, value: Any) -> str:
    if value in (None, ""):
        return "—"
    model_field = model._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, dt.datetime):
        return f"{timezone.localtime(value):%d/%m/%Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    if model_field.is_relation:
        return f"#{value}"
    return str(value)


def _entries(records: list, model: type, subject: str, label) -> list[HistoryEntry]:
    """History entries of one object's historical records, oldest first."""
    out: list[HistoryEntry] = []
    previous = None
    for record in records:
        entry = HistoryEntry(
            when=record.history_date,
            who=record.history_user,
            subject=subject,
            kind=record.history_type,
            label=label(record),
        )
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, excluded_fields=_HIDDEN_FIELDS)
            entry.changes = [
                Change(
                    field=str(model._meta.get_field(c.field).verbose_name),
                    old=_display(model, c.field, c.old),
                    new=_display(model, c.field, c.new),
                )
                for c in delta.changes
            ]
            if not entry.changes:
                previous = record
                continue
        out.append(entry)
        previous = record
    return out


def task_history(task: Task, user: Any) -> list[HistoryEntry]:
    """Who changed what in the task and its timeline, newest first (the timeline entries
    ``user`` may read: another agency's drafts leave no trace). Outside an update's agency the
    records of its draft period are left out too: the update appears as first published, each
    change shown against the record before it that the reader may read."""
    entries = _entries(
        list(task.history.select_related("history_user").order_by("history_date", "history_id")),
        Task,
        "task",
        lambda r: _("Task"),
    )
    by_update: dict[int, list] = {}
    for record in (
        ProgressUpdate.history.filter(
            update_history_visible(user),
            task_id=task.pk,
            id__in=visible_updates(user, ProgressUpdate.objects.filter(task=task)).values("pk"),
        )
        .select_related("history_user")
        .order_by("history_date", "history_id")
    ):
        by_update.setdefault(record.id, []).append(record)
    for records in by_update.values():
        shown = _entries(
            records,
            ProgressUpdate,
            "update",
            lambda r: _("Progress update of %(date)s") % {"date": f"{r.reported_on:%d/%m/%Y}"},
        )
        if shown and shown[0].kind == "~":
            shown[0].kind = "+"  # the first record the reader may read: the draft published
        entries += shown
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


@login_required
@require_GET
def task_history_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The task's change history (``task_history``): the list alone for the task page, which
    asks for it when the reader opens its history; a page of its own otherwise."""
    task = get_task_for_user(request, pk)
    require(request, "task.history", task)
    context = {"task": task, "history": task_history(task, request.user)}
    if _is_htmx(request):
        response = render(request, "tasks/_history.html", context)
    else:
        response = render(request, "tasks/history.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@dataclass(frozen=True)
class RelatedTask:
    """Another task linked to this one: ``restates`` (this one restates it), ``restated_by``
    or ``related``, with the document that linked them."""

    task: Task
    kind: str
    source: Directive | None


def related_tasks(task: Task, user: Any) -> list[RelatedTask]:
    """The tasks related to ``task`` that ``user`` may see, oldest link first."""
    relations = (
        TaskRelation.objects.filter(Q(task=task) | Q(related=task))
        .select_related("task", "related", "source")
        .order_by("created_at", "id")
    )
    found = []
    for relation in relations:
        mine = relation.task_id == task.pk
        other = relation.related if mine else relation.task
        if relation.kind == RelationKind.RESTATES:
            kind = "restates" if mine else "restated_by"
        else:
            kind = "related"
        found.append(RelatedTask(other, kind, relation.source))
    if not found:
        return []
    visible = set(
        visible_tasks(user, Task.objects.filter(pk__in=[r.task.pk for r in found])).values_list(
            "pk", flat=True
        )
    )
    return [r for r in found if r.task.pk in visible]


def _group_context(task: Task, day: dt.date) -> dict[str, Any]:
    """The collective agencies of the task, with their members counted on ``day`` and who of
    them has reported ("27/34 provinces reported")."""
    reporting_ = group_reporting(task, day)
    for item in reporting_:
        item.summary = members_summary(item.group, day)
    return {
        "lead_groups": [r for r in reporting_ if r.role == AgencyRole.LEAD],
        "coordinating_groups": [r for r in reporting_ if r.role == AgencyRole.COORDINATING],
    }


def _source_and_member_rows(ids: list[int]) -> QuerySet:
    """The sources (list 0: by the directive's date), supervising members (list 1: in the
    members' order) and agencies (list 2: by role, then as assigned) of the task ``ids[0]``, in
    one query: each row (list, position, id, and nine columns whose meaning depends on the
    list: see ``_agencies_sources_members``)."""
    from dondoc.orgs.models import Member

    task = ids[0]
    text, number = Cast(Value(None), CharField()), Cast(Value(None), IntegerField())
    columns = ("o_list", "o_position", "o_id", "o_directive", "o_label", "o_wording", "o_start",
               "o_end", "o_number", "o_date", "o_text", "o_role")  # fmt: skip
    sources = (
        TaskSource.objects.filter(task_id=task)
        .order_by()
        .annotate(
            o_list=Value(0, output_field=IntegerField()),
            o_position=Window(RowNumber(), order_by=[F("directive__date").asc()]),
            o_id=F("id"),
            o_directive=F("directive_id"),
            o_label=F("label"),
            o_wording=F("wording"),
            o_start=F("span_start"),
            o_end=F("span_end"),
            o_number=F("directive__number"),
            o_date=F("directive__date"),
            o_text=F("directive__text"),
            o_role=text,
        )
        .values_list(*columns)
    )
    members = (
        Member.objects.filter(tasks=task)
        .order_by()
        .annotate(
            o_list=Value(1, output_field=IntegerField()),
            o_position=Window(RowNumber(), order_by=[F("sort_order").asc(), vi_order("full_name")]),
            o_id=F("id"),
            o_directive=number,
            o_label=F("full_name"),
            o_wording=text,
            o_start=number,
            o_end=number,
            o_number=text,
            o_date=Cast(Value(None), DateField()),
            o_text=text,
            o_role=F("position"),
        )
        .values_list(*columns)
    )
    agencies = (
        TaskAgency.objects.filter(task_id=task)
        .order_by()
        .annotate(
            o_list=Value(2, output_field=IntegerField()),
            o_position=Window(RowNumber(), order_by=[F("role").asc(), F("id").asc()]),
            o_id=F("id"),
            o_directive=F("org_unit_id"),
            o_label=F("org_unit__name"),
            o_wording=F("org_unit__short_name"),
            o_start=F("org_unit__parent_id"),
            o_end=F("org_unit__successor_id"),
            o_number=F("org_unit__code"),
            o_date=F("org_unit__valid_from"),
            o_text=F("org_unit__kind"),
            o_role=F("role"),
        )
        .values_list(*columns)
    )
    return sources.union(members, agencies, all=True)


#: The fields of an agency read with the task page's sources and members, in the model's
#: order; the others (``valid_to``, ``name_folded``) are deferred, read if ever asked for.
_UNIT_FIELDS = ("id", "code", "kind", "name", "short_name", "parent_id", "valid_from",
                "successor_id")  # fmt: skip


def _agencies_sources_members(task: Task) -> tuple[list, list, list]:
    """The task page's agencies (``TaskAgency`` with their ``org_unit``, as
    ``select_related("org_unit").order_by("role", "id")`` gives them), sources (with the
    directive each names, its text for the passage) and supervising members, read in one
    query compiled once (``core.prepared``)."""
    from dondoc.orgs.models import Member, OrgUnit

    agencies, sources, members = [], [], []
    rows = prepared.rows(("task_page", "sources_members"), _source_and_member_rows, [task.pk])
    for row in sorted(rows, key=lambda r: r[:2]):
        kind, _position, pk, directive, label, wording, start, end, number, day, text, role = row
        if kind == 0:
            source = TaskSource(
                id=pk,
                task_id=task.pk,
                directive_id=directive,
                label=label,
                wording=wording,
                span_start=start,
                span_end=end,
            )
            source.directive = Directive(id=directive, number=number, date=day, text=text)
            sources.append(source)
        elif kind == 1:
            members.append(Member(id=pk, full_name=label, position=role))
        else:
            unit = OrgUnit.from_db(
                "default", _UNIT_FIELDS, (directive, number, text, label, wording, start, day, end)
            )
            agency = TaskAgency.from_db(
                "default", ("id", "task_id", "org_unit_id", "role"), (pk, task.pk, directive, role)
            )
            TaskAgency.org_unit.field.set_cached_value(agency, unit)
            agencies.append(agency)
    return agencies, sources, members


def _sources_and_members(task: Task) -> dict[str, list]:
    """The task page's sources and supervising members, read with its agencies."""
    return {"sources": task.page_sources, "members": task.page_members}


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_page_task(request, pk)
    task_agencies = list(task.task_agencies.all())
    may_post = can(request.user, "task.post_update", task) and task.merged_into_id is None
    may_set_status = may_post and can(request.user, "task.set_status", task)

    form = None
    if may_post:
        form = ProgressUpdateForm(
            request.POST or None,
            request.FILES or None,
            task=task,
            may_set_status=may_set_status,
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            update, created = reporting.record_update(
                task,
                by=request.user,
                text=data["text"],
                reported_on=data["reported_on"],
                agency=own_task_agency(request.user, task),
                status_change=data.get("status_change") or "",
                effective_on=data.get("effective_on"),
                files=form.incoming,
                form_token=data.get("form_token") or None,
            )
            if not created:
                messages.info(request, _("This update had already been recorded."))
            elif update.is_draft:
                messages.success(
                    request,
                    _(
                        "Saved as a draft of your agency: it is published when your agency "
                        "head approves it."
                    ),
                )
            else:
                messages.success(request, _("Your progress update has been recorded."))
            return redirect(reverse("task-detail", args=[task.pk]) + "#timeline")
        messages.error(request, _("The update was not recorded: please correct the errors below."))

    may_approve = can(request.user, "update.approve", task)
    may_correct_any = scope_of(request.user, "task.post_update") is Scope.ALL
    user = request.user

    def timeline_of(ids: list[int]) -> QuerySet:
        return (
            visible_updates(user, ProgressUpdate.objects.filter(task_id=ids[0]))
            .select_related("author", "agency", "source", "corrects")
            .annotate(has_files=Exists(Attachment.objects.filter(update=OuterRef("pk"))))
            .order_by("-reported_on", "-id")
        )

    # Compiled once per narrowing by the policy (``core.prepared``), as the task's own query.
    key = ("task_page", "updates", update_visibility_key(user))
    updates = prepared.instances(key, timeline_of, [task.pk])
    for update in updates:  # as ``task.updates`` leaves them
        ProgressUpdate.task.field.set_cached_value(update, task)
    show_attachments(updates)
    timeline = TimelineWriter(
        request,
        form=form is not None,
        may_approve=may_approve,
        may_correct_any=may_correct_any,
        own_org_ids=lambda: user_org_ids(request.user),
    ).entries(updates)
    # A pair names another task, perhaps another agency's: only its reviewers see the pairs.
    duplicates = (
        DuplicateCandidate.objects.filter(
            Q(task=task) | Q(candidate=task), state=DuplicateState.PENDING
        )
        .select_related("task", "candidate", "source")
        .order_by("-score")
        if task.has_duplicates and can(request.user, "duplicate.review")
        else []
    )
    visible_task = partial(visible_tasks, request.user)
    context = {
        "task": task,
        "relations": related_tasks(task, request.user) if task.has_relations else [],
        "leads": [ta.org_unit for ta in task_agencies if ta.role == "lead"],
        "coordinators": [ta.org_unit for ta in task_agencies if ta.role == "coordinating"],
        **_group_context(task, timezone.localdate()),
        **_sources_and_members(task),
        "subtasks": visible_task(task.subtasks.filter(merged_into__isnull=True))
        if task.has_subtasks
        else [],
        "merged_tasks": visible_task(task.merged_tasks.all()) if task.has_merged else [],
        "updates": updates,
        "timeline": timeline,
        "drafts_only": form is not None and not reporting.publishes_directly(request.user, task),
        "may_history": can(request.user, "task.history", task),
        "duplicates": duplicates,
        "form": form,
        "may_set_status": may_set_status,
        "today": timezone.localdate(),
    }
    context["content"] = TaskPageWriter(request, context).content()
    return render(request, "tasks/detail.html", context)


# Directives -----------------------------------------------------------------------------------


@login_required
@require_GET
def directive_list(request: HttpRequest) -> HttpResponse:
    require(request, "directive.view")
    program, programs = chosen_and_offered(request.GET.get("program") or None)
    visible = visible_tasks(request.user, Task.objects.filter(merged_into__isnull=True))
    directives = (
        Directive.objects.filter(program=program)
        .select_related("issuer")
        .defer("text")  # the full text is for the review screen, not the list
        .annotate(
            task_count=Count(
                "sources__task",
                filter=Q(sources__task__in=visible.values("pk")),
                distinct=True,
            )
        )
        .order_by("-date", "number")
    )
    return render(
        request,
        "tasks/directive_list.html",
        {
            "directives": directives,
            "program": program,
            "programs": programs,
            "narrowed": narrowed_to(request.user),
        },
    )


@login_required
@require_GET
def directive_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "directive.view")
    directive = get_object_or_404(
        Directive.objects.select_related("issuer", "program").defer("text"), pk=pk
    )
    today = timezone.localdate()
    tasks = visible_tasks(
        request.user,
        Task.objects.filter(
            Exists(TaskSource.objects.filter(task=OuterRef("pk"), directive=directive)),
            merged_into__isnull=True,
        ),
    )
    tasks = with_display_relations(with_status(tasks, today)).order_by("assigned_on", "id")
    labels = dict(TaskSource.objects.filter(directive=directive).values_list("task_id", "label"))
    return render(
        request,
        "tasks/directive_detail.html",
        {
            "directive": directive,
            "tasks": tasks,
            "labels": labels,
            "today": today,
            "list_link": f"{reverse('task-list')}?directive={directive.pk}"
            f"&program={directive.program.code}",
        },
    )


# Duplicates -----------------------------------------------------------------------------------


@login_required
@require_GET
def duplicate_list(request: HttpRequest) -> HttpResponse:
    require(request, "duplicate.review")
    return _duplicate_list_page(request)


def _duplicate_list_page(request: HttpRequest, status: int = 200) -> HttpResponse:
    display = Prefetch(
        "task_agencies", queryset=TaskAgency.objects.select_related("org_unit").order_by("role")
    )
    sources = Prefetch("sources", queryset=TaskSource.objects.select_related("directive"))
    pairs = (
        DuplicateCandidate.objects.filter(
            state=DuplicateState.PENDING,
            task__merged_into__isnull=True,
            candidate__merged_into__isnull=True,
        )
        .select_related("task", "candidate", "source")
        .prefetch_related(
            Prefetch("task__task_agencies", queryset=display.queryset),
            Prefetch("candidate__task_agencies", queryset=display.queryset),
            Prefetch("task__sources", queryset=sources.queryset),
            Prefetch("candidate__sources", queryset=sources.queryset),
        )
        .order_by("-score", "pk")
    )
    page = Paginator(pairs, 20).get_page(page_number(request.GET))
    return render(
        request,
        "tasks/duplicate_list.html",
        {"page": page, "pairs": page.object_list},
        status=status,
    )


@login_required
@require_POST
def duplicate_decide(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "duplicate.review")
    pair = get_object_or_404(DuplicateCandidate.objects.select_related("task", "candidate"), pk=pk)
    form = DuplicateDecisionForm(request.POST)
    if not form.is_valid():
        raise Http404
    same = form.cleaned_data["decision"] == "same"
    related = form.cleaned_data["decision"] == "related"
    try:
        services.decide_duplicate(pair, same=same, related=related, by=request.user)
    except Conflict as conflict:  # someone else decided first: say so on the list (409)
        messages.error(request, str(conflict))
        return _duplicate_list_page(request, status=409)
    if same:
        messages.success(
            request,
            _("Merged: task #%(dup)s is now part of task #%(keep)s.")
            % {"dup": pair.task_id, "keep": pair.candidate_id},
        )
    elif related:
        messages.success(
            request, _("Recorded: related tasks, kept apart and linked on both pages.")
        )
    else:
        messages.success(request, _("Recorded: these are different tasks."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("duplicate-list")
    if same and target == reverse("task-detail", args=[pair.task_id]):
        target = reverse("task-detail", args=[pair.candidate_id])
    return redirect(target)
