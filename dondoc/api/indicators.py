"""Indicators and their values: the catalogue, one indicator's series, and collection.

Approved values are readable by everyone who reads the catalogue; drafts, submitted and
returned values only by their own agency and by the Working Group and the Standing Office.
``POST /indicators/{id}/values`` saves an agency's value as a draft (``submit``: the agency
head submits it at once), with the checks of the entry form: a refused value is 422 naming
the reason, a jump from the last period is 422 unless ``confirm`` is true, a value already
submitted or changed since ``version`` is 409.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja import Status as Reply
from ninja.errors import HttpError
from pydantic import AfterValidator, Field

from dondoc.accounts.policy import can
from dondoc.api import schemas as s
from dondoc.core.dates import DateError
from dondoc.core.params import MAX_NUMBER
from dondoc.indicators import services
from dondoc.indicators.checks import NotANumber, parse_number
from dondoc.indicators.collection import (
    ReportPeriod,
    check_entry,
    expected_slots,
    parse_report_period,
    previous_values,
    visible_values,
)
from dondoc.indicators.models import Indicator, IndicatorValue
from dondoc.indicators.national import Point, national_figures
from dondoc.orgs.models import OrgKind, OrgUnit
from dondoc.tasks.models import Program

router = Router(tags=["indicators"])

MAX_LIMIT = 500


def _short(value: str) -> str:
    return s._text(value) if value else value


ShortText = Annotated[str, Field("", max_length=300), AfterValidator(_short)]
LongText = Annotated[str, Field("", max_length=2000), AfterValidator(_short)]


class RollupOut(Schema):
    reported: int = Field(..., description="Units whose values were rolled up.")
    expected: int = Field(..., description="Units expected (the provinces existing on the day).")
    level: str
    complete: bool


class LatestOut(Schema):
    value: str | None = Field(None, description="A decimal number as text; None: not available.")
    period_start: dt.date
    period_end: dt.date
    period: str
    rolled_up: RollupOut | None = Field(
        None, description="Set when no national value exists and the units' values are rolled up."
    )


class IndicatorOut(Schema):
    id: int
    code: str
    name: str
    unit: str
    direction: str
    aggregation: str
    frequency: str
    levels: list[str]
    parent: str | None = Field(None, description="The parent indicator's code.")
    responsible_agency: s.Ref | None
    version: int
    public: bool = Field(False, description="Shown on the public progress page.")
    formula: str | None = Field(
        None,
        description="A derived indicator's formula (“3.1 / 3.2 × 100”): its values are "
        "computed from the two indicators, never entered.",
    )
    latest: LatestOut | None = Field(
        None, description="The latest approved national figure, period ended by today."
    )


class IndicatorPage(Schema):
    count: int
    items: list[IndicatorOut]


class ValueOut(Schema):
    id: int
    indicator: int
    org_unit: s.Ref | None = Field(None, description="None: the national figure.")
    period_start: dt.date
    period_end: dt.date
    period: str
    value: str | None = Field(None, description="A decimal number as text, e.g. '25.5'.")
    not_available: str
    state: str
    comment: str
    review_comment: str
    version: int
    source: str


class ValuePage(Schema):
    count: int
    items: list[ValueOut]


class ValueIn(Schema):
    org_unit: int | None = Field(
        None, ge=1, le=MAX_NUMBER, description="The unit reported for; empty for a national figure."
    )
    period: str = Field(
        ..., min_length=4, max_length=20, description="A quarter ('2025-Q3') or a year ('2025')."
    )
    value: str | None = Field(
        None,
        max_length=40,
        description="The figure, Vietnamese ('25,5', '1.234') or plain ('25.5'); empty with "
        "not_available.",
    )
    not_available: ShortText = Field("", description="Why there is no value.")
    comment: LongText = ""
    submit: bool = Field(False, description="Submit at once (the agency head).")
    confirm: bool = Field(False, description="Confirm a value far from the last period's.")
    version: int | None = Field(
        None, ge=0, le=MAX_NUMBER, description="The version the client last read."
    )


def _number(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _ref(unit: OrgUnit | None) -> dict | None:
    return None if unit is None else {"id": unit.pk, "name": unit.name}


def latest_item(point: Point | None) -> dict | None:
    if point is None:
        return None
    row = point.row
    return {
        "value": _number(row.value),
        "period_start": row.period_start,
        "period_end": row.period_end,
        "period": row.period_label,
        "rolled_up": point.coverage.as_json() if point.coverage else None,
    }


def indicator_item(indicator: Indicator, latest: Point | None = None) -> dict:
    return {
        "id": indicator.pk,
        "code": indicator.code,
        "name": indicator.name,
        "unit": indicator.unit,
        "direction": indicator.direction,
        "aggregation": indicator.aggregation,
        "frequency": indicator.frequency,
        "levels": list(indicator.levels or []),
        "parent": indicator.parent.code if indicator.parent_id else None,
        "responsible_agency": _ref(indicator.responsible_agency),
        "version": indicator.version,
        "public": indicator.public,
        "formula": indicator.formula_text or None,
        "latest": latest_item(latest),
    }


def value_item(value: IndicatorValue) -> dict:
    return {
        "id": value.pk,
        "indicator": value.indicator_id,
        "org_unit": _ref(value.org_unit),
        "period_start": value.period_start,
        "period_end": value.period_end,
        "period": value.period_label,
        "value": _number(value.value),
        "not_available": value.not_available,
        "state": value.state,
        "comment": value.comment,
        "review_comment": value.review_comment,
        "version": value.version,
        "source": value.source,
    }


def _require_view(request: HttpRequest) -> None:
    if not can(request.user, "indicator.view"):
        raise HttpError(403, "You may not view indicators.")


class IndicatorFilters(Schema):
    program: s.QueryText = Field(None, description="Program code, e.g. NQ57 (default: all).")
    public: bool | None = Field(None, description="Only the public (true) or other (false) ones.")
    limit: int = Field(100, ge=1, le=MAX_LIMIT)
    offset: s.Offset = 0


@router.get("/indicators", response=IndicatorPage, summary="List indicators of the catalogue")
def list_indicators(request: HttpRequest, filters: Query[IndicatorFilters]):
    _require_view(request)
    queryset = Indicator.objects.select_related("parent", "responsible_agency")
    if filters.program:
        program = Program.objects.filter(code=filters.program).first()
        if program is None:
            raise HttpError(404, f"No program with code {filters.program!r}.")
        queryset = queryset.filter(program=program)
    if filters.public is not None:
        queryset = queryset.filter(public=filters.public)
    count = queryset.count()
    page = list(queryset[filters.offset : filters.offset + filters.limit])
    figures = national_figures(page, timezone.localdate())
    return {"count": count, "items": [indicator_item(i, figures[i.pk].latest) for i in page]}


class ValueFilters(Schema):
    org_unit: s.IdFilter = Field(None, description="Organisation unit id (national: omit).")
    period_from: s.ApiDate | None = Field(None, description="Periods ending on or after.")
    period_to: s.ApiDate | None = Field(None, description="Periods ending on or before.")
    limit: int = Field(100, ge=1, le=MAX_LIMIT)
    offset: s.Offset = 0


@router.get(
    "/indicators/{indicator_id}/values",
    response=ValuePage,
    url_name="indicator_values",
    summary="Values of an indicator by period and organisation unit",
)
def list_values(request: HttpRequest, indicator_id: int, filters: Query[ValueFilters]):
    _require_view(request)
    indicator = get_object_or_404(Indicator, pk=indicator_id)
    queryset = visible_values(
        request.user, indicator.values.select_related("org_unit", "indicator")
    )
    if filters.org_unit:
        queryset = queryset.filter(org_unit_id=filters.org_unit)
    if filters.period_from:
        queryset = queryset.filter(period_end__gte=filters.period_from)
    if filters.period_to:
        queryset = queryset.filter(period_end__lte=filters.period_to)
    queryset = queryset.order_by("period_end", "org_unit_id", "id")
    count = queryset.count()
    page = queryset[filters.offset : filters.offset + filters.limit]
    return {"count": count, "items": [value_item(v) for v in page]}


def _unprocessable(field: str, message: str) -> Reply:
    return Reply(
        422,
        {
            "detail": f"{field}: {message}",
            "errors": [{"loc": ["body", field], "field": field, "msg": message}],
        },
    )


@router.post(
    "/indicators/{indicator_id}/values",
    response={
        201: ValueOut,
        400: s.ErrorOut,
        403: s.ErrorOut,
        404: s.ErrorOut,
        409: s.ErrorOut,
        422: s.ErrorOut,
    },
    url_name="indicator_values",
    summary="Save an agency's value for a period as a draft, or submit it",
)
def post_value(request: HttpRequest, indicator_id: int, payload: ValueIn):
    user = request.user
    if not can(user, "indicator.enter"):
        raise HttpError(403, "You may not enter indicator values.")
    indicator = get_object_or_404(
        Indicator.objects.select_related("responsible_agency"), pk=indicator_id
    )
    unit = None
    if payload.org_unit is not None:
        unit = get_object_or_404(OrgUnit, pk=payload.org_unit)
    owner = unit or indicator.responsible_agency
    if owner is None or not can(user, "indicator.enter", owner):
        raise HttpError(404, "Not found.")
    if payload.submit and not can(user, "indicator.submit", owner):
        raise HttpError(403, "Only the agency head submits values.")
    try:
        period: ReportPeriod = parse_report_period(payload.period)
    except DateError as error:
        return _unprocessable("period", str(error))
    valid = [unit] if unit is not None and unit.is_valid_on(period.end) else []
    provinces = [u for u in valid if u.kind == OrgKind.PROVINCE]
    communes = [u for u in valid if u.kind == OrgKind.COMMUNE]
    slots = [
        slot
        for slot in expected_slots(indicator, period.end, provinces, communes)
        if (slot.unit.pk if slot.unit else None) == payload.org_unit
    ]
    if not slots:
        return _unprocessable(
            "org_unit", "This unit does not report this indicator for this period."
        )
    try:
        value = parse_number(payload.value)
    except NotANumber as error:
        return _unprocessable("value", str(error))
    previous = previous_values(slots, period).get((indicator.pk, payload.org_unit))
    verdict = check_entry(
        indicator,
        value=value,
        not_available=payload.not_available,
        previous=previous.value if previous else None,
    )
    if verdict.errors:
        return _unprocessable("value", " ".join(verdict.errors))
    if verdict.warnings and not payload.confirm:
        return _unprocessable("confirm", " ".join(verdict.warnings))
    with transaction.atomic():
        row, _changed = services.save_value(
            indicator,
            org_unit=unit,
            period_start=period.start,
            period_end=period.end,
            period_label=period.label,
            value=value,
            not_available=payload.not_available,
            comment=payload.comment,
            jump_confirmed=bool(verdict.warnings),
            by=user,
            version=payload.version,
        )
        if payload.submit:
            (row,) = services.submit_values([row], by=user)
    row = IndicatorValue.objects.select_related("org_unit").get(pk=row.pk)
    return Reply(201, value_item(row))
