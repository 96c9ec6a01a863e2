"""Derived indicators (chỉ số tính toán): numerator / denominator × scale, never entered.

An indicator with a ``numerator_code`` and a ``denominator_code`` (two indicators of the same
program) has no values of its own: for each period, and each organisation unit, where both
inputs have an approved value, its value is ``numerator / denominator × scale`` (the scale is
the indicator's, else 100 for a "%" unit, else 1). Nothing is stored, so no copy can go stale:
``national.national_figures`` derives the national series from the inputs' national series
(national values or roll-ups), and ``unit_series`` the units' series from their own values.
``known_on`` applies to the inputs: a derived value is known once both inputs are approved.

A derived indicator may use derived indicators, as long as no formula leads back to itself.
A zero denominator gives no value for that period, with a note saying so.

The catalogue writes formulas as "= 3.1 / 3.2 × 100"; ``parse_formula`` reads that text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from dondoc.indicators.models import Indicator, IndicatorValue, ValueState

#: Derived values keep six decimals, as stored values do.
PLACES = Decimal("0.000001")
_CODE = r"[0-9A-Za-z]+(?:[.\-][0-9A-Za-z]+)*"
_FACTOR = re.compile(r"\s*[×xX*·]\s*(\d+(?:[.,]\d+)?)\s*%?\s*$")
_RATIO = re.compile(rf"^\(?\s*({_CODE})\s*\)?\s*[/:÷]\s*\(?\s*({_CODE})\s*\)?$")


@dataclass(frozen=True)
class Formula:
    """ "3.1 / 3.2 × 100": the numerator's code, the denominator's, the factor (or None)."""

    numerator: str
    denominator: str
    factor: Decimal | None = None


def parse_formula(text: str) -> Formula | None:
    """Read "= 3.1 / 3.2 × 100", "(3.1)/(3.2)*100", "CT-1 : CT-2"; None when it is not one."""
    text = (text or "").strip().lstrip("=").strip()
    if not text:
        return None
    factor = None
    match = _FACTOR.search(text)
    if match:
        factor = Decimal(match.group(1).replace(",", "."))
        text = text[: match.start()].strip()
    if text.startswith("(") and text.endswith(")") and text.count("(") == 1:
        text = text[1:-1].strip()
    match = _RATIO.match(text)
    if match is None:
        return None
    return Formula(match.group(1).rstrip("."), match.group(2).rstrip("."), factor)


def looks_like_formula(text: str) -> bool:
    """Whether a cell is meant as a formula (starts with "=" or divides two codes)."""
    text = (text or "").strip()
    return text.startswith("=") or bool(re.match(rf"^\(?\s*{_CODE}\s*\)?\s*[/÷]", text))


def formula_problem(
    code: str, numerator: str, denominator: str, formulas: dict[str, tuple[str, str]]
) -> tuple[str, str] | None:
    """Why a formula cannot stand, (vi, en), or None.

    ``formulas`` holds every indicator of the program by code: (numerator, denominator), two
    empty texts for an indicator that is not derived; the new formula is checked as if
    ``code`` had it (inputs exist, not itself, no cycle)."""
    for part in (numerator, denominator):
        if part == code:
            return (
                f"Chỉ số “{code}” không thể tính từ chính nó.",
                f"Indicator “{code}” cannot be computed from itself.",
            )
        if part not in formulas:
            return (
                f"Không có chỉ số “{part}” trong chương trình.",
                f"The program has no indicator “{part}”.",
            )
    graph = dict(formulas)
    graph[code] = (numerator, denominator)
    path = _cycle(code, graph)
    if path:
        chain = " → ".join(path)
        return (
            f"Công thức tạo thành vòng lặp: {chain}.",
            f"The formula makes a cycle: {chain}.",
        )
    return None


def _cycle(start: str, graph: dict[str, tuple[str, str]]) -> list[str] | None:
    """The path leading from ``start`` back to itself through the formulas, if any."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        code, path = stack.pop()
        for part in graph.get(code, ("", "")):
            if not part:
                continue
            if part == start:
                return [*path, part]
            if part not in seen:
                seen.add(part)
                stack.append((part, [*path, part]))
    return None


# Formulas of a set of indicators --------------------------------------------------------------


@dataclass
class Plan:
    """How to compute a set of indicators: the ones read from values (``base``), the derived
    ones in an order where inputs come first, and the ones that cannot be derived (why)."""

    base: list[Indicator] = field(default_factory=list)
    derived: list[Indicator] = field(default_factory=list)
    inputs: dict[int, tuple[Indicator, Indicator]] = field(default_factory=dict)
    broken: dict[int, str] = field(default_factory=dict)


def plan(indicators: Iterable[Indicator]) -> Plan:
    """The inputs each derived indicator needs, found through their codes (one query, none
    when no indicator is derived). Inputs outside ``indicators`` are added to the plan."""
    indicators = list(indicators)
    result = Plan()
    programs = {i.program_id for i in indicators if i.derived}
    if not programs:
        result.base = indicators
        return result
    by_code = {(i.program_id, i.code): i for i in Indicator.objects.filter(program_id__in=programs)}
    for indicator in indicators:  # the caller's instances (prefetched targets and all)
        by_code[(indicator.program_id, indicator.code)] = indicator
    cycle = _("the formulas lead round in a circle")
    state: dict[int, str] = {}  # pk -> "visiting" | "done"
    base_ids: set[int] = set()

    def visit(indicator: Indicator) -> str | None:
        """Order ``indicator`` after its inputs; the reason it cannot be derived, if any."""
        pk = indicator.pk
        if state.get(pk) == "done":
            return result.broken.get(pk)
        if not indicator.derived:
            state[pk] = "done"
            if pk not in base_ids:
                base_ids.add(pk)
                result.base.append(indicator)
            return None
        if state.get(pk) == "visiting":
            return cycle
        state[pk] = "visiting"
        parts = []
        reason = None
        for code in (indicator.numerator_code, indicator.denominator_code):
            part = by_code.get((indicator.program_id, code))
            if part is None:
                reason = _("the program has no indicator “%(code)s”") % {"code": code}
                break
            why = visit(part)
            if why:
                reason = (
                    why
                    if why == cycle
                    else _("“%(code)s” cannot be computed: %(why)s") % {"code": code, "why": why}
                )
                break
            parts.append(part)
        state[pk] = "done"
        if reason:
            result.broken[pk] = reason
            return reason
        result.inputs[pk] = (parts[0], parts[1])
        result.derived.append(indicator)
        return None

    for indicator in indicators:
        visit(indicator)
    return result


# Values -------------------------------------------------------------------------------------


def approved(queryset: QuerySet, known_on: dt.date | None) -> QuerySet:
    """Approved values, approved by ``known_on`` when given (their ``approved_on``, else the
    day recorded, else the period's end)."""
    queryset = queryset.filter(state=ValueState.APPROVED)
    if known_on is None:
        return queryset
    return queryset.alias(known=Coalesce("approved_on", "recorded_on", "period_end")).filter(
        known__lte=known_on
    )


Period = tuple[dt.date, dt.date]


def divide(
    indicator: Indicator,
    numerators: dict[Period, IndicatorValue],
    denominators: dict[Period, IndicatorValue],
) -> tuple[list[IndicatorValue], list[str]]:
    """The derived values (unsaved, oldest first) of the periods where both sides have a
    value, and a note for each period whose denominator is zero."""
    scale = indicator.effective_scale
    values, notes = [], []
    for period in sorted(set(numerators) & set(denominators), key=lambda p: (p[1], p[0])):
        top, bottom = numerators[period], denominators[period]
        if top.value is None or bottom.value is None:
            continue
        label = top.period_label or bottom.period_label
        if bottom.value == 0:
            notes.append(
                _("%(period)s: the denominator %(code)s is zero: no value.")
                % {
                    "period": label or f"{period[0]:%d/%m/%Y} – {period[1]:%d/%m/%Y}",
                    "code": indicator.denominator_code,
                }
            )
            continue
        try:
            value = (Decimal(top.value) / Decimal(bottom.value) * scale).quantize(PLACES)
        except InvalidOperation:  # too large to hold
            continue
        known = [d for d in (top.approved_on, bottom.approved_on) if d]
        values.append(
            IndicatorValue(
                indicator=indicator,
                org_unit=top.org_unit if top.org_unit_id else None,
                period_start=period[0],
                period_end=period[1],
                period_label=label,
                value=value,
                state=ValueState.APPROVED,
                approved_on=max(known) if known else None,
            )
        )
    return values, notes


def unit_series(
    indicators: Iterable[Indicator],
    as_of: dt.date,
    *,
    known_on: dt.date | None = None,
    unit_kinds: Iterable[str] | None = None,
) -> dict[int, dict[int, list[IndicatorValue]]]:
    """indicator pk -> organisation unit pk -> its approved values with a value, period ended
    by ``as_of``, oldest first; derived indicators computed per unit (two queries)."""
    indicators = list(indicators)
    formulas = plan(indicators)
    rows = approved(
        IndicatorValue.objects.filter(
            indicator_id__in=[i.pk for i in formulas.base],
            org_unit__isnull=False,
            value__isnull=False,
            period_end__lte=as_of,
        ),
        known_on,
    )
    if unit_kinds is not None:
        rows = rows.filter(org_unit__kind__in=list(unit_kinds))
    by_period: dict[int, dict[int, dict[Period, IndicatorValue]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    for row in rows.select_related("org_unit").order_by("period_end", "id"):
        by_period[row.indicator_id][row.org_unit_id][(row.period_start, row.period_end)] = row
    for indicator in formulas.derived:
        top, bottom = formulas.inputs[indicator.pk]
        tops, bottoms = by_period.get(top.pk, {}), by_period.get(bottom.pk, {})
        for unit in set(tops) & set(bottoms):
            values, _notes = divide(indicator, tops[unit], bottoms[unit])
            if values:
                by_period[indicator.pk][unit] = {(v.period_start, v.period_end): v for v in values}
    return {
        i.pk: {
            unit: sorted(periods.values(), key=lambda v: (v.period_end, v.period_start))
            for unit, periods in by_period.get(i.pk, {}).items()
        }
        for i in indicators
    }
