"""Producing reports: every write of the reports app goes through here.

``generate_quarterly`` computes the report for a period and an "as of" date, renders the DOCX
and the XLSX, and stores them with the parameters, the text sections and the hash of the
computed rows. ``update_texts`` replaces the text sections and renders the files again for the
same date. ``ensure_pdf`` converts the stored DOCX with LibreOffice when asked. The briefs
(per committee member, per agency) are computed on demand and not stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet

from dondoc.orgs.models import Member, OrgUnit
from dondoc.reports.compose import Brief, Document, Table, compose_brief, compose_quarterly
from dondoc.reports.models import TEXT_SECTIONS, GeneratedReport, ReportKind, ReportTemplate
from dondoc.reports.pdf import to_pdf
from dondoc.reports.periods import Period, parse_period
from dondoc.reports.presets import template_for
from dondoc.reports.render_docx import render_docx
from dondoc.reports.render_xlsx import render_xlsx
from dondoc.reports.sections import (
    LateTasksExporter,
    QuarterlyData,
    ReportScope,
    UpcomingExporter,
    quarterly_data,
)
from dondoc.tasks.collective import involving
from dondoc.tasks.models import AgencyRole, Program, Task
from dondoc.tasks.queries import status_counts


@dataclass
class QuarterlyReport:
    """A computed quarterly report: its data, its document and the template used."""

    data: QuarterlyData
    document: Document
    template: ReportTemplate

    def docx(self) -> bytes:
        return render_docx(self.document)

    def xlsx(self) -> bytes:
        return quarterly_xlsx(self)


def scope_for(
    program: Program,
    as_of: dt.date,
    period: Period | None = None,
    narrow: QuerySet | None = None,
    template: ReportTemplate | None = None,
) -> ReportScope:
    template = template or template_for(program)
    return ReportScope(
        program=program,
        as_of=as_of,
        period=period,
        narrow=narrow,
        member_suffix=template.member_suffix,
        no_result_text=template.no_result_text,
        carry_overdue=template.next_quarter_includes_overdue,
        document_format=template.document_format,
    )


def build_quarterly(
    program: Program,
    *,
    period: Period,
    as_of: dt.date,
    number: str = "",
    issued_on: dt.date | None = None,
    texts: dict[str, str] | None = None,
    narrow: QuerySet | None = None,
) -> QuarterlyReport:
    """Compute the quarterly report (nothing is stored)."""
    template = template_for(program)
    data = quarterly_data(scope_for(program, as_of, period, narrow, template))
    document = compose_quarterly(
        data, template, number=number, issued_on=issued_on, texts=texts or {}
    )
    return QuarterlyReport(data=data, document=document, template=template)


def quarterly_xlsx(report: QuarterlyReport) -> bytes:
    data, document = report.data, report.document
    ex = data.exporters
    sheets = []
    for appendix, key in zip(document.appendices, ("appendix_late", "appendix_next"), strict=True):
        widths = [c.xlsx_width for c in ex[key].columns]
        title = f"{appendix.label}. {appendix.title}"
        sheets.append((appendix.label, title, appendix.subtitle, appendix.table, widths))
    rows_of = {
        "by_session": data.sessions,
        "by_group": data.groups,
        "by_lead": data.leads,
        "completeness": data.completeness,
        "action_plans": data.action_plans,
        "indicators": data.indicators,
        "portal": data.portal,
    }
    for key, name in (
        ("by_session", "Theo phiên họp"),
        ("by_group", "Theo nhóm nhiệm vụ"),
        ("by_lead", "Theo cơ quan chủ trì"),
        ("completeness", "Tình hình gửi báo cáo"),
        ("action_plans", "Kế hoạch hành động"),
        ("indicators", "Bộ chỉ số"),
        ("portal", "Tiếp nhận sáng kiến, kiến nghị"),
    ):
        exporter, rows = ex[key], rows_of[key]
        if key in ("completeness", "action_plans", "indicators", "portal") and not rows:
            continue  # no round or no action plan by the date: the report says nothing
        sheets.append(
            (
                name,
                name,
                f"Số liệu đến {data.scope.as_of:%d/%m/%Y}",
                Table.from_exporter(exporter, rows),
                [c.xlsx_width for c in exporter.columns],
            )
        )
    return render_xlsx(sheets)


def _clean_texts(texts: dict[str, str] | None) -> dict[str, str]:
    texts = texts or {}
    return {key: (texts.get(key) or "").strip() for key in TEXT_SECTIONS}


def _file_stem(report: GeneratedReport) -> str:
    return f"bao-cao-{report.program.code.lower()}-{report.period}-{report.as_of:%Y%m%d}"


def _render_files(report: GeneratedReport, computed: QuarterlyReport) -> None:
    stem = _file_stem(report)
    for field_name in ("docx", "xlsx", "pdf"):
        old = getattr(report, field_name)
        if old:
            old.delete(save=False)
    report.docx.save(f"{stem}.docx", ContentFile(computed.docx()), save=False)
    report.xlsx.save(f"{stem}.xlsx", ContentFile(computed.xlsx()), save=False)


def _figures(data: QuarterlyData) -> dict:
    figures = {
        **asdict(data.figures),
        "appendix_late": len(data.late),
        "appendix_next": len(data.upcoming),
    }
    if data.completeness:
        figures["completeness"] = [asdict(row) for row in data.completeness]
    if data.action_plans:
        figures["action_plans"] = [asdict(row) for row in data.action_plans]
    return figures


@transaction.atomic
def generate_quarterly(
    program: Program,
    *,
    period: Period,
    as_of: dt.date,
    by=None,
    number: str = "",
    issued_on: dt.date | None = None,
    texts: dict[str, str] | None = None,
) -> GeneratedReport:
    """Compute, render and store a quarterly report."""
    texts = _clean_texts(texts)
    issued_on = issued_on or as_of
    computed = build_quarterly(
        program, period=period, as_of=as_of, number=number, issued_on=issued_on, texts=texts
    )
    report = GeneratedReport(
        program=program,
        kind=ReportKind.QUARTERLY,
        period=period.code,
        as_of=as_of,
        number=number,
        parameters={
            "program": program.code,
            "period": period.code,
            "as_of": as_of.isoformat(),
            "issued_on": issued_on.isoformat(),
            "number": number,
            "document_format": computed.template.document_format,
        },
        sections=texts,
        figures=_figures(computed.data),
        snapshot_hash=computed.data.snapshot_hash(),
        created_by=by,
    )
    _render_files(report, computed)
    report.save()
    return report


def recompute(report: GeneratedReport, texts: dict[str, str] | None = None) -> QuarterlyReport:
    """The report computed again from its stored parameters (same date, same figures)."""
    params = report.parameters
    return build_quarterly(
        report.program,
        period=parse_period(report.period),
        as_of=report.as_of,
        number=report.number,
        issued_on=dt.date.fromisoformat(params.get("issued_on", report.as_of.isoformat())),
        texts=report.sections if texts is None else texts,
    )


@transaction.atomic
def update_texts(report: GeneratedReport, texts: dict[str, str], *, by=None) -> GeneratedReport:
    """Replace the text sections and render the files again (the figures keep their date)."""
    report.sections = _clean_texts(texts)
    computed = recompute(report)
    report.snapshot_hash = computed.data.snapshot_hash()
    report.figures = _figures(computed.data)
    _render_files(report, computed)
    report.save()
    return report


def ensure_pdf(report: GeneratedReport) -> GeneratedReport:
    """Convert the stored DOCX to PDF once (raises ``pdf.PdfUnavailable`` when impossible)."""
    if report.pdf:
        return report
    with report.docx.open("rb") as handle:
        pdf = to_pdf(handle.read(), name=report.docx.name)
    report.pdf.save(f"{_file_stem(report)}.pdf", ContentFile(pdf), save=False)
    report.save(update_fields=["pdf", "updated_at"])
    return report


# ----------------------------------------------------------------------------------------------
# Briefs


def _brief(program: Program, as_of: dt.date, tasks: QuerySet, title: str, subject: str) -> Brief:
    template = template_for(program)
    scope = scope_for(program, as_of, narrow=tasks, template=template)
    late, upcoming = LateTasksExporter(scope), UpcomingExporter(scope)
    return Brief(
        title=title,
        subject=subject,
        as_of=as_of,
        counts=status_counts(scope.tasks, as_of),
        late=late.rows(),
        upcoming=upcoming.rows(),
        late_exporter=late,
        upcoming_exporter=upcoming,
    )


def member_brief(member: Member, as_of: dt.date) -> Brief:
    """A one-page brief of the tasks a committee member directs and follows."""
    tasks = Task.objects.filter(members=member)
    return _brief(
        member.program,
        as_of,
        tasks,
        title=f"Tình hình thực hiện nhiệm vụ do đồng chí {member.full_name} chỉ đạo, theo dõi",
        subject=f"đồng chí {member.full_name} chỉ đạo, theo dõi",
    )


def agency_brief(program: Program, unit: OrgUnit, as_of: dt.date) -> Brief:
    """A one-page brief of the tasks an agency leads (with units merged into it, and those of
    the collective agencies it is a member of on ``as_of``)."""
    tasks = Task.objects.filter(involving(unit.lineage_ids(), roles=[AgencyRole.LEAD], on=as_of))
    return _brief(
        program,
        as_of,
        tasks,
        title=f"Tình hình thực hiện nhiệm vụ do {unit.name} chủ trì",
        subject=f"{unit.name} chủ trì",
    )


def brief_docx(brief: Brief, program: Program) -> bytes:
    return render_docx(compose_brief(brief, template_for(program)))
