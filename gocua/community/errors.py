"""Error codes of community projects and the ledger: each member equals its code string and carries its default message."""

from django.utils.translation import gettext_lazy as _

from gocua.errors import ErrorCode


class CommunityErrorCode(ErrorCode):
    AMOUNT_FRACTIONAL = "amount_fractional", _("Amounts are whole đồng, without decimals.")
    AMOUNT_INVALID = "amount_invalid", _("Enter the amount in đồng, digits only.")
    AMOUNT_NEGATIVE = "amount_negative", _("The amount cannot be negative.")
    AMOUNT_REQUIRED = "amount_required", _("Enter an amount above zero.")
    AMOUNT_TOO_LARGE = "amount_too_large", _("The amount is over the limit of %(limit)s đồng; check the number of zeros.")
    CONTRIBUTION_EMPTY = "contribution_empty", _("Enter money, labour days or materials.")
    DATE_INVALID = "date_invalid", _("Enter a valid date.")
    DATE_TOO_EARLY = "date_too_early", _("The date is too far in the past.")
    DATES_OUT_OF_ORDER = "dates_out_of_order", _("The end date is before the start date.")
    DESCRIPTION_REQUIRED = "description_required", _("Say what the money paid for.")
    DISPLAY_INVALID = "display_invalid", _("Choose how this giver may appear publicly.")
    ENTRY_ALREADY_REVERSED = "entry_already_reversed", _("This entry has already been reversed.")
    ENTRY_IS_REVERSAL = "entry_is_reversal", _("A correction cannot itself be reversed; record a new entry.")
    ENTRY_OTHER_PROJECT = "entry_other_project", _("This entry belongs to another project.")
    FIELD_UNKNOWN = "field_unknown", _("Unknown field: %(name)s.")
    GIVER_INVALID = "giver_invalid", _("Choose who gives.")
    GIVER_NAME_REQUIRED = "giver_name_required", _("Enter the name to show, or choose another way to appear.")
    HOUSEHOLD_AMBIGUOUS = "household_ambiguous", _("Several villages have a household with this key; write village code/key.")
    HOUSEHOLD_ELSEWHERE = "household_elsewhere", _("Choose a household of this commune in your area.")
    HOUSEHOLD_NOT_FOUND = "household_not_found", _("No household with this key in your area.")
    HOUSEHOLD_REQUIRED = "household_required", _("Choose the household.")
    IMAGE_EMPTY = "image_empty", _("The file is empty; choose a photo.")
    IMAGE_INVALID = "image_invalid", _("This file is not a photo (JPEG, PNG or WebP).")
    IMAGE_REQUIRED = "image_required", _("Choose a photo.")
    IMAGE_TOO_LARGE = "image_too_large", _("The photo is larger than %(mb)s MB; take it at a lower resolution.")
    IMAGE_TOO_MANY_PIXELS = "image_too_many_pixels", _("The photo has too many pixels.")
    KIND_INVALID = "kind_invalid", _("Choose the kind of project.")
    LABOUR_HALVES = "labour_halves", _("Labour is counted in half days (0.5, 1, 1.5, …).")
    LABOUR_INVALID = "labour_invalid", _("Enter labour days as a number, e.g. 1 or 1.5.")
    LABOUR_NEGATIVE = "labour_negative", _("Labour days cannot be negative.")
    LABOUR_TOO_LARGE = "labour_too_large", _("At most %(n)s labour days in one entry.")
    PHOTOS_FULL = "photos_full", _("A project has at most %(n)s photos; remove one first.")
    PROJECT_CLOSED = "project_closed", _("This project is %(status)s: it takes no new entries. Reopen it first if it must.")
    TEAM_ELSEWHERE = "team_elsewhere", _("Choose an active team of this village or commune.")
    TITLE_REQUIRED = "title_required", _("Enter a title.")
    UNIT_INVALID = "unit_invalid", _("A project belongs to a current village or commune.")
