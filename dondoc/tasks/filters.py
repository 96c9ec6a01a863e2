"""Task list filters: one parser shared by the task list, its exports and the API.

``filter_tasks(user, params)`` reads query parameters (a ``QueryDict`` or any mapping of names to
a string or a list of strings) and returns the tasks the user may see, as they stood on the
"as of" date, annotated with ``status``, filtered and sorted, together with a ``FilterState``
that describes what was applied (to redraw the form, build links and name the export file).

Parameters (all optional; a date that cannot be read is refused with ``BadParameter``, a 400
with the reason; another value that cannot be read is ignored and reported in
``FilterState.problems``):

=============  ==========================================================================
``program``    program code; default the first program
``as_of``      date (dd/mm/yyyy or YYYY-MM-DD); default today
``status``     one or several ``Status`` values, or the groups ``open`` (not completed and
               not cancelled), ``completed`` (on time or late), ``assigned`` (not cancelled)
``group``      solution group id (nhóm nhiệm vụ, giải pháp)
``lead``       lead agency id (cơ quan chủ trì)
``agency``     agency id in any role, including units merged into it
``member``     supervising member id (thành viên BCĐ chỉ đạo, theo dõi)
``directive``  directive id (văn bản giao nhiệm vụ)
``due_from``   due date on or after
``due_to``     due date on or before
``q``          text search that ignores diacritics ("dat hiem" finds "đất hiếm")
``output``     text search in the expected output (kết quả, sản phẩm), diacritics ignored
               ("nghi dinh" finds "Nghị định")
``output_kind`` kind of output (``outputs.OUTPUT_KINDS``: ``decree``, ``decision``, ``scheme``,
               ``law``... ``other``), one or several
``late_against_original``  ``1``: only tasks past their original deadline although within
               the one in force (a deadline changed, extended or restated)
``sort``       ``deadline``, ``assigned``, ``status``, ``lead``; ``-`` prefix for descending
=============  ==========================================================================
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Collate, RowNumber
from django.db.models.query import EmptyQuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dondoc.accounts.policy import visible_tasks
from dondoc.core import prepared
from dondoc.core.collation import COLLATION, vi_order
from dondoc.core.params import date_param, is_id
from dondoc.core.text import fold
from dondoc.tasks import programs
from dondoc.tasks.collective import carried_units_and_groups, group_ids_of, involving
from dondoc.tasks.models import (
    AgencyRole,
    Program,
    SpanPart,
    Task,
    TaskAgency,
    TaskAgencyGroup,
    TaskSource,
    TaskStatusSpan,
)
from dondoc.tasks.outputs import OUTPUT_KINDS
from dondoc.tasks.queries import (
    _Compiled,
    _soon,
    tasks_as_of,
    with_late_against_original,
    with_status,
)
from dondoc.tasks.spans import first_lead_name
from dondoc.tasks.status import COMPLETED_STATUSES, LATE_STATUSES, OPEN_STATUSES, Status

#: Names that stand for several statuses.
STATUS_GROUPS: dict[str, frozenset[Status]] = {
    "open": OPEN_STATUSES,
    "completed": COMPLETED_STATUSES,
    "assigned": frozenset(set(Status) - {Status.CANCELLED}),
}

#: Most urgent first: the order of ``sort=status``.
STATUS_ORDER: tuple[Status, ...] = (
    Status.OVERDUE,
    Status.DUE_SOON,
    Status.IN_PROGRESS,
    Status.REGULAR,
    Status.NO_DEADLINE,
    Status.COMPLETED_LATE,
    Status.COMPLETED_ON_TIME,
    Status.CANCELLED,
)

SORTS = ("deadline", "assigned", "status", "lead")
_ID_PARAMS = ("group", "lead", "agency", "member", "directive")


@dataclass
class FilterState:
    """What ``filter_tasks`` applied, in the form it was given back to the user."""

    program: Program | None
    as_of: dt.date
    statuses: list[str] = field(default_factory=list)  # as asked: values and group names
    group: int | None = None
    lead: int | None = None
    agency: int | None = None
    member: int | None = None
    directive: int | None = None
    due_from: dt.date | None = None
    due_to: dt.date | None = None
    q: str = ""
    output: str = ""
    output_kinds: list[str] = field(default_factory=list)
    late_against_original: bool = False
    sort: str = "deadline"
    problems: list[str] = field(default_factory=list)
    #: The programs a filter form offers (``programs.picker_programs``), read with the program.
    offered: list[Program] = field(default_factory=list, repr=False, compare=False)

    @property
    def sort_key(self) -> str:
        return self.sort.lstrip("-")

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")

    def params(self, **override: Any) -> list[tuple[str, str]]:
        """The state as query parameters; ``override`` replaces (None drops) some of them."""
        values: dict[str, Any] = {
            "program": self.program.code if self.program else None,
            # Today, the default, is left out: a bookmarked list keeps following the day.
            "as_of": self.as_of.isoformat() if self.as_of != timezone.localdate() else None,
            "status": self.statuses,
            "group": self.group,
            "lead": self.lead,
            "agency": self.agency,
            "member": self.member,
            "directive": self.directive,
            "due_from": self.due_from.isoformat() if self.due_from else None,
            "due_to": self.due_to.isoformat() if self.due_to else None,
            "q": self.q,
            "output": self.output,
            "output_kind": self.output_kinds,
            "late_against_original": "1" if self.late_against_original else None,
            "sort": None if self.sort == "deadline" else self.sort,
        }
        values.update(override)
        pairs: list[tuple[str, str]] = []
        for name, value in values.items():
            if value in (None, "", []):
                continue
            if isinstance(value, list | tuple):
                pairs.extend((name, str(v)) for v in value)
            else:
                pairs.append((name, str(value)))
        return pairs

    def querystring(self, **override: Any) -> str:
        return urlencode(self.params(**override))

    @property
    def is_filtered(self) -> bool:
        """True when anything narrows the list beyond program and date."""
        return bool(
            self.statuses
            or self.q
            or self.output
            or self.output_kinds
            or self.late_against_original
            or self.due_from
            or self.due_to
            or any(getattr(self, name) for name in _ID_PARAMS)
        )


def _raw_values(params: Mapping[str, Any], name: str) -> list[str]:
    if hasattr(params, "getlist"):
        return [str(v) for v in params.getlist(name)]
    value = params.get(name)
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


def _values(params: Mapping[str, Any], name: str) -> list[str]:
    """All values of ``name``; "status=overdue,due_soon" reads like two values."""
    out: list[str] = []
    for item in _raw_values(params, name):
        out.extend(part.strip() for part in item.split(",") if part.strip())
    return out


def _value(params: Mapping[str, Any], name: str) -> str:
    values = _raw_values(params, name)
    return values[-1].strip() if values else ""


def _int(params: Mapping[str, Any], name: str, problems: list[str]) -> int | None:
    text = _value(params, name)
    if not text:
        return None
    if not is_id(text):
        problems.append(_("Ignored the filter %(name)s=%(value)s.") % {"name": name, "value": text})
        return None
    return int(text)


def choose_program(code: str | None) -> Program | None:
    """The program named by ``code`` (archived or not), else the first active one."""
    return programs.choose_program(code)


def status_values(names: list[str]) -> set[str]:
    """Expand status values and group names into ``Status`` values (unknown names dropped)."""
    out: set[str] = set()
    for name in names:
        if name in STATUS_GROUPS:
            out |= {s.value for s in STATUS_GROUPS[name]}
        elif name in Status._value2member_map_:
            out.add(name)
    return out


def _status_rank() -> Case:
    return Case(
        *(When(status=s.value, then=Value(i)) for i, s in enumerate(STATUS_ORDER)),
        default=Value(len(STATUS_ORDER)),
        output_field=IntegerField(),
    )


def _ordering(sort: str) -> list:
    key = sort.lstrip("-")
    desc = sort.startswith("-")
    if key == "assigned":
        primary = F("assigned_on")
    elif key == "status":
        primary = F("status_rank")
    elif key == "lead":
        primary = Collate(F("lead_name"), COLLATION)
    else:  # the deadline in force on the date (the status is judged against it)
        primary = F("due_on_as_of")
    primary = primary.desc(nulls_last=True) if desc else primary.asc(nulls_last=True)
    return [primary, "id"]


def _span_ordering(sort: str, prefix: str = "span__") -> list:
    """``_ordering`` for the tasks of one status read from their status spans
    (``build_tasks(..., by_status=True)``; ``prefix`` "" on the spans themselves): the span's
    copies of the task's columns, in the order of the spans' list indexes. Sorted by status,
    the tasks of one status are in id order (``_ordering``'s second key)."""
    key = sort.lstrip("-")
    desc = sort.startswith("-")
    if key == "status":
        return [F(f"{prefix}task_id").asc()]
    if key not in SPAN_SORT_COLUMNS:
        raise ValueError(f"no span order for {sort!r}")
    primary = F(f"{prefix}{SPAN_SORT_COLUMNS[key]}")
    if key == "lead":  # in Vietnamese order, as migration 0015's indexes
        primary = Collate(primary, COLLATION)
    primary = primary.desc(nulls_last=True) if desc else primary.asc(nulls_last=True)
    return [primary, F(f"{prefix}task_id").asc()]


def span_page(
    values: Values, offset: int, limit: int, columns: tuple[str, ...] = ("task_id",)
) -> QuerySet:
    """The ids of tasks ``offset`` to ``offset + limit`` of a list of one status that the kept
    counts count (``status_walks``: every task of the program, by status, solution group or
    member), read from the status spans alone in the list's order (``_span_ordering``): along
    an index of the spans (migrations 0014–0016) without reading the tasks passed on the way. A
    span covering the date stands for a task assigned by then and not merged away
    (``tasks.spans``). ``build_tasks(..., by_status=True)`` then reads these tasks' rows."""
    as_of = values.as_of
    spans = TaskStatusSpan.objects.filter(
        program_id=values.program,
        part=SpanPart.TASK,
        status__in=values.statuses,
        valid_from__lte=as_of,
        valid_to__gt=as_of,
    )
    if values.group:
        spans = spans.filter(key=values.group)
    if values.member:
        spans = spans.filter(
            Exists(
                Task.members.through.objects.filter(
                    task_id=OuterRef("task_id"), member=values.member
                )
            )
        )
    ordered = spans.order_by(*_span_ordering(values.sort, prefix=""))
    return ordered.values(*columns)[offset : offset + limit]


#: The sorts of a list read along the status spans (``span_page``, ``merged_page``) and the
#: spans' copies of the task's column each sorts by (besides the task's id).
SPAN_SORT_COLUMNS = {
    "deadline": "due_on",
    "assigned": "task_assigned_on",
    "lead": "task_lead_name",
}


def merged_page(values: Values, offset: int, limit: int) -> RawSQL:
    """``span_page`` for a list of several statuses sorted by deadline, assignment date or lead
    agency: the first ``offset + limit`` tasks of each status read along its spans, merged in
    the list's order (``UNION ALL``, ordered by the same columns), and of those the ids of rows
    ``offset`` to ``offset + limit``."""
    from django.db import DEFAULT_DB_ALIAS, connections

    column = SPAN_SORT_COLUMNS[values.sort.lstrip("-")]
    parts, params = [], []
    for n, status in enumerate(values.statuses):
        one = dataclasses.replace(values, statuses=[status])
        first = span_page(one, 0, offset + limit, columns=(column, "task_id"))
        sql, part_params = first.query.get_compiler(using=DEFAULT_DB_ALIAS).as_sql()
        parts.append(f"SELECT * FROM ({sql}) b{n}")
        params += part_params
    key = column
    if column == "task_lead_name":  # in Vietnamese order, as ``_span_ordering``
        key += f" COLLATE {connections[DEFAULT_DB_ALIAS].ops.quote_name(COLLATION)}"
    direction = "DESC" if values.sort.startswith("-") else "ASC"
    # Ordered outside the union, where an order may be an expression (a collation).
    sql = f"""SELECT task_id FROM (SELECT * FROM ({" UNION ALL ".join(parts)}) parts
        ORDER BY {key} {direction} NULLS LAST, task_id ASC
        LIMIT {int(limit)} OFFSET {int(offset)}) page"""
    return RawSQL(sql, params)


class SpansMissing(Exception):
    """Some task of a list read from the status spans (``source="spans"``) has no span
    covering the date: read the list from the timeline instead."""


def _with_span_status(qs: QuerySet, as_of: dt.date, program: int) -> QuerySet:
    """``status``, ``status_original``, ``due_on_as_of``, ``late_against_original`` and
    ``closure_on_as_of`` as ``with_late_against_original`` annotates them, the first four read
    from the task's status span covering ``as_of`` (``tasks.spans``: one row per task and date,
    written in the transaction of every change to the timeline, deadlines or assignment, and
    checked against a recomputation by ``dondoc check-figures``) instead of the status
    expression, whose closure and deadline subqueries repeated wherever the status is used cost
    PostgreSQL ~24 ms of planning per list. A LEFT JOIN: a task without a span covering the
    date has ``span_task_id`` NULL (``task_rows`` then reads the list from the timeline).
    The join names the spans' ``program`` (the tasks' own, ``program``), the leading column of
    their list indexes, and ``span_task_id`` is the span's task id rather than its id: with the
    status, deadline and sort copies, a list's spans are read from those indexes alone.
    ``closure_on_as_of`` (the API's completion date) stays the timeline's, a single subquery
    evaluated only where selected."""
    late = [s.value for s in LATE_STATUSES]
    qs = qs.annotate(
        span=FilteredRelation(
            "status_spans",
            condition=Q(
                status_spans__program_id=program,
                status_spans__part=SpanPart.TASK,
                status_spans__valid_from__lte=as_of,
                status_spans__valid_to__gt=as_of,
            ),
        )
    )
    return qs.annotate(
        span_task_id=F("span__task_id"),
        status=F("span__status"),
        status_original=F("span__status_original"),
        due_on_as_of=F("span__due_on"),
        # ``status.late_against_original``: with no deadline change the two statuses agree.
        late_against_original=Case(
            When(
                Q(span__status_original__in=late)
                & ~Q(span__status__in=[*late, Status.CANCELLED.value]),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
        closure_on_as_of=_Compiled("closure_on_as_of", as_of, _soon(as_of, None)),
    )


@dataclass
class Values:
    """What ``filter_tasks`` puts into the task list's query, read from the parameters and the
    database: the query's text depends only on ``shape()``, its parameters on the values."""

    program: int
    as_of: dt.date
    statuses: list[str] = field(default_factory=list)  # ``Status`` values, sorted
    late_against_original: bool = False
    group: int | None = None
    lead_units: list[int] = field(default_factory=list)  # with the units merged into it
    lead_groups: list[int] = field(default_factory=list)  # its collective agencies that day
    agency_units: list[int] = field(default_factory=list)  # its lineage
    agency_groups: list[int] = field(default_factory=list)
    member: int | None = None
    directive: int | None = None
    due_from: dt.date | None = None
    due_to: dt.date | None = None
    q: str = ""  # folded
    output: str = ""  # folded
    output_kinds: list[str] = field(default_factory=list)
    sort: str = "deadline"

    def shape(self) -> tuple:
        """Everything but the values that the query's text depends on."""
        return (
            len(self.statuses),
            self.late_against_original,
            self.group is not None,
            len(self.lead_units),
            len(self.lead_groups),
            len(self.agency_units),
            len(self.agency_groups),
            self.member is not None,
            self.directive is not None,
            self.due_from is not None,
            self.due_to is not None,
            bool(self.q),
            bool(self.output),
            len(self.output_kinds),
            self.sort,
        )


def parse_filters(params: Mapping[str, Any]) -> tuple[FilterState, Values | None]:
    """The filter state as given back to the user, and the values of the query (None when
    there is no program to list). Reads the program and, for the agency filters, the units
    and collective agencies they stand for."""
    problems: list[str] = []
    # The program and the programs the form offers, the active ones read once.
    program, offered = programs.chosen_and_offered(_value(params, "program") or None)
    as_of = date_param(params, "as_of") or timezone.localdate()
    state = FilterState(program=program, as_of=as_of, problems=problems, offered=offered)
    if program is None:
        return state, None
    values = Values(program=program.pk, as_of=as_of)

    state.late_against_original = _value(params, "late_against_original").lower() in (
        "1",
        "true",
        "on",
    )
    values.late_against_original = state.late_against_original

    asked = _values(params, "status")
    known = [s for s in asked if s in STATUS_GROUPS or s in Status._value2member_map_]
    for unknown in sorted(set(asked) - set(known)):
        problems.append(_("Unknown status “%(value)s” ignored.") % {"value": unknown})
    state.statuses = list(dict.fromkeys(known))
    if state.statuses:
        values.statuses = sorted(status_values(state.statuses))

    for name in _ID_PARAMS:
        setattr(state, name, _int(params, name, problems))
    values.group = state.group or None
    values.member = state.member or None
    values.directive = state.directive or None
    # An agency's tasks include those of the collective agencies it is a member of that day.
    if state.lead:  # with the units merged into it by then, as the dashboard counts them
        units, groups = carried_units_and_groups(state.lead, as_of)
        values.lead_units, values.lead_groups = sorted(units), sorted(groups)
    if state.agency:
        from dondoc.orgs.models import OrgUnit

        unit = OrgUnit.objects.filter(pk=state.agency).first()
        values.agency_units = sorted(unit.lineage_ids() if unit else {state.agency})
        values.agency_groups = sorted(group_ids_of(values.agency_units, as_of))

    state.due_from = values.due_from = date_param(params, "due_from")
    state.due_to = values.due_to = date_param(params, "due_to")

    state.q = _value(params, "q")[:200]
    if state.q:
        values.q = fold(state.q)
    state.output = _value(params, "output")[:200]
    if state.output:
        values.output = fold(state.output)
    kinds = _values(params, "output_kind")
    for unknown in sorted(set(kinds) - set(OUTPUT_KINDS)):
        problems.append(_("Unknown kind of output “%(value)s” ignored.") % {"value": unknown})
    state.output_kinds = values.output_kinds = [
        k for k in dict.fromkeys(kinds) if k in OUTPUT_KINDS
    ]

    sort = _value(params, "sort") or "deadline"
    if sort.lstrip("-") not in SORTS:
        problems.append(_("Unknown sort order “%(value)s” ignored.") % {"value": sort})
        sort = "deadline"
    state.sort = values.sort = sort
    return state, values


def build_tasks(
    user: Any,
    values: Values,
    *,
    source: str = "timeline",
    by_status: bool = False,
    walk: bool = False,
) -> QuerySet:
    """The tasks ``user`` may see (``visible_tasks``), as of ``values.as_of``, filtered and
    sorted by ``values`` (``filter_tasks``).

    ``source="none"``: without the statuses, for filters that ask for none (``counted_alone``):
    the tasks' own filters alone, to count them.

    ``by_status`` (with ``source="spans"`` and one status asked): the tasks whose status span
    on the date has that status, sorted by the span's copies of the task's sort columns
    (``TaskStatusSpan.due_on``, ``task_assigned_on``, ``task_lead_name``, ``task_id``): the
    same order, which PostgreSQL reads from an index of the spans by program and status
    (migrations 0014–0016) and stops at the page's last row (``statements.walk``). A task
    without a span on the date is not listed (the kept counts that give such a list's number
    trust the spans likewise).

    ``walk`` (with ``source="spans"``), for a page sorted by deadline: the same, over every
    status, along an index of the spans by program in the order of the deadline in force
    (migration 0016), for a walk that stops at the page's last row (``statements.walk``)."""
    if source not in ("spans", "timeline", "none"):
        raise ValueError(f"source must be 'spans', 'timeline' or 'none', not {source!r}")
    spans = source == "spans"
    if by_status and not (spans and len(values.statuses) == 1):
        raise ValueError("by_status reads the spans of one status")
    as_of = values.as_of
    qs = visible_tasks(user, tasks_as_of(as_of, Task.objects.filter(program_id=values.program)))
    if source == "none":
        if not counted_alone(values):
            raise ValueError("these filters ask for a status")
    elif spans:
        qs = _with_span_status(qs, as_of, values.program)
    else:
        qs = with_late_against_original(with_status(qs, as_of), as_of)

    by_span = by_status or (walk and spans and values.sort.lstrip("-") == "deadline")

    def unless_spanless(condition: Q) -> Q:
        return condition | Q(span_task_id__isnull=True) if spans and not by_span else condition

    if by_span:  # the index's leading columns, on the span
        qs = qs.alias(span_program=F("span__program_id")).filter(span_program=values.program)

    if values.late_against_original:
        qs = qs.filter(unless_spanless(Q(late_against_original=True)))
    if values.statuses:
        qs = qs.filter(unless_spanless(Q(status__in=values.statuses)))
    if values.group:
        qs = qs.filter(group_id=values.group)
    if values.lead_units:
        qs = qs.filter(
            involving(
                values.lead_units, roles=[AgencyRole.LEAD], on=as_of, group_ids=values.lead_groups
            )
        )
    if values.agency_units:
        qs = qs.filter(involving(values.agency_units, on=as_of, group_ids=values.agency_groups))
    if values.member:
        qs = qs.filter(
            Exists(Task.members.through.objects.filter(task=OuterRef("pk"), member=values.member))
        )
    if values.directive:
        qs = qs.filter(
            Exists(TaskSource.objects.filter(task=OuterRef("pk"), directive_id=values.directive))
        )
    # The deadline in force on the date, as the status and the deadline order read it: the
    # task's status span's (without the statuses, a span of the task covering the date). Read
    # from the spans, a task without a span on the date is not listed (as by ``status_walks``):
    # a range of deadlines is then found along an index of the spans (migration 0016).
    due = Q()
    if values.due_from:
        due &= Q(due_on__gte=values.due_from)
    if values.due_to:
        due &= Q(due_on__lte=values.due_to)
    if due and source == "none":
        covering = TaskStatusSpan.objects.filter(
            due, task=OuterRef("pk"), part=SpanPart.TASK, valid_from__lte=as_of, valid_to__gt=as_of
        )
        qs = qs.filter(Exists(covering))
    elif values.due_from or values.due_to:
        for name, day in (("gte", values.due_from), ("lte", values.due_to)):
            if day:
                qs = qs.filter(**{f"due_on_as_of__{name}": day})
    if values.q:
        qs = qs.filter(content_folded__contains=values.q)
    if values.output:
        qs = qs.filter(expected_output_folded__contains=values.output)
    if values.output_kinds:
        qs = qs.filter(output_kind__in=values.output_kinds)
    if by_span:
        return qs.order_by(*_span_ordering(values.sort))
    return _sorted(qs, values.sort, spans)


def _sorted(qs: QuerySet, sort: str, spans: bool) -> QuerySet:
    """``qs`` in the list's order (``_ordering``), with the column it sorts by."""
    key = sort.lstrip("-")
    if key == "status":
        qs = qs.annotate(status_rank=_status_rank())
    elif key == "lead":  # the span's copy where the task has one (a task without: ``task_rows``)
        qs = qs.annotate(lead_name=F("span__task_lead_name") if spans else first_lead_name())
    return qs.order_by(*_ordering(sort))


def page_tasks(values: Values, ids: Any) -> QuerySet:
    """The tasks ``ids`` (an expression: the ids of a page of the list ``values`` asks for,
    found by ``statements``) with what ``build_tasks(..., source="spans")`` annotates, in the
    list's order, and nothing else: the page's ids were found with the reader's scope and the
    filters, which are not evaluated again for its rows."""
    qs = _with_span_status(Task.objects.filter(pk__in=ids), values.as_of, values.program)
    return _sorted(qs, values.sort, spans=True)


def filter_tasks(
    user: Any, params: Mapping[str, Any], *, source: str = "timeline"
) -> tuple[QuerySet, FilterState]:
    """Tasks ``user`` may see, as of the date asked, filtered and sorted by ``params``.

    The queryset is already limited to the user's scope (``visible_tasks``), to tasks assigned
    by the "as of" date without merged duplicates (``tasks_as_of``), and annotated with
    ``status`` (``with_status``). Use ``with_display_relations`` before rendering rows.

    ``source="spans"`` reads the statuses from the maintained status spans
    (``_with_span_status``): the same figures with far less SQL to plan. Tasks without a span
    covering the date are then kept whatever the status filters ask (``span_task_id`` NULL), so that
    ``task_rows`` can tell and read the list from the timeline (``SpansMissing``); read such a
    queryset only through ``task_rows``.
    """
    if source not in ("spans", "timeline"):
        raise ValueError(f"source must be 'spans' or 'timeline', not {source!r}")
    state, values = parse_filters(params)
    if values is None:
        return Task.objects.none(), state
    return build_tasks(user, values, source=source), state


def with_display_relations(qs: QuerySet) -> QuerySet:
    """Fetch what a row shows (group, agencies, members, sources) in a constant number of
    queries."""
    return qs.select_related("group").prefetch_related(
        Prefetch(
            "task_agencies",
            queryset=TaskAgency.objects.select_related("org_unit").order_by("role", "id"),
        ),
        Prefetch(
            "task_groups",
            queryset=TaskAgencyGroup.objects.select_related("group").order_by("role", "id"),
        ),
        "members",
        Prefetch(
            "sources",
            queryset=TaskSource.objects.select_related("directive").order_by(
                "directive__date", "id"
            ),
        ),
    )


def counted(qs: QuerySet) -> QuerySet:
    """``qs``, annotated with the window ``total_rows`` (a count over every row), written so
    that PostgreSQL plans for reading every row, as the count does anyway.

    The filter on the window (true of every row) makes the ORM write the query as a derived
    table, ordered and sliced outside it. Written plainly, the LIMIT of the page sits right
    above the window, and PostgreSQL before 17 costs the window's first row as cheap as its
    input's first row: it chose to walk the program's tasks in the page's order (an index),
    testing each against the filters, as if the page could stop the walk early, when the count
    reads every matching row whatever the LIMIT. At 500,000 tasks, a lead agency's overdue
    tasks found by a search walked 500,000 tasks instead of starting from the agency's 1–2 %
    (``bench/RESULTS.md``). Planned for every row, a selective filter (a lead agency, a
    member, a group) is where the plan starts, and a large list is joined to its status spans
    in one pass instead of one index probe per task.
    """
    return qs.filter(total_rows__gt=0)


#: The sorts a page can be read in by walking the tasks in that order (``statements.walk``),
#: which an index orders: the assignment date (the task's), the deadline in force on the date
#: (the status spans': ``build_tasks(..., walk=True)``); not the status or the lead agency.
WALKED_SORTS = ("deadline", "assigned")

#: A list is read by an ordered walk (``statements.walk``) when it holds at least this many
#: times the rows up to the page's last: the walk then reads about one task in this many of
#: the program's before it stops. Fewer matching tasks are read all at once and sorted
#: (``statements.rows``), which a selective filter (a lead agency) makes cheap.
WALK_RATIO = 40


def walks_well(values: Values) -> bool:
    """True when a walk of the tasks in the page's order meets the list's tasks about evenly:
    filters that ask for no status, nor for a range of deadlines unless the page is in
    deadline order. (The tasks of some statuses, and those due in a month, are bunched in
    assignment order: at 500,000 tasks, a walk for "regular" ones read most of the program,
    one for those due in June 17,500 tasks for the first 50.)"""
    if values.statuses or values.late_against_original:
        return False
    return values.sort.lstrip("-") == "deadline" or not (values.due_from or values.due_to)


def counted_alone(values: Values) -> bool:
    """True when the filters ask for no status, so the tasks' own filters count the list
    (``build_tasks(..., source="none")``), and for none of the agencies or the directive,
    whose tasks are few and bunched in the page's order (assigned together): counting them
    first costs as much as reading them with their count, and a walk in deadline order would
    pass many tasks before the page's last (a directive's 2,845 tasks of 500,000: 57 ms with
    their count on the rows, 430 ms counted and walked). The page is sorted by a column of
    the task."""
    return (
        not values.statuses
        and not values.late_against_original
        and not (values.lead_units or values.agency_units or values.directive)
        and values.sort.lstrip("-") in WALKED_SORTS
    )


def kept_count(user: Any, values: Values) -> int | None:
    """The number of tasks of the list from the counts the dashboard keeps (``checkpoints``:
    the counts of the nearest checkpoint corrected by the status spans starting or ending
    since, ``dashboard._counted_sql``), when the list is one they count: every task of the
    program (a reader the policy does not narrow), by status, solution group or supervising
    member (not both), lateness against the original deadline (not by member). None for
    other filters.

    Like the dashboard, this trusts the spans to cover every task of the program on the date
    (the services keep them; ``dondoc check-figures`` compares them with the timeline)."""
    from django.db import DEFAULT_DB_ALIAS, connections

    from dondoc.tasks.dashboard import _counted_sql

    if not _kept(user, values):
        return None
    connection = connections[DEFAULT_DB_ALIAS]
    part = SpanPart.MEMBER if values.member else SpanPart.TASK
    cte, cte_params, counted_sql, counted_params = _counted_sql(
        connection, values.program, values.as_of, parts=(part.value,)
    )
    tests = ["part = %s"]
    params: list = [(SpanPart.MEMBER if values.member else SpanPart.TASK).value]
    if values.member or values.group:
        tests.append("key = %s")
        params.append(values.member or values.group)
    if values.statuses:
        tests.append(f"status IN ({', '.join(['%s'] * len(values.statuses))})")
        params += values.statuses
    if values.late_against_original:
        late = sorted(s.value for s in LATE_STATUSES)
        not_late = [*late, Status.CANCELLED.value]
        tests.append(
            f"status_original IN ({', '.join(['%s'] * len(late))}) "
            f"AND status NOT IN ({', '.join(['%s'] * len(not_late))})"
        )
        params += [*late, *not_late]
    sql = f"""WITH {cte} SELECT SUM(n) FROM ({counted_sql}) k WHERE {" AND ".join(tests)}"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [*cte_params, *counted_params, *params])
        (total,) = cursor.fetchone()
    return int(total or 0)


def _kept(user: Any, values: Values) -> bool:
    """True when the dashboard's kept counts count the list (``kept_count``)."""
    from dondoc.accounts.policy import task_visibility_key

    if task_visibility_key(user) != ("all",):
        return False
    if (
        values.lead_units
        or values.agency_units
        or values.directive
        or values.due_from
        or values.due_to
        or values.q
        or values.output
        or values.output_kinds
    ):
        return False
    return not (values.member and (values.group or values.late_against_original))


def kept_counts(user: Any, values: Values) -> dict[str, tuple[int, int]] | None:
    """``kept_count`` per status asked (every status when none is): the number of tasks of the
    list with that status, and the number of tasks of the program with it (what a walk along
    that status's spans passes: ``status_walks``); statuses without a task are left out. None
    when the kept counts do not count the list, or it asks for lateness against the original
    deadline."""
    from django.db import DEFAULT_DB_ALIAS, connections

    from dondoc.tasks.dashboard import _counted_sql

    if values.late_against_original or not _kept(user, values):
        return None
    connection = connections[DEFAULT_DB_ALIAS]
    task = SpanPart.TASK.value
    parts = (task, SpanPart.MEMBER.value) if values.member else (task,)
    cte, cte_params, counted_sql, counted_params = _counted_sql(
        connection, values.program, values.as_of, parts=parts
    )
    listed = "part = %s"
    listed_params: list = [(SpanPart.MEMBER if values.member else SpanPart.TASK).value]
    if values.member or values.group:
        listed += " AND key = %s"
        listed_params.append(values.member or values.group)
    where = f"(part = %s OR ({listed}))"
    where_params = [task, *listed_params]
    if values.statuses:
        where += f" AND status IN ({', '.join(['%s'] * len(values.statuses))})"
        where_params += values.statuses
    sql = f"""WITH {cte} SELECT status, SUM(CASE WHEN {listed} THEN n ELSE 0 END),
        SUM(CASE WHEN part = %s THEN n ELSE 0 END)
        FROM ({counted_sql}) k WHERE {where} GROUP BY status"""
    params = [*cte_params, *listed_params, task, *counted_params, *where_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    return {status: (int(n or 0), int(m or 0)) for status, n, m in found if m}


#: The walks along the spans of a list's statuses (``status_walks``, ``merged_walks``) read
#: at most about this many of them, from the index alone when no group or member is asked.
WALK_BUDGET = 50_000


def status_walks(
    user: Any, values: Values, offset: int, limit: int
) -> tuple[int, list[tuple[str, int, int]]] | None:
    """How to read rows ``offset`` to ``offset + limit`` of a list of tasks of one status
    sorted by deadline, assignment date or lead agency (``SPAN_SORT_COLUMNS``), or of any
    statuses sorted by status: the number of
    tasks of the list (``kept_counts``) and, in the page's order, the statuses whose tasks
    the page shows with the offset and number of rows of each (``statements.walk(...,
    by_status=True)``). Sorted by status, the tasks of a status follow those of the one
    before (``STATUS_ORDER``, reversed for ``-status``), in id order.

    None when the kept counts do not count the list, for other sorts or several statuses
    sorted otherwise, or when a walk would pass too many spans of
    tasks the other filters (a group, a member) leave out (more than ``WALK_BUDGET``): the
    list is then read whole (``statements.rows``), starting from those filters."""
    key = values.sort.lstrip("-")
    if key not in (*SPAN_SORT_COLUMNS, "status"):
        return None
    if key != "status" and len(values.statuses) != 1:
        return None
    counts = kept_counts(user, values)
    if counts is None:
        return None
    total = sum(n for n, _m in counts.values())
    if offset >= total:
        return total, []  # past the last page
    order = [s.value for s in STATUS_ORDER]
    if values.sort.startswith("-"):
        order.reverse()
    walks = []
    start = 0
    for status in order:
        n, m = counts.get(status, (0, 0))
        first, last = max(offset, start), min(offset + limit, start + n)
        if first < last:
            if (last - start) * m > WALK_BUDGET * n:
                return None
            walks.append((status, first - start, last - first))
        start += n
    return total, walks


def merged_walks(
    user: Any, values: Values, offset: int, limit: int
) -> tuple[int, list[str]] | None:
    """How to read rows ``offset`` to ``offset + limit`` of a list of several statuses (or
    of any status) sorted by deadline (in force) or assignment date that a walk in that
    order would not meet early (``walks_well``), or past its first page (the walk reads every
    task before the page's first), or sorted by lead agency (no walk of the tasks has that
    order): the number of tasks of the list (``kept_counts``) and the
    statuses whose first ``offset + limit`` tasks, each read along its spans, are merged
    (``statements.merged``). None otherwise, or when the walks would pass too many spans
    (``WALK_BUDGET``)."""
    key = values.sort.lstrip("-")
    if key not in SPAN_SORT_COLUMNS or len(values.statuses) == 1:
        return None
    if key in WALKED_SORTS and walks_well(values) and not offset:
        return None  # its first page: the walk of the tasks in that order is shorter
    counts = kept_counts(user, values)
    if counts is None:
        return None
    total = sum(n for n, _m in counts.values())
    if offset >= total:
        return total, []  # past the last page
    statuses, read = [], 0
    for status, (n, m) in sorted(counts.items()):
        if n:
            need = min(n, offset + limit)
            if need * m > WALK_BUDGET * n:
                return None
            read += need * m // n
            statuses.append(status)
    if read > WALK_BUDGET:
        return None
    return total, statuses


def known_total(user: Any, values: Values) -> int | None:
    """The number of tasks of the list read without reading its rows, for a page in an order
    a walk reads (``WALKED_SORTS``): from the dashboard's kept counts (``kept_count``)
    or, for filters that ask for no status, by counting the tasks without their statuses
    (``statements.count``). None otherwise (the total then rides on the rows)."""
    from dondoc.tasks import statements

    if values.sort.lstrip("-") not in WALKED_SORTS:
        return None
    kept = kept_count(user, values)
    if kept is not None:
        return kept
    if counted_alone(values):
        return statements.count(user, values)
    return None


def rows_and_total(qs: QuerySet, offset: int, limit: int) -> tuple[list, int]:
    """Rows ``offset`` to ``offset + limit`` of ``qs`` and the number of rows of ``qs``.

    One query: the total rides on the rows as ``COUNT(*) OVER ()``, so the status filter is
    evaluated once instead of once for a count and again for the rows. Past the last row the
    rows are empty and a count is made.
    """
    rows = list(counted(qs.annotate(total_rows=Window(Count("pk"))))[offset : offset + limit])
    if rows:
        return rows, rows[0].total_rows
    return rows, (qs.count() if offset else 0)


# Rows without model objects ---------------------------------------------------------------------

#: The task columns a row of the task table or an item of the API list reads.
ROW_FIELDS = (
    "id",
    "content",
    "program_id",
    "program__code",
    "group_id",
    "group__number",
    "group__title",
    "deadline_text",
    "deadline_kind",
    "due_on",
    "expected_output",
    "output_kind",
    "assigned_on",
    "closure_on",
)


class _Related(list):
    """A fetched relation: reads like a prefetched manager (``task.members.all()``)."""

    def all(self) -> _Related:
        return self


class _Ref:
    """A related object reduced to the attributes a row reads; ``str()`` as the model's."""

    __slots__ = ("code", "date", "full_name", "name", "number", "pk", "short_name", "title")

    def __init__(
        self,
        pk: int,
        *,
        code: Any = None,
        date: Any = None,
        full_name: Any = None,
        name: Any = None,
        number: Any = None,
        short_name: Any = None,
        title: Any = None,
    ) -> None:
        # Assigned one by one: a page makes a few hundred of these.
        self.pk, self.code, self.date, self.full_name = pk, code, date, full_name
        self.name, self.number, self.short_name, self.title = name, number, short_name, title

    @property
    def id(self) -> int:
        return self.pk

    def __str__(self) -> str:  # an organisation unit's short name, as ``OrgUnit.__str__``
        return self.short_name or self.name or ""


class _Link:
    """A task's agency, group or source row: the role or label and the object it names."""

    __slots__ = (
        "directive",
        "directive_id",
        "group",
        "group_id",
        "label",
        "org_unit",
        "org_unit_id",
        "role",
    )

    def __init__(
        self,
        *,
        directive: Any = None,
        directive_id: Any = None,
        group: Any = None,
        group_id: Any = None,
        label: Any = None,
        org_unit: Any = None,
        org_unit_id: Any = None,
        role: Any = None,
    ) -> None:
        self.directive, self.directive_id, self.group, self.group_id = (
            directive,
            directive_id,
            group,
            group_id,
        )
        self.label, self.org_unit, self.org_unit_id, self.role = label, org_unit, org_unit_id, role


class TaskRow:
    """A task of a list page, read as plain values: what ``rows.RowWriter`` and
    ``api.serialize.task_item`` read of a task fetched with ``with_display_relations``, built
    without making model objects (a page of 50 tasks made ~900 of them)."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)
        self.pk = values["id"]
        self.program = _Ref(values["program_id"], code=values["program__code"])
        gid = values["group_id"]
        self.group = (
            _Ref(gid, number=values["group__number"], title=values["group__title"]) if gid else None
        )
        self.task_agencies = _Related()
        self.task_groups = _Related()
        self.members = _Related()
        self.sources = _Related()


def _relation_rows(ids: list[int]) -> QuerySet:
    """What a row shows of the tasks ``ids``, in one query whose SQL depends only on the
    number of ids (``core.prepared``: compiled once per number, run on every request; on
    PostgreSQL the ids go in as one array parameter, not 4 × 50 parameters): their
    agencies (part 0, by role), collective agencies (1, by role), members (2, in the members'
    order) and sources (3, by the directive's date), each row (part, position, task id, id,
    role or label, name, short name, date)."""
    text = Cast(Value(None), CharField())

    def part(qs: QuerySet, n: int, order: list, pk: str, **columns: Any) -> QuerySet:
        values = {"r_role": text, "r_name": text, "r_short": text}
        values["r_date"] = Cast(Value(None), DateField())
        values |= {name: F(field) for name, field in columns.items()}
        return (
            qs.filter(prepared.AnyOf(F("task_id"), ids))
            .order_by()
            .annotate(
                r_part=Value(n, output_field=IntegerField()),
                r_position=Window(RowNumber(), order_by=order),
                r_task=F("task_id"),
                r_id=F(pk),
                **values,
            )
            .values_list(
                "r_part", "r_position", "r_task", "r_id", "r_role", "r_name", "r_short", "r_date"
            )
        )

    return part(
        TaskAgency.objects,
        0,
        [F("role").asc(), F("id").asc()],
        "org_unit_id",
        r_role="role",
        r_name="org_unit__name",
        r_short="org_unit__short_name",
    ).union(
        part(
            TaskAgencyGroup.objects,
            1,
            [F("role").asc(), F("id").asc()],
            "group_id",
            r_role="role",
        ),
        part(
            Task.members.through.objects,
            2,
            [F("member__sort_order").asc(), vi_order("member__full_name"), F("member_id").asc()],
            "member_id",
            r_name="member__full_name",
        ),
        part(
            TaskSource.objects,
            3,
            [F("directive__date").asc(), F("id").asc()],
            "directive_id",
            r_role="label",
            r_name="directive__number",
            r_date="directive__date",
        ),
        all=True,
    )


def filtered_rows(
    user: Any,
    params: Mapping[str, Any],
    offset: int,
    limit: int,
    annotations: tuple[str, ...] = (),
    relate: Callable[[list[dict]], list] | None = None,
) -> tuple[QuerySet | None, FilterState, list, int]:
    """``filter_tasks`` and ``task_rows``: the queryset, the filter state, rows ``offset`` to
    ``offset + limit`` and the number of rows, the statuses read from the maintained status
    spans, or from the timeline when some task of the list has no span on the date (none has
    while the spans are kept: a task merged away, or assigned later, is not listed).

    The rows are read by the statement written once for the filters' shape
    (``tasks.statements``) when it finds rows, all with a span; the queryset is then not built
    (None). Otherwise, through the ORM.

    A long list (tens of thousands of tasks at 500,000) whose number is known without reading
    its rows (``known_total``) and whose tasks a walk in the page's order meets early enough
    (``walks_well``) is read by a statement that walks the tasks in that order and stops at
    its last row (``statements.walk``), instead of joining every matching task to its status
    span for the count and sorting them all. A list of one status sorted by deadline or
    assignment date, or of any statuses sorted by status, that the kept counts count is read
    along the spans of each status in the page's order (``status_walks``); several statuses
    sorted by deadline, assignment date or lead agency (or any status, past the first page),
    by merging
    those walks (``merged_walks``). Either way the rows and the number are those of the
    statement with the windows (a test compares them).

    ``relate``: what makes the rows out of the statement's values (``_with_relations`` unless
    given: ``TaskRow`` with their relations); the API writes its items from them directly, the
    task list its rows as tuples."""
    from dondoc.tasks import statements

    relate = relate or _with_relations

    state, values = parse_filters(params)
    if values is None:
        return Task.objects.none(), state, [], 0
    walks = status_walks(user, values, offset, limit)
    if walks is not None:
        total, pieces = walks
        found = []
        for status, first, count in pieces:
            one = dataclasses.replace(values, statuses=[status])
            rows = statements.walk(user, one, first, count, annotations, by_status=True)
            if rows is None or len(rows) != count:  # not kept, or the spans and counts differ
                break
            found += rows
        else:
            return None, state, relate(found), total
    merge = merged_walks(user, values, offset, limit)
    if merge is not None:
        total, statuses = merge
        found = statements.merged(user, values, offset, limit, annotations, statuses)
        if not statuses:  # past the last page
            found = []
        if found is not None and len(found) == min(limit, total - offset):
            return None, state, relate(found), total
    # Counted apart only for a walk: otherwise the count rides on the rows, and counting the
    # list first read every matching task twice (a month's deadlines at 500,000 tasks: 105 ms
    # of 260).
    total = known_total(user, values) if walks_well(values) else None
    if total == 0 and not offset:  # nothing to read (no statement reading every task for it)
        return None, state, [], 0
    if total is not None and total >= WALK_RATIO * (offset + limit) and walks_well(values):
        walked = statements.walk(user, values, offset, limit, annotations)
        # A task counted but without a span on the date is passed by a walk along the spans
        # (the deadline's): the page then comes short, and is read with its total instead.
        if (
            walked
            and len(walked) == min(limit, total - offset)
            and all(row["span_task_id"] is not None for row in walked)
        ):
            return None, state, relate(walked), total
    found = statements.rows(user, values, offset, limit, annotations)
    if found == [] and not offset:  # no task at all: the statement keeps spanless ones too
        return None, state, [], 0
    if found and found[0]["spanned_rows"] == found[0]["total_rows"]:
        return None, state, relate(found), found[0]["total_rows"]
    qs = build_tasks(user, values, source="spans")
    try:
        rows, total = task_rows(qs, offset, limit, annotations, relate)
    except SpansMissing:
        qs = build_tasks(user, values)
        rows, total = task_rows(qs, offset, limit, annotations, relate)
    return qs, state, rows, total


def task_rows(
    qs: QuerySet,
    offset: int,
    limit: int,
    annotations: tuple[str, ...] = (),
    relate: Callable[[list[dict]], list] | None = None,
) -> tuple[list, int]:
    """``rows_and_total`` for display: rows ``offset`` to ``offset + limit`` of ``qs`` (tasks
    from ``filter_tasks``) as ``TaskRow`` with their agencies, collective agencies, members and
    sources, and the number of rows of ``qs``.

    The task's columns and the ``annotations`` named (besides ``status``, ``due_on_as_of`` and
    ``late_against_original``) are read as values, so the status expression is written only
    where it is used; the total rides on the rows. Then one query for the four relations,
    reading only the names shown (and the collective agencies' objects when a row has any):
    two or three queries where ``with_display_relations`` makes five, and no model objects.

    A list read from the status spans (``filter_tasks(..., source="spans")``) in which some
    task has no span covering the date raises ``SpansMissing`` (``filtered_rows`` then reads
    it from the timeline): its status filters kept that task whatever its status, so that the
    count of rows with a span, riding on the rows like the total, tells.
    """
    if isinstance(qs, EmptyQuerySet):  # no program to list (``filter_tasks``): no status either
        return [], 0
    names = (*ROW_FIELDS, "status", "due_on_as_of", "late_against_original", *annotations)
    spans = "span_task_id" in qs.query.annotations
    windows = {"total_rows": Window(Count("pk"))}
    if spans:  # the rows with a span: fewer than all when a task has none on the date
        windows["spanned_rows"] = Window(Count("span_task_id"))
    values = list(counted(qs.annotate(**windows).values(*names, *windows))[offset : offset + limit])
    if not values:
        if spans and qs.filter(span_task_id__isnull=True).exists():
            raise SpansMissing
        return [], (qs.count() if offset else 0)
    if spans and values[0]["spanned_rows"] != values[0]["total_rows"]:
        raise SpansMissing
    return (relate or _with_relations)(values), values[0]["total_rows"]


def _with_relations(values: list[dict]) -> list[TaskRow]:
    """``values`` (a list query's rows) as ``TaskRow`` with their agencies, collective
    agencies, members and sources, read in one query (``_relation_rows``)."""
    from dondoc.orgs.models import OrgGroup

    rows = [TaskRow(v) for v in values]
    by_id = {row.pk: row for row in rows}
    ids = list(by_id)
    group_links = []
    found = prepared.rows(("task_rows", "relations"), _relation_rows, ids)
    for n, _position, task_id, pk, role, name, short, day in sorted(found, key=lambda r: r[:2]):
        row = by_id[task_id]
        if n == 0:
            row.task_agencies.append(
                _Link(role=role, org_unit_id=pk, org_unit=_Ref(pk, name=name, short_name=short))
            )
        elif n == 1:
            group_links.append((task_id, role, pk))
        elif n == 2:
            row.members.append(_Ref(pk, full_name=name))
        else:
            row.sources.append(
                _Link(label=role, directive_id=pk, directive=_Ref(pk, number=name, date=day))
            )
    if group_links:  # collective agencies are few: their objects (``members_on``) are wanted
        groups = OrgGroup.objects.in_bulk({g for _t, _r, g in group_links})
        for task_id, role, group_id in group_links:
            by_id[task_id].task_groups.append(
                _Link(role=role, group_id=group_id, group=groups[group_id])
            )
    return rows
