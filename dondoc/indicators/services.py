"""Every write to the indicator set: catalogue entries, their targets, their values.

Each function runs inside the caller's transaction (importers and the NQ57 loader hold one for
the whole file) and writes only what differs, so loading the same catalogue twice changes
nothing and leaves no history rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from dondoc.indicators.models import (
    DEFINITION_FIELDS,
    Indicator,
    IndicatorValue,
    StatusOverride,
    Target,
    WeightChange,
)
from dondoc.indicators.targets import ParsedTarget


@dataclass(frozen=True)
class TargetSpec:
    """A target to store: a parsed target, its milestone date and where it is written."""

    due_on: dt.date
    parsed: ParsedTarget
    source: str = ""

    FIELDS = (
        "due_on",
        "operator",
        "value",
        "low",
        "high",
        "scope",
        "text",
        "qualitative",
        "source",
    )

    def fields(self) -> dict[str, Any]:
        p = self.parsed
        return {
            "due_on": self.due_on,
            "operator": p.operator,
            "value": p.value,
            "low": p.low,
            "high": p.high,
            "scope": p.scope[:120],
            "text": p.text,
            "qualitative": p.qualitative,
            "source": self.source[:300],
        }


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return (a is None and b is None) or (
            a is not None and b is not None and Decimal(a) == Decimal(b)
        )
    return a == b


@transaction.atomic
def upsert_indicator(
    *, program, code: str, fields: dict[str, Any], by=None
) -> tuple[Indicator, str]:
    """Create the indicator ``code`` of ``program`` or bring it to ``fields``.

    Returns the indicator and what happened: "created", "new version" (a definition field
    changed: the version rises, the history keeps the old definition), "updated" (other fields
    only) or "unchanged".
    """
    indicator = Indicator.objects.select_for_update().filter(program=program, code=code).first()
    if indicator is None:
        indicator = Indicator(program=program, code=code, **fields)
        if by is not None:
            indicator._history_user = by
        indicator.save()
        return indicator, "created"
    changed = [name for name, value in fields.items() if not _same(getattr(indicator, name), value)]
    if not changed:
        return indicator, "unchanged"
    for name in changed:
        setattr(indicator, name, fields[name])
    outcome = "updated"
    if any(name in DEFINITION_FIELDS or f"{name}_id" in DEFINITION_FIELDS for name in changed):
        indicator.version += 1
        outcome = "new version"
    if by is not None:
        indicator._history_user = by
    indicator.save()
    return indicator, outcome


def _key(fields: dict[str, Any]) -> tuple:
    return tuple(
        str(Decimal(v).normalize()) if isinstance(v, Decimal) else v for v in fields.values()
    )


@transaction.atomic
def set_targets(indicator: Indicator, targets: list[TargetSpec], *, by=None) -> int:
    """Make the indicator's targets exactly ``targets``; returns how many rows were added or
    removed (0 when they already were)."""
    wanted = {_key(t.fields()): t for t in targets}
    names = list(TargetSpec.FIELDS)
    current = {_key({n: getattr(row, n) for n in names}): row for row in indicator.targets.all()}
    changes = 0
    for key, row in current.items():
        if key not in wanted:
            row.delete()
            changes += 1
    for key, spec in wanted.items():
        if key not in current:
            row = Target(indicator=indicator, **spec.fields())
            if by is not None:
                row._history_user = by
            row.save()
            changes += 1
    return changes


@transaction.atomic
def record_value(
    indicator: Indicator,
    *,
    period_start: dt.date,
    period_end: dt.date,
    period_label: str = "",
    value: Decimal | None,
    not_available: str = "",
    org_unit=None,
    state: str = "draft",
    source: str = "",
    source_directive=None,
    comment: str = "",
    recorded_on: dt.date | None = None,
    by=None,
) -> tuple[IndicatorValue, bool]:
    """Record a value of ``indicator`` for a period and unit (national when ``org_unit`` is
    None), under the catalogue version in force. A value already recorded with the same
    figure and source is returned unchanged (``created`` False)."""
    existing = IndicatorValue.objects.filter(
        indicator=indicator,
        org_unit=org_unit,
        period_start=period_start,
        period_end=period_end,
        source=source,
    ).first()
    if existing is not None and _same(existing.value, value):
        return existing, False
    row = IndicatorValue(
        indicator=indicator,
        indicator_version=indicator.version,
        org_unit=org_unit,
        period_start=period_start,
        period_end=period_end,
        period_label=period_label,
        value=value,
        not_available=not_available,
        state=state,
        source=source[:300],
        source_directive=source_directive,
        comment=comment,
        recorded_on=recorded_on,
        recorded_by=by,
    )
    if by is not None:
        row._history_user = by
    row.save()
    return row, True


@transaction.atomic
def override_status(
    indicator: Indicator, *, status: str, reason: str, set_on: dt.date, by=None
) -> StatusOverride:
    """Set the indicator's status by hand from ``set_on`` (empty ``status`` lifts it). The reason
    is required; earlier overrides stay as history."""
    from dondoc.indicators.status import IndicatorStatus

    if status and status not in {s.value for s in IndicatorStatus}:
        raise ValueError(f"unknown status {status!r}")
    if not reason.strip():
        raise ValueError("a reason is required")
    return StatusOverride.objects.create(
        indicator=indicator, status=status, reason=reason.strip(), set_on=set_on, set_by=by
    )


@transaction.atomic
def change_weight(
    indicator: Indicator, *, weight: Decimal, effective_on: dt.date, reason: str, by=None
) -> WeightChange:
    """Give the indicator a new weight from ``effective_on``; scores before it keep the old."""
    if weight <= 0:
        raise ValueError("a weight is positive")
    if not reason.strip():
        raise ValueError("a reason is required")
    return WeightChange.objects.create(
        indicator=indicator,
        weight=weight,
        effective_on=effective_on,
        reason=reason.strip(),
        changed_by=by,
    )
