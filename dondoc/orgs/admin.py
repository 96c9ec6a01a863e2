from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from dondoc.accounts.admin import PolicyAdmin
from dondoc.orgs.models import Member, OrgAlias, OrgGroup, OrgUnit


class AliasInline(PolicyAdmin, admin.TabularInline):
    model = OrgAlias
    extra = 1


@admin.register(OrgUnit)
class OrgUnitAdmin(PolicyAdmin, SimpleHistoryAdmin):
    list_display = ["name", "short_name", "code", "kind", "valid_from", "valid_to", "successor"]
    list_filter = ["kind", ("valid_to", admin.EmptyFieldListFilter)]
    search_fields = ["name", "short_name", "code", "name_folded", "aliases__alias"]
    autocomplete_fields = ["parent", "successor"]
    inlines = [AliasInline]
    prepopulated_fields = {"code": ["short_name"]}


@admin.register(Member)
class MemberAdmin(PolicyAdmin, SimpleHistoryAdmin):
    list_display = ["full_name", "position", "committee_role", "program", "org_unit", "sort_order"]
    list_filter = ["program", "committee_role"]
    search_fields = ["full_name", "name_folded", "position"]
    autocomplete_fields = ["org_unit"]
    list_editable = ["sort_order"]


@admin.register(OrgGroup)
class OrgGroupAdmin(PolicyAdmin, SimpleHistoryAdmin):
    list_display = ["name", "code", "kinds"]
    search_fields = ["name", "code", "phrases"]
    autocomplete_fields = ["units"]
