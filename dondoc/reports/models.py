"""Report templates per program and the reports generated from them.

A ``ReportTemplate`` holds what another resolution's Standing Office would change: the document
format (Party, Hướng dẫn 36-HD/VPTW, or State, Nghị định 30/2020/NĐ-CP), the header block, the
title, addressees, recipients (nơi nhận), signature block and section headings. A
``GeneratedReport`` keeps each report that was produced: its parameters, the editable text
sections, the files and the hash of the computed rows, so that producing it again for the same
"as of" date can be checked to give the same figures.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentFormat(models.TextChoices):
    PARTY = "party", _("Party document (Guideline 36-HD/VPTW)")
    STATE = "state", _("State document (Decree 30/2020/ND-CP)")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ReportTemplate(models.Model):
    """How a program's reports look (mẫu báo cáo). Text fields hold one item per line.

    ``title`` and the headings may use ``{period}``, ``{next_period}`` (``quý I/2025``) and
    ``{resolution}``; the opening paragraph may place ``{reports_note}`` where the footnote on
    who has sent their reports is called (else it is called at the paragraph's end).
    """

    program = models.OneToOneField(
        "tasks.Program",
        on_delete=models.CASCADE,
        related_name="report_template",
        verbose_name=_("program"),
    )
    document_format = models.CharField(
        _("document format"),
        max_length=8,
        choices=DocumentFormat.choices,
        default=DocumentFormat.PARTY,
    )
    parent_body = models.TextField(
        _("superior body"),
        blank=True,
        help_text=_("Above the issuing body in the header, e.g. the steering committee."),
    )
    issuing_body = models.CharField(_("issuing body"), max_length=300)
    symbol = models.CharField(
        _("document symbol"), max_length=64, help_text=_("E.g. BC/CQTTBCĐ (Party) or BC-VPCP.")
    )
    place = models.CharField(_("place"), max_length=100, default="Hà Nội")
    title = models.TextField(_("title"), help_text=_("One line per printed line."))
    addressees = models.TextField(_("addressees"), blank=True)
    opening = models.TextField(_("opening paragraph"), blank=True)
    closing = models.TextField(_("closing sentence"), blank=True)
    recipients = models.TextField(_("recipients"), blank=True)
    signature_authority = models.CharField(_("signing on behalf of"), max_length=200, blank=True)
    signature_title = models.CharField(_("signer's title"), max_length=200, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=200, blank=True)
    member_suffix = models.CharField(
        _("after members' names"), max_length=50, blank=True, help_text=_("E.g. (BCĐ TW).")
    )
    no_result_text = models.CharField(
        _("result when nothing was reported"),
        max_length=200,
        default="Chưa có báo cáo tình hình thực hiện",
    )
    next_quarter_includes_overdue = models.BooleanField(
        _("carry overdue tasks into the next quarter's list"), default=False
    )
    headings = models.JSONField(_("section headings"), default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("report template")
        verbose_name_plural = _("report templates")

    def __str__(self) -> str:
        return str(self.program)

    def addressee_lines(self) -> list[str]:
        return _lines(self.addressees)

    def recipient_lines(self) -> list[str]:
        return _lines(self.recipients)

    def parent_lines(self) -> list[str]:
        return _lines(self.parent_body)


class ReportKind(models.TextChoices):
    QUARTERLY = "quarterly", _("Quarterly report")
    MEMBER_BRIEF = "member_brief", _("Committee member brief")
    AGENCY_BRIEF = "agency_brief", _("Agency brief")


#: The text sections a clerk writes (kept with the report; not part of the data hash).
TEXT_SECTIONS = ("assessment", "bottlenecks", "focus", "recommendations")


def report_path(instance: GeneratedReport, filename: str) -> str:
    return f"reports/{instance.as_of:%Y}/{filename}"


class GeneratedReport(models.Model):
    """One report as it was generated (báo cáo đã tạo)."""

    program = models.ForeignKey(
        "tasks.Program", on_delete=models.CASCADE, related_name="reports", verbose_name=_("program")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ReportKind.choices)
    period = models.CharField(_("period"), max_length=16, blank=True)  # "2025-Q1"
    as_of = models.DateField(_("as of"))
    number = models.CharField(_("number"), max_length=16, blank=True)  # "02"
    parameters = models.JSONField(_("parameters"), default=dict)
    sections = models.JSONField(_("text sections"), default=dict, blank=True)
    figures = models.JSONField(_("figures"), default=dict)
    snapshot_hash = models.CharField(_("data snapshot hash"), max_length=64)
    docx = models.FileField(_("DOCX file"), upload_to=report_path)
    xlsx = models.FileField(_("XLSX file"), upload_to=report_path, blank=True)
    pdf = models.FileField(_("PDF file"), upload_to=report_path, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("generated report")
        verbose_name_plural = _("generated reports")
        indexes = [models.Index(fields=["program", "kind", "as_of"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period} ({self.as_of:%d/%m/%Y})"
