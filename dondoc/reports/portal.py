"""The quarterly report's section on the public portal (tiếp nhận sáng kiến, kiến nghị).

The figures are ``dondoc.portal.stats.compute`` for the report's quarter as of the report's
date, read from the submissions' history: the same report date gives the same figures, however
much later the report is rebuilt. One row per kind of submission and a total row carrying the
median time to answer. A program that received nothing by the date gets no rows, and the
report says nothing (so its snapshot hash is the one it had before this section existed).
Briefs of one member or agency (a narrowed scope) carry no portal figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from dondoc.portal.models import Kind
from dondoc.portal.stats import KIND_WORDS, Span, compute, format_days
from dondoc.reports.sections import Column, Exporter

#: How the report's table names each kind.
KIND_HEADINGS = {
    Kind.INITIATIVE: "Sáng kiến, giải pháp",
    Kind.RECOMMENDATION: "Kiến nghị chính sách",
    Kind.FEEDBACK: "Phản ánh",
}
TOTAL = "Tổng cộng"


@dataclass(frozen=True)
class PortalRow:
    """Submissions of one kind (or all: ``kind == ""``) for the report's quarter."""

    kind: str
    label: str
    received: int
    handled: int
    answered: int
    median_days: str  # "12", "12,5" or "" when nothing was answered


class PortalExporter(Exporter):
    key = "portal"
    title = _("Citizens' submissions")
    columns = (
        Column("label", _("Kind"), "Loại ý kiến", 30, 55),
        Column("received", _("Received"), "Tiếp nhận", 12, 22, numeric=True),
        Column("handled", _("Handled"), "Đã xử lý", 12, 22, numeric=True),
        Column("answered", _("Answered"), "Đã trả lời", 12, 22, numeric=True),
        Column("median_days", _("Median days to answer"), "Số ngày trả lời (trung vị)", 16, 30),
    )

    def rows(self) -> list[PortalRow]:
        scope = self.scope
        if scope.narrow is not None:
            return []
        period = scope.period_or_current()
        stats = compute(scope.program, Span.quarter(period), scope.as_of)
        if not (sum(stats.received.values()) or sum(stats.handled.values())):
            return []
        by_kind = stats.answer_days_by_kind()
        rows = [
            PortalRow(
                kind=k.value,
                label=KIND_HEADINGS[k],
                received=stats.received[k.value],
                handled=stats.handled[k.value],
                answered=len(by_kind.get(k.value, [])),
                median_days=_median(by_kind.get(k.value, [])),
            )
            for k in Kind
        ]
        rows.append(
            PortalRow(
                kind="",
                label=TOTAL,
                received=sum(r.received for r in rows),
                handled=sum(r.handled for r in rows),
                answered=len(stats.answer_days),
                median_days=_median(stats.answer_days),
            )
        )
        return rows


def _median(days: list[int]) -> str:
    import statistics

    return format_days(statistics.median(days)) if days else ""


def portal_sentence(rows: list[PortalRow], period_label: str) -> str:
    """ "Trong quý I/2025, đã xử lý 71 sáng kiến, 31 kiến nghị chính sách …; thời gian trả
    lời trung vị 12 ngày (từ ngày tiếp nhận đến ngày trả lời)." """
    total = next(r for r in rows if not r.kind)
    parts = [
        f"{r.handled:02d} {KIND_WORDS[r.kind]}"
        for r in rows
        if r.kind and (r.handled or r.kind != Kind.FEEDBACK)
    ]
    text = (
        f"Trong {period_label}, đã tiếp nhận {total.received:02d} ý kiến qua Cổng góp ý; "
        f"{', '.join(parts)} được xử lý trong {period_label}"
    )
    if total.median_days:
        text += (
            f"; thời gian trả lời trung vị {total.median_days} ngày (từ ngày tiếp nhận đến ngày "
            f"trả lời, {total.answered:02d} ý kiến)"
        )
    return text + (
        ". Ý kiến gửi trùng nội dung chỉ tính một lần; "
        "ý kiến bị giữ lại để kiểm duyệt không được tính."
    )
