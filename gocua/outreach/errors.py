"""Error codes of visits, sessions, assignments and the catalogue: each member equals its code string and carries its default message."""

from django.utils.translation import gettext_lazy as _

from gocua.errors import ErrorCode


class OutreachErrorCode(ErrorCode):
    ATTENDANCE_REQUIRED = "attendance_required", _("Add attendees or a head count.")
    ATTENDEE_UNKNOWN = "attendee_unknown", _("Some attendees are not residents of this commune.")
    CODE_INVALID = "code_invalid", _("The code uses lower-case letters, digits and _ (2–40 characters).")
    CODE_TAKEN = "code_taken", _("Another catalogue item has this code.")
    DATE_BEFORE_HOUSEHOLD = "date_before_household", _("The household was registered on %(date)s; the visit cannot be earlier.")
    EXTRAS_INVALID = "extras_invalid", _("This visit carries data the server does not know.")
    FOLLOW_UP_BEFORE_VISIT = "follow_up_before_visit", _("The follow-up date cannot be before the visit.")
    HEAD_COUNT_INVALID = "head_count_invalid", _("Enter a head count between 0 and 10,000.")
    ID_INVALID = "id_invalid", _("Some choices are invalid; reload the page.")
    MEMBER_NOT_IN_TEAM = "member_not_in_team", _("This person is not a member of this team.")
    MEMBER_NOT_IN_TEAM_THEN = "member_not_in_team_then", _("%(name)s was not in the team on that date.")
    MEMBER_UNKNOWN = "member_unknown", _("Choose members of the team.")
    MEMBERS_COUNT = "members_count", _("Choose one or two members who made the visit.")
    MEMBERS_ONE_TEAM = "members_one_team", _("The members of a visit must belong to one team.")
    NO_HOUSEHOLDS = "no_households", _("Select at least one household.")
    NO_RESIDENTS = "no_residents", _("Tick at least one resident who was checked.")
    OTHER_TEAM = "other_team", _("You can record visits of your own team only.")
    OUTCOME_INVALID = "outcome_invalid", _("Choose an outcome for each service guided.")
    PLACE_REQUIRED = "place_required", _("Enter where the session was held.")
    RESIDENT_TWICE = "resident_twice", _("A resident appears twice.")
    SERVICE_ITEM_RETIRED = "service_item_retired", _("“%(name)s” has been retired from the catalogue; it cannot be used on a new record.")
    SERVICE_ITEM_UNKNOWN = "service_item_unknown", _("Choose services from the catalogue.")
    SERVICE_TWICE = "service_twice", _("A service appears twice for one resident.")
    SESSION_DELETED = "session_deleted", _("This session has been deleted.")
    TEAM_AREA = "team_area", _("This household is outside the team's area.")
    TOPICS_REQUIRED = "topics_required", _("Choose at least one topic.")
    VISIT_DELETED = "visit_deleted", _("This visit has been deleted.")
