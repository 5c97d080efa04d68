"""Error codes of the API's own answers (the error envelope): each member equals its code string and carries its default message."""

from django.utils.translation import gettext_lazy as _

from gocua.errors import ErrorCode


class ApiErrorCode(ErrorCode):
    CSRF_FAILED = "csrf_failed", _("Your session form token is missing or stale; reload the page.")
    BODY_TOO_LARGE = "body_too_large", _("The request body is too large.")
    ERROR = "error", _("The request could not be completed.")
    METHOD_NOT_ALLOWED = "method_not_allowed", _("This address does not accept this method.")
    THROTTLED = "throttled", _("Too many requests; wait a moment and try again.")
    UNAUTHENTICATED = "unauthenticated", _("Log in first.")
