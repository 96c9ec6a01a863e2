"""Directives, organisation units, committee members and programs."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from dondoc.accounts.policy import can, visible_tasks
from dondoc.api import schemas as s
from dondoc.api.serialize import org_ref
from dondoc.core.collation import vi_order
from dondoc.core.text import fold
from dondoc.orgs.models import Member, OrgKind, OrgUnit
from dondoc.tasks.models import Directive, Program, SolutionGroup, Task
from dondoc.tasks.queries import tasks_as_of, with_status

router = Router()


class Page(Schema):
    limit: int = Field(100, ge=1, le=1000)
    offset: s.Offset = 0


def _require(request: HttpRequest, action: str) -> None:
    if not can(request.user, action):
        raise HttpError(403, f"You may not use this resource ({action}).")


def _page(queryset: QuerySet, page: Page) -> tuple[int, list]:
    return queryset.count(), list(queryset[page.offset : page.offset + page.limit])


# Directives ---------------------------------------------------------------------------------


def _directive_out(d: Directive) -> dict:
    return {
        "id": d.pk,
        "program": d.program.code,
        "kind": d.kind,
        "number": d.number,
        "date": d.date,
        "issuer": org_ref(d.issuer),
        "title": d.title,
        "session_number": d.session_number,
        "session_date": d.session_date,
        "task_count": d.task_count,
    }


def _directives(user) -> QuerySet:
    """Directives with ``task_count``: the current tasks they assign that ``user`` may see
    (the same count as the directive list page)."""
    visible = visible_tasks(user, Task.objects.filter(merged_into__isnull=True))
    return Directive.objects.select_related("program", "issuer").annotate(
        task_count=Count(
            "sources__task", filter=Q(sources__task__in=visible.values("pk")), distinct=True
        )
    )


class DirectiveFilters(Page):
    program: s.QueryText = Field(None, description="Program code.")
    kind: s.QueryText = None
    date_from: s.ApiDate | None = None
    date_to: s.ApiDate | None = None


@router.get("/directives", response=s.DirectivePage, tags=["directives"])
def list_directives(request: HttpRequest, filters: Query[DirectiveFilters]):
    _require(request, "directive.view")
    qs = _directives(request.user)
    if filters.program:
        qs = qs.filter(program__code=filters.program)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.date_from:
        qs = qs.filter(date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(date__lte=filters.date_to)
    count, items = _page(qs.order_by("-date", "number", "id"), filters)
    return {"count": count, "items": [_directive_out(d) for d in items]}


@router.get("/directives/{directive_id}", response=s.DirectiveDetail, tags=["directives"])
def get_directive(request: HttpRequest, directive_id: int, as_of: Query[s.ApiDate | None] = None):
    """The directive and the tasks it assigned that the caller may see, with their status."""
    _require(request, "directive.view")
    directive = get_object_or_404(_directives(request.user), pk=directive_id)
    day = as_of or timezone.localdate()
    tasks = with_status(
        visible_tasks(
            request.user,
            Task.objects.filter(sources__directive=directive, merged_into__isnull=True),
        ),
        day,
    ).distinct()
    labels = dict(directive.sources.values_list("task_id", "label"))
    out = _directive_out(directive)
    out["summary"] = directive.summary
    out["tasks"] = [
        {"id": t.pk, "content": t.content, "label": labels.get(t.pk, ""), "status": t.status}
        for t in tasks.order_by("id").only("id", "content", "due_on", "deadline_kind")
    ]
    return out


# Organisation units -------------------------------------------------------------------------


def _org_out(unit: OrgUnit) -> dict:
    return {
        "id": unit.pk,
        "code": unit.code,
        "kind": unit.kind,
        "name": unit.name,
        "short_name": unit.short_name,
        "parent": org_ref(unit.parent),
        "valid_from": unit.valid_from,
        "valid_to": unit.valid_to,
        "successor": org_ref(unit.successor),
    }


KindFilter = Literal[tuple(OrgKind.values)]  # type: ignore[valid-type]


class OrgFilters(Page):
    kind: KindFilter | None = None  # type: ignore[valid-type]
    valid_on: s.ApiDate | None = Field(None, description="Only units that existed on this date.")
    q: s.QueryText = Field(None, description="Name or alias, diacritics ignored.")
    parent: s.IdFilter = None


@router.get("/org-units", response=s.OrgUnitPage, tags=["organisations"])
def list_org_units(request: HttpRequest, filters: Query[OrgFilters]):
    _require(request, "org.view")
    qs = OrgUnit.objects.select_related("parent", "successor")
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.parent:
        qs = qs.filter(parent_id=filters.parent)
    if filters.valid_on:
        day: dt.date = filters.valid_on
        qs = qs.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )
    if filters.q:
        needle = fold(filters.q)
        qs = qs.filter(
            Q(name_folded__contains=needle) | Q(aliases__alias_folded__contains=needle)
        ).distinct()
    count, items = _page(qs.order_by("kind", vi_order("name"), "id"), filters)
    return {"count": count, "items": [_org_out(u) for u in items]}


@router.get("/org-units/{unit_id}", response=s.OrgUnitDetail, tags=["organisations"])
def get_org_unit(request: HttpRequest, unit_id: int):
    _require(request, "org.view")
    unit = get_object_or_404(
        OrgUnit.objects.select_related("parent", "successor").prefetch_related(
            "aliases", "predecessors"
        ),
        pk=unit_id,
    )
    out = _org_out(unit)
    out["aliases"] = [a.alias for a in unit.aliases.all()]
    out["predecessors"] = [org_ref(p) for p in unit.predecessors.all()]
    out["children_count"] = unit.children.count()
    return out


# Committee members --------------------------------------------------------------------------


def _member_out(member: Member) -> dict:
    return {
        "id": member.pk,
        "program": member.program.code,
        "name": member.full_name,
        "position": member.position,
        "committee_role": member.committee_role,
        "agency": org_ref(member.org_unit),
        "term_from": member.term_from,
        "term_to": member.term_to,
    }


class MemberFilters(Page):
    program: s.QueryText = None
    q: s.QueryText = None


@router.get("/members", response=s.MemberPage, tags=["members"])
def list_members(request: HttpRequest, filters: Query[MemberFilters]):
    _require(request, "member.view")
    qs = Member.objects.select_related("program", "org_unit")
    if filters.program:
        qs = qs.filter(program__code=filters.program)
    if filters.q:
        qs = qs.filter(name_folded__contains=fold(filters.q))
    count, items = _page(
        qs.order_by("program_id", "sort_order", vi_order("full_name"), "id"), filters
    )
    return {"count": count, "items": [_member_out(m) for m in items]}


@router.get("/members/{member_id}", response=s.MemberDetail, tags=["members"])
def get_member(request: HttpRequest, member_id: int):
    """The member, and how many tasks they supervise among those the caller may see."""
    _require(request, "member.view")
    member = get_object_or_404(Member.objects.select_related("program", "org_unit"), pk=member_id)
    out = _member_out(member)
    tasks = tasks_as_of(timezone.localdate(), visible_tasks(request.user, member.tasks.all()))
    out["task_count"] = tasks.count()
    return out


# Programs -----------------------------------------------------------------------------------


@router.get("/programs", response=list[s.ProgramOut], tags=["programs"])
def list_programs(request: HttpRequest):
    _require(request, "task.view")
    programs = Program.objects.order_by("id").prefetch_related(
        Prefetch("groups", queryset=SolutionGroup.objects.order_by("number"))
    )
    return [
        {
            "id": p.pk,
            "code": p.code,
            "name": p.name,
            "resolution": p.resolution,
            "adopted_on": p.adopted_on,
            "groups": [{"id": g.pk, "number": g.number, "title": g.title} for g in p.groups.all()],
        }
        for p in programs
    ]
