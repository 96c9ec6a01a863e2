"""Report sections and appendices: exporter classes that yield typed rows for a date.

Every figure comes from ``dondoc.tasks.queries`` (``tasks_as_of``, ``with_status``,
``status_counts``), the same functions the dashboard uses, so the DOCX, the XLSX, the HTML
preview and the dashboard agree. Each exporter has ``columns`` (heading and widths) and
``rows()``; renderers only format what the rows hold. ``ReportScope`` is the set of tasks and
the date the exporters read: the whole program, or the tasks of one committee member or
agency for the briefs.

Appendix 1 (late tasks, nhiệm vụ chậm, muộn) lists the tasks overdue on the date. Appendix 2
(tasks for the next quarter) lists the tasks still open on the date whose due date falls in the
next quarter; a template may also carry the overdue tasks over into it. Tasks with a continuous
or recurring deadline, or none, appear in neither (they are counted in the figures).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from functools import cached_property

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from dondoc.core.collation import vi_order
from dondoc.orgs.models import Member
from dondoc.reports.models import DocumentFormat
from dondoc.reports.periods import Period, short_date
from dondoc.tasks import dashboard
from dondoc.tasks.models import (
    AgencyRole,
    DeadlineChange,
    Directive,
    DirectiveKind,
    Program,
    ProgressUpdate,
    SolutionGroup,
    Task,
    TaskAgency,
    TaskAgencyGroup,
    TaskSource,
)
from dondoc.tasks.queries import (
    status_counts,
    tasks_as_of,
    with_late_against_original,
    with_status,
)
from dondoc.tasks.status import OPEN_STATUSES, Status

#: How the documents name a directive's kind before its number ("Thông báo số 01-TB/BCĐTW").
DIRECTIVE_WORDS = {
    DirectiveKind.NOTICE: "Thông báo",
    DirectiveKind.PLAN: "Kế hoạch",
    DirectiveKind.REPORT: "Báo cáo",
    DirectiveKind.LETTER: "Công văn",
    DirectiveKind.DIRECTIVE: "Chỉ thị",
    DirectiveKind.OTHER: "Văn bản",
}


@dataclass(frozen=True)
class Column:
    """A table column.

    ``label`` is the English message id shown on pages; ``official`` is the Vietnamese heading
    the official document and its XLSX tables print, whatever the interface language (it is
    part of the document format, as in the Standing Office's reports).
    """

    key: str
    label: object
    official: str
    xlsx_width: int
    docx_mm: float
    numeric: bool = False


# ----------------------------------------------------------------------------------------------
# Rows


@dataclass(frozen=True)
class Figures:
    """The counts the report's sentences write (as of the date)."""

    assigned: int  # đã giao (not counting cancelled tasks)
    assigned_in_period: int
    completed: int
    completed_on_time: int
    completed_late: int
    in_progress: int  # đang triển khai
    overdue: int  # of which overdue
    cancelled: int
    regular: int
    no_deadline: int


@dataclass(frozen=True)
class SessionRow:
    """A committee session (phiên họp) and the tasks its conclusion notice assigned."""

    session: int | None
    session_date: dt.date | None
    notices: str
    assigned: int
    completed: int
    in_progress: int
    overdue: int


@dataclass(frozen=True)
class BreakdownRow:
    """Counts for one solution group or one lead agency."""

    label: str
    assigned: int
    completed: int
    in_progress: int
    overdue: int


@dataclass(frozen=True)
class TaskRow:
    """One task as the appendices and briefs write it."""

    number: int  # STT
    task_id: int
    content: str  # nhiệm vụ cụ thể
    documents: str  # văn bản giao nhiệm vụ
    members: str  # đồng chí thành viên BCĐ chỉ đạo, theo dõi
    leads: str  # cơ quan chủ trì thực hiện
    deadline: str  # thời hạn hoàn thành, as written
    due_on: dt.date | None
    result: str = ""  # kết quả thực hiện (TGV theo dõi)


# ----------------------------------------------------------------------------------------------
# The scope the exporters read


@dataclass
class ReportScope:
    """Tasks of a program as of a date, optionally narrowed (to a user's view, a member...)."""

    program: Program
    as_of: dt.date
    period: Period | None = None
    narrow: QuerySet | None = None  # a Task queryset to intersect with, e.g. visible_tasks(...)
    member_suffix: str = ""
    no_result_text: str = ""
    carry_overdue: bool = False
    document_format: str = DocumentFormat.PARTY
    _cache: dict = field(default_factory=dict, repr=False)

    @cached_property
    def tasks(self) -> QuerySet:
        qs = tasks_as_of(self.as_of, Task.objects.filter(program=self.program))
        if self.narrow is not None:
            qs = qs.filter(pk__in=self.narrow.values("pk"))
        return qs

    @cached_property
    def counts(self) -> dict:
        return status_counts(self.tasks, self.as_of)

    @cached_property
    def statuses(self) -> dict[int, str]:
        return dict(with_status(self.tasks, self.as_of).values_list("pk", "status"))

    def period_or_current(self) -> Period:
        return self.period or Period.containing(self.as_of)


def _format_members(names: list[str], suffix: str) -> str:
    if not names:
        return ""
    text = "Đồng chí " + ", ".join(names)
    return f"{text} {suffix}".strip()


def _format_documents(sources: list[TaskSource]) -> str:
    directives: list[Directive] = []
    for source in sources:
        if source.directive not in directives:
            directives.append(source.directive)
    assigning = [d for d in directives if d.kind != DirectiveKind.REPORT] or directives
    assigning.sort(key=lambda d: (d.date, d.number))
    return "; ".join(
        f"{DIRECTIVE_WORDS.get(d.kind, 'Văn bản')} số {d.number} ngày {short_date(d.date)}"
        for d in assigning
    )


def _deadline_cell(task: Task) -> str:
    """The deadline in force as written; after a change (extension, restatement by a later
    document) with the original beside it, and whether the task is past the original."""
    if not task.changes_in_force:
        return task.deadline_text
    in_force = task.changes_in_force[-1].deadline_text or "—"
    original = task.deadline_text or "—"
    if task.late_against_original:
        return f"{in_force} (quá thời hạn ban đầu: {original})"
    return f"{in_force} (thời hạn ban đầu: {original})"


def task_rows(scope: ReportScope, queryset: QuerySet, with_result: bool) -> list[TaskRow]:
    """Rows for the tasks of ``queryset`` (in its order), with their documents, members, leads."""
    qs = with_late_against_original(queryset, scope.as_of).prefetch_related(
        Prefetch(
            "deadline_changes",
            queryset=DeadlineChange.objects.filter(effective_on__lte=scope.as_of).order_by(
                "effective_on", "id"
            ),
            to_attr="changes_in_force",
        ),
        Prefetch(
            "sources",
            queryset=TaskSource.objects.select_related("directive").order_by(
                "directive__date", "id"
            ),
        ),
        Prefetch("members", queryset=Member.objects.order_by("sort_order", vi_order("full_name"))),
        Prefetch(
            "task_agencies",
            queryset=TaskAgency.objects.filter(role=AgencyRole.LEAD)
            .select_related("org_unit")
            .order_by("id"),
            to_attr="leads",
        ),
        Prefetch(  # collective lead agencies ("Các tỉnh, thành phố"), named after the units
            "task_groups",
            queryset=TaskAgencyGroup.objects.filter(role=AgencyRole.LEAD)
            .select_related("group")
            .order_by("id"),
            to_attr="lead_group_links",
        ),
    )
    if with_result:
        latest = (
            ProgressUpdate.objects.in_force_on(scope.as_of)
            .filter(task=OuterRef("pk"))
            .order_by("-reported_on", "-id")
            .values("text")[:1]
        )
        qs = qs.annotate(latest_result=Subquery(latest))
    rows = []
    for number, task in enumerate(qs, start=1):
        rows.append(
            TaskRow(
                number=number,
                task_id=task.pk,
                content=task.content,
                documents=_format_documents(list(task.sources.all())),
                members=_format_members(
                    [m.full_name for m in task.members.all()], scope.member_suffix
                ),
                leads="; ".join(
                    [ta.org_unit.name for ta in task.leads]
                    + [tg.group.name for tg in task.lead_group_links]
                ),
                deadline=_deadline_cell(task),
                due_on=getattr(task, "due_on_as_of", task.due_on),
                result=(task.latest_result or scope.no_result_text) if with_result else "",
            )
        )
    return rows


# ----------------------------------------------------------------------------------------------
# Exporters


class Exporter:
    """A section or appendix: ``columns`` and ``rows()`` for a scope."""

    key = ""
    title: object = ""
    columns: tuple[Column, ...] = ()

    def __init__(self, scope: ReportScope) -> None:
        self.scope = scope

    def rows(self) -> list:
        raise NotImplementedError

    def headings(self) -> list[str]:
        return [str(c.label) for c in self.columns]

    def official_headings(self) -> list[str]:
        return [c.official for c in self.columns]

    def cells(self, row) -> list:
        values = asdict(row)
        return [values[c.key] for c in self.columns]


_COUNT_COLUMNS = (
    Column("assigned", _("Assigned"), "Đã giao", 11, 20, numeric=True),
    Column("completed", _("Completed"), "Đã hoàn thành", 13, 22, numeric=True),
    Column("in_progress", _("In progress"), "Đang triển khai", 13, 22, numeric=True),
    Column("overdue", _("of which overdue"), "Trong đó quá hạn", 13, 22, numeric=True),
)


class FiguresExporter(Exporter):
    """The headline figures (one row): assigned, completed, in progress, overdue."""

    key = "figures"
    title = _("Figures")

    def rows(self) -> list[Figures]:
        counts = self.scope.counts
        by_status = counts["by_status"]
        period = self.scope.period
        in_period = counts["assigned"]
        if period is not None:
            in_period = status_counts(
                self.scope.tasks.filter(assigned_on__gte=period.start, assigned_on__lte=period.end),
                self.scope.as_of,
            )["assigned"]
        return [
            Figures(
                assigned=counts["assigned"],
                assigned_in_period=in_period,
                completed=counts["completed"],
                completed_on_time=by_status[Status.COMPLETED_ON_TIME],
                completed_late=by_status[Status.COMPLETED_LATE],
                in_progress=counts["in_progress"],
                overdue=counts["overdue"],
                cancelled=counts["cancelled"],
                regular=by_status[Status.REGULAR],
                no_deadline=by_status[Status.NO_DEADLINE],
            )
        ]


class SessionExporter(Exporter):
    """Tasks by the session (phiên họp) whose conclusion notice first assigned them."""

    key = "by_session"
    title = _("By session")
    columns = (
        Column("session", _("Session"), "Phiên họp", 14, 26, numeric=True),
        Column("notices", _("Conclusion notices"), "Thông báo kết luận", 40, 46),
        *_COUNT_COLUMNS,
    )

    def cells(self, row: SessionRow) -> list:
        values = super().cells(row)
        if row.session is None:
            values[0] = str(_("Other"))
        elif row.session_date:
            values[0] = f"{row.session} ({short_date(row.session_date)})"
        return values

    def rows(self) -> list[SessionRow]:
        statuses = self.scope.statuses
        sources = (
            TaskSource.objects.filter(task_id__in=self.scope.tasks.values("pk"))
            .filter(directive__session_number__isnull=False, directive__date__lte=self.scope.as_of)
            .values_list("task_id", "directive_id")
        )
        directives = {
            d.pk: d
            for d in Directive.objects.filter(
                program=self.scope.program, session_number__isnull=False
            )
        }
        first: dict[int, Directive] = {}
        for task_id, directive_id in sources:
            directive = directives.get(directive_id)
            if directive is None:
                continue
            known = first.get(task_id)
            if known is None or (directive.date, directive.pk) < (known.date, known.pk):
                first[task_id] = directive
        groups: dict[int | None, list[str]] = defaultdict(list)
        notices: dict[int | None, list[Directive]] = defaultdict(list)
        for task_id, status in statuses.items():
            directive = first.get(task_id)
            session = directive.session_number if directive else None
            groups[session].append(status)
            if directive and directive not in notices[session]:
                notices[session].append(directive)
        rows = []
        for session in sorted(groups, key=lambda s: (s is None, s or 0)):
            docs = sorted(notices[session], key=lambda d: (d.date, d.number))
            dates = [d.session_date for d in docs if d.session_date]
            rows.append(
                SessionRow(
                    session=session,
                    session_date=min(dates) if dates else None,
                    notices="; ".join(f"{d.number} ngày {short_date(d.date)}" for d in docs),
                    **_tally(groups[session]),
                )
            )
        return [r for r in rows if r.assigned or r.session is not None]


def _tally(statuses: list[str]) -> dict[str, int]:
    cancelled = sum(1 for s in statuses if s == Status.CANCELLED)
    completed = sum(1 for s in statuses if s in (Status.COMPLETED_ON_TIME, Status.COMPLETED_LATE))
    assigned = len(statuses) - cancelled
    return {
        "assigned": assigned,
        "completed": completed,
        "in_progress": assigned - completed,
        "overdue": sum(1 for s in statuses if s == Status.OVERDUE),
    }


def _breakdown(rows: list[dashboard.Row], unclassified: str = "") -> list[BreakdownRow]:
    return [
        BreakdownRow(
            label=(r.title or r.label) if r.key is not None else unclassified,
            assigned=r.n("assigned"),
            completed=r.n("completed"),
            in_progress=r.n("open"),
            overdue=r.n("overdue"),
        )
        for r in rows
        if r.n("assigned") or r.key is not None
    ]


class GroupExporter(Exporter):
    """Counts by solution group (nhóm nhiệm vụ, giải pháp), as the dashboard shows them."""

    key = "by_group"
    title = _("By solution group")
    columns = (
        Column("label", _("Solution group"), "Nhóm nhiệm vụ, giải pháp", 60, 74),
        *_COUNT_COLUMNS,
    )

    def rows(self) -> list[BreakdownRow]:
        rows = dashboard.by_group(self.scope.tasks, self.scope.as_of, self.scope.program)
        for row in rows:
            if row.key is not None:
                row.title = row.label  # "1. Nâng cao nhận thức…"
        return _breakdown(rows, unclassified="Chưa phân nhóm")


class LeadExporter(Exporter):
    """Counts by lead agency (cơ quan chủ trì), most overdue first, as the dashboard does."""

    key = "by_lead"
    title = _("By lead agency")
    columns = (Column("label", _("Lead agency"), "Cơ quan chủ trì", 50, 74), *_COUNT_COLUMNS)

    def rows(self) -> list[BreakdownRow]:
        rows = dashboard.by_lead(self.scope.tasks, self.scope.as_of, limit=None)
        return _breakdown(rows)


_TASK_COLUMNS = (
    Column("number", _("No."), "STT", 6, 12, numeric=True),
    Column("content", _("Task"), "Nhiệm vụ cụ thể", 60, 95),
    Column("documents", _("Assigning document"), "Văn bản giao nhiệm vụ", 24, 36),
    Column(
        "members",
        _("Supervising committee members"),
        "Đồng chí Thành viên Ban Chỉ đạo chỉ đạo, theo dõi",
        24,
        38,
    ),
    Column("leads", _("Lead agency"), "Cơ quan chủ trì thực hiện", 26, 38),
    Column("deadline", _("Deadline"), "Thời hạn hoàn thành", 14, 25),
)


class LateTasksExporter(Exporter):
    """Appendix 1: tasks overdue on the date, with the result the Working Group recorded."""

    key = "appendix_late"
    title = _("Late tasks")
    columns = (
        _TASK_COLUMNS[0],
        Column("content", _("Task"), "Nhiệm vụ cụ thể", 50, 70),
        Column("documents", _("Assigning document"), "Văn bản giao nhiệm vụ", 22, 32),
        Column(
            "members",
            _("Supervising committee members"),
            "Đồng chí Thành viên Ban Chỉ đạo chỉ đạo, theo dõi",
            22,
            34,
        ),
        Column("leads", _("Lead agency"), "Cơ quan chủ trì thực hiện", 24, 34),
        Column("deadline", _("Deadline"), "Thời hạn hoàn thành", 13, 20),
        Column(
            "result",
            _("Result (as tracked by the Working Group)"),
            "Kết quả thực hiện (TGV theo dõi)",
            45,
            50,
        ),
    )

    def queryset(self) -> QuerySet:
        return (
            with_status(self.scope.tasks, self.scope.as_of)
            .filter(status=Status.OVERDUE.value)
            .order_by("due_on_as_of", "assigned_on", "id")  # the deadline in force, as shown
        )

    def rows(self) -> list[TaskRow]:
        return task_rows(self.scope, self.queryset(), with_result=True)


class NextQuarterExporter(Exporter):
    """Appendix 2: open tasks due in the quarter after the report's period."""

    key = "appendix_next"
    title = _("Tasks for the next quarter")
    columns = _TASK_COLUMNS

    @property
    def next_period(self) -> Period:
        return self.scope.period_or_current().next()

    def queryset(self) -> QuerySet:
        nxt = self.next_period
        qs = with_status(self.scope.tasks, self.scope.as_of).filter(
            status__in=[s.value for s in OPEN_STATUSES]
        )
        wanted = Q(
            due_on_as_of__gte=nxt.start, due_on_as_of__lte=nxt.end, deadline_kind_as_of="date"
        )
        if self.scope.carry_overdue:
            wanted |= Q(status=Status.OVERDUE.value)
        return qs.filter(wanted).order_by("due_on_as_of", "assigned_on", "id")

    def rows(self) -> list[TaskRow]:
        return task_rows(self.scope, self.queryset(), with_result=False)


class UpcomingExporter(Exporter):
    """Open tasks with the nearest due dates from the date on (for the briefs)."""

    key = "upcoming"
    title = _("Next deadlines")
    columns = _TASK_COLUMNS
    limit = 5

    def rows(self) -> list[TaskRow]:
        qs = (
            with_status(self.scope.tasks, self.scope.as_of)
            .filter(
                status__in=[Status.DUE_SOON.value, Status.IN_PROGRESS.value],
                due_on_as_of__gte=self.scope.as_of,
            )
            .order_by("due_on_as_of", "assigned_on", "id")[: self.limit]
        )
        return task_rows(self.scope, qs, with_result=False)


# ----------------------------------------------------------------------------------------------
# The quarterly report's data and its snapshot


@dataclass
class QuarterlyData:
    """Everything the quarterly report computes; ``snapshot_hash`` identifies the figures."""

    scope: ReportScope
    period: Period
    figures: Figures
    sessions: list[SessionRow]
    groups: list[BreakdownRow]
    leads: list[BreakdownRow]
    late: list[TaskRow]
    upcoming: list[TaskRow]
    sessions_held: list[Directive]
    exporters: dict[str, Exporter]
    group_count: int = 0
    completeness: list = field(default_factory=list)  # agencies.CompletenessRow, by round
    action_plans: list = field(default_factory=list)  # agencies.ActionPlanRow
    indicators: list = field(default_factory=list)  # indicators.IndicatorHighlight
    portal: list = field(default_factory=list)  # portal.PortalRow

    @property
    def next_period(self) -> Period:
        return self.period.next()

    def snapshot(self) -> dict:
        def dump(rows):
            return [asdict(r) for r in rows]

        snapshot = {
            "program": self.scope.program.code,
            "period": self.period.code,
            "as_of": self.scope.as_of,
            "figures": asdict(self.figures),
            "sessions": dump(self.sessions),
            "groups": dump(self.groups),
            "leads": dump(self.leads),
            "appendix_late": dump(self.late),
            "appendix_next": dump(self.upcoming),
            "sessions_held": [[d.number, d.date, d.session_date] for d in self.sessions_held],
        }
        # Only when there is such data, so reports of programs without rounds or action
        # plans keep the hash they had before these sections existed.
        if self.completeness:
            snapshot["completeness"] = dump(self.completeness)
        if self.action_plans:
            snapshot["action_plans"] = dump(self.action_plans)
        if self.indicators:
            snapshot["indicators"] = dump(self.indicators)
        if self.portal:
            snapshot["portal"] = dump(self.portal)
        return snapshot

    def snapshot_hash(self) -> str:
        return snapshot_hash(self.snapshot())


def canonical_json(data: object) -> str:
    """Sorted keys, no spaces, dates as ISO text: the same data gives the same string."""

    def default(value: object) -> str:
        if isinstance(value, dt.date):
            return value.isoformat()
        raise TypeError(f"cannot serialise {type(value).__name__}")

    return json.dumps(
        data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=default
    )


def snapshot_hash(data: object) -> str:
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


def quarterly_data(scope: ReportScope) -> QuarterlyData:
    """Compute the quarterly report for ``scope`` (which must have a period)."""
    # The agencies' sections read the rounds app and build on the classes above.
    from dondoc.reports.agencies import ActionPlanExporter, CompletenessExporter
    from dondoc.reports.indicators import IndicatorHighlightsExporter
    from dondoc.reports.portal import PortalExporter

    period = scope.period_or_current()
    exporters: dict[str, Exporter] = {
        cls.key: cls(scope)
        for cls in (
            FiguresExporter,
            SessionExporter,
            GroupExporter,
            LeadExporter,
            LateTasksExporter,
            NextQuarterExporter,
            CompletenessExporter,
            ActionPlanExporter,
            IndicatorHighlightsExporter,
            PortalExporter,
        )
    }
    held = list(
        Directive.objects.filter(
            program=scope.program,
            kind=DirectiveKind.NOTICE,
            session_number__isnull=False,
            date__lte=scope.as_of,
        ).order_by("session_number", "date")
    )
    held = [d for d in held if period.contains(d.session_date or d.date)]
    return QuarterlyData(
        scope=scope,
        period=period,
        figures=exporters["figures"].rows()[0],
        sessions=exporters["by_session"].rows(),
        groups=exporters["by_group"].rows(),
        leads=exporters["by_lead"].rows(),
        late=exporters["appendix_late"].rows(),
        upcoming=exporters["appendix_next"].rows(),
        sessions_held=held,
        exporters=exporters,
        group_count=SolutionGroup.objects.filter(program=scope.program).count(),
        completeness=exporters["completeness"].rows(),
        action_plans=exporters["action_plans"].rows(),
        indicators=exporters["indicators"].rows(),
        portal=exporters["portal"].rows(),
    )
