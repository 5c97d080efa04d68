"""Teams and members in the (read-only) admin."""

from django.contrib import admin

from gocua.accounts.admin import ReadOnlyAdmin
from gocua.teams.models import Member, Team


@admin.register(Team)
class TeamAdmin(ReadOnlyAdmin):
    list_display = ("name", "unit", "commune_code", "founded_on", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "=commune_code", "=village_code", "=unit__code")
    list_select_related = ("unit",)
    fields = ("name", "unit", "province_code", "commune_code", "village_code", "founded_on", "is_active", "created_at")
    readonly_fields = fields


@admin.register(Member)
class MemberAdmin(ReadOnlyAdmin):
    list_display = ("full_name", "team", "role", "joined_on", "left_on", "user")
    list_filter = ("role",)
    search_fields = ("full_name", "=team__commune_code", "=user__username")
    list_select_related = ("team", "user")
    fields = ("full_name", "team", "role", "phone", "strengths", "joined_on", "left_on", "user")
    readonly_fields = fields
