"""Households and residents in the (read-only) admin, with personal data kept to the minimum.

National admins are not among the roles that see residents' phones in full
(accounts.permissions.PHONE_ROLES), and citizen IDs appear only masked: the unmasked
number is shown solely through the audited reveal action of the app.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from gocua.accounts.admin import ReadOnlyAdmin
from gocua.households.digital import INDICATOR_NAMES
from gocua.households.models import (
    Assignment,
    Household,
    HouseholdMove,
    IndicatorChange,
    Resident,
    ResidentMove,
)
from gocua.lib import phone
from gocua.lib.text import fold


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ("household_key", "village", "commune_code", "head", "created_at")
    search_fields = ("=household_key", "=village_code", "=commune_code")
    list_select_related = ("village", "head")
    fields = (
        "uuid", "household_key", "village", "province_code", "commune_code", "village_code", "address_line",
        "head", "created_at", "updated_at",
    )
    readonly_fields = fields


@admin.register(Resident)
class ResidentAdmin(ReadOnlyAdmin):
    list_display = ("full_name", "birth_year", "gender", "relation", "status", "household", "citizen_id_masked")
    list_filter = ("status", "gender")
    search_fields = ("name_folded", "=commune_code", "=village_code")
    list_select_related = ("household",)
    # Listed explicitly so citizen_id_encrypted and citizen_id_hash can never appear.
    fields = (
        "uuid", "full_name", "household", "birth_year", "birth_date", "gender", "relation", "status",
        "phone_masked", "citizen_id_masked", "province_code", "commune_code", "village_code",
        *INDICATOR_NAMES, "created_at", "updated_at",
    )
    readonly_fields = fields
    exclude = ("citizen_id_encrypted", "citizen_id_hash", "phone")

    @admin.display(description=_("phone"))
    def phone_masked(self, obj) -> str:
        return phone.mask(obj.phone) if obj.phone else ""

    def get_search_results(self, request, queryset, search_term):
        # name_folded holds names without diacritics; fold the query the same way.
        return super().get_search_results(request, queryset, fold(search_term) or search_term)


@admin.register(IndicatorChange)
class IndicatorChangeAdmin(ReadOnlyAdmin):
    list_display = ("resident_id", "indicator", "old_value", "new_value", "changed_at", "source")
    list_filter = ("source", "indicator")
    search_fields = ("=resident__id", "=source_ref")
    fields = ("resident", "indicator", "old_value", "new_value", "changed_at", "source", "source_ref")
    readonly_fields = fields


@admin.register(HouseholdMove)
class HouseholdMoveAdmin(ReadOnlyAdmin):
    list_display = ("household", "from_village", "to_village", "moved_on", "recorded_at")
    list_select_related = ("household", "from_village", "to_village")


@admin.register(ResidentMove)
class ResidentMoveAdmin(ReadOnlyAdmin):
    list_display = ("resident_id", "from_household", "to_household", "moved_on", "recorded_at")
    list_select_related = ("from_household", "to_household")


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ("household", "member", "assigned_at")
    list_select_related = ("household", "member")
