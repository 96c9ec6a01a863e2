"""Read-side helpers of the rounds app: an agency's tasks, the tasks a submission must cover."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from dondoc.orgs.models import OrgUnit
from dondoc.tasks.collective import involving
from dondoc.tasks.models import AgencyRole, Task
from dondoc.tasks.queries import tasks_as_of, with_status
from dondoc.tasks.status import OPEN_STATUSES


def agency_tasks(
    agency: OrgUnit,
    as_of: dt.date,
    *,
    program=None,
    roles: tuple[str, ...] = (AgencyRole.LEAD,),
    lineage: set[int] | None = None,
    group_ids: set[int] | None = None,
) -> QuerySet:
    """Tasks of ``agency`` (and of the units merged into it) assigned by ``as_of``, annotated
    with their status on that date. A task of a collective agency ("Các tỉnh, thành phố") is
    the task of each of its members valid on that date. ``lineage``: the agency's
    ``lineage_ids()`` when the caller has them already; ``group_ids``: the groups of which
    those units are members on ``as_of`` (``policy.group_ids_on``), likewise."""
    ids = lineage if lineage is not None else agency.lineage_ids()
    qs = Task.objects.filter(involving(ids, roles=roles, on=as_of, group_ids=group_ids))
    if program is not None:
        qs = qs.filter(program=program)
    return with_status(tasks_as_of(as_of, qs), as_of)


def tasks_to_report(round_, agency: OrgUnit, *, lineage: set[int] | None = None) -> QuerySet:
    """The tasks on which the agency owes a progress update in the round: those it leads that
    were still open on the round's data cut-off date (the period end when it has none).
    ``lineage``: the agency's ``lineage_ids()`` when the caller has them already."""
    qs = agency_tasks(agency, round_.data_as_of, program=round_.program_id, lineage=lineage)
    return qs.filter(status__in=[s.value for s in OPEN_STATUSES])
