"""Collection of indicator values (thu thập số liệu): who reports what, for which period.

Who reports an indicator follows its levels and its responsible agency:

- level ``province``: every province or city valid on the period's last day reports its own
  value (63 for periods ending before 01/07/2025, 34 after: ``OrgUnit.valid_from/valid_to``);
- level ``commune``: every commune or ward (xã, phường: ``OrgUnit`` of kind commune whose
  parent is its province) valid on the period's last day has a value. A commune seldom has an
  account: its province's reporter enters its communes' values (the province's commune form and
  template) and the province's head submits them; a commune with an account enters its own;
- level ``ministry``: the responsible agency reports its own value;
- level ``national``: the responsible agency reports the national figure (no organisation unit).

A reporting slot is (indicator, unit the value is for, agency that enters it). A value's
owner, for scoping, is its unit, or the indicator's responsible agency for a national figure.

Periods are quarters ("2025-Q2", "Quý II/2025") or years ("2025", "Năm 2025"). Values entered
here carry no ``source`` text; values seeded from documents (the NQ57 loader) carry theirs.

Completeness counts, per indicator, the expected units whose value for the period has been
submitted (submitted or approved) and, apart, approved (a "not available" with its reason
counts: the unit has answered), as Open SDG's reporting-status page does: "31/34 tỉnh, thành
phố đã báo cáo, 28 đã duyệt". The approved count is the headline: only approved values feed
the national figure. Communes are counted, not listed (thousands of them).

Roll-up: for a period before a merger, ``rolled_up`` maps each predecessor's value to the unit
that carries it on a later date (``OrgUnit.successor``), summed for a sum-aggregated indicator
and averaged for a mean, so a merged province's series can be compared across 01/07/2025.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from dondoc.accounts.policy import Scope, indicator_units, scope_of, user_org_ids
from dondoc.core.collation import vi_sort_key
from dondoc.core.dates import MAX_DATE, MIN_DATE, DateError, Period, parse_date, parse_period
from dondoc.indicators.checks import Verdict, check_children_sum, check_value
from dondoc.indicators.models import (
    Aggregation,
    Indicator,
    IndicatorValue,
    Level,
    ValueState,
)
from dondoc.orgs.models import OrgKind, OrgUnit, lineages

#: States in which a unit has answered for the period.
ANSWERED = (ValueState.SUBMITTED, ValueState.APPROVED)


@dataclass(frozen=True)
class ReportPeriod:
    """A reporting period of indicator values: a quarter or a year."""

    start: dt.date
    end: dt.date
    code: str  # "2025-Q2", "2025": what URLs and files carry
    label: str  # "Quý II/2025", "Năm 2025": what pages show

    def previous(self) -> ReportPeriod:
        """The period of the same length just before this one."""
        if re.fullmatch(r"\d{4}", self.code):
            return year_period(self.start.year - 1)
        if re.fullmatch(r"\d{4}-Q[1-4]", self.code):
            quarter = Period.containing(self.start - dt.timedelta(days=1))
            return ReportPeriod(quarter.start, quarter.end, quarter.code, quarter.title)
        length = self.end - self.start
        end = self.start - dt.timedelta(days=1)
        return period_of(end - length, end)


def year_period(year: int) -> ReportPeriod:
    if not MIN_DATE.year <= year <= MAX_DATE.year:
        raise DateError(_("The year must lie between %(low)s and %(high)s.") % _years())
    return ReportPeriod(dt.date(year, 1, 1), dt.date(year, 12, 31), str(year), f"Năm {year}")


def _years() -> dict[str, int]:
    return {"low": MIN_DATE.year, "high": MAX_DATE.year}


_SPAN = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2})\s*$")
_YEAR = re.compile(r"^\s*(?:năm|nam)?\s*(\d{4})\s*$", re.IGNORECASE)


def parse_report_period(text: str) -> ReportPeriod:
    """A quarter ("2025-Q2", "Quý II/2025") or a year ("2025", "Năm 2025"); ``DateError``."""
    match = _YEAR.match(str(text))
    if match:
        return year_period(int(match.group(1)))
    match = _SPAN.match(str(text))
    if match:  # a round's own period, as ``period_of`` writes it
        start, end = parse_date(match.group(1)), parse_date(match.group(2))
        if start > end:
            raise DateError(_("The period cannot end before it starts."))
        return period_of(start, end)
    quarter = parse_period(text)
    return ReportPeriod(quarter.start, quarter.end, quarter.code, quarter.title)


def period_of(start: dt.date, end: dt.date) -> ReportPeriod:
    """The period running from ``start`` to ``end`` (a round's, a value's)."""
    if start.month == 1 and start.day == 1 and end == dt.date(start.year, 12, 31):
        return year_period(start.year)
    quarter = parse_report_period(f"{start.year}-Q{(start.month - 1) // 3 + 1}")
    if (quarter.start, quarter.end) == (start, end):
        return quarter
    label = f"{start:%d/%m/%Y} – {end:%d/%m/%Y}"
    return ReportPeriod(start, end, f"{start.isoformat()}_{end.isoformat()}", label)


# Who reports ---------------------------------------------------------------------------------


def valid_on(queryset: QuerySet, day: dt.date) -> QuerySet:
    return queryset.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=day),
        Q(valid_to__isnull=True) | Q(valid_to__gte=day),
    )


def provinces_on(day: dt.date) -> list[OrgUnit]:
    """The provinces and cities existing on ``day``, in Vietnamese order."""
    units = list(valid_on(OrgUnit.objects.filter(kind=OrgKind.PROVINCE), day))
    units.sort(key=lambda u: vi_sort_key(u.name))
    return units


def communes_on(day: dt.date, province: OrgUnit | None = None) -> QuerySet:
    """The communes and wards existing on ``day`` (of ``province`` and the units merged into
    it, when given)."""
    units = valid_on(OrgUnit.objects.filter(kind=OrgKind.COMMUNE), day)
    if province is not None:
        units = units.filter(parent_id__in=province.lineage_ids())
    return units


def sorted_units(units: Iterable[OrgUnit]) -> list[OrgUnit]:
    return sorted(units, key=lambda u: vi_sort_key(u.name))


@dataclass(frozen=True)
class Slot:
    """One value expected for a period: of ``indicator`` for ``unit`` (None: national),
    entered by ``agency``."""

    indicator: Indicator
    unit: OrgUnit | None
    agency: OrgUnit | None


def expected_slots(
    indicator: Indicator,
    day: dt.date,
    provinces: list[OrgUnit],
    communes: Iterable[OrgUnit] = (),
) -> list[Slot]:
    """The values ``indicator`` expects for a period ending on ``day`` from ``provinces`` and
    ``communes`` (none for a derived indicator: it is computed from its inputs, nobody
    reports it). A commune's slot is entered by the commune itself or its province."""
    if indicator.derived:
        return []
    levels = set(indicator.levels or [])
    slots: list[Slot] = []
    agency = indicator.responsible_agency
    if Level.NATIONAL in levels and agency is not None:
        slots.append(Slot(indicator, None, agency))
    if Level.MINISTRY in levels and agency is not None and agency.is_valid_on(day):
        slots.append(Slot(indicator, agency, agency))
    if Level.PROVINCE in levels:
        slots.extend(Slot(indicator, unit, unit) for unit in provinces)
    if Level.COMMUNE in levels:
        slots.extend(Slot(indicator, unit, unit) for unit in communes)
    return slots


def slots_for_agency(
    indicators: Iterable[Indicator],
    agency: OrgUnit,
    period: ReportPeriod,
    *,
    communes: bool = False,
) -> list[Slot]:
    """The values ``agency`` enters for ``period``: only its own indicators.

    ``communes``: for a province, the values of its communes instead of its own (the
    commune-level indicators, commune by commune). A commune's own form holds its values."""
    valid = agency.is_valid_on(period.end)
    if communes:
        if agency.kind != OrgKind.PROVINCE:
            return []
        units = sorted_units(communes_on(period.end, agency))
        indicators = [i for i in indicators if Level.COMMUNE in (i.levels or [])]
        return [
            slot
            for unit in units
            for indicator in indicators
            for slot in expected_slots(indicator, period.end, [], [unit])
        ]
    if agency.kind == OrgKind.COMMUNE:
        return [
            slot
            for indicator in indicators
            for slot in expected_slots(indicator, period.end, [], [agency] if valid else [])
            if slot.unit is not None and slot.unit.pk == agency.pk
        ]
    provinces = [agency] if agency.kind == OrgKind.PROVINCE and valid else []
    lineage = agency.lineage_ids() | {agency.pk}
    return [
        slot
        for indicator in indicators
        for slot in expected_slots(indicator, period.end, provinces)
        if slot.agency is not None and slot.agency.pk in lineage
    ]


def owner_id(value: IndicatorValue) -> int | None:
    """The unit a value belongs to, for scoping: its own, or the responsible agency's."""
    return value.org_unit_id or value.indicator.responsible_agency_id


def visible_values(user, queryset: QuerySet) -> QuerySet:
    """Approved values, plus the unapproved values of the user's agencies and of the communes
    of the user's provinces (or all of them for the Working Group and the Standing Office): a
    draft stays inside its agency and its province."""
    if Scope.ALL in (scope_of(user, "indicator.approve"), scope_of(user, "indicator.enter")):
        return queryset
    approved = Q(state=ValueState.APPROVED)
    if scope_of(user, "indicator.enter") is None:
        return queryset.filter(approved)
    mine = indicator_units(user) | Q(
        org_unit__isnull=True, indicator__responsible_agency_id__in=user_org_ids(user)
    )
    return queryset.filter(approved | mine)


def collected(queryset: QuerySet | None = None) -> QuerySet:
    """Values entered through collection (not seeded from a document)."""
    return (queryset if queryset is not None else IndicatorValue.objects.all()).filter(source="")


def current_values(
    slots: list[Slot], period: ReportPeriod
) -> dict[tuple[int, int | None], IndicatorValue]:
    """The collected value of each slot for ``period``: (indicator id, unit id) -> value."""
    if not slots:
        return {}
    rows = collected().filter(
        indicator_id__in={s.indicator.pk for s in slots},
        period_start=period.start,
        period_end=period.end,
    )
    return {(row.indicator_id, row.org_unit_id): row for row in rows.order_by("id")}


def previous_values(
    slots: list[Slot], period: ReportPeriod
) -> dict[tuple[int, int | None], IndicatorValue]:
    """The last submitted or approved value of each slot before ``period``, any source.

    A unit formed by a merger has no series of its own before it: its previous value is then
    the roll-up of its predecessors' values for their last period (sum or mean, as
    ``rolled_up``), an unsaved ``IndicatorValue``."""
    if not slots:
        return {}
    carrier: dict[int | None, int | None] = {None: None}
    # every unit's lineage in one query (a commune form holds a whole province's communes)
    family = lineages(s.unit.pk for s in slots if s.unit is not None)
    for slot in slots:
        if slot.unit is not None and slot.unit.pk not in carrier:
            for pk in family[slot.unit.pk]:
                carrier.setdefault(pk, slot.unit.pk)
    units = [pk for pk in carrier if pk is not None]
    rows = (
        IndicatorValue.objects.filter(
            Q(org_unit_id__in=units) | Q(org_unit__isnull=True),
            indicator_id__in={s.indicator.pk for s in slots},
            period_end__lt=period.start,
            state__in=ANSWERED,
            value__isnull=False,
        )
        .select_related("indicator")
        .order_by("-period_end", "-id")
    )
    wanted = {(s.indicator.pk, s.unit.pk if s.unit else None) for s in slots}
    found: dict[tuple[int, int | None], IndicatorValue] = {}
    merged: dict[tuple[int, int | None], list[IndicatorValue]] = defaultdict(list)
    for row in rows:
        key = (row.indicator_id, carrier.get(row.org_unit_id, -1))
        if key not in wanted or key in found:
            continue
        if row.org_unit_id == key[1]:
            found[key] = row
        elif (not merged[key] or merged[key][0].period_end == row.period_end) and (
            row.org_unit_id not in {r.org_unit_id for r in merged[key]}
        ):
            merged[key].append(row)
    for key, parts in merged.items():
        if key in found or not parts:
            continue
        first = parts[0]
        values = [p.value for p in parts]
        total = sum(values, Decimal(0))
        if first.indicator.aggregation != Aggregation.SUM:
            total = total / len(values)
        found[key] = IndicatorValue(
            indicator=first.indicator,
            org_unit_id=key[1],
            period_start=first.period_start,
            period_end=first.period_end,
            period_label=first.period_label,
            value=total,
            state=ValueState.APPROVED,
        )
    return found


def jump_limit() -> int:
    return int(getattr(settings, "DONDOC_INDICATOR_JUMP_PERCENT", 50))


def check_entry(
    indicator: Indicator,
    *,
    value: Decimal | None,
    not_available: str = "",
    previous: Decimal | None = None,
) -> Verdict:
    return check_value(
        unit=indicator.unit,
        value=value,
        not_available=not_available,
        previous=previous,
        jump_limit=jump_limit(),
    )


def check_consistency(
    entered: dict[int, Decimal | None], indicators: Iterable[Indicator]
) -> dict[int, list[str]]:
    """Sub-indicators of a sum-aggregated parent must not add up to more than the parent.

    ``entered`` maps indicator ids to the values of one unit and period; the answer maps the
    parent's id to its errors."""
    by_id = {i.pk: i for i in indicators}
    children: dict[int, dict[str, Decimal | None]] = defaultdict(dict)
    for pk, value in entered.items():
        indicator = by_id.get(pk)
        if indicator and indicator.parent_id in entered:
            children[indicator.parent_id][indicator.code] = value
    problems = {}
    for parent_id, values in children.items():
        parent = by_id[parent_id]
        if parent.aggregation == Aggregation.SUM:
            errors = check_children_sum(entered[parent_id], values)
            if errors:
                problems[parent_id] = errors
    return problems


# Completeness --------------------------------------------------------------------------------


@dataclass
class Completeness:
    """Who has answered one indicator for one period.

    ``expected`` lists the provinces, ministries and national figures expected (communes are
    only counted: ``communes_expected``); ``submitted`` those whose value is submitted or
    approved, ``approved`` those approved, ``missing`` those with no submitted value yet."""

    indicator: Indicator
    expected: list[Slot] = field(default_factory=list)
    submitted: list[Slot] = field(default_factory=list)
    approved: list[Slot] = field(default_factory=list)
    missing: list[Slot] = field(default_factory=list)
    communes_expected: int = 0
    communes_submitted: int = 0
    communes_approved: int = 0

    @property
    def reported(self) -> list[Slot]:
        """The units that have answered (submitted or approved)."""
        return self.submitted

    @property
    def province_count(self) -> bool:
        return any(s.unit is not None and s.unit.kind == OrgKind.PROVINCE for s in self.expected)

    @property
    def ratio(self) -> float:
        """The approved share: what feeds the national figure."""
        return len(self.approved) / len(self.expected) if self.expected else 0.0

    @property
    def commune_ratio(self) -> float:
        return self.communes_approved / self.communes_expected if self.communes_expected else 0.0


def completeness(indicators: Iterable[Indicator], period: ReportPeriod) -> list[Completeness]:
    """For each indicator expecting values in ``period``: who has submitted and who is
    approved (four queries, whatever the number of communes)."""
    provinces = provinces_on(period.end)
    indicators = [i for i in indicators if not i.derived]
    slots_of = {i.pk: expected_slots(i, period.end, provinces) for i in indicators}
    values = collected().filter(
        indicator_id__in=list(slots_of),
        period_start=period.start,
        period_end=period.end,
        state__in=ANSWERED,
    )
    answered: dict[tuple[int, int | None], str] = {}
    for indicator_id, unit_id, state in values.exclude(org_unit__kind=OrgKind.COMMUNE).values_list(
        "indicator_id", "org_unit_id", "state"
    ):
        if answered.get((indicator_id, unit_id)) != ValueState.APPROVED:
            answered[(indicator_id, unit_id)] = state
    commune_level = [i.pk for i in indicators if Level.COMMUNE in (i.levels or [])]
    communes = communes_on(period.end).count() if commune_level else 0
    by_commune: dict[int, dict[str, int]] = {}
    if commune_level:
        day = period.end
        counted = (
            values.filter(
                Q(org_unit__valid_from__isnull=True) | Q(org_unit__valid_from__lte=day),
                Q(org_unit__valid_to__isnull=True) | Q(org_unit__valid_to__gte=day),
                indicator_id__in=commune_level,
                org_unit__kind=OrgKind.COMMUNE,
            )
            .order_by()
            .values("indicator_id")
            .annotate(
                submitted=Count("org_unit_id", distinct=True),
                approved=Count("org_unit_id", distinct=True, filter=Q(state=ValueState.APPROVED)),
            )
        )
        by_commune = {row["indicator_id"]: row for row in counted}
    rows = []
    for indicator in indicators:
        slots = slots_of[indicator.pk]
        row = Completeness(indicator, expected=slots)
        if indicator.pk in commune_level:
            counts = by_commune.get(indicator.pk, {})
            row.communes_expected = communes
            row.communes_submitted = counts.get("submitted", 0)
            row.communes_approved = counts.get("approved", 0)
        if not slots and not row.communes_expected:
            continue
        for slot in slots:
            state = answered.get((indicator.pk, slot.unit.pk if slot.unit else None))
            if state is None:
                row.missing.append(slot)
                continue
            row.submitted.append(slot)
            if state == ValueState.APPROVED:
                row.approved.append(slot)
        rows.append(row)
    return rows


# Roll-up across mergers ----------------------------------------------------------------------


def carrier_on(unit: OrgUnit, day: dt.date, units: dict[int, OrgUnit]) -> OrgUnit | None:
    """The unit that carries ``unit``'s work on ``day``: itself, or its successor followed
    through later mergers; None when the chain ends before ``day``."""
    seen: set[int] = set()
    while unit is not None and unit.pk not in seen:
        seen.add(unit.pk)
        if unit.is_valid_on(day):
            return unit
        unit = units.get(unit.successor_id) if unit.successor_id else None
    return None


def rolled_up(
    indicator: Indicator,
    period: ReportPeriod,
    on: dt.date,
    *,
    states: Iterable[str] = (ValueState.APPROVED,),
) -> dict[int, Decimal]:
    """The values of ``indicator`` for ``period`` by the unit that carries each on ``on``.

    A province merged on 01/07/2025 hands its value for an earlier period to its successor:
    the successor's figure is the sum of the predecessors' (sum-aggregated indicators) or their
    mean (every other aggregation). Units with no value are left out, not counted as zero.
    """
    rows = IndicatorValue.objects.filter(
        indicator=indicator,
        period_start=period.start,
        period_end=period.end,
        state__in=list(states),
        org_unit__isnull=False,
        value__isnull=False,
    ).order_by("org_unit_id", "-id")
    latest: dict[int, Decimal] = {}
    for row in rows:
        latest.setdefault(row.org_unit_id, row.value)
    if not latest:
        return {}
    units = {
        u.pk: u for u in OrgUnit.objects.all().only("pk", "valid_from", "valid_to", "successor_id")
    }
    groups: dict[int, list[Decimal]] = defaultdict(list)
    for unit_id, value in latest.items():
        carrier = carrier_on(units[unit_id], on, units)
        if carrier is not None:
            groups[carrier.pk].append(value)
    if indicator.aggregation == Aggregation.SUM:
        return {pk: sum(values, Decimal(0)) for pk, values in groups.items()}
    return {pk: sum(values, Decimal(0)) / len(values) for pk, values in groups.items()}
