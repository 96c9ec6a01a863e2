"""Pages of the reports: list, new quarterly report (with preview), report detail and
downloads, and the one-page briefs per committee member and per agency.

Every view asks the permission table first; an agency brief outside the user's scope is a 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dondoc.accounts.policy import can
from dondoc.core.collation import vi_order
from dondoc.core.params import date_param
from dondoc.orgs.models import Member, OrgUnit
from dondoc.reports import services
from dondoc.reports.compose import compose_brief
from dondoc.reports.forms import QuarterlyReportForm, TextSectionsForm
from dondoc.reports.models import GeneratedReport, ReportKind
from dondoc.reports.pdf import PdfUnavailable, libreoffice
from dondoc.reports.periods import Period
from dondoc.reports.presets import template_for
from dondoc.tasks.filters import choose_program
from dondoc.tasks.models import AgencyRole, Program
from dondoc.tasks.programs import picker_programs

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def require(request: HttpRequest, action: str, obj: Any = None) -> None:
    if not can(request.user, action, obj):
        raise PermissionDenied


def get_report_for_user(request: HttpRequest, pk: int) -> GeneratedReport:
    require(request, "report.view")
    return get_object_or_404(GeneratedReport.objects.select_related("program", "created_by"), pk=pk)


def _as_of(request: HttpRequest) -> dt.date:
    """The "as of" date asked for (today by default); an unreadable one is refused (400)."""
    return date_param(request.GET, "as_of") or timezone.localdate()


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    require(request, "report.view")
    program = choose_program(request.GET.get("program"))
    reports = GeneratedReport.objects.filter(kind=ReportKind.QUARTERLY).select_related(
        "program", "created_by"
    )
    if program is not None:
        reports = reports.filter(program=program)
    leads = (
        OrgUnit.objects.filter(
            task_roles__role=AgencyRole.LEAD, task_roles__task__program=program
        ).distinct()
        if program
        else OrgUnit.objects.none()
    )
    return render(
        request,
        "reports/list.html",
        {
            "program": program,
            "programs": picker_programs(program),
            "reports": reports[:100],
            "members": Member.objects.filter(program=program) if program else [],
            "agencies": leads.order_by("kind", vi_order("name")),
            "may_generate": can(request.user, "report.generate"),
            "may_brief_member": can(request.user, "brief.member"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    require(request, "report.generate")
    preview = None
    if request.method == "POST":
        form = QuarterlyReportForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            options = {
                "period": data["period"],
                "as_of": data["as_of"],
                "number": data["number"],
                "issued_on": data["issued_on"],
                "texts": form.texts(),
            }
            if request.POST.get("action") == "generate":
                report = services.generate_quarterly(data["program"], by=request.user, **options)
                messages.success(request, _("The report was generated and stored."))
                return redirect("reports:detail", pk=report.pk)
            preview = services.build_quarterly(data["program"], **options)
    else:
        today = timezone.localdate()
        last = Period.containing(today)
        last = (
            Period(last.year - 1, 4) if last.quarter == 1 else Period(last.year, last.quarter - 1)
        )
        form = QuarterlyReportForm(
            initial={
                "program": choose_program(request.GET.get("program")),
                "period": last.code,
                "as_of": today,
            }
        )
    return render(request, "reports/new.html", {"form": form, "preview": preview})


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request, pk)
    computed = services.recompute(report)
    return render(
        request,
        "reports/detail.html",
        {
            "report": report,
            "preview": computed,
            "same_figures": computed.data.snapshot_hash() == report.snapshot_hash,
            "texts_form": TextSectionsForm(initial=report.sections),
            "may_generate": can(request.user, "report.generate"),
            "pdf_available": bool(report.pdf) or libreoffice() is not None,
        },
    )


@login_required
@require_POST
def report_texts(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request, pk)
    require(request, "report.generate")
    form = TextSectionsForm(request.POST)
    if form.is_valid():
        services.update_texts(report, form.cleaned_data, by=request.user)
        messages.success(request, _("The text sections were saved and the files rendered again."))
    return redirect("reports:detail", pk=report.pk)


@login_required
@require_GET
def report_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    report = get_report_for_user(request, pk)
    if fmt == "pdf":
        try:
            report = services.ensure_pdf(report)
        except PdfUnavailable as exc:
            messages.error(request, str(exc))
            return redirect("reports:detail", pk=report.pk)
    field = {"docx": report.docx, "xlsx": report.xlsx, "pdf": report.pdf}.get(fmt)
    if not field:
        raise Http404
    content_type = {"docx": DOCX_TYPE, "xlsx": XLSX_TYPE, "pdf": "application/pdf"}[fmt]
    return FileResponse(
        field.open("rb"),
        as_attachment=True,
        filename=field.name.rsplit("/", 1)[-1],
        content_type=content_type,
    )


def _brief_response(request: HttpRequest, brief, program: Program, name: str) -> HttpResponse:
    if request.GET.get("format") == "docx":
        response = HttpResponse(services.brief_docx(brief, program), content_type=DOCX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{name}.docx"'
        return response
    document = compose_brief(brief, template_for(program))
    return render(
        request,
        "reports/brief.html",
        {"brief": brief, "document": document, "as_of": brief.as_of},
    )


@login_required
@require_GET
def member_brief(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "brief.member")
    member = get_object_or_404(Member.objects.select_related("program"), pk=pk)
    brief = services.member_brief(member, _as_of(request))
    return _brief_response(request, brief, member.program, f"tom-tat-thanh-vien-{member.pk}")


@login_required
@require_GET
def agency_brief(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "brief.agency")
    unit = get_object_or_404(OrgUnit, pk=pk)
    if not can(request.user, "brief.agency", unit):
        raise Http404
    program = choose_program(request.GET.get("program"))
    if program is None:
        raise Http404
    brief = services.agency_brief(program, unit, _as_of(request))
    return _brief_response(request, brief, program, f"tom-tat-co-quan-{unit.pk}")
