"""Error codes of the server-rendered pages' own forms: each member equals its code string and carries its default message."""

from django.utils.translation import gettext_lazy as _

from gocua.errors import ErrorCode


class WebErrorCode(ErrorCode):
    CHOOSE_ONE = "choose_one", _("Choose exactly one unit for this change.")
    INTO_REQUIRED = "into_required", _("Choose the unit that absorbs the others.")
    PARTS_INVALID = "parts_invalid", _("Read the sheet again.")
    COMMUNE_SPLIT_LIST_REQUIRED = "commune_split_list_required", _("List each village with its new commune.")
    SPLIT_LIST_REQUIRED = "split_list_required", _("Upload the sheet or list the households.")
    TO_COMMUNE_UNKNOWN = "to_commune_unknown", _("There is no commune with this code in your area.")
