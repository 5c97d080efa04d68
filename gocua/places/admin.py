"""Administrative units in the (read-only) admin."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from gocua.accounts.admin import ReadOnlyAdmin
from gocua.places.models import Unit, UnitSuccession


class CurrentFilter(admin.SimpleListFilter):
    title = _("validity")
    parameter_name = "current"

    def lookups(self, request, model_admin):
        return [("yes", _("Current")), ("no", _("Closed"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(valid_to__isnull=self.value() == "yes")
        return queryset


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "level", "parent", "valid_from", "valid_to")
    list_filter = ("level", "kind", CurrentFilter)
    search_fields = ("=code", "name")
    list_select_related = ("parent",)
    fields = (
        "code", "name", "kind", "level", "parent", "province_code", "commune_code", "village_code",
        "latitude", "longitude", "area_km2", "valid_from", "valid_to", "created_at",
    )
    readonly_fields = fields


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(ReadOnlyAdmin):
    list_display = ("predecessor", "successor", "change", "on", "note")
    list_filter = ("change",)
    search_fields = ("=predecessor__code", "=successor__code")
    list_select_related = ("predecessor", "successor")
