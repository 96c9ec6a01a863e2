from django.contrib import admin

from dondoc.reports.models import GeneratedReport, ReportTemplate


@admin.register(ReportTemplate)
class ReportTemplateAdmin(admin.ModelAdmin):
    list_display = ("program", "document_format", "issuing_body", "symbol", "updated_at")


@admin.register(GeneratedReport)
class GeneratedReportAdmin(admin.ModelAdmin):
    list_display = ("program", "kind", "period", "as_of", "number", "created_by", "created_at")
    list_filter = ("kind", "program")
    readonly_fields = ("snapshot_hash", "figures", "parameters", "created_at", "created_by")
