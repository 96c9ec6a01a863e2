"""The task list's items written straight from the list statement's plain rows.

``filters.filtered_rows`` reads a page of the list as dicts of values; the pages make
``TaskRow`` objects of them for their templates. The API needs none of those objects: it
writes each item (``schemas.TaskItem``, the shape ``serialize.task_item`` gives a model
object) from the row's values and the tuples of one query for the four relations of the page's
tasks. The same bytes, without the ~450 small objects a page of 50 tasks made and read back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import CharField, DateField, F, IntegerField, QuerySet, Value, Window
from django.db.models.functions import Cast, RowNumber
from django.utils import timezone

from dondoc.api.serialize import iso_day
from dondoc.core import prepared
from dondoc.core.collation import vi_order
from dondoc.tasks.models import AgencyRole, Task, TaskAgency, TaskAgencyGroup, TaskSource
from dondoc.tasks.status import COMPLETED_STATUSES

LEAD = AgencyRole.LEAD.value
COORDINATING = AgencyRole.COORDINATING.value
AGENCY, GROUP, MEMBER, SOURCE = range(4)


def _relations(ids: Sequence[int]) -> QuerySet:
    """What an item names of the tasks ``ids``, in one query compiled once per number of ids
    (``prepared.rows``): their agencies (``AGENCY``, by role), collective agencies (``GROUP``,
    by role), members (``MEMBER``, in the members' order) and assigning directives (``SOURCE``,
    by the directive's date), each row (part, position, task id, id, role, name, short name or
    code, date)."""
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
        AGENCY,
        [F("role").asc(), F("id").asc()],
        "org_unit_id",
        r_role="role",
        r_name="org_unit__name",
        r_short="org_unit__short_name",
    ).union(
        part(
            TaskAgencyGroup.objects,
            GROUP,
            [F("role").asc(), F("id").asc()],
            "group_id",
            r_role="role",
            r_name="group__name",
            r_short="group__code",
        ),
        part(
            Task.members.through.objects,
            MEMBER,
            [F("member__sort_order").asc(), vi_order("member__full_name"), F("member_id").asc()],
            "member_id",
            r_name="member__full_name",
        ),
        part(
            TaskSource.objects,
            SOURCE,
            [F("directive__date").asc(), F("id").asc()],
            "directive_id",
            r_name="directive__number",
            r_date="directive__date",
        ),
        all=True,
    )


def _member_counts(group_ids: set[int], counts: dict[int, int]) -> None:
    """The number of member units valid today of each collective agency not yet in
    ``counts`` (as ``serialize.group_refs`` counts them)."""
    from dondoc.orgs.models import OrgGroup

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
    found = prepared.rows(("api", "item_relations"), _relations, list(related))
    groups: set[int] = set()
    for n, _position, task_id, pk, role, name, short, day in sorted(found, key=lambda r: r[:2]):
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
