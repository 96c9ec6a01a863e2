"""Figures of the dashboard: counts by solution group, lead agency and supervising member.

One query (``breakdowns``) reads the status of every task as of the date from the status
spans the services keep (``spans``: the span of each task covering the date, no status
computed per request) and counts it overall, by solution group, lead agency and member, and
names the most overdue tasks; labels take one more query per breakdown. Rows
carry the same figures the quarterly report writes: assigned, completed (on time, late), in
progress, of which overdue, and the due soon / on track / regular / no deadline split of the
tasks still open.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections
from django.db.models import F, QuerySet
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from dondoc.core import prepared
from dondoc.core.collation import vi_sort_key
from dondoc.orgs.carriers import carriers_on
from dondoc.orgs.models import Member, OrgGroup, OrgUnit
from dondoc.tasks import checkpoints
from dondoc.tasks.models import (
    AgencyRole,
    SolutionGroup,
    SpanPart,
    StatusCheckpoint,
    StatusCount,
    Task,
    TaskAgency,
    TaskAgencyGroup,
    TaskStatusSpan,
)
from dondoc.tasks.queries import counts_from_groups, tasks_as_of, with_both_statuses
from dondoc.tasks.status import OPEN_STATUSES, Status

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
    """The report's figures from counts per ``Status`` value (``Status`` or plain string keys:
    a ``Status`` is equal to, and hashes like, its value)."""
    n = by_status
    completed = n[Status.COMPLETED_ON_TIME] + n[Status.COMPLETED_LATE]
    open_ = (
        n[Status.OVERDUE]
        + n[Status.DUE_SOON]
        + n[Status.IN_PROGRESS]
        + n[Status.REGULAR]
        + n[Status.NO_DEADLINE]
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
OPEN_VALUES = tuple(s.value for s in OPEN_STATUSES)


class LazyFigures(Mapping):
    """``figures`` of each key's counts per status, computed when read: a page shows a dozen
    of the thousands of lead agencies."""

    def __init__(self, statuses: dict) -> None:
        self._statuses = statuses
        self._figures: dict = {}

    def __getitem__(self, key):
        if key not in self._figures:
            self._figures[key] = figures(self._statuses[key])
        return self._figures[key]

    def __iter__(self):
        return iter(self._statuses)

    def __len__(self) -> int:
        return len(self._statuses)


#: Most overdue tasks the breakdown query returns (the dashboard lists ten).
OVERDUE_LIMIT = 10
#: Lead agencies the dashboard shows (``by_lead``).
LEAD_ROWS = 12


@dataclass
class Breakdowns:
    """Everything the dashboard counts, from one query (see ``breakdowns``)."""

    #: ``queries.status_counts`` of the tasks.
    counts: dict
    #: Figures per key: ``by["lead"][org unit id]``, ``by["member"][member id]``,
    #: ``by["group"][solution group id or None]`` (computed when read).
    by: dict[str, Mapping[int | None, dict[str, int]]]
    #: (task id, deadline in force) of the most overdue tasks, most overdue first.
    overdue: list[tuple[int, dt.date]]
    #: Tasks per ``Status`` value, keyed like ``by``.
    statuses: dict[str, dict[int | None, dict[str, int]]] = field(default_factory=dict)
    #: The lead agencies counted: None all, else those ranked in so many first places
    #: (``breakdowns``).
    leads: int | None = None


def _cte_keyword(connection) -> str:
    """``MATERIALIZED`` where the database knows it (PostgreSQL 12+, SQLite 3.35+): the status
    is then computed once however many parts of the query read it."""
    if connection.vendor == "postgresql":
        return "MATERIALIZED"
    if connection.vendor == "sqlite" and connection.Database.sqlite_version_info >= (3, 35):
        return "MATERIALIZED"
    return ""


def _carrier_sql(column: str, carriers: dict[int, int]) -> str:
    """``column`` (an org unit id) replaced by the unit carrying its work (see
    ``orgs.carriers``); the ids are integers from the database. Most units carry their own
    work: an ``IN`` test (hashed by PostgreSQL from nine values on) lets them skip the
    ``CASE``'s one-by-one comparisons."""
    if not carriers:
        return column
    merged = sorted(carriers.items())
    whens = " ".join(f"WHEN {int(pk):d} THEN {int(c):d}" for pk, c in merged)
    ids = ", ".join(f"{int(pk):d}" for pk, _c in merged)
    return f"CASE WHEN {column} IN ({ids}) THEN CASE {column} {whens} END ELSE {column} END"


def _lead_pairs_sql(connection) -> str:
    """(task_id, org_unit_id) of every lead: the lead units, and the members valid on the date
    of each collective lead agency ("Các tỉnh, thành phố": each province leads the task).
    Parameters: the lead role, the date twice, the lead role."""
    q = connection.ops.quote_name
    agencies, groups = q(TaskAgency._meta.db_table), q(TaskAgencyGroup._meta.db_table)
    return f"""(
        SELECT task_id, org_unit_id FROM {agencies} WHERE role = %s
        UNION ALL
        SELECT tg.task_id, u.id FROM {groups} tg
        JOIN {_group_units_sql(connection)} u ON u.group_id = tg.group_id
        WHERE tg.role = %s
    )"""


def _group_units_sql(connection) -> str:
    """(group_id, id) of the member units of every collective agency valid on the date
    (``orgs.groups``: the units of its kinds, and those it names). Parameters: the date
    twice."""
    q = connection.ops.quote_name
    units, org_groups = q(OrgUnit._meta.db_table), q(OrgGroup._meta.db_table)
    explicit = q(OrgGroup.units.through._meta.db_table)
    return f"""(
        SELECT og.id AS group_id, u.id AS id FROM {org_groups} og
        JOIN {units} u ON (
            ',' || og.kinds || ',' LIKE '%%,' || u.kind || ',%%'
            OR EXISTS (SELECT 1 FROM {explicit} x WHERE x.orggroup_id = og.id
                       AND x.orgunit_id = u.id)
        )
        WHERE (u.valid_from IS NULL OR u.valid_from <= %s)
        AND (u.valid_to IS NULL OR u.valid_to >= %s)
    )"""


#: Where ``breakdowns`` reads the statuses: the maintained spans, or the timeline itself.
SOURCES = ("spans", "timeline")


def _statuses(qs: QuerySet, as_of: dt.date, source: str) -> QuerySet:
    """(id, group_id, status, status_original, due_on_as_of) of the tasks of ``qs``."""
    if source == "timeline":
        statuses = with_both_statuses(qs, as_of).order_by()
        return statuses.values("id", "group_id", "status", "status_original", "due_on_as_of")
    if source != "spans":
        raise ValueError(f"source must be one of {SOURCES}, not {source!r}")
    # One filter() call: the conditions apply to the same span.
    return (
        qs.order_by()
        .filter(
            status_spans__part=SpanPart.TASK,
            status_spans__valid_from__lte=as_of,
            status_spans__valid_to__gt=as_of,
        )
        .values(
            "id",
            "group_id",
            status=F("status_spans__status"),
            status_original=F("status_spans__status_original"),
            due_on_as_of=F("status_spans__due_on"),
        )
    )


def _breakdown_sql(qs: QuerySet, as_of: dt.date, source: str = "spans") -> tuple[str, tuple]:
    """One statement that counts tasks by status overall and per group, lead agency and
    member, and names the most overdue tasks.

    A lead agency's count includes the tasks of the units merged into it by ``as_of``, each
    task once even when it is co-led by both (the scorecards count the same way), and the
    tasks of the collective agencies it is a member of on ``as_of``.

    The status is that of the task's status span covering ``as_of`` (``spans``, which the
    services keep in the transaction of every write), or with ``source="timeline"`` the one
    ``queries.with_both_statuses`` computes from the timeline (what ``check-figures``
    compares with); the tasks of ``qs`` with it become a common table expression read by each
    part. Rows: (part, key, status, status against the original deadline, number of tasks,
    deadline in force).
    """
    statuses = _statuses(qs, as_of, source)
    connection = connections[qs.db]
    inner, params = statuses.query.get_compiler(connection=connection).as_sql()
    agencies = _lead_pairs_sql(connection)
    members = connection.ops.quote_name(Task.members.through._meta.db_table)
    lead = _carrier_sql("a.org_unit_id", carriers_on(as_of))
    sql = f"""
        WITH s AS {_cte_keyword(connection)} ({inner})
        SELECT * FROM (
            SELECT 'overdue', id, status, NULL, 0, due_on_as_of FROM s
            WHERE status = %s ORDER BY due_on_as_of, id LIMIT {OVERDUE_LIMIT:d}
        ) o
        UNION ALL
        SELECT 'group', group_id, status, status_original, COUNT(*), NULL FROM s
        GROUP BY group_id, status, status_original
        UNION ALL
        SELECT 'lead', {lead}, s.status, NULL, COUNT(DISTINCT s.id), NULL
        FROM s JOIN {agencies} a ON a.task_id = s.id
        GROUP BY {lead}, s.status
        UNION ALL
        SELECT 'member', m.member_id, s.status, NULL, COUNT(*), NULL
        FROM s JOIN {members} m ON m.task_id = s.id
        GROUP BY m.member_id, s.status
    """
    lead_params = (AgencyRole.LEAD.value, as_of, as_of, AgencyRole.LEAD.value)
    return sql, (*params, Status.OVERDUE.value, *lead_params)


def _distance_sql(connection) -> str:
    """Days between the column ``day`` and a date parameter, on either side."""
    if connection.vendor == "postgresql":
        return "ABS(day - CAST(%s AS date))"
    return "ABS(julianday(day) - julianday(%s))"


def _counted_sql(
    connection, program_id: int, as_of: dt.date, parts: tuple | None = None
) -> tuple[str, list, str, list]:
    """The rows covering ``as_of`` of the parts kept at checkpoints (``checkpoints.PARTS``,
    not shared), counted per part, key, status (and status against the original deadline for
    part "task"): the counts of the checkpoint nearest to ``as_of``, plus (or, for a checkpoint
    after it, minus) the rows starting between the two days, minus (plus) those ending between
    them. Without a checkpoint, the rows covering ``as_of`` are counted the same way from a
    day before every row (``_BEFORE_EVERY_ROW``, where nothing is counted): those starting by
    ``as_of`` minus those ending by it. Returns the common table expression naming the
    checkpoint, the statement and its parameters (those of the expression first); rows:
    (part, key or 0, status, status_original or '', number).

    The parts are read together, by one index range per kind of day (``part IN``): two scans
    of the span rows, not one per part and kind of day. ``parts``: only these of
    ``checkpoints.PARTS`` (the task list's counts)."""
    q = connection.ops.quote_name
    spans, counts = q(TaskStatusSpan._meta.db_table), q(StatusCount._meta.db_table)
    points = q(StatusCheckpoint._meta.db_table)
    # The program's checkpoints, and (last in the order) the day before every row.
    cte = f"""c AS (
        SELECT day, CASE WHEN day IS NULL THEN %s WHEN day <= %s THEN day ELSE %s END AS lo,
               CASE WHEN day IS NULL OR day <= %s THEN %s ELSE day END AS hi,
               CASE WHEN day IS NULL OR day <= %s THEN 1 ELSE -1 END AS sign
        FROM (SELECT day, 0 AS fallback FROM {points} WHERE program_id = %s
              UNION ALL SELECT NULL, 1) p
        ORDER BY fallback, {_distance_sql(connection)}, day LIMIT 1
    )"""
    cte_params = [_BEFORE_EVERY_ROW, as_of, as_of, as_of, as_of, as_of, program_id, as_of]
    original = f"CASE WHEN part = '{SpanPart.TASK.value}' THEN status_original ELSE '' END"
    keyed = f"part, COALESCE(key, 0), status, {original}"
    chosen = checkpoints.PARTS if parts is None else parts
    names = ", ".join(f"'{part}'" for part in chosen)  # fixed identifiers
    own = f"program_id = %s AND part IN ({names}) AND shared = FALSE"
    kept = "" if parts is None else f" AND part IN ({names})"
    sql = f"""SELECT part, key, status, status_original, CAST(SUM(n) AS integer) AS n
        FROM (SELECT part, key, status, status_original, n FROM {counts}
              WHERE program_id = %s AND day = (SELECT day FROM c){kept}
            UNION ALL
            SELECT {keyed}, (SELECT sign FROM c) * COUNT(*) FROM {spans}
            WHERE {own} AND valid_from > (SELECT lo FROM c) AND valid_from <= (SELECT hi FROM c)
            GROUP BY {keyed}
            UNION ALL
            SELECT {keyed}, -(SELECT sign FROM c) * COUNT(*) FROM {spans}
            WHERE {own} AND valid_to > (SELECT lo FROM c) AND valid_to <= (SELECT hi FROM c)
            GROUP BY {keyed}) x
        GROUP BY part, key, status, status_original"""
    return cte, cte_params, sql, [program_id, program_id, program_id]


#: A day before every span row (they start on ``spans.FIRST_DAY`` at the earliest): the
#: checkpoint ``_counted_sql`` counts from when a program has none, where no row is counted.
_BEFORE_EVERY_ROW = dt.date(1, 1, 1)


#: The dashboard's name of each part kept at checkpoints (``_program_sql`` rows); its lead
#: rows are summed per carrier in the statement and come back as part "lead".
_COUNTED_AS = {SpanPart.TASK.value: "group", SpanPart.MEMBER.value: "member"}

#: What ``by_lead`` ranks lead agencies by: (overdue, in progress, assigned), as ``figures``
#: counts them.
_RANKED_BY = (
    (Status.OVERDUE,),
    tuple(OPEN_STATUSES),
    (*OPEN_STATUSES, Status.COMPLETED_ON_TIME, Status.COMPLETED_LATE),
)


def _sum_of(statuses) -> str:
    """``SUM(n)`` over the rows of ``statuses`` (``Status`` values: fixed identifiers), tested
    by the shorter list: those named, or those not named (a status is never NULL)."""
    named = {Status(s).value for s in statuses}
    others = [s.value for s in Status if s.value not in named]
    if len(others) < len(named):
        test = "NOT IN" if len(others) > 1 else "<>"
        values = others
    else:
        test = "IN" if len(named) > 1 else "="
        values = sorted(named)
    listed = ", ".join(f"'{value}'" for value in values)
    if test in ("IN", "NOT IN"):
        listed = f"({listed})"
    return f"SUM(CASE WHEN status {test} {listed} THEN n ELSE 0 END)"


def _program_sql(
    connection,
    program_id: int,
    as_of: dt.date,
    carriers: dict[int, int],
    lead_limit: int | None = None,
) -> tuple[str, tuple]:
    """``_breakdown_sql`` for every task of a program (``tasks_as_of``) from what is kept: no
    task, agency or member table is read.

    Counts by solution group, by lead unit of the tasks it leads alone and by member are those
    of the nearest checkpoint corrected by the span rows starting or ending since
    (``_counted_sql``, ``checkpoints``): a few thousand rows, not one per task. A lead row of
    a task with one lead unit is counted by unit as is and added to the unit carrying its work
    (exactly, since no task is counted twice); those of tasks with several leads (``shared``),
    and the member units of collective lead groups on the date, are counted once per task and
    carrier from the span rows covering the date, as are the most overdue tasks
    (``status_span_overdue_idx``). The two lead counts are summed per carrier and status in
    the statement (tasks with one lead and tasks with several are different tasks).

    ``lead_limit``: only the lead agencies ranked in the first ``lead_limit`` by
    ``_RANKED_BY`` (ties with the last one included), as ``by_lead`` shows them; the others'
    rows do not come back."""
    spans = connection.ops.quote_name(TaskStatusSpan._meta.db_table)
    # ``shared`` is in the index before the dates: each part's scan reads only its own rows.
    covering = (
        "program_id = %s AND part = %s AND shared = %s AND valid_to > %s AND valid_from <= %s"
    )
    lead, shared_lead = _carrier_sql("key", carriers), _carrier_sql("s.key", carriers)
    group_lead = _carrier_sql("u.id", carriers)
    cte, cte_params, counted, counted_params = _counted_sql(connection, program_id, as_of)
    lead_part = SpanPart.LEAD.value
    shown = ""
    if lead_limit is not None:
        overdue, open_, assigned = (_sum_of(statuses) for statuses in _RANKED_BY)
        # RANK() is 1 + the number of agencies ranked strictly before: at most ``lead_limit``
        # for exactly those tied with or before the one in place ``lead_limit``.
        shown = f"""WHERE lead IN (
            SELECT lead FROM (
                SELECT lead, RANK() OVER (
                    ORDER BY {overdue} DESC, {open_} DESC, {assigned} DESC) AS place
                FROM l GROUP BY lead HAVING {assigned} > 0
            ) r WHERE place <= {int(lead_limit):d}
        )"""
    sql = f"""
        WITH {cte}, k AS ({counted}),
        l AS (
            SELECT lead, status, CAST(SUM(n) AS integer) AS n FROM (
                SELECT {lead} AS lead, status, n FROM k WHERE part = '{lead_part}'
                UNION ALL
                SELECT lead, status, COUNT(DISTINCT task_id) FROM (
                    SELECT s.task_id, {shared_lead} AS lead, s.status
                    FROM {spans} s WHERE {covering}
                    UNION ALL
                    SELECT f.task_id, {group_lead}, f.status FROM {spans} f
                    JOIN {_group_units_sql(connection)} u ON u.group_id = f.key
                    WHERE {covering.replace("program_id", "f.program_id")}
                ) shared GROUP BY lead, status
            ) x GROUP BY lead, status
        )
        SELECT * FROM (
            SELECT 'overdue', task_id, status, NULL, 0, due_on FROM {spans}
            WHERE {covering} AND status = 'overdue' ORDER BY due_on, task_id
            LIMIT {OVERDUE_LIMIT:d}
        ) o
        UNION ALL
        SELECT part, key, status, status_original, n, NULL FROM k WHERE part <> '{lead_part}'
        UNION ALL
        SELECT 'lead', lead, status, NULL, n, NULL FROM l {shown}
    """

    def part(name: SpanPart, shared: bool = False) -> tuple:
        return (program_id, name.value, shared, as_of, as_of)

    params = (
        *cte_params,
        *counted_params,
        *part(SpanPart.LEAD, shared=True),
        as_of,
        as_of,
        *part(SpanPart.LEAD_GROUP, shared=True),  # a collective lead is always shared
        *part(SpanPart.TASK),
    )
    return sql, params


def _whole_program(qs: QuerySet, as_of: dt.date) -> int | None:
    """The program whose every task on ``as_of`` ``qs`` is (``tasks_as_of`` of the program's
    tasks, unnarrowed), or None."""
    program_id = None
    for child in qs.query.where.children:
        target = getattr(getattr(child, "lhs", None), "target", None)
        if target is not None and target.name == "program" and child.lookup_name == "exact":
            program_id = getattr(child.rhs, "pk", child.rhs)
    if program_id is None or qs.model is not Task:
        return None
    whole = tasks_as_of(as_of, Task.objects.filter(program_id=program_id))
    try:
        if str(qs.order_by().query) != str(whole.order_by().query):
            return None
    except EmptyResultSet:  # ``qs.none()``
        return None
    return int(program_id)


def breakdowns(
    qs: QuerySet,
    as_of: dt.date,
    source: str = "spans",
    leads: int | None = None,
    whole_program: int | None = None,
) -> Breakdowns:
    """The dashboard's counts of the tasks of ``qs`` on ``as_of``, in one query.

    The result is kept on the queryset object, so the breakdowns of one page (given the same
    ``qs``) share it. ``source="timeline"`` computes each status from the timeline instead of
    reading the maintained spans (the same figures, slower: for checking). ``leads``: the lead
    agencies whose counts are wanted, None for all of them, a number for only those
    ``by_lead`` ranks in that many first places (with their ties: a page showing the top
    dozen); a result holding more serves a call wanting fewer. ``whole_program``: the
    program whose every task on ``as_of`` ``qs`` is, when the caller built ``qs`` so (the
    dashboard, for a reader the policy does not narrow); otherwise it is found by comparing
    ``qs``'s SQL with the program's (``_whole_program``: two statements compiled).
    """
    cache = qs.__dict__.setdefault("_dondoc_breakdowns", {})
    kept = cache.get((as_of, source))
    if kept is not None and (kept.leads is None or (leads is not None and kept.leads >= leads)):
        return kept
    if whole_program is None or source != "spans":
        program_id = _whole_program(qs, as_of) if source == "spans" else None
    else:
        program_id = whole_program
        if settings.DONDOC_VERIFY_KEPT_SQL and _whole_program(qs, as_of) != program_id:
            raise AssertionError(f"Not the whole program {program_id}: {qs.query}")
    if program_id is not None:
        sql, params = _program_sql(connections[qs.db], program_id, as_of, carriers_on(as_of), leads)
    else:
        sql, params = _breakdown_sql(qs, as_of, source)
        leads = None  # every lead agency's counts come back
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    totals: list[tuple[str, str | None, int]] = []
    overdue: list[tuple[int, dt.date]] = []
    grouped: dict[str, dict[int | None, dict[str, int]]] = {"group": {}, "lead": {}, "member": {}}
    for part, key, status, status_original, n, due in rows:
        if part == "overdue":
            overdue.append((key, _as_date(due)))
            continue
        if not n:  # a count kept at a checkpoint that the rows since bring to nothing
            continue
        part = _COUNTED_AS.get(part, part)
        if part == "group":  # every task is in one group (or none): they add up to the total
            key = key or None  # kept at checkpoints as 0
            totals.append((status, status_original, n))
        keyed = grouped[part]
        counts = keyed.get(key)
        if counts is None:  # not ``setdefault``: that builds a dict for every row
            counts = keyed[key] = dict.fromkeys(STATUS_VALUES, 0)
        counts[status] += n
    overdue.sort(key=lambda pair: (pair[1], pair[0]))
    cache[as_of, source] = Breakdowns(
        counts=counts_from_groups(totals),
        by={part: LazyFigures(keyed) for part, keyed in grouped.items()},
        overdue=overdue,
        statuses=grouped,
        leads=leads,
    )
    return cache[as_of, source]


def _as_date(value) -> dt.date:
    """A date from the database (SQLite gives the text of a date read through a raw cursor)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _shared(qs: QuerySet, as_of: dt.date) -> Breakdowns:
    """The breakdowns already read for ``qs`` on ``as_of`` whatever lead agencies they hold
    (the caller reads no lead agency's counts), else those of every lead agency."""
    kept = qs.__dict__.get("_dondoc_breakdowns", {}).get((as_of, "spans"))
    return kept if kept is not None else breakdowns(qs, as_of)


def status_counts(qs: QuerySet, as_of: dt.date) -> dict:
    """``queries.status_counts(qs, as_of)``, from the dashboard's one query."""
    return _shared(qs, as_of).counts


def by_group(qs: QuerySet, as_of: dt.date, program) -> list[Row]:
    """Counts per solution group (nhóm nhiệm vụ, giải pháp), in the program's order."""
    counts = _shared(qs, as_of).by["group"]
    groups = prepared.instances(("dashboard", "groups"), _program_groups, [program.pk])
    rows = [
        Row(key=g.pk, label=f"{g.number}. {g.title}", title=g.title, counts=counts.get(g.pk, {}))
        for g in groups
    ]
    if counts.get(None):
        rows.append(Row(key=None, label=str(_("Not classified")), counts=counts[None]))
    return rows


def by_lead(qs: QuerySet, as_of: dt.date, limit: int | None = LEAD_ROWS) -> list[Row]:
    """Counts per lead agency (cơ quan chủ trì), most overdue first."""
    found = breakdowns(qs, as_of, leads=limit or None)
    counts = found.by["lead"]

    # Ranked from the counts per status (figures()' overdue, open, assigned): the figures of
    # thousands of units are not needed.
    overdue, soon, on_track = Status.OVERDUE.value, Status.DUE_SOON.value, Status.IN_PROGRESS.value
    regular, no_deadline = Status.REGULAR.value, Status.NO_DEADLINE.value
    on_time, late = Status.COMPLETED_ON_TIME.value, Status.COMPLETED_LATE.value
    ranked = []
    for pk, c in found.statuses["lead"].items():
        open_ = c[overdue] + c[soon] + c[on_track] + c[regular] + c[no_deadline]
        assigned = open_ + c[on_time] + c[late]
        if pk is not None and assigned:
            ranked.append(((-c[overdue], -open_, -assigned), pk))
    ranked.sort()
    if limit and len(ranked) > limit:  # names only for the top rows (and those tied with them)
        ranked = [r for r in ranked if r[0] <= ranked[limit - 1][0]]
    units = {
        u.pk: u
        for u in prepared.instances(("dashboard", "leads"), _units, [pk for _r, pk in ranked])
    }
    rows = [
        Row(key=pk, label=str(units[pk]), title=units[pk].name, counts=counts[pk])
        for _rank, pk in ranked
        if pk in units
    ]
    rows.sort(key=lambda r: (-r.n("overdue"), -r.n("open"), -r.n("assigned"), vi_sort_key(r.label)))
    return rows[:limit] if limit else rows


def by_member(qs: QuerySet, as_of: dt.date, program) -> list[Row]:
    """Counts per supervising member (thành viên BCĐ chỉ đạo, theo dõi), in protocol order."""
    counts = _shared(qs, as_of).by["member"]
    keys = [k for k in counts if k]
    if not keys:
        return []
    members = prepared.instances(("dashboard", "members"), _members, [program.pk, *keys])
    return [
        Row(key=m.pk, label=m.full_name, title=m.position, counts=counts[m.pk])
        for m in members
        if counts[m.pk]["assigned"]
    ]


# The queries of the breakdowns' names and of the overdue tasks, compiled once
# (``core.prepared``): building them through the ORM cost more than running them.


def _program_groups(ids: list[int]) -> QuerySet:
    return SolutionGroup.objects.filter(program_id=ids[0]).order_by("number")


def _units(ids: list[int]) -> QuerySet:
    return OrgUnit.objects.filter(pk__in=ids).order_by()  # as ``in_bulk``


def _members(ids: list[int]) -> QuerySet:
    return Member.objects.filter(program_id=ids[0], pk__in=ids[1:])


def _overdue_tasks(ids: list[int]) -> QuerySet:
    return Task.objects.filter(pk__in=ids).only("id", "content")


def _overdue_leads(ids: list[int]) -> QuerySet:
    return TaskAgency.objects.filter(role=AgencyRole.LEAD, task_id__in=ids).select_related(
        "org_unit"
    )


def overdue_tasks(qs: QuerySet, as_of: dt.date, limit: int = OVERDUE_LIMIT) -> list:
    """The most overdue open tasks, with ``due_in_force``, ``days_late`` and their lead
    agencies (``leads``) fetched."""
    if limit > OVERDUE_LIMIT:
        raise ValueError(f"at most {OVERDUE_LIMIT} overdue tasks, not {limit}")
    # The deadline in force on the date: an extension granted by then moves it.
    due_in_force = dict(_shared(qs, as_of).overdue[:limit])
    ids = list(due_in_force)
    tasks = prepared.instances(("dashboard", "overdue"), _overdue_tasks, ids)
    # Their lead agencies, as ``prefetch_related`` to ``leads`` reads them.
    leads: dict[int, list] = {task.pk: [] for task in tasks}
    by_pk = {task.pk: task for task in tasks}
    for agency in prepared.instances(("dashboard", "overdue_leads"), _overdue_leads, ids):
        if agency.task_id in by_pk:
            TaskAgency.task.field.set_cached_value(agency, by_pk[agency.task_id])
            leads[agency.task_id].append(agency)
    for task in tasks:
        task.leads = leads[task.pk]
        task.due_in_force = due_in_force[task.pk]
        task.days_late = (as_of - task.due_in_force).days
    tasks.sort(key=lambda t: (-t.days_late, t.pk))
    return tasks


#: The opening ``<td>`` of each column's cells (``cells_html``).
_CELL_OPENS: dict[str, str] = {}


def cells_html(cells: Iterable[tuple[str, int, str]]) -> str:
    """The ``<td>`` cells of a breakdown row from its (column, count, link) cells: a count
    links to the task list when it has a link, a zero is muted."""
    parts = []
    for key, n, href in cells:
        opening = _CELL_OPENS.get(key)
        if opening is None:
            opening = _CELL_OPENS[key] = f'<td class="num col-{escape(key)}">'
        if not n:
            parts.append(f'{opening}<span class="zero">0</span></td>')
        elif href:  # ``html.escape``: what ``escape`` does, without its lazy-string check
            parts.append(f'{opening}<a href="{html.escape(href)}">{int(n):d}</a></td>')
        else:
            parts.append(f"{opening}{int(n):d}</td>")
    return mark_safe("".join(parts))  # every value is escaped or an integer


def chart_script(chart: dict, element_id: str) -> str:
    """``chart|json_script:element_id``, the same text. Its three escapes are made with
    ``str.replace`` instead of ``str.translate``, which looks every character of the JSON up in
    a table: for the dashboard's three charts (~900 bar links) that was a few milliseconds."""
    text = json.dumps(chart, cls=DjangoJSONEncoder)
    text = text.replace(">", "\\u003E").replace("<", "\\u003C").replace("&", "\\u0026")
    return format_html(
        '<script id="{}" type="application/json">{}</script>', element_id, mark_safe(text)
    )


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


# The breakdown sections, written here: the template engine (``tasks/_breakdown.html``, three
# tables of ~45 rows and 8 cells, their legends and charts) took longer than the database over
# the figures. The HTML is the template's, byte for byte (``tests/test_dashboard_html.py``
# renders both). Labels are written as ``{% translate %}`` wrote them (a literal's
# translation is not escaped); every value is escaped as the template escaped it.

#: The heading of a breakdown table's first column, by breakdown (else "Member").
_FIRST_COLUMN = {"lead": gettext_noop("Lead agency"), "group": gettext_noop("Solution group")}
#: The legend above each chart: (series, its label as ``{% translate %}`` named it).
_LEGEND = (
    ("overdue", gettext_noop("Overdue")),
    ("due_soon", gettext_noop("Due soon")),
    ("on_track", gettext_noop("On track")),
    ("regular", gettext_noop("Regular")),
    ("no_deadline", gettext_noop("No deadline")),
    ("completed", gettext_noop("Completed")),
)
#: The breakdowns whose rows link to a page of their own (an agency's, a member's).
_ROW_PAGES = ("lead", "member")


def _row_label(by: str, row: Row) -> str:
    """The row's heading cell's content, as the template's ``if``/``elif``/``else`` wrote it."""
    if by in _ROW_PAGES and row.key:
        return (
            f'<a href="{html.escape(row.href)}" title="{html.escape(row.title)}">'
            f"{html.escape(row.label)}</a>\n            "
        )
    label = Truncator(row.label).chars(48)
    return f'<span title="{html.escape(row.title)}">{html.escape(label)}</span>'


def breakdown(
    by: str,
    title,
    rows: list[Row],
    around: list[tuple[str, str, str]],
    page: tuple[str, str] | None,
) -> dict:
    """One breakdown of the dashboard: its rows with their links (``row.links`` by column,
    ``row.href`` the row's own page), the chart's data and the section's HTML (``html``).

    ``around``: (column, address before the row's id, after it) of each column of
    ``COLUMNS``, the cells' links; ``page``: the row's page before and after its id, or None.
    A row without a key ("not classified") links nowhere."""
    head, tail = page or ("", "")
    # Each column's opening tag and escaped address around the row's id: an id is digits,
    # so escaping the whole address is escaping the two parts.
    cells = [
        (key, f'<td class="num col-{html.escape(key)}">', html.escape(h), html.escape(t))
        for key, h, t in around
    ]
    body = []
    for row in rows:
        counts = row.counts
        if row.key is None:
            row.links = {}
            row.href = ""
            written = "".join(
                f'{opening}<span class="zero">0</span></td>'
                if not counts.get(key, 0)
                else f"{opening}{int(counts[key]):d}</td>"
                for key, opening, _h, _t in cells
            )
        else:
            pk = str(int(row.key))
            row.links = {key: h + pk + t for key, h, t in around}
            row.href = f"{head}{pk}{tail}" if page else ""
            written = "".join(
                f'{opening}<a href="{h}{pk}{t}">{int(counts[key]):d}</a></td>'
                if counts.get(key, 0)
                else f'{opening}<span class="zero">0</span></td>'
                for key, opening, h, t in cells
            )
        body.append(
            '\n        <tr>\n          <th scope="row" class="row-label">\n            '
            f"{_row_label(by, row)}\n          </th>\n          {written}\n        </tr>\n        "
        )
    chart = chart_data(rows, lambda r, key: r.links.get(key, ""))
    section_id, data_id = f"chart-{by}", f"chart-{by}-data"
    title_text = html.escape(str(title))
    if rows:
        legend = "".join(
            f'    <li class="s-{key}">{gettext(msgid)}</li>\n' for key, msgid in _LEGEND
        )
        heads = "".join(
            f'<th scope="col" class="num">{html.escape(str(label))}</th>'
            for _key, label, _s in COLUMNS
        )
        aria = gettext("Chart: %(title)s. The same figures are in the table below.") % {
            "title": title_text
        }
        first = gettext(_FIRST_COLUMN.get(by, "Member"))
        content = (
            f'\n  <ul class="legend" aria-hidden="true">\n{legend}  </ul>\n'
            f'  <div class="chart" data-chart="{data_id}" role="img" aria-label="{aria}"></div>\n'
            f"  {chart_script(chart, data_id)}\n"
            '  <div class="table-scroll">\n    <table class="table compact">\n      <thead>\n'
            f'        <tr>\n          <th scope="col">{first}</th>\n          {heads}\n'
            "        </tr>\n      </thead>\n      <tbody>\n        "
            f"{''.join(body)}\n      </tbody>\n    </table>\n  </div>\n  "
        )
    else:
        content = f'\n  <p class="muted">{gettext("No tasks to show.")}</p>\n  '
    written = (
        f'\n<section class="card" aria-labelledby="{section_id}-title">\n'
        f'  <div class="card-head"><h2 id="{section_id}-title">{title_text}</h2></div>\n'
        f"  {content}\n</section>\n"
    )
    return {
        "id": section_id,
        "data_id": data_id,
        "by": by,
        "title": title,
        "rows": rows,
        "chart": chart,
        "html": mark_safe(written),  # every value is escaped or an integer
    }
