"""Figures of the dashboard: counts by solution group, lead agency and supervising member.

The status of every task as of the date (``queries.with_status``) is computed once, in one
query, and each breakdown counts it over (task, key) pairs fetched in one more query, plus one
query for the labels. Rows carry the same figures the
quarterly report writes: assigned, completed (on time, late), in progress, of which overdue,
and the due soon / on track / regular / no deadline split of the tasks still open.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from dondoc.orgs.models import Member, OrgUnit
from dondoc.tasks.models import AgencyRole, SolutionGroup, Task, TaskAgency
from dondoc.tasks.queries import with_status
from dondoc.tasks.status import Status

#: Columns of a breakdown table: (key, label, ``status`` parameter of the task list link).
COLUMNS: tuple[tuple[str, object, str], ...] = (
    ("assigned", _("Assigned"), "assigned"),
    ("completed", _("Completed"), "completed"),
    ("open", _("In progress"), "open"),
    ("overdue", _("Overdue"), Status.OVERDUE.value),
    ("due_soon", _("Due soon"), Status.DUE_SOON.value),
    ("on_track", _("On track"), Status.IN_PROGRESS.value),
    ("regular", _("Regular"), Status.REGULAR.value),
    ("no_deadline", _("No deadline"), Status.NO_DEADLINE.value),
)

#: Chart series: parts that add up to "assigned", with their colour band.
SERIES: tuple[tuple[str, object, str], ...] = (
    ("overdue", _("Overdue"), "#c62828"),
    ("due_soon", _("Due soon"), "#e67e00"),
    ("on_track", _("On track"), "#2e7d32"),
    ("regular", _("Regular"), "#1f6fb2"),
    ("no_deadline", _("No deadline"), "#9e9e9e"),
    ("completed", _("Completed"), "#607d8b"),
)


@dataclass
class Row:
    """One line of a breakdown: who or what, and its counts."""

    key: int | None
    label: str
    title: str = ""
    counts: dict[str, int] = field(default_factory=dict)

    def n(self, name: str) -> int:
        return self.counts.get(name, 0)


def figures(by_status: dict) -> dict[str, int]:
    """The report's figures from counts per ``Status`` value."""
    n = {Status(k).value: v for k, v in by_status.items()}
    completed = n[Status.COMPLETED_ON_TIME] + n[Status.COMPLETED_LATE]
    open_ = sum(
        n[s]
        for s in (
            Status.OVERDUE,
            Status.DUE_SOON,
            Status.IN_PROGRESS,
            Status.REGULAR,
            Status.NO_DEADLINE,
        )
    )
    return {
        "assigned": completed + open_,
        "completed": completed,
        "completed_on_time": n[Status.COMPLETED_ON_TIME],
        "completed_late": n[Status.COMPLETED_LATE],
        "open": open_,
        "overdue": n[Status.OVERDUE],
        "due_soon": n[Status.DUE_SOON],
        "on_track": n[Status.IN_PROGRESS],
        "regular": n[Status.REGULAR],
        "no_deadline": n[Status.NO_DEADLINE],
        "cancelled": n[Status.CANCELLED],
    }


STATUS_VALUES = tuple(s.value for s in Status)


def _task_statuses(qs: QuerySet, as_of: dt.date) -> dict[int, tuple]:
    """Status on ``as_of``, solution group and deadline in force of each task of ``qs``, in one
    query.

    Computing the status is the expensive part of every breakdown, so it is done once and kept
    on the queryset object: the breakdowns of one dashboard (given the same ``qs``) share it.
    """
    cache = qs.__dict__.setdefault("_dondoc_statuses", {})
    if as_of not in cache:
        annotated = with_status(qs, as_of)
        due = "due_on_as_of" if "due_on_as_of" in annotated.query.annotations else "due_on"
        rows = annotated.values_list("pk", "status", "group_id", due).order_by()
        cache[as_of] = {pk: (status, group, due_on) for pk, status, group, due_on in rows}
    return cache[as_of]


def _grouped(
    statuses: dict[int, tuple], pairs: Iterable[tuple[int, int | None]]
) -> dict[int | None, dict[str, int]]:
    """Figures per key from (task id, key) pairs and the tasks' statuses."""
    counted: Counter = Counter()
    for task_id, key in pairs:
        found = statuses.get(task_id)
        if found is not None:
            counted[key, found[0]] += 1
    counts: dict[int | None, dict[str, int]] = {}
    for (key, status), n in counted.items():
        if key not in counts:
            counts[key] = dict.fromkeys(STATUS_VALUES, 0)
        counts[key][status] = n
    return {k: figures(c) for k, c in counts.items()}


def by_group(qs: QuerySet, as_of: dt.date, program) -> list[Row]:
    """Counts per solution group (nhóm nhiệm vụ, giải pháp), in the program's order."""
    statuses = _task_statuses(qs, as_of)
    counts = _grouped(statuses, ((pk, found[1]) for pk, found in statuses.items()))
    rows = [
        Row(key=g.pk, label=f"{g.number}. {g.title}", title=g.title, counts=counts.get(g.pk, {}))
        for g in SolutionGroup.objects.filter(program=program).order_by("number")
    ]
    if counts.get(None):
        rows.append(Row(key=None, label=str(_("Not classified")), counts=counts[None]))
    return rows


def by_lead(qs: QuerySet, as_of: dt.date, limit: int | None = 12) -> list[Row]:
    """Counts per lead agency (cơ quan chủ trì), most overdue first."""
    pairs = TaskAgency.objects.filter(task__in=qs.values("pk"), role=AgencyRole.LEAD)
    counts = _grouped(_task_statuses(qs, as_of), pairs.values_list("task_id", "org_unit_id"))
    ranked = sorted(
        ((-c["overdue"], -c["open"], -c["assigned"]), pk)
        for pk, c in counts.items()
        if pk is not None and c["assigned"]
    )
    if limit and len(ranked) > limit:  # names only for the top rows (and those tied with them)
        ranked = [r for r in ranked if r[0] <= ranked[limit - 1][0]]
    units = OrgUnit.objects.in_bulk([pk for _rank, pk in ranked])
    rows = [
        Row(key=pk, label=str(units[pk]), title=units[pk].name, counts=counts[pk])
        for _rank, pk in ranked
        if pk in units
    ]
    rows.sort(key=lambda r: (-r.n("overdue"), -r.n("open"), -r.n("assigned"), r.label))
    return rows[:limit] if limit else rows


def by_member(qs: QuerySet, as_of: dt.date, program) -> list[Row]:
    """Counts per supervising member (thành viên BCĐ chỉ đạo, theo dõi), in protocol order."""
    pairs = Task.members.through.objects.filter(task__in=qs.values("pk"))
    counts = _grouped(_task_statuses(qs, as_of), pairs.values_list("task_id", "member_id"))
    members = Member.objects.filter(program=program, pk__in=[k for k in counts if k])
    return [
        Row(key=m.pk, label=m.full_name, title=m.position, counts=counts[m.pk])
        for m in members
        if counts[m.pk]["assigned"]
    ]


def overdue_tasks(qs: QuerySet, as_of: dt.date, limit: int = 10) -> list:
    """The most overdue open tasks, with ``days_late`` and their lead agencies fetched."""
    statuses = _task_statuses(qs, as_of)
    late = sorted(
        (found[2], pk) for pk, found in statuses.items() if found[0] == Status.OVERDUE.value
    )
    ids = [pk for _due, pk in late[:limit]]
    overdue = with_status(Task.objects.filter(pk__in=ids), as_of)
    due = "due_on_as_of" if "due_on_as_of" in overdue.query.annotations else "due_on"
    tasks = list(
        overdue.order_by(due, "id").prefetch_related(
            Prefetch(
                "task_agencies",
                queryset=TaskAgency.objects.filter(role=AgencyRole.LEAD).select_related("org_unit"),
                to_attr="leads",
            )
        )[:limit]
    )
    for task in tasks:
        # The deadline in force on the date: an extension granted by then moves it.
        task.due_in_force = getattr(task, "due_on_as_of", None) or task.due_on
        task.days_late = (as_of - task.due_in_force).days
    tasks.sort(key=lambda t: (-t.days_late, t.pk))
    return tasks


def chart_data(rows: Iterable[Row], link) -> dict:
    """The rows in the shape ``static/js/app.js`` draws as stacked bars.

    ``link(row, status)`` gives the task list address of one bar segment.
    """
    rows = list(rows)
    return {
        "categories": [r.label for r in rows],
        "titles": [r.title or r.label for r in rows],
        "series": [
            {
                "name": str(label),
                "color": colour,
                "data": [r.n(key) for r in rows],
                "links": [link(r, key) for r in rows],
            }
            for key, label, colour in SERIES
        ],
    }
