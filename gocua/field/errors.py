"""Error codes of the field app: device tokens and sync: each member equals its code string and carries its default message."""

from django.utils.translation import gettext_lazy as _

from gocua.errors import ErrorCode


class FieldErrorCode(ErrorCode):
    ACCOUNT_INACTIVE = "account_inactive", _("This account has been deactivated.")
    BATCH_TOO_LARGE = "batch_too_large", _("A batch may be at most %(mb)s MB; send fewer records at once.")
    CONFLICT_SETTLED = "conflict_settled", _("This conflict has already been settled.")
    CURSOR_INVALID = "cursor_invalid", _("This sync token is not valid; download again without it.")
    DEVICE_NAME_REQUIRED = "device_name_required", _("Name this device, e.g. “Hà's phone”.")
    FIELD_CONFLICT = "field_conflict", _("Someone else changed this record on another device.")
    FIELD_MISSING = "field_missing", _("A required field is missing: %(field)s")
    HOUSEHOLD_UNKNOWN = "household_unknown", _("This household is not on the server (was it rejected?).")
    INTEGRITY_ERROR = "integrity_error", _("The server could not apply this record; it was not saved. Try again later.")
    INVALID_VALUE = "invalid_value", _("This value is not allowed: %(field)s")
    KEEP_INVALID = "keep_invalid", _("Choose which value to keep.")
    LOGIN_FAILED = "login_failed", _("The user name or password is wrong.")
    MALFORMED_JSON = "malformed_json", _("The request body is not valid JSON.")
    NO_SCOPE = "no_scope", _("Your account has no area yet; ask whoever manages it.")
    OUT_OF_SCOPE = "out_of_scope", _("This %(what)s is outside your area.")
    PASSWORD_CHANGE_REQUIRED = "password_change_required", _("Choose a new password before using this device.")
    RECORD_NOT_OBJECT = "record_not_object", _("Each record must be a JSON object with uuid, type and data.")
    RESIDENT_UNKNOWN = "resident_unknown", _("This resident is not on the server (was it rejected?).")
    SINCE_INVALID = "since_invalid", _("This sync token is not valid; download again without it.")
    TEAM_REQUIRED = "team_required", _("Choose the team.")
    TEAM_UNKNOWN = "team_unknown", _("Not found, or outside your area.")
    TOO_MANY_ATTEMPTS = "too_many_attempts", _("Too many failed log-ins; wait %(minutes)s minutes and try again.")
    TOKEN_EXPIRED = "token_expired", _("This device's log-in has expired; log in again.")
    TOKEN_INVALID = "token_invalid", _("This device is not logged in; log in again.")
    TOKEN_REQUIRED = "token_required", _("Log in with a device token first.")
    TOKEN_REVOKED = "token_revoked", _("This device was logged out; log in again.")
    TOO_MANY_RECORDS = "too_many_records", _("A batch holds at most %(n)s records; send the rest in another.")
    TYPE_UNKNOWN = "type_unknown", _("Unknown record type.")
    UNKNOWN_FIELD = "unknown_field", _("Unknown field: %(field)s")
    UUID_REUSED = "uuid_reused", _("This identifier was already used for a record with other content.")
    VILLAGE_REQUIRED = "village_required", _("Choose the village of the household.")
    VILLAGE_UNKNOWN = "village_unknown", _("There is no current village with this code.")
    WRONG_TYPE = "wrong_type", _("This value has the wrong type: %(field)s")
    VILLAGE_SPLIT = "village_split", _("This village was split; choose the new village of the household and send it again.")
