"""Tasks of collective agencies: who holds a group's task, and who of the group has reported.

A task led by "Các tỉnh, thành phố" is the task of each province valid on the date; each
reports on it for itself. ``involving`` is the one filter by which pages, the policy and the
rounds find "the tasks of these units", directly or through a group; ``group_reporting`` counts
"27/34 provinces reported" for one task.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Q

from dondoc.core.collation import vi_sort_key
from dondoc.orgs.models import OrgGroup, OrgUnit
from dondoc.tasks.models import ProgressUpdate, Task, TaskAgency, TaskAgencyGroup


def groups_of(unit_ids: Iterable[int], on: dt.date | None = None) -> list[OrgGroup]:
    """The groups of which any of the units is a member (on ``on`` when given)."""
    units = list(OrgUnit.objects.filter(pk__in=set(unit_ids)))
    return OrgGroup.objects.containing(units, on)


#: A unit as the group test needs it: (pk, kind, valid_from, valid_to).
UnitRow = tuple[int, str, "dt.date | None", "dt.date | None"]
#: A group beside one of its explicit members: (pk, kinds, unit id or None).
GroupRow = tuple[int, str, "int | None"]


def unit_rows(unit_ids: Iterable[int]) -> list[UnitRow]:
    return list(
        OrgUnit.objects.filter(pk__in=set(unit_ids))
        .order_by()
        .values_list("pk", "kind", "valid_from", "valid_to")
    )


def group_rows() -> list[GroupRow]:
    """Every group's kinds beside each of its explicit members, in one query."""
    return list(OrgGroup.objects.order_by().values_list("pk", "kinds", "units__id"))


def group_ids_from(
    units: Iterable[UnitRow],
    groups: Iterable[GroupRow] | Callable[[], Iterable[GroupRow]],
    on: dt.date | None = None,
) -> set[int]:
    """``group_ids_of`` on rows read already (``groups`` may be the function that reads them,
    called only when one of the units counts on ``on``)."""
    kinds, ids = set(), set()
    for pk, kind, valid_from, valid_to in units:
        if on is None or (
            (valid_from is None or valid_from <= on) and (valid_to is None or on <= valid_to)
        ):
            kinds.add(kind)
            ids.add(pk)
    if not ids:
        return set()
    if callable(groups):
        groups = groups()
    found = set()
    for pk, group_kinds, unit_id in groups:
        if unit_id in ids or kinds & {k.strip() for k in group_kinds.split(",") if k.strip()}:
            found.add(pk)
    return found


def group_ids_of(unit_ids: Iterable[int], on: dt.date | None = None) -> set[int]:
    """The ids of the groups ``groups_of`` finds, read as values in two queries (the units'
    kinds, then each group's kinds beside its explicit members) instead of three of model
    objects: the policy and the lists ask it on every request."""
    return group_ids_from(unit_rows(unit_ids), group_rows, on)


def carried_units_and_groups(unit_id: int, on: dt.date) -> tuple[set[int], set[int]]:
    """``carried_ids(unit_id, on)`` and ``group_ids_of`` those units on ``on``, in one query:
    the merged units with their successors (``carriers_on``) and the unit itself, beside every
    group's kinds and explicit members. What the task lists' lead filter asks on every
    request."""
    from django.db import connection

    from dondoc.orgs.carriers import carriers_from

    unit, group = OrgUnit._meta.db_table, OrgGroup._meta.db_table
    members = OrgGroup.units.through._meta.db_table
    q = connection.ops.quote_name
    sql = (
        f"SELECT u.id, u.successor_id, u.valid_from, u.valid_to, u.kind, NULL FROM {q(unit)} u "
        f"WHERE u.successor_id IS NOT NULL OR u.id = %s OR EXISTS (SELECT 1 FROM {q(unit)} p "
        "WHERE p.successor_id = u.id) "
        f"UNION ALL SELECT g.id, x.orgunit_id, NULL, NULL, NULL, g.kinds FROM {q(group)} g "
        f"LEFT JOIN {q(members)} x ON x.orggroup_id = g.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [unit_id])
        fetched = cursor.fetchall()
    to_date = OrgUnit._meta.get_field("valid_from").to_python  # text on SQLite
    units, groups = {}, []
    for pk, other, valid_from, valid_to, kind, group_kinds in fetched:
        if group_kinds is None:
            units[pk] = (other, to_date(valid_from), to_date(valid_to), kind)
        else:
            groups.append((pk, group_kinds, other))
    carriers = carriers_from({pk: row[:3] for pk, row in units.items()}, on)
    carried = {unit_id} | {pk for pk, carrier in carriers.items() if carrier == unit_id}
    rows = [(pk, units[pk][3], units[pk][1], units[pk][2]) for pk in carried if pk in units]
    return carried, group_ids_from(rows, groups, on)


def involving(
    unit_ids: Iterable[int],
    *,
    roles: Iterable[str] | None = None,
    on: dt.date | None = None,
    group_ids: Iterable[int] | None = None,
) -> Q:
    """A Task filter: the units hold a role on the task, themselves or as members of a group.

    ``roles`` narrows to lead or coordinating; ``on`` counts a unit in a group only when it
    is valid that day; ``group_ids`` skips the look-up of the units' groups when known.
    """
    unit_ids = set(unit_ids)
    roles = list(roles) if roles is not None else None
    # The ids of the tasks, uncorrelated: the database can start from the few agency rows (an
    # index) instead of testing every task of the program against two EXISTS joined by OR.
    direct = TaskAgency.objects.filter(org_unit_id__in=unit_ids)
    if roles is not None:
        direct = direct.filter(role__in=roles)
    task_ids = direct.values("task_id")
    if group_ids is None:
        group_ids = group_ids_of(unit_ids, on)
    group_ids = list(group_ids)
    if group_ids:
        via = TaskAgencyGroup.objects.filter(group_id__in=group_ids)
        if roles is not None:
            via = via.filter(role__in=roles)
        task_ids = task_ids.union(via.values("task_id"))
    return Q(pk__in=task_ids)


def member_agency(task: Task, units: Iterable[OrgUnit], on: dt.date | None = None):
    """The first of ``units`` that holds a role on ``task`` through one of its groups."""
    groups = [tg.group for tg in task.task_groups.all()]
    for unit in units:
        if any(group.contains(unit, on) for group in groups):
            return unit
    return None


@dataclass
class GroupReporting:
    """Who of a group has reported on a task: "27/34 provinces reported"."""

    group: OrgGroup
    role: str
    day: dt.date
    reported: list[OrgUnit]
    missing: list[OrgUnit]

    @property
    def expected(self) -> int:
        return len(self.reported) + len(self.missing)


def _carrier(unit_id: int, successors: dict[int, int | None], members: set[int]) -> int | None:
    """The member unit that carries ``unit_id``'s work (itself, or its successor)."""
    seen: set[int] = set()
    while unit_id is not None and unit_id not in seen:
        if unit_id in members:
            return unit_id
        seen.add(unit_id)
        unit_id = successors.get(unit_id)
    return None


def group_reporting(
    task: Task, day: dt.date, *, since: dt.date | None = None
) -> list[GroupReporting]:
    """For each group of ``task``: its members valid on ``day``, split into those that have a
    published progress update on the task recorded by ``day`` (and from ``since`` when given)
    and those that have not. An update of a unit merged since counts for its successor."""
    if "task_groups" in getattr(task, "_prefetched_objects_cache", {}):  # the task page's
        task_groups = sorted(task.task_groups.all(), key=lambda tg: (tg.role, tg.pk))
    else:
        task_groups = list(task.task_groups.select_related("group").order_by("role", "id"))
    if not task_groups:
        return []
    updates = ProgressUpdate.objects.published().filter(
        task=task, recorded_on__lte=day, agency__isnull=False
    )
    if since is not None:
        updates = updates.filter(recorded_on__gte=since)
    agencies = set(updates.values_list("agency_id", flat=True))
    successors = dict(OrgUnit.objects.values_list("pk", "successor_id"))
    result = []
    for tg in task_groups:
        members = sorted(tg.group.members_on(day), key=lambda u: vi_sort_key(u.name))
        ids = {unit.pk for unit in members}
        done = {_carrier(agency, successors, ids) for agency in agencies} - {None}
        result.append(
            GroupReporting(
                group=tg.group,
                role=tg.role,
                day=day,
                reported=[u for u in members if u.pk in done],
                missing=[u for u in members if u.pk not in done],
            )
        )
    return result
