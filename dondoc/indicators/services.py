"""Every write to the indicator set: catalogue entries, their targets, their values.

The catalogue's functions run inside the caller's transaction (importers and the NQ57 loader
hold one for the whole file) and write only what differs, so loading the same catalogue twice
changes nothing and leaves no history rows. Collection (drafts, submission, approval, return)
is at the end: checked transitions under a lock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dondoc.core.transitions import Conflict, locked
from dondoc.indicators import rollup
from dondoc.indicators.derived import formula_problem
from dondoc.indicators.models import (
    DEFINITION_FIELDS,
    Indicator,
    IndicatorValue,
    StatusOverride,
    Target,
    ValueState,
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


def check_formulas(program, codes: Iterable[str] | None = None) -> None:
    """Refuse (``ValueError``, vi and en) a formula of ``program`` (of ``codes`` when given)
    naming a missing indicator, the indicator itself, or leading back to itself: run after
    writing a catalogue, inside its transaction, so a bad set is rolled back."""
    wanted = None if codes is None else set(codes)
    graph = {
        code: (numerator, denominator)
        for code, numerator, denominator in program.indicators.values_list(
            "code", "numerator_code", "denominator_code"
        )
    }
    for code, (numerator, denominator) in graph.items():
        if numerator and denominator and (wanted is None or code in wanted):
            problem = formula_problem(code, numerator, denominator, graph)
            if problem:
                raise ValueError(f"{code}: {problem[0]} / {problem[1]}")


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
    figure and source is returned unchanged (``created`` False). A derived indicator is
    computed, never recorded: ``Conflict``."""
    if indicator.derived:
        raise Conflict(_("This indicator is computed from others; it is not entered."))
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
        # A value recorded as approved (a figure from a published document) is approved on the
        # day it is recorded as known.
        approved_on=(recorded_on or timezone.localdate()) if state == ValueState.APPROVED else None,
        recorded_by=by,
    )
    if by is not None:
        row._history_user = by
    row.save()
    if state == ValueState.APPROVED:
        rollup.refresh_values([row])
    return row, True


# Collection: drafts, submission, approval (thu thập, gửi, phê duyệt số liệu) -----------------
#
#     draft ──submit──▶ submitted ──approve──▶ approved
#       ▲                   │
#       └──── (edited) ── returned ◀──return (with a comment)
#
# The reporter saves drafts, the agency head submits them, the Working Group or the Standing
# Office approves or returns them. Every step re-reads the rows under a lock and checks the
# state it expects and, when the caller sends it, the version its page was loaded at: two
# clicks give one success and one ``Conflict``.


def _as(row: IndicatorValue, by) -> IndicatorValue:
    if by is not None:
        row._history_user = by
    return row


def _state_message(row: IndicatorValue) -> str:
    name = f"{row.indicator.code}" + (f" – {row.org_unit.name}" if row.org_unit_id else "")
    if row.state == ValueState.SUBMITTED:
        return _("The value of %(name)s has already been submitted.") % {"name": name}
    if row.state == ValueState.APPROVED:
        return _("The value of %(name)s has already been approved.") % {"name": name}
    if row.state == ValueState.RETURNED:
        return _("The value of %(name)s was returned for correction.") % {"name": name}
    return _("The value of %(name)s is still a draft.") % {"name": name}


def _check_version(row: IndicatorValue, version: int | None) -> None:
    if version is not None and version != row.version:
        raise Conflict(
            _(
                "The value of %(code)s was changed after you opened the page; reload it to "
                "see the latest figure."
            )
            % {"code": row.indicator.code},
            current=row,
        )


@transaction.atomic
def save_value(
    indicator: Indicator,
    *,
    org_unit,
    period_start: dt.date,
    period_end: dt.date,
    period_label: str = "",
    value: Decimal | None,
    not_available: str = "",
    comment: str = "",
    jump_confirmed: bool = False,
    by=None,
    version: int | None = None,
) -> tuple[IndicatorValue, bool]:
    """Save the draft value of one slot (indicator, unit, period); a returned value becomes a
    draft again. A submitted or approved value is not changed: ``Conflict``. Returns the row
    and whether anything changed. A derived indicator is computed, never entered: ``Conflict``."""
    if indicator.derived:
        raise Conflict(_("This indicator is computed from others; it is not entered."))
    locked(Indicator, indicator.pk, no_key=True)  # one writer per indicator: one row per slot
    existing = (
        IndicatorValue.objects.filter(
            indicator=indicator,
            org_unit=org_unit,
            period_start=period_start,
            period_end=period_end,
            source="",
        )
        .order_by("id")
        .first()
    )
    fields = {
        "value": value,
        "not_available": "" if value is not None else not_available.strip()[:300],
        "comment": comment.strip(),
        "jump_confirmed": jump_confirmed,
    }
    if existing is None:
        row = IndicatorValue(
            indicator=indicator,
            indicator_version=indicator.version,
            org_unit=org_unit,
            period_start=period_start,
            period_end=period_end,
            period_label=period_label,
            state=ValueState.DRAFT,
            recorded_by=by,
            recorded_on=timezone.localdate(),
            **fields,
        )
        _as(row, by).save()
        return row, True
    row = locked(IndicatorValue.objects.select_related("indicator", "org_unit"), existing.pk)
    if row.state in (ValueState.SUBMITTED, ValueState.APPROVED):
        raise Conflict(_state_message(row), current=row)
    _check_version(row, version)
    changed = [n for n, v in fields.items() if not _same(getattr(row, n), v)]
    if not changed and row.state == ValueState.DRAFT:
        return row, False
    for name in changed:
        setattr(row, name, fields[name])
    row.state = ValueState.DRAFT
    row.indicator_version = indicator.version
    row.recorded_by, row.recorded_on = by, timezone.localdate()
    row.version += 1
    _as(row, by).save()
    return row, True


def _lock_all(values: Iterable[IndicatorValue]) -> list[IndicatorValue]:
    ids = sorted({v.pk for v in values})
    rows = list(
        IndicatorValue.objects.select_for_update(of=("self",))
        .select_related("indicator", "org_unit")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    if len(rows) != len(ids):
        raise Conflict(_("One of these values no longer exists."))
    return rows


def _move(
    values: Iterable[IndicatorValue],
    *,
    by,
    allowed: tuple[str, ...],
    to: str,
    versions: dict[int, int] | None,
    review_comment: str | None = None,
    extra: dict[str, Any] | None = None,
) -> list[IndicatorValue]:
    values = list(values)
    if ValueState.APPROVED in (to, *allowed):
        # The roll-up's lock first (indicators, then values), as ``save_value`` takes them.
        rollup.lock_indicators({v.indicator_id for v in values})
    rows = _lock_all(values)
    versions = versions or {}
    for row in rows:
        if row.state not in allowed:
            raise Conflict(_state_message(row), current=row)
        _check_version(row, versions.get(row.pk))
    for row in rows:
        row.state = to
        row.version += 1
        names = ["state", "version"]
        if review_comment is not None:
            row.review_comment = review_comment
            names.append("review_comment")
        for name, value in (extra or {}).items():
            setattr(row, name, value)
            names.append(name)
        _as(row, by).save(update_fields=names)
    if ValueState.APPROVED in (to, *allowed):
        rollup.refresh_values(rows)  # same transaction: the roll-up is never behind
    return rows


@transaction.atomic
def submit_values(
    values: Iterable[IndicatorValue], *, by, versions: dict[int, int] | None = None
) -> list[IndicatorValue]:
    """The agency head submits drafts (and corrected returned values): all or nothing."""
    return _move(
        values,
        by=by,
        allowed=(ValueState.DRAFT, ValueState.RETURNED),
        to=ValueState.SUBMITTED,
        versions=versions,
    )


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
def approve_values(
    values: Iterable[IndicatorValue], *, by, versions: dict[int, int] | None = None
) -> list[IndicatorValue]:
    """The Working Group or the Standing Office approves submitted values: all or nothing.
    The day of approval is kept (``approved_on``) so reports as of earlier days leave them out."""
    return _move(
        values,
        by=by,
        allowed=(ValueState.SUBMITTED,),
        to=ValueState.APPROVED,
        versions=versions,
        review_comment="",
        extra={"approved_on": timezone.localdate()},
    )


@transaction.atomic
def return_values(
    values: Iterable[IndicatorValue],
    *,
    by,
    comment: str,
    versions: dict[int, int] | None = None,
) -> list[IndicatorValue]:
    """Submitted values go back to the agency with the reviewer's comment (required)."""
    assert comment.strip(), "a returned value says why"
    return _move(
        values,
        by=by,
        allowed=(ValueState.SUBMITTED,),
        to=ValueState.RETURNED,
        versions=versions,
        review_comment=comment.strip(),
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


@transaction.atomic
def set_public(indicator: Indicator, *, public: bool, by=None) -> bool:
    """Show the indicator on the public progress page, or withdraw it (Standing Office). The
    row's history keeps who changed the flag and when; returns whether it changed."""
    row = locked(Indicator, indicator.pk)
    if row.public == public:
        return False
    row.public = public
    if by is not None:
        row._history_user = by
    row.save(update_fields=["public"])
    indicator.public = public
    return True
