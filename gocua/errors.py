"""Domain errors: a stable code for the API and a message a commune officer can act on.

Each app declares its codes in one registry, `<app>/errors.py` (a `StrEnum`: a member equals its
code string, so `DomainError("name_taken", …)` and `DomainError(PlaceErrorCode.NAME_TAKEN)` are the
same), with the default message beside each code; codes used by several apps are declared here.
`gocua/tests/test_error_codes.py` fails on a code used without a declaration.
"""

import importlib
from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class ErrorCode(StrEnum):
    """An app's registry of error codes; each member carries its default message (lazy)."""

    def __new__(cls, code: str, message):
        member = str.__new__(cls, code)
        member._value_ = code
        member.message = message
        return member


class CommonErrorCode(ErrorCode):
    BAD_REQUEST = "bad_request", _("The request could not be understood.")
    DATE_IN_FUTURE = "date_in_future", _("The date cannot be in the future.")
    DATE_REQUIRED = "date_required", _("Enter a date.")
    FORBIDDEN = "forbidden", _("You may not do this.")
    INDICATOR_UNKNOWN = "indicator_unknown", _("Choose indicators from the list.")
    INVALID_INPUT = "invalid_input", _("Some fields are missing or invalid.")
    MEMBERS_REQUIRED = "members_required", _("Choose the members who made the visit.")
    NAME_REQUIRED = "name_required", _("This field is required.")
    NOT_FOUND = "not_found", _("Not found, or outside your area.")
    PASSWORD_WEAK = "password_weak", _("Choose a stronger password.")
    PHONE_INVALID = "phone_invalid", _("This is not a valid Vietnamese phone number.")
    REASON_REQUIRED = "reason_required", _("This field is required.")
    RESIDENT_NOT_IN_HOUSEHOLD = "resident_not_in_household", _("This person is not in this household.")
    ROLE_INVALID = "role_invalid", _("Choose a role.")
    SERVER_ERROR = "server_error", _("Something went wrong on our side. Please try again.")
    STATUS_INVALID = "status_invalid", _("Choose a valid status.")
    TEXT_TOO_LONG = "text_too_long", _("This text is too long (at most %(n)s characters).")
    UUID_INVALID = "uuid_invalid", _("The form identifier is missing or invalid; reload the page.")
    UUID_TAKEN = "uuid_taken", _("This identifier is already used by another record.")


# Every registry, in the order the layers stack (see docs/ARCHITECTURE.md).
REGISTRY_MODULES = (
    "gocua.errors",
    "gocua.places.errors",
    "gocua.accounts.errors",
    "gocua.teams.errors",
    "gocua.households.errors",
    "gocua.outreach.errors",
    "gocua.indicators.errors",
    "gocua.imports.errors",
    "gocua.community.errors",
    "gocua.helprequests.errors",
    "gocua.alerts.errors",
    "gocua.learning.errors",
    "gocua.reports.errors",
    "gocua.field.errors",
    "gocua.api.errors",
    "gocua.ops.errors",
    "gocua.web.errors",
)


def registries() -> list[type[ErrorCode]]:
    """Return every app's registry class."""
    found = []
    for name in REGISTRY_MODULES:
        module = importlib.import_module(name)
        found += [
            obj for obj in vars(module).values()
            if isinstance(obj, type) and issubclass(obj, ErrorCode) and obj is not ErrorCode
            and obj.__module__ == name
        ]
    return found


def declared() -> dict[str, ErrorCode]:
    """Return every declared code, by its string."""
    return {member.value: member for registry in registries() for member in registry}


class DomainError(Exception):
    """A request that the rules refuse; `status` is the HTTP status the API answers with."""

    status = 400

    def __init__(self, code: str, message=None, *, field: str | None = None):
        super().__init__(code)
        self.code = code
        # Lazy translation, rendered in the caller's language; a registry member brings its own.
        self.message = message if message is not None else getattr(code, "message", code)
        self.field = field

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409
