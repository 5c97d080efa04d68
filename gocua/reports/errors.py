"""Error codes of the periodic reports and their review: each member equals its code string and carries its message."""

from django.utils.translation import gettext_lazy as _

from gocua.errors import ErrorCode


class ReportErrorCode(ErrorCode):
    REPORT_FORBIDDEN = "report_forbidden", _("Only the officer of this unit sends its report, and only the officer one level up reviews it.")
    REPORT_LEVEL = "report_level", _("Reports are sent by communes (to their province) and by provinces (to the nation).")
    REPORT_NOT_STARTED = "report_not_started", _("This period has not started yet: a report is sent for a period under way or past.")
    REPORT_PENDING = "report_pending", _("This report was sent and waits for review: it can be sent again only after it is returned.")
    REPORT_FROZEN = "report_frozen", _("This report was accepted: it is kept as sent and can no longer change.")
    REPORT_NOT_SUBMITTED = "report_not_submitted", _("There is no report waiting for review for this unit and period.")
    REPORT_COMMENT = "report_comment", _("Say what to correct (at most 1,000 characters) when returning a report.")
    REPORT_NUMBER = "report_number", _("Write the report's number as it is registered (e.g. 15/BC-UBND), at most 40 characters.")
