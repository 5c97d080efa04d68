"""Error codes of help requests: each member equals its code string and carries its default message."""

from django.utils.translation import gettext_lazy as _

from gocua.errors import ErrorCode


class HelpErrorCode(ErrorCode):
    ALREADY_CLOSED = "help_already_closed", _("This request is already closed.")
    CONSENT_REQUIRED = "help_consent_required", _("Tick the box to agree that the team may call you.")
    FORM_EXPIRED = "help_form_expired", _("This form is too old or damaged; reload the page and fill it in again.")
    FORM_TOO_FAST = "help_form_too_fast", _("That was very fast; wait a few seconds and send again.")
    HONEYPOT = "help_honeypot", _("The request could not be sent; reload the page and try again.")
    HOUSEHOLD_ELSEWHERE = "help_household_elsewhere", _("Choose a household of this request's village.")
    LINK_NOT_ALLOWED = "help_link_not_allowed", _("Please write without web links.")
    NAME_REQUIRED = "help_name_required", _("Write your name so the team knows whom to ask for.")
    NOT_A_MEMBER = "help_not_a_member", _("Only the village team can take this request.")
    REASON_INVALID = "help_reason_invalid", _("Choose a reason from the list.")
    SERVICE_INVALID = "help_service_invalid", _("Choose what you need help with from the list.")
    TIME_INVALID = "help_time_invalid", _("Choose a time from the list.")
    TOO_MANY = "help_too_many", _("Too many requests were sent from here; please wait an hour and try again, or call the team.")
    VILLAGE_UNKNOWN = "help_village_unknown", _("This village has no help page.")
