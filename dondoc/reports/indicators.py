"""The report's section on the indicator set (kết quả thực hiện Bộ chỉ số).

For each solution group, its indicators with the latest approved national figure as of the
report's date (the national value, else the roll-up of the provinces' values, written "tổng
hợp từ 31/34 tỉnh, thành phố" with a warning when some have not reported), the target of the
next milestone, and the status by the indicator app's method (Statistics Canada's; a status
set by hand is written with its reason and the computed one beside it). Indicators at risk
(limited progress, deterioration) come first in their group.

Reproducible: the figures are ``indicators.queries.catalogue(..., known_on=as_of)``, so a value
approved or an override entered after the report's date does not change the report. The
document prints Vietnamese whatever the interface language, as the other sections do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from dondoc.indicators.models import Indicator, Target
from dondoc.indicators.national import Coverage
from dondoc.indicators.queries import Row, catalogue
from dondoc.indicators.status import AT_RISK, IndicatorStatus
from dondoc.indicators.units import RANK_UNITS
from dondoc.reports.periods import short_date, two_digits
from dondoc.reports.sections import Column, Exporter

#: How the report writes each status (the official document is in Vietnamese).
STATUS_WORDS: dict[str, str] = {
    IndicatorStatus.ACHIEVED: "Đã đạt mục tiêu",
    IndicatorStatus.ON_TRACK: "Đúng tiến độ",
    IndicatorStatus.ACCELERATION_NEEDED: "Cần đẩy nhanh",
    IndicatorStatus.LIMITED_PROGRESS: "Tiến triển hạn chế",
    IndicatorStatus.DETERIORATION: "Đi xuống",
    IndicatorStatus.NO_DATA: "Chưa có số liệu",
    IndicatorStatus.NOT_ASSESSED: "Chưa đánh giá",
}
#: The order statuses are counted in the section's opening sentence.
STATUS_ORDER = list(STATUS_WORDS)
NO_GROUP = "Chỉ số chung"


@dataclass(frozen=True)
class IndicatorHighlight:
    """One indicator as the report writes it, as of the report's date."""

    group_number: int | None
    group: str
    number: int  # STT within the group
    code: str
    name: str
    unit: str
    value: str  # "25,5 %", "" without an approved value
    #: "Quý II/2025" or "30/6/2025"; for a roll-up with its coverage: "Quý II/2025; tổng hợp
    #: từ 31/34 tỉnh, thành phố, chưa đủ số liệu" (no field of its own: the snapshot hash of
    #: reports with national values stays as it was)
    value_period: str
    target: str  # "≥ 80 %" (scoped targets of one milestone joined by "; ")
    target_due: str  # "31/12/2030"
    status: str  # IndicatorStatus value in force (an override counts)
    computed_status: str
    override_reason: str
    at_risk: bool

    @property
    def indicator_cell(self) -> str:
        return f"{self.code}. {self.name}" + (f" ({self.unit})" if self.unit else "")

    @property
    def value_cell(self) -> str:
        if not self.value:
            return "Chưa có số liệu"
        return f"{self.value}\n({self.value_period})" if self.value_period else self.value

    @property
    def target_cell(self) -> str:
        if not self.target:
            return ""
        return f"{self.target}\n(đến {self.target_due})" if self.target_due else self.target

    @property
    def status_cell(self) -> str:
        text = STATUS_WORDS.get(self.status, self.status)
        if self.override_reason:
            text += (
                f"\n(đánh giá của Cơ quan thường trực: {self.override_reason}; theo phương pháp"
                f" tính: {STATUS_WORDS.get(self.computed_status, self.computed_status).lower()})"
            )
        return text


def vi_figure(value: Decimal | None) -> str:
    """73.000 and 25,5: a figure as Vietnamese documents write it, whatever the language."""
    if value is None:
        return ""
    text = f"{Decimal(value).normalize():,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def _with_unit(text: str, unit: str) -> str:
    if unit and unit not in RANK_UNITS and text[-1:].isdigit() and unit not in text:
        return f"{text} {unit}" if unit != "%" else f"{text}%"
    return text


def rollup_words(coverage: Coverage | None) -> str:
    """ "tổng hợp từ 31/34 tỉnh, thành phố, chưa đủ số liệu" — "" for a national value."""
    if coverage is None:
        return ""
    return coverage.text + ("" if coverage.complete else ", chưa đủ số liệu")


def next_milestone(targets: list[Target], as_of: dt.date) -> list[Target]:
    """The targets of the first milestone due on or after the date, else of the last one."""
    if not targets:
        return []
    due = sorted({t.due_on for t in targets})
    upcoming = [d for d in due if d >= as_of]
    when = upcoming[0] if upcoming else due[-1]
    return [t for t in targets if t.due_on == when]


def _highlight(row: Row, number: int, as_of: dt.date) -> IndicatorHighlight:
    indicator: Indicator = row.indicator
    latest = row.latest
    milestone = next_milestone(row.targets, as_of)
    unit = indicator.unit
    value = ""
    if latest is not None:
        value = (
            _with_unit(vi_figure(latest.value), unit)
            if latest.value is not None
            else f"Không có số liệu ({latest.not_available})"
        )
    group = indicator.group
    return IndicatorHighlight(
        group_number=group.number if group else None,
        group=f"Nhóm {group.number}. {group.title}" if group else NO_GROUP,
        number=number,
        code=indicator.code,
        name=indicator.name,
        unit=unit,
        value=value,
        value_period="; ".join(
            filter(
                None,
                [latest.period_label or short_date(latest.period_end), rollup_words(row.coverage)],
            )
        )
        if latest
        else "",
        target="; ".join(_with_unit(t.text, unit) for t in milestone),
        target_due=short_date(milestone[0].due_on) if milestone else "",
        status=str(row.status),
        computed_status=str(row.computed_status),
        override_reason=row.override.reason if row.override else "",
        at_risk=row.status in AT_RISK,
    )


#: The columns of the document's tables (one table per group, so the group is their title).
DOCUMENT_COLUMNS = ("number", "indicator_cell", "value_cell", "target_cell", "status_cell")


class IndicatorHighlightsExporter(Exporter):
    """The indicators of the program by solution group, those at risk first in each group."""

    key = "indicators"
    title = _("Indicator set")
    columns = (
        Column("group", _("Solution group"), "Nhóm nhiệm vụ, giải pháp", 30, 40),
        Column("number", _("No."), "STT", 6, 10, numeric=True),
        Column("indicator_cell", _("Indicator"), "Chỉ số", 50, 62),
        Column("value_cell", _("Latest approved value"), "Kết quả", 18, 28, numeric=True),
        Column("target_cell", _("Target of the next milestone"), "Mục tiêu", 18, 28, numeric=True),
        Column("status_cell", _("Status"), "Đánh giá", 22, 32),
    )

    def cells(self, row: IndicatorHighlight) -> list:
        return [getattr(row, c.key) for c in self.columns]

    def rows(self) -> list[IndicatorHighlight]:
        as_of = self.scope.as_of
        queryset = Indicator.objects.filter(program=self.scope.program)
        rows = catalogue(queryset, as_of, known_on=as_of)
        by_group: dict[int | None, list[Row]] = {}
        for row in rows:
            by_group.setdefault(row.indicator.group_id, []).append(row)
        ordered = sorted(
            by_group.values(),
            key=lambda rs: (
                rs[0].indicator.group is None,
                getattr(rs[0].indicator.group, "number", 0),
            ),
        )
        out = []
        for group_rows in ordered:
            group_rows.sort(key=lambda r: r.status not in AT_RISK)  # stable: catalogue order
            out.extend(_highlight(r, n, as_of) for n, r in enumerate(group_rows, start=1))
        return out


def groups_of(rows: list[IndicatorHighlight]) -> list[tuple[str, list[IndicatorHighlight]]]:
    """The rows cut by solution group, in order."""
    groups: list[tuple[str, list[IndicatorHighlight]]] = []
    for row in rows:
        if not groups or groups[-1][0] != row.group:
            groups.append((row.group, []))
        groups[-1][1].append(row)
    return groups


def summary_sentence(rows: list[IndicatorHighlight], as_of: dt.date) -> str:
    """ "Đến ngày 10/4/2025, Bộ chỉ số có 22 chỉ số: 02 chỉ số đã đạt mục tiêu, …; 03 chỉ số có
    nguy cơ không đạt mục tiêu (nêu trước trong từng nhóm)." """
    counts = {s: sum(1 for r in rows if r.status == s) for s in STATUS_ORDER}
    parts = [f"{two_digits(n)} chỉ số {STATUS_WORDS[s].lower()}" for s, n in counts.items() if n]
    text = f"Đến ngày {short_date(as_of)}, Bộ chỉ số có {two_digits(len(rows))} chỉ số"
    if parts:
        text += ": " + ", ".join(parts)
    risky = sum(1 for r in rows if r.at_risk)
    if risky:
        text += (
            f"; {two_digits(risky)} chỉ số có nguy cơ không đạt mục tiêu (tiến triển hạn chế"
            " hoặc đi xuống), được nêu trước trong từng nhóm"
        )
    overridden = sum(1 for r in rows if r.override_reason)
    if overridden:
        text += (
            f"; {two_digits(overridden)} chỉ số được Cơ quan thường trực đánh giá thủ công"
            " (nêu lý do tại cột Đánh giá)"
        )
    return text + "."
