"""Report sections about the agencies: who has sent its report, who has issued an action plan.

Both read the rounds app and compute nothing of their own: reporting completeness is
``dondoc.rounds.completeness.completeness_as_of`` (the round dashboard's counting, on the
report's "as of" date) and action plans are ``dondoc.rounds.plans.action_plan_counts`` on that
date. Exporters yield rows; the sentences of the report are written from those rows only, so the
DOCX, the XLSX and the HTML preview agree.

- **Completeness** (tình hình gửi báo cáo): for each reporting round of the program whose period
  ends within the report's quarter and that was opened by the date, the agencies expected in
  it, by kind, and how many had sent their report by the end of the date (the submission's
  timeline replayed to that day). No such round: no rows, and the report says nothing.
- **Action plans** (kế hoạch hành động): for each counted kind, the units existing on the date
  and how many had issued a plan dated on or before it. No plan issued by then: no rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dondoc.orgs.models import OrgKind
from dondoc.reports.models import DocumentFormat
from dondoc.reports.sections import Column, Exporter, ReportScope
from dondoc.rounds.completeness import completeness_as_of
from dondoc.rounds.models import ReportingRound
from dondoc.rounds.plans import action_plan_counts

#: How the report names the agencies that send reports, by kind (Party documents).
PARTY_REPORTERS: dict[str, str] = {
    OrgKind.PROVINCE: "tỉnh ủy, thành ủy",
    OrgKind.MINISTRY: "đảng ủy bộ, ngành",
    OrgKind.CENTRAL: "cơ quan, đảng ủy trực thuộc Trung ương",
    OrgKind.COMMITTEE: "cơ quan của Ban Chỉ đạo",
    OrgKind.COMMUNE: "đảng ủy xã, phường",
    OrgKind.OTHER: "cơ quan, đơn vị khác",
}
#: The same in State documents.
STATE_REPORTERS: dict[str, str] = {
    OrgKind.PROVINCE: "tỉnh, thành phố",
    OrgKind.MINISTRY: "bộ, ngành",
    OrgKind.CENTRAL: "cơ quan Trung ương",
    OrgKind.COMMITTEE: "cơ quan của Ban Chỉ đạo",
    OrgKind.COMMUNE: "xã, phường",
    OrgKind.OTHER: "cơ quan, đơn vị khác",
}
#: How the report names the units counted for action plans ("56/63 địa phương, 16/22 bộ, ngành").
PLAN_WORDS: dict[str, str] = {
    OrgKind.PROVINCE: "địa phương",
    OrgKind.MINISTRY: "bộ, ngành",
    OrgKind.CENTRAL: "cơ quan Đảng Trung ương",
}


@dataclass(frozen=True)
class CompletenessRow:
    """One kind of agency in one reporting round, as of the date."""

    round_id: int
    round: str  # kỳ báo cáo, e.g. "Quý I/2025"
    kind: str
    label: str  # "tỉnh ủy, thành ủy"
    expected: int  # phải gửi báo cáo
    submitted: int  # đã gửi (on time or late)
    on_time: int
    late: int
    drafts: int  # only a draft (or returned for correction)
    nothing: int

    @property
    def missing(self) -> int:
        return self.expected - self.submitted


@dataclass(frozen=True)
class ActionPlanRow:
    """One kind of unit and how many had issued an action plan by the date."""

    kind: str
    label: str  # "địa phương"
    expected: int
    issued: int
    missing: int


def _capitalised(cells: list, index: int) -> list:
    """A table cell starts with a capital ("Tỉnh ủy, thành ủy"); the sentences keep lower case."""
    text = str(cells[index])
    cells[index] = text[:1].upper() + text[1:]
    return cells


def rounds_of(scope: ReportScope) -> list[ReportingRound]:
    """The program's rounds whose period ends within the report's quarter, opened by the date."""
    period = scope.period_or_current()
    next_day = dt.datetime.combine(scope.as_of + dt.timedelta(days=1), dt.time.min)
    return list(
        ReportingRound.objects.filter(
            program=scope.program,
            period_end__gte=period.start,
            period_end__lte=period.end,
            opened_at__lt=timezone.make_aware(next_day),
        ).order_by("period_end", "period_start", "pk")
    )


class CompletenessExporter(Exporter):
    """Reporting completeness (tình hình gửi báo cáo) of the quarter's rounds on the date."""

    key = "completeness"
    title = _("Reporting completeness")
    columns = (
        Column("round", _("Reporting round"), "Kỳ báo cáo", 16, 24),
        Column("label", _("Kind of agency"), "Cơ quan", 34, 50),
        Column("expected", _("Expected"), "Phải gửi báo cáo", 12, 20, numeric=True),
        Column("submitted", _("Submitted"), "Đã gửi", 10, 18, numeric=True),
        Column("on_time", _("On time"), "Đúng hạn", 10, 18, numeric=True),
        Column("late", _("Late"), "Muộn", 10, 18, numeric=True),
        Column("drafts", _("Draft only"), "Mới có dự thảo", 12, 20, numeric=True),
        Column("nothing", _("Nothing"), "Chưa có báo cáo", 12, 20, numeric=True),
    )

    def cells(self, row: CompletenessRow) -> list:
        return _capitalised(super().cells(row), 1)

    def rows(self) -> list[CompletenessRow]:
        state = self.scope.document_format == DocumentFormat.STATE
        words = STATE_REPORTERS if state else PARTY_REPORTERS
        rows = []
        for round_ in rounds_of(self.scope):
            data = completeness_as_of(round_, self.scope.as_of)
            for count in data.by_kind:
                rows.append(
                    CompletenessRow(
                        round_id=round_.pk,
                        round=round_.title,
                        kind=count.kind,
                        label=words.get(count.kind, count.kind),
                        expected=count.expected,
                        submitted=count.submitted,
                        on_time=count.on_time,
                        late=count.late,
                        drafts=count.drafts,
                        nothing=count.nothing,
                    )
                )
        return rows


class ActionPlanExporter(Exporter):
    """Action plans (kế hoạch hành động) issued by the date, by kind of unit."""

    key = "action_plans"
    title = _("Action plans")
    columns = (
        Column("label", _("Kind of agency"), "Cơ quan", 34, 60),
        Column("expected", _("Units counted"), "Tổng số", 12, 25, numeric=True),
        Column("issued", _("Issued"), "Đã ban hành", 12, 25, numeric=True),
        Column("missing", _("Not issued"), "Chưa ban hành", 12, 25, numeric=True),
    )

    def cells(self, row: ActionPlanRow) -> list:
        return _capitalised(super().cells(row), 0)

    def rows(self) -> list[ActionPlanRow]:
        counts = action_plan_counts(self.scope.program, self.scope.as_of)
        if not any(count.issued for count in counts.kinds):
            return []
        return [
            ActionPlanRow(
                kind=count.kind,
                label=PLAN_WORDS.get(count.kind, count.label),
                expected=count.expected,
                issued=len(count.issued),
                missing=len(count.missing),
            )
            for count in counts.kinds
            if count.expected
        ]
