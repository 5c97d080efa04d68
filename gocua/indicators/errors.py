"""Error codes of dashboards, periods and reports: each member equals its code string and carries its default message."""

from django.utils.translation import gettext_lazy as _

from gocua.errors import ErrorCode


class IndicatorErrorCode(ErrorCode):
    INVALID_DATE = "invalid_date", _("“%(value)s” is not a date: write it as YYYY-MM-DD, e.g. 2025-07-31.")
    INVALID_PERIOD = "invalid_period", _("“%(value)s” is not a period: use month, quarter or year, or write it as 2025-07, 2025-Q3 or 2025.")
    UNIT_NOT_FOUND = "unit_not_found", _("There is no unit with code “%(code)s” in your area. Codes look like VN, 01, 09784 or 09784-001.")
    MAP_INVALID = "map_invalid", _("Use map=now (today's map) or map=then (the map as it was).")
