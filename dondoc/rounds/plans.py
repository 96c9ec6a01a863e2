"""Who has issued an action plan for a program: "56/63 localities, 16/22 ministries".

Counted on a date among the units of each kind that exist on that date: a province merged on
01/07/2025 no longer counts after 30/06/2025, and the province it merged into counts only once
it has issued its own plan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dondoc.orgs.models import OrgKind, OrgUnit
from dondoc.rounds.models import ActionPlan
from dondoc.rounds.services import units_of_kinds

#: The kinds the report counts, with the words it uses.
PLAN_KINDS: dict[str, object] = {
    OrgKind.PROVINCE: gettext_lazy("localities"),  # địa phương
    OrgKind.MINISTRY: gettext_lazy("ministries and agencies"),  # bộ, ngành
    OrgKind.CENTRAL: gettext_lazy("central Party bodies"),  # cơ quan Đảng Trung ương
}


@dataclass
class PlanCount:
    kind: str
    issued: list[tuple[OrgUnit, ActionPlan]] = field(default_factory=list)
    missing: list[OrgUnit] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(PLAN_KINDS[self.kind])

    @property
    def expected(self) -> int:
        return len(self.issued) + len(self.missing)

    @property
    def sentence(self) -> str:
        return f"{len(self.issued)}/{self.expected} {self.label}"


@dataclass
class PlanCounts:
    day: dt.date
    kinds: list[PlanCount]

    @property
    def sentence(self) -> str:
        """ "56/63 localities, 16/22 ministries and agencies have issued action plans"."""
        parts = [c.sentence for c in self.kinds if c.expected]
        if not parts:
            return ""
        return _("%(parts)s have issued action plans") % {"parts": ", ".join(parts)}


def action_plan_counts(program, day: dt.date) -> PlanCounts:
    """Units of each counted kind on ``day``, split into those with a plan issued by then and
    those without. Two queries.

    A plan counts once it was both issued and recorded by the end of ``day``: like task
    statuses, the counts for a past date are what was known on that date, so a report for it
    can be reproduced after later entries.
    """
    units = list(units_of_kinds(PLAN_KINDS, day).order_by("name_folded"))
    end_of_day = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
    plans = {
        plan.agency_id: plan
        for plan in ActionPlan.objects.filter(
            program=program,
            issued_on__lte=day,
            recorded_at__lt=end_of_day,
            agency__in=[u.pk for u in units],
        )
    }
    counts = {kind: PlanCount(kind) for kind in PLAN_KINDS}
    for unit in units:
        count = counts[unit.kind]
        plan = plans.get(unit.pk)
        if plan is None:
            count.missing.append(unit)
        else:
            count.issued.append((unit, plan))
    return PlanCounts(day, list(counts.values()))
