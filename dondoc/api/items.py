"""The task list's items written straight from the list statement's plain rows.

``filters.filtered_rows`` reads a page of the list as dicts of values; the pages make
``TaskRow`` objects of them for their templates. The API needs none of those objects: it
writes each item (``schemas.TaskItem``, the shape ``serialize.task_item`` gives a model
object) from the row's values and the tuples of one query for the four relations of the page's
tasks. The same bytes, without the ~450 small objects a page of 50 tasks made and read back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from dondoc.api.serialize import iso_day
from dondoc.core.collation import COLLATION
from dondoc.orgs.models import Member, OrgGroup, OrgUnit
from dondoc.tasks.models import (
    AgencyRole,
    Directive,
    Task,
    TaskAgency,
    TaskAgencyGroup,
    TaskSource,
)
from dondoc.tasks.status import COMPLETED_STATUSES

LEAD = AgencyRole.LEAD.value
COORDINATING = AgencyRole.COORDINATING.value
AGENCY, GROUP, MEMBER, SOURCE = range(4)


def _relations_sql(connection, count: int) -> tuple[str, bool]:
    """The query of what an item names of ``count`` tasks, and whether it takes their ids as
    one array (PostgreSQL: ``= ANY(%s)``, the same text whatever their number) rather than
    an ``IN`` list: their agencies (``AGENCY``, by role), collective agencies (``GROUP``, by
    role, with their code), members (``MEMBER``, in the members' order) and assigning
    directives (``SOURCE``, by the directive's date), each row (part, position, task id, id,
    role, name, short name or code, date), in that order.

    Written by hand rather than through the ORM: it runs on every request of the list, and
    the ORM's union passed the ids four times (an array parameter dumped by the driver item
    by item, four times) and converted every row's integers again."""
    q = connection.ops.quote_name

    def table(model) -> str:
        return q(model._meta.db_table)

    if connection.vendor == "postgresql":
        ids, array = "= ANY(%s::bigint[])", True
    else:
        ids, array = f"IN ({', '.join(['%s'] * count)})", False
    members = Task.members.through
    sql = (
        f"SELECT {AGENCY}, ROW_NUMBER() OVER (ORDER BY a.role, a.id), a.task_id, a.org_unit_id, "
        f"a.role, u.name, u.short_name, CAST(NULL AS date) FROM {table(TaskAgency)} a "
        f"INNER JOIN {table(OrgUnit)} u ON u.id = a.org_unit_id WHERE a.task_id {ids} "
        f"UNION ALL SELECT {GROUP}, ROW_NUMBER() OVER (ORDER BY g.role, g.id), g.task_id, "
        f"g.group_id, g.role, o.name, o.code, NULL FROM {table(TaskAgencyGroup)} g "
        f"INNER JOIN {table(OrgGroup)} o ON o.id = g.group_id WHERE g.task_id {ids} "
        f"UNION ALL SELECT {MEMBER}, ROW_NUMBER() OVER (ORDER BY m.sort_order, m.full_name "
        f"COLLATE {q(COLLATION)}, x.member_id), x.task_id, x.member_id, NULL, m.full_name, "
        f"NULL, NULL FROM {table(members)} x INNER JOIN {table(Member)} m ON m.id = x.member_id "
        f"WHERE x.task_id {ids} "
        f"UNION ALL SELECT {SOURCE}, ROW_NUMBER() OVER (ORDER BY d.date, s.id), s.task_id, "
        f"s.directive_id, NULL, d.number, NULL, d.date FROM {table(TaskSource)} s "
        f"INNER JOIN {table(Directive)} d ON d.id = s.directive_id WHERE s.task_id {ids} "
        "ORDER BY 1, 2"
    )
    return sql, array


def _relations(ids: list[int]) -> list[tuple]:
    """The rows of ``_relations_sql`` for the tasks ``ids``."""
    if not ids:
        return []
    connection = connections[DEFAULT_DB_ALIAS]
    sql, array = _relations_sql(connection, len(ids))
    # PostgreSQL: the ids as one array literal, written here rather than by the driver.
    params = [f"{{{','.join(str(int(i)) for i in ids)}}}"] * 4 if array else [*ids] * 4
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    if connection.vendor != "postgresql":  # SQLite: dates as text
        return [(*row[:7], _date(row[7])) for row in found]
    return found


def _date(value: Any) -> Any:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _member_counts(group_ids: set[int], counts: dict[int, int]) -> None:
    """The number of member units valid today of each collective agency not yet in
    ``counts`` (as ``serialize.group_refs`` counts them)."""
    missing = group_ids - counts.keys()
    if not missing:
        return
    today = timezone.localdate()
    for pk, group in OrgGroup.objects.in_bulk(missing).items():
        counts[pk] = group.members_on(today).count()


def task_items(
    values: list[dict], url: Callable[[int], str], group_counts: dict[int, int] | None = None
) -> list[dict]:
    """The list items (``schemas.TaskItem``) of the list statement's rows ``values`` (with
    ``status``, ``due_on_as_of``, ``late_against_original`` and ``closure_on_as_of``), in
    their order: what ``serialize.task_item`` writes of the same tasks read as model objects
    (a test compares them byte for byte). ``url``: a task's address from its id
    (``serialize.task_urls``)."""
    counts = {} if group_counts is None else group_counts
    # Per task: directives, members, lead and coordinating agencies, lead and coordinating
    # collective agencies (group id, code, name), the directives already named.
    related: dict[int, tuple[list, list, list, list, list, list, set]] = {
        v["id"]: ([], [], [], [], [], [], set()) for v in values
    }
    groups: set[int] = set()
    for n, _position, task_id, pk, role, name, short, day in _relations(list(related)):
        lists = related[task_id]
        if n == AGENCY:
            ref = {"id": pk, "name": short or name}
            if role == LEAD:
                lists[2].append(ref)
            elif role == COORDINATING:
                lists[3].append(ref)
        elif n == MEMBER:
            lists[1].append({"id": pk, "name": name})
        elif n == SOURCE:
            if pk not in lists[6]:
                lists[6].add(pk)
                lists[0].append({"id": pk, "number": name, "date": iso_day(day)})
        elif role in (LEAD, COORDINATING):
            groups.add(pk)
            lists[4 if role == LEAD else 5].append((pk, short, name))
    if groups:
        _member_counts(groups, counts)
    items = []
    for v in values:
        pk = v["id"]
        directives, members, leads, coordinators, lead_groups, coordinating_groups, _seen = related[
            pk
        ]
        status = v.get("status", "")
        gid = v["group_id"]
        due = iso_day(v["due_on"])
        text, kind = v["deadline_text"], v["deadline_kind"]
        items.append(
            {
                "id": pk,
                "content": v["content"],
                "program": v["program__code"],
                "group": (
                    {"id": gid, "number": v["group__number"], "title": v["group__title"]}
                    if gid
                    else None
                ),
                "directives": directives,
                "members": members,
                "lead_agencies": leads,
                "coordinating_agencies": coordinators,
                "lead_groups": [_group_ref(g, counts) for g in lead_groups],
                "coordinating_groups": [_group_ref(g, counts) for g in coordinating_groups],
                "deadline": {
                    "text": text,
                    "kind": kind,
                    "due": due,
                    "due_as_of": iso_day(v.get("due_on_as_of", v["due_on"])),
                    "original": {"text": text, "kind": kind, "due": due},
                },
                "expected_output": v["expected_output"],
                "output_kind": v["output_kind"],
                "status": status,
                "late_against_original": bool(v.get("late_against_original", False)),
                "completed_on": (
                    iso_day(v.get("closure_on_as_of", v["closure_on"]))
                    if status in COMPLETED_STATUSES
                    else None
                ),
                "assigned_on": iso_day(v["assigned_on"]),
                "url": url(pk),
            }
        )
    return items


def _group_ref(group: tuple[int, str, str], counts: dict[int, int]) -> dict:
    pk, code, name = group
    return {"group": True, "id": pk, "code": code, "name": name, "members": counts[pk]}
