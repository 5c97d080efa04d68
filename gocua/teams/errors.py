"""Error codes of teams and members: each member equals its code string and carries its default message."""

from django.utils.translation import gettext_lazy as _

from gocua.errors import ErrorCode


class TeamErrorCode(ErrorCode):
    LEFT_BEFORE_JOINED = "left_before_joined", _("The leaving date is before the joining date.")
    STRENGTH_INVALID = "strength_invalid", _("Choose strengths from the list.")
    TEAM_UNIT = "team_unit", _("A team belongs to a current village or commune.")
