"""Error codes of dashboards, periods and reports: each member equals its code string and carries its default message."""

from django.utils.translation import gettext_lazy as _

from gocua.errors import ErrorCode


class IndicatorErrorCode(ErrorCode):
    INVALID_DATE = "invalid_date", _("“%(value)s” is not a date: write it as YYYY-MM-DD, e.g. 2025-07-31.")
    INVALID_PERIOD = "invalid_period", _("“%(value)s” is not a period: use month, quarter or year, or write it as 2025-07, 2025-Q3 or 2025.")
    UNIT_NOT_FOUND = "unit_not_found", _("There is no unit with code “%(code)s” in your area. Codes look like VN, 01, 09784 or 09784-001.")
    MAP_INVALID = "map_invalid", _("Use map=now (today's map) or map=then (the map as it was).")
    TARGET_FORBIDDEN = "target_forbidden", _("Only an officer of this area (or the national administrator) may set its targets.")
    TARGET_AREA = "target_area", _("Targets are set for the nation, a province or a commune, not for a village.")
    TARGET_INDICATOR = "target_indicator", _("Choose one of the listed indicators.")
    TARGET_VALUE = "target_value", _("A percent target is a number above 0 and at most 100 (e.g. 85 or 72.5); a count is a whole number above 0.")
    TARGET_PERIOD = "target_period", _("The period must end on or after the day it starts, and last at most ten years.")
    TARGET_DOCUMENT = "target_document", _("Write the number, date and issuer of the document that sets the target (e.g. 12/KH-UBND, 15/01/2026, UBND tỉnh).")
    TARGET_LOOSER = "target_looser", _("A local target may be stricter than the one above it, never looser.")
    TARGET_OVERLAP = "target_overlap", _("This area already has a target for this indicator in part of that period: withdraw it first, or start the new one after it ends.")
    TARGET_NOT_FOUND = "target_not_found", _("There is no such target in your area.")
