"""Error codes of administrative units and villages: each member equals its code string and carries its default message."""

from django.utils.translation import gettext_lazy as _

from gocua.errors import ErrorCode


class PlaceErrorCode(ErrorCode):
    PARENT_NOT_COMMUNE = "parent_not_commune", _("A village can only be created under a current commune.")
    VILLAGE_EXISTS = "village_exists", _("This commune already has a village with this name.")
    VILLAGE_KIND = "village_kind", _("Choose thôn, ấp, bản or tổ dân phố.")
    ABSORB_INTO_ITSELF = "absorb_into_itself", _("Choose villages other than the one that absorbs them.")
    COMMUNE_KIND = "commune_kind", _("Choose xã, phường or đặc khu.")
    DECISION_DATE_INVALID = "decision_date_invalid", _("The decision date cannot be in the future.")
    DECISION_ISSUER_REQUIRED = "decision_issuer_required", _("Enter who issued the decision.")
    DECISION_NUMBER_REQUIRED = "decision_number_required", _("Enter the number of the decision.")
    EFFECTIVE_BEFORE_UNIT = "effective_before_unit", _("The effective date must be after %(date)s, when %(unit)s began.")
    EFFECTIVE_ON_REQUIRED = "effective_on_required", _("Enter the effective date.")
    MERGE_NEEDS_TWO = "merge_needs_two", _("Choose at least two villages to merge.")
    MERGE_OTHER_COMMUNE = "merge_other_commune", _("Villages to merge must be in the same commune.")
    MERGE_OTHER_PROVINCE = "merge_other_province", _("Communes to merge must be in the same province.")
    REORG_NOT_FOUND = "reorg_not_found", _("There is no such map change.")
    REORG_NOT_SCHEDULED = "reorg_not_scheduled", _("Only a scheduled change can be cancelled.")
    SAME_COMMUNE = "same_commune", _("The village is already in this commune.")
    SHEET_PROTECTED = "sheet_protected", _("The sheet is protected by a password; save it without one.")
    SHEET_ROW_INCOMPLETE = "sheet_row_incomplete", _("Row %(row)s needs both a household key and a new village name.")
    SHEET_TOO_LONG = "sheet_too_long", _("The sheet has more than %(n)s rows.")
    SHEET_UNREADABLE = "sheet_unreadable", _("This file cannot be read as a spreadsheet (.xlsx, .xls or .ods).")
    SPLIT_INCOMPLETE = "split_incomplete", _("Every household must go to a new village; not assigned: %(keys)s.")
    SPLIT_NEEDS_TWO = "split_needs_two", _("A split needs at least two new villages.")
    SPLIT_SAME_NAME = "split_same_name", _("Two new villages have the same name.")
    SPLIT_TEAMS_TO = "split_teams_to", _("Choose which new village keeps the teams.")
    SPLIT_TWICE = "split_twice", _("A household is listed for two new villages.")
    SPLIT_UNKNOWN_HOUSEHOLD = "split_unknown_household", _("These household keys are not in the village: %(keys)s.")
    UNIT_NOT_EMPTY = "unit_not_empty", _("%(unit)s still has households, villages or teams: merge it into another unit instead.")
    UNIT_TWICE = "unit_twice", _("A village is listed twice.")
    UNIT_NOT_CURRENT = "unit_not_current", _("This village no longer exists on the current map.")
