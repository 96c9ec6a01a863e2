"""Admin for users, memberships and API tokens.

The admin is open only to users who hold ``admin.access`` in the permission table (superusers),
whatever Django's per-model permissions say: ``PolicyAdmin`` answers every permission question
from ``dondoc.accounts.policy``. The Standing Office manages people and organisation units in
the application's own pages.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from dondoc.accounts.models import ApiToken, Membership, User, agency_problem
from dondoc.accounts.policy import can


def may_administer(request: HttpRequest) -> bool:
    return request.user.is_active and can(request.user, "admin.access")


admin.site.has_permission = may_administer
admin.site.site_header = _("Đôn đốc administration")
admin.site.site_title = _("Đôn đốc")
admin.site.index_title = _("Reference data and accounts")


class PolicyAdmin:
    """Mixin: every admin permission follows ``admin.access``."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_administer(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return may_administer(request)

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return may_administer(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return may_administer(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return may_administer(request)


class ReadOnlyPolicyAdmin(PolicyAdmin):
    """Records written only by the application's services: view in the admin, never edit."""

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class MembershipFormSet(BaseInlineFormSet):
    """A reporter or an agency head cannot be saved without an agency (``agency_problem``)."""

    def clean(self) -> None:
        super().clean()
        kept = [
            form
            for form in self.forms
            if form.cleaned_data
            and form.cleaned_data.get("org_unit")
            and not form.cleaned_data.get("DELETE")
        ]
        problem = agency_problem(self.instance.role, len(kept))
        if problem:
            raise ValidationError(problem)


class MembershipInline(PolicyAdmin, admin.TabularInline):
    model = Membership
    formset = MembershipFormSet
    extra = 1
    autocomplete_fields = ["org_unit"]


@admin.register(User)
class UserAdmin(PolicyAdmin, SimpleHistoryAdmin, DjangoUserAdmin):
    list_display = ["username", "full_name", "role", "email", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "email"]
    inlines = [MembershipInline]
    autocomplete_fields = ["committee_member"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "first_name", "last_name", "email")}),
        (_("Role"), {"fields": ("role", "committee_member", "is_active", "is_staff")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]


@admin.register(ApiToken)
class ApiTokenAdmin(PolicyAdmin, admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "scopes", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["scopes"]
    search_fields = ["name", "user__username", "prefix"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return False  # tokens are issued with ApiToken.issue, which shows the key once
