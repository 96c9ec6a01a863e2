"""Read-only pages of the indicator set: the catalogue and one indicator."""

from __future__ import annotations

from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from dondoc.accounts.policy import can
from dondoc.core.params import date_param
from dondoc.indicators.collection import visible_values
from dondoc.indicators.models import Indicator
from dondoc.indicators.queries import catalogue
from dondoc.tasks.filters import choose_program


def _require(request: HttpRequest, action: str) -> None:
    if not can(request.user, action):
        raise PermissionDenied


@login_required
@require_GET
def indicator_list(request: HttpRequest) -> HttpResponse:
    _require(request, "indicator.view")
    as_of = date_param(request.GET, "as_of", timezone.localdate())
    program = choose_program(request.GET.get("program"))
    rows = catalogue(Indicator.objects.filter(program=program), as_of) if program else []
    rows.sort(key=lambda r: r.indicator.group.number if r.indicator.group else 99)
    sections = [
        (group, list(items)) for group, items in groupby(rows, key=lambda r: r.indicator.group)
    ]
    return render(
        request,
        "indicators/indicator_list.html",
        {"program": program, "sections": sections, "as_of": as_of, "count": len(rows)},
    )


@login_required
@require_GET
def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "indicator.view")
    indicator = get_object_or_404(Indicator, pk=pk)
    as_of = date_param(request.GET, "as_of", timezone.localdate())
    row = catalogue(Indicator.objects.filter(pk=indicator.pk), as_of)[0]
    values = visible_values(
        request.user, indicator.values.select_related("org_unit", "source_directive")
    ).order_by("-period_end", "org_unit__name", "-id")
    return render(
        request,
        "indicators/indicator_detail.html",
        {
            "indicator": row.indicator,
            "row": row,
            "values": values,
            "children": indicator.children.order_by("sort_key"),
            "as_of": as_of,
        },
    )
