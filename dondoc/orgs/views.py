"""Pages of organisation units and committee members, each with the tasks they carry."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from dondoc.accounts.policy import can, narrowed_to, visible_tasks
from dondoc.core.collation import vi_order
from dondoc.core.text import fold
from dondoc.orgs.models import Member, OrgKind, OrgUnit
from dondoc.tasks.collective import involving
from dondoc.tasks.filters import choose_program, with_display_relations
from dondoc.tasks.models import AgencyRole, Task
from dondoc.tasks.queries import status_counts, with_status

#: Tasks shown on an org or member page; the task list has them all.
TASKS_SHOWN = 100


def _require(request: HttpRequest, action: str) -> None:
    if not can(request.user, action):
        raise PermissionDenied


def _tasks(request: HttpRequest, qs: QuerySet) -> QuerySet:
    """Visible current tasks of ``qs`` with status as of today, ready to render as rows."""
    visible = visible_tasks(request.user, qs.filter(merged_into__isnull=True))
    today = timezone.localdate()
    return with_display_relations(with_status(visible, today)).order_by("due_on_as_of", "id")


@login_required
@require_GET
def org_list(request: HttpRequest) -> HttpResponse:
    _require(request, "org.view")
    q = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    narrowed = narrowed_to(request.user)
    counted = Q(task_roles__role=AgencyRole.LEAD, task_roles__task__merged_into__isnull=True)
    if narrowed is not None:  # only the tasks the user may see
        counted &= Q(task_roles__task__in=visible_tasks(request.user, Task.objects.all()))
    units = OrgUnit.objects.select_related("successor").annotate(
        lead_count=Count("task_roles", filter=counted)
    )
    if kind in OrgKind.values:
        units = units.filter(kind=kind)
    if q:
        folded = fold(q)
        units = units.filter(
            Q(name_folded__contains=folded)
            | Q(short_name__icontains=q)
            | Q(code__icontains=q)
            | Q(aliases__alias_folded__contains=folded)
        ).distinct()
    units = units.order_by("kind", "valid_to", vi_order("name"))
    return render(
        request,
        "orgs/org_list.html",
        {"units": units, "q": q, "kind": kind, "kinds": OrgKind.choices, "narrowed": narrowed},
    )


@login_required
@require_GET
def org_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "org.view")
    unit = get_object_or_404(OrgUnit.objects.select_related("parent", "successor"), pk=pk)
    lineage = unit.lineage_ids()

    today = timezone.localdate()

    def role_tasks(role: str) -> QuerySet:
        # With the tasks of the collective agencies it is a member of today.
        return Task.objects.filter(involving(lineage, roles=[role], on=today))

    lead_qs = role_tasks(AgencyRole.LEAD)
    program = choose_program(request.GET.get("program"))
    counts = status_counts(
        visible_tasks(
            request.user, lead_qs.filter(merged_into__isnull=True, assigned_on__lte=today)
        ),
        today,
    )
    lead = list(_tasks(request, lead_qs)[: TASKS_SHOWN + 1])
    coordinating = list(_tasks(request, role_tasks(AgencyRole.COORDINATING))[: TASKS_SHOWN + 1])
    list_link = reverse("task-list") + f"?agency={unit.pk}"
    if program:
        list_link += f"&program={program.code}"
    context: dict[str, Any] = {
        "unit": unit,
        "aliases": unit.aliases.order_by("alias"),
        "predecessors": unit.predecessors.order_by(vi_order("name")),
        "children": unit.children.order_by(vi_order("name")),
        "merged_in": OrgUnit.objects.filter(pk__in=lineage - {unit.pk}).order_by(vi_order("name")),
        "counts": counts,
        "lead_tasks": lead[:TASKS_SHOWN],
        "lead_more": len(lead) > TASKS_SHOWN,
        "coordinating_tasks": coordinating[:TASKS_SHOWN],
        "coordinating_more": len(coordinating) > TASKS_SHOWN,
        "list_link": list_link,
        "members": Member.objects.filter(org_unit=unit),
        "today": today,
        "narrowed": narrowed_to(request.user),
    }
    return render(request, "orgs/org_detail.html", context)


@login_required
@require_GET
def member_list(request: HttpRequest) -> HttpResponse:
    _require(request, "member.view")
    program = choose_program(request.GET.get("program"))
    narrowed = narrowed_to(request.user)
    counted = Q(tasks__merged_into__isnull=True)
    if narrowed is not None:  # only the tasks the user may see
        counted &= Q(tasks__in=visible_tasks(request.user, Task.objects.all()))
    members = (
        Member.objects.filter(program=program)
        .select_related("org_unit")
        .annotate(task_count=Count("tasks", filter=counted))
        .order_by("sort_order", vi_order("full_name"))
    )
    return render(
        request,
        "orgs/member_list.html",
        {"members": members, "program": program, "narrowed": narrowed},
    )


@login_required
@require_GET
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "member.view")
    member = get_object_or_404(Member.objects.select_related("org_unit", "program"), pk=pk)
    tasks = list(_tasks(request, Task.objects.filter(members=member))[: TASKS_SHOWN + 1])
    today = timezone.localdate()
    counts = status_counts(
        visible_tasks(
            request.user,
            Task.objects.filter(members=member, merged_into__isnull=True, assigned_on__lte=today),
        ),
        today,
    )
    return render(
        request,
        "orgs/member_detail.html",
        {
            "member": member,
            "tasks": tasks[:TASKS_SHOWN],
            "more": len(tasks) > TASKS_SHOWN,
            "counts": counts,
            "list_link": reverse("task-list")
            + f"?member={member.pk}&program={member.program.code}",
            "today": today,
            "narrowed": narrowed_to(request.user),
        },
    )
