"""Error codes of households, residents and citizen IDs: each member equals its code string and carries its default message."""

from django.utils.translation import gettext_lazy as _

from gocua.errors import ErrorCode


class HouseholdErrorCode(ErrorCode):
    BIRTH_DATE_MISMATCH = "birth_date_mismatch", _("The date of birth does not match the year of birth.")
    BIRTH_YEAR_IMPOSSIBLE = "birth_year_impossible", _("The year of birth must be between %(low)s and %(high)s.")
    BIRTH_YEAR_REQUIRED = "birth_year_required", _("Enter the year of birth.")
    CITIZEN_ID_BIRTH_YEAR = "citizen_id_birth_year", _("Digits 5–6 of the citizen ID do not match the year of birth.")
    CITIZEN_ID_DIGITS = "citizen_id_digits", _("The citizen ID may contain digits only.")
    CITIZEN_ID_GENDER_CENTURY = "citizen_id_gender_century", _("The 4th digit of the citizen ID does not match the gender and year of birth.")
    CITIZEN_ID_LENGTH = "citizen_id_length", _("The citizen ID must have exactly 12 digits.")
    CITIZEN_ID_MISSING = "citizen_id_missing", _("No citizen ID is recorded for this person.")
    CITIZEN_ID_PROVINCE = "citizen_id_province", _("The first three digits of the citizen ID are not a province code.")
    CITIZEN_ID_TAKEN = "citizen_id_taken", _("This citizen ID is already registered.")
    CITIZEN_ID_YEAR = "citizen_id_year", _("The year of birth is outside what a citizen ID can encode.")
    GENDER_REQUIRED = "gender_required", _("Choose male or female.")
    HOUSEHOLD_KEY_REQUIRED = "household_key_required", _("Enter the household key.")
    HOUSEHOLD_KEY_TAKEN = "household_key_taken", _("This village already has a household with this key.")
    INDICATOR_VALUE = "indicator_value", _("Indicators are yes, no or unknown.")
    NOT_A_VILLAGE = "not_a_village", _("Choose a current village.")
    RELATION_REQUIRED = "relation_required", _("Choose the relation to the head of household.")
    SAME_HOUSEHOLD = "same_household", _("The resident is already in this household.")
    SAME_VILLAGE = "same_village", _("The household is already in this village.")
    NOT_A_COMMUNE = "not_a_commune", _("Choose a current commune.")
    PRIORITY_BASIS_REQUIRED = "priority_basis_required", _("Say where the priority group comes from (its lawful basis or source).")
    PRIORITY_DECIDED_BY_REQUIRED = "priority_decided_by_required", _("Say who decided to collect this group.")
    PRIORITY_DECIDED_ON_REQUIRED = "priority_decided_on_required", _("Enter the date of the decision (not in the future).")
    PRIORITY_GROUP_UNKNOWN = "priority_group_unknown", _("This priority group does not exist.")
    PRIORITY_NOT_ENABLED = "priority_not_enabled", _("This commune has not decided to collect the priority group %(group)s; the commune officer must switch it on first, with its lawful basis.")
