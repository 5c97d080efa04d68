"""Error codes of administrative units and villages: each member equals its code string and carries its default message."""

from django.utils.translation import gettext_lazy as _

from gocua.errors import ErrorCode


class PlaceErrorCode(ErrorCode):
    PARENT_NOT_COMMUNE = "parent_not_commune", _("A village can only be created under a current commune.")
    VILLAGE_EXISTS = "village_exists", _("This commune already has a village with this name.")
    VILLAGE_KIND = "village_kind", _("Choose thôn, ấp, bản or tổ dân phố.")
