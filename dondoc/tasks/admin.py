"""Admin for programs, directives and tasks.

Tasks can be corrected here (content, group, deadline phrase); their timeline, sources and
agencies are written by the services and only shown. A changed deadline phrase is read again
with ``services.apply_deadline`` so its normalised date follows.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from dondoc.accounts.admin import PolicyAdmin, ReadOnlyPolicyAdmin
from dondoc.core.transitions import locked
from dondoc.core.uploads import check_upload
from dondoc.tasks import services, spans
from dondoc.tasks.models import (
    Attachment,
    Directive,
    DuplicateCandidate,
    Program,
    ProgressUpdate,
    SolutionGroup,
    Task,
    TaskAgency,
    TaskAgencyGroup,
    TaskSource,
)


class GroupInline(PolicyAdmin, admin.TabularInline):
    model = SolutionGroup
    extra = 0


@admin.register(Program)
class ProgramAdmin(PolicyAdmin, SimpleHistoryAdmin):
    list_display = ["code", "name", "resolution", "adopted_on", "archived_on"]
    search_fields = ["code", "name", "resolution"]
    inlines = [GroupInline]


@admin.register(SolutionGroup)
class SolutionGroupAdmin(PolicyAdmin, admin.ModelAdmin):
    list_display = ["number", "title", "program"]
    list_filter = ["program"]
    search_fields = ["title"]


class DirectiveForm(forms.ModelForm):
    """The admin builds the fields; this only checks a newly uploaded source file."""

    def clean_source_file(self):
        upload = self.cleaned_data.get("source_file")
        if isinstance(upload, UploadedFile):  # a new file, not the one already stored
            _checked, problems = check_upload(upload, upload.name)
            if problems:
                raise forms.ValidationError(problems)
        return upload


@admin.register(Directive)
class DirectiveAdmin(PolicyAdmin, SimpleHistoryAdmin):
    form = DirectiveForm
    list_display = ["number", "kind", "date", "issuer", "title", "program"]
    list_filter = ["program", "kind", "date"]
    search_fields = ["number", "title"]
    date_hierarchy = "date"
    autocomplete_fields = ["issuer"]


class SourceInline(ReadOnlyPolicyAdmin, admin.TabularInline):
    model = TaskSource
    extra = 0
    fields = ["directive", "label", "wording"]


class AgencyInline(ReadOnlyPolicyAdmin, admin.TabularInline):
    model = TaskAgency
    extra = 0
    fields = ["org_unit", "role"]


class AgencyGroupInline(ReadOnlyPolicyAdmin, admin.TabularInline):
    model = TaskAgencyGroup
    extra = 0
    fields = ["group", "role"]


class TaskAdminForm(forms.ModelForm):
    """The task form with the moment it was loaded: a change saved meanwhile (by an import or
    another clerk) makes this form stale, and saving it is refused instead of overwriting."""

    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.updated_at.isoformat()

    def clean(self) -> dict:
        data = super().clean()
        loaded = data.get("loaded_version")
        if self.instance.pk and loaded:
            # The admin saves inside a transaction: the lock holds until the save commits.
            current = locked(Task, self.instance.pk, no_key=True)
            if current.updated_at.isoformat() != loaded:
                raise forms.ValidationError(
                    _(
                        "This task was changed by someone else (or an import) at %(when)s, "
                        "after you opened this page; reload it to see the change. Nothing "
                        "was saved."
                    )
                    % {"when": f"{timezone.localtime(current.updated_at):%d/%m/%Y %H:%M:%S}"},
                    code="stale",
                )
        return data


@admin.register(Task)
class TaskAdmin(PolicyAdmin, SimpleHistoryAdmin):
    form = TaskAdminForm
    list_display = ["id", "short_content", "deadline_text", "due_on", "closure_kind", "program"]
    list_filter = ["program", "group", "deadline_kind", "closure_kind"]
    search_fields = ["content", "content_folded", "deadline_text"]
    date_hierarchy = "assigned_on"
    fields = [
        "program",
        "group",
        "content",
        "parent",
        "assigned_on",
        "deadline_text",
        "deadline_kind",
        "due_on",
        "closure_kind",
        "closure_on",
        "merged_into",
        "members",
        "loaded_version",
    ]
    readonly_fields = [
        "deadline_kind",
        "due_on",
        "closure_kind",
        "closure_on",
        "merged_into",
    ]
    raw_id_fields = ["parent"]
    filter_horizontal = ["members"]
    inlines = [SourceInline, AgencyInline, AgencyGroupInline]

    @admin.display(description="content")
    def short_content(self, obj: Task) -> str:
        return obj.content[:100]

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return False  # tasks are created by imports and services, with sources and agencies

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # a task leaves by being cancelled or merged, never deleted

    def save_model(self, request: HttpRequest, obj: Task, form, change: bool) -> None:
        services.apply_deadline(obj, obj.deadline_text)
        obj._history_user = request.user
        super().save_model(request, obj, form, change)
        spans.refresh([obj.pk])  # the deadline as first assigned may have changed


class AttachmentInline(ReadOnlyPolicyAdmin, admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["original_name", "content_type", "size", "sha256"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ReadOnlyPolicyAdmin, SimpleHistoryAdmin):
    list_display = ["task", "reported_on", "recorded_on", "agency", "author", "status_change"]
    list_filter = ["status_change", "reported_on"]
    search_fields = ["text", "task__content"]
    inlines = [AttachmentInline]


@admin.register(DuplicateCandidate)
class DuplicateCandidateAdmin(ReadOnlyPolicyAdmin, SimpleHistoryAdmin):
    list_display = ["task", "candidate", "score", "state", "decided_by", "decided_at"]
    list_filter = ["state"]
