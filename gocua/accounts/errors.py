"""Error codes of accounts and log-in: each member equals its code string and carries its default message."""

from django.utils.translation import gettext_lazy as _

from gocua.errors import ErrorCode


class AccountErrorCode(ErrorCode):
    MEMBER_HAS_ACCOUNT = "member_has_account", _("This member already has an account.")
    MEMBER_REQUIRED = "member_required", _("Choose a member of your team.")
    MEMBER_ROLE = "member_role", _("Only team leaders and members are linked to a team.")
    MEMBER_SCOPE = "member_scope", _("The member belongs to another team.")
    PASSWORD_SAME = "password_same", _("Choose a password different from the old one.")
    OTP_ENROLMENT_REQUIRED = "otp_enrolment_required", _("Set up two-factor sign-in on the web pages first.")
    OTP_NO_ENROLMENT = "otp_no_enrolment", _("Start the set-up again.")
    OTP_REQUIRED = "otp_required", _("Enter the code from your authenticator app.")
    OTP_WRONG = "otp_wrong", _("This code is wrong or too old; enter the current one.")
    PASSWORD_WRONG = "password_wrong", _("The current password is wrong.")
    SCOPE_REQUIRED = "scope_required", _("Choose the area of the account.")
    UNIT_CLOSED = "unit_closed", _("This unit no longer exists; choose its successor.")
    USERNAME_REQUIRED = "username_required", _("Enter a user name.")
    USERNAME_TAKEN = "username_taken", _("This user name is taken.")
