"""Error codes of scam and cyber-safety alerts: each member equals its code string and carries its default message."""

from django.utils.translation import gettext_lazy as _

from gocua.errors import ErrorCode


class AlertErrorCode(ErrorCode):
    ALERT_NOT_HERE = "alert_not_here", _("This alert does not concern this household's area.")
    ALERT_UNKNOWN = "alert_unknown", _("Unknown alert; sync the app again.")
    ALERT_WITHDRAWN = "alert_withdrawn", _("This alert was withdrawn; it can no longer be changed.")
    AREA_OUTSIDE = "area_outside", _("You can only alert the area you manage or a part of it.")
    AREA_REQUIRED = "area_required", _("Choose the area the alert is for: a commune, a province or the whole country.")
    BODY_REQUIRED = "body_required", _("Describe what the scam looks like.")
    EXPIRY_INVALID = "expiry_invalid", _("Enter the last day of the alert as dd/mm/yyyy.")
    EXPIRY_PAST = "expiry_past", _("The last day of the alert cannot be in the past.")
    EXPIRY_TOO_FAR = "expiry_too_far", _("An alert lasts at most one year; publish it again later if needed.")
    NOT_OFFICER = "not_officer", _("Only commune, province and national officers publish alerts.")
    ALERT_FIELD_UNKNOWN = "alert_field_unknown", _("This alert has no such field.")
    SEVERITY_INVALID = "severity_invalid", _("Choose how serious the alert is.")
    ALERT_TEXT_INVALID = "alert_text_invalid", _("Write this as text.")
    ALERT_TITLE_REQUIRED = "alert_title_required", _("Give the alert a short title.")
    WARNED_INVALID = "warned_invalid", _("The list of alerts ticked is not valid.")
