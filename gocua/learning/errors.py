"""Error codes of the skills framework, assessments and courses: each member equals its code string and carries its default message."""

from django.utils.translation import gettext_lazy as _

from gocua.errors import ErrorCode


class LearningErrorCode(ErrorCode):
    FRAMEWORK_FILE_INVALID = "framework_file_invalid", _("The framework file is not valid: %(problem)s")
    FRAMEWORK_VERSION_CHANGED = "framework_version_changed", _(
        "Version %(version)s is already loaded with other content; give the revision a new version number."
    )
    FRAMEWORK_MISSING = "framework_missing", _("No skills framework is loaded yet; an administrator loads it first.")
    FRAMEWORK_UNKNOWN = "framework_unknown", _("This framework version is not loaded on the server.")
    ANSWER_UNKNOWN = "answer_unknown", _("An answer names a question that is not in this framework version.")
    ASSESSMENT_CONCURRENT = "assessment_concurrent", _(
        "Another assessment of this resident was saved at the same moment; open the resident again and retry."
    )
    ASSESSMENT_DATE_FUTURE = "assessment_date_future", _("The date of the assessment cannot be in the future.")
    RESIDENT_NOT_LIVING = "resident_not_living", _("This resident has moved out or died; they cannot be assessed.")
    COURSE_REQUIRED = "course_required", _("Enter the name of the course.")
    CERTIFICATE_NEEDS_COMPLETION = "certificate_needs_completion", _(
        "A certificate is given for a completed course: mark the course completed."
    )
    CERTIFICATE_DATE_REQUIRED = "certificate_date_required", _("Enter the date of the certificate.")
    CERTIFICATE_NUMBER_REQUIRED = "certificate_number_required", _("Enter the certificate number.")
    DATES_OUT_OF_ORDER = "learning_dates_out_of_order", _("The completion date is before the enrolment date.")
    PERSON_REQUIRED = "person_required", _("Choose the resident or the team member.")
    COURSE_FILE_NO_HEADER = "course_file_no_header", _(
        "No header row with the full name and the course was found in the first 30 rows; "
        "the file needs the columns “Họ và tên”, “Khóa học” and “Số CCCD” or “Số điện thoại”."
    )
