"""Which unit carries a merged unit's work on a date.

A unit no longer valid on a date hands its work to its successor (followed through later
mergers); a unit valid on that date, or never merged, carries its own. Figures per agency
(dashboard, scorecards, the task list's lead filter) count a task once per carrier, so a task
co-led by a ministry and a unit merged into it is one task of the ministry, not two.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q


def _valid_on(valid_from: dt.date | None, valid_to: dt.date | None, day: dt.date) -> bool:
    return (valid_from is None or valid_from <= day) and (valid_to is None or day <= valid_to)


def carriers_on(day: dt.date) -> dict[int, int]:
    """``{unit id: carrier id}`` for every merged unit whose work another unit carries on
    ``day``. Units that carry their own work are left out. One query."""
    from dondoc.orgs.models import OrgUnit

    rows = {
        pk: (successor, valid_from, valid_to)
        for pk, successor, valid_from, valid_to in OrgUnit.objects.filter(
            Q(successor__isnull=False) | Q(predecessors__isnull=False)
        )
        .distinct()
        .values_list("pk", "successor_id", "valid_from", "valid_to")
    }
    return carriers_from(rows, day)


def carriers_from(
    rows: dict[int, tuple[int | None, dt.date | None, dt.date | None]], day: dt.date
) -> dict[int, int]:
    """``carriers_on`` from the rows it reads: ``{unit id: (successor id, valid from, valid
    to)}`` of every unit that has a successor or predecessors."""
    result: dict[int, int] = {}
    for pk, (successor, valid_from, valid_to) in rows.items():
        if successor is None or _valid_on(valid_from, valid_to, day):
            continue
        if valid_from is not None and day < valid_from:
            continue  # not created yet on that day: nobody carries it
        current, seen = pk, {pk}
        while True:
            successor_of_current = rows[current][0]
            if successor_of_current is None or successor_of_current in seen:
                break
            current = successor_of_current
            seen.add(current)
            if _valid_on(rows[current][1], rows[current][2], day):
                break
        if current != pk:
            result[pk] = current
    return result


def carried_ids(unit_id: int, day: dt.date, carriers: dict[int, int] | None = None) -> set[int]:
    """The unit and every unit whose work it carries on ``day``."""
    mapping = carriers_on(day) if carriers is None else carriers
    return {unit_id} | {pk for pk, carrier in mapping.items() if carrier == unit_id}
