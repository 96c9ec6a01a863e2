"""The catalogue as of a date: each indicator with its targets, latest value and status.

One place for the CLI, the pages and (later) the API, so they show the same figures. Values
count when approved and their period ended on or before the date; the national figure
(no organisation unit) is the one shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet

from dondoc.indicators.models import Indicator, IndicatorValue, Target, ValueState
from dondoc.indicators.status import Goal, IndicatorStatus, assess


@dataclass
class Row:
    indicator: Indicator
    targets: list[Target]
    latest: IndicatorValue | None
    status: IndicatorStatus
    children: list[Row] = field(default_factory=list)

    def targets_in(self, year: int) -> list[Target]:
        return [t for t in self.targets if t.due_on.year == year]

    @property
    def targets_2030(self) -> list[Target]:
        return self.targets_in(2030)

    @property
    def targets_2045(self) -> list[Target]:
        return self.targets_in(2045)


def latest_values(indicator_ids, as_of: dt.date) -> dict[int, IndicatorValue]:
    """The latest approved national value of each indicator, period ended by ``as_of``."""
    rows = (
        IndicatorValue.objects.filter(
            indicator_id__in=indicator_ids,
            org_unit__isnull=True,
            state=ValueState.APPROVED,
            period_end__lte=as_of,
        )
        .order_by("indicator_id", "-period_end", "-id")
        .select_related("source_directive")
    )
    latest: dict[int, IndicatorValue] = {}
    for row in rows:
        latest.setdefault(row.indicator_id, row)
    return latest


def goals(targets: list[Target]) -> list[Goal]:
    return [Goal(t.due_on, t.operator, t.value, t.low, t.high) for t in targets]


def catalogue(queryset: QuerySet, as_of: dt.date) -> list[Row]:
    """Rows of the indicators of ``queryset`` in catalogue order (queries: three)."""
    indicators = list(
        queryset.select_related("group", "responsible_agency", "program").prefetch_related(
            "targets"
        )
    )
    latest = latest_values([i.pk for i in indicators], as_of)
    rows = []
    for indicator in indicators:
        targets = list(indicator.targets.all())
        value = latest.get(indicator.pk)
        status = assess(
            goals(targets),
            value.value if value else None,
            as_of,
            indicator.direction,
        )
        rows.append(Row(indicator, targets, value, status))
    return rows


def row_json(row: Row) -> dict:
    """The JSON shape of ``dondoc indicators --json`` (and later the API)."""
    i, latest = row.indicator, row.latest
    return {
        "code": i.code,
        "name": i.name,
        "unit": i.unit,
        "direction": i.direction,
        "kind": i.kind,
        "group": i.group.number if i.group else None,
        "parent": i.code.rsplit(".", 1)[0] if i.parent_id else None,
        "version": i.version,
        "source": i.source,
        "targets": [
            {
                "date": t.due_on.isoformat(),
                "op": t.operator,
                **(
                    {"low": _num(t.low), "high": _num(t.high)}
                    if t.operator == "range"
                    else {"value": _num(t.value)}
                ),
                "scope": t.scope,
                "text": t.text,
                "source": t.source,
            }
            for t in row.targets
        ],
        "latest": None
        if latest is None
        else {
            "value": _num(latest.value),
            "period_start": latest.period_start.isoformat(),
            "period_end": latest.period_end.isoformat(),
            "period": latest.period_label,
            "source": latest.source,
        },
        "status": str(row.status),
    }


def _num(value) -> str | None:
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return text
