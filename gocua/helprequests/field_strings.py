"""The offline app's words for the help-request queue (field/static/field/help.js)."""

from django.utils.translation import gettext as _

from gocua.helprequests.models import CloseReason, PreferredTime, Status


def help_app_strings() -> dict:
    """Return the words help.js shows, in the request's language."""
    return {
        "queue": _("Help requests"),
        "empty": _("No requests waiting."),
        "other": _("Something else"),
        "overdue": _("overdue"),
        "claim": _("Take this request"),
        "call": _("Call back"),
        "visit": _("Record a visit (closes the request)"),
        "link": _("Link"),
        "household": _("Household"),
        "close": _("Close"),
        "statuses": {value: str(label) for value, label in Status.choices},
        "times": {value: str(label) for value, label in PreferredTime.choices},
        "reasons": {value: str(label) for value, label in CloseReason.choices if value != CloseReason.VISIT},
    }
