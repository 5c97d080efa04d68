"""Users with a role and a scope unit, and the append-only audit log."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from gocua.places.models import Unit


class Role(models.TextChoices):
    NATIONAL_ADMIN = "national_admin", _("National administrator")
    PROVINCE_OFFICER = "province_officer", _("Province officer")
    COMMUNE_OFFICER = "commune_officer", _("Commune officer")
    TEAM_LEADER = "team_leader", _("Team leader")
    TEAM_MEMBER = "team_member", _("Team member")


# Higher rank manages lower ranks; nobody creates an account at or above their own rank
# (national admins excepted, who manage everyone).
ROLE_RANK = {
    Role.NATIONAL_ADMIN: 4,
    Role.PROVINCE_OFFICER: 3,
    Role.COMMUNE_OFFICER: 2,
    Role.TEAM_LEADER: 1,
    Role.TEAM_MEMBER: 0,
}


class GocuaUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        """Make `gocua createsuperuser` a national admin scoped to the nation (needs `load_units`)."""
        extra_fields.setdefault("role", Role.NATIONAL_ADMIN)
        if "scope_unit" not in extra_fields and "scope_unit_id" not in extra_fields:
            extra_fields["scope_unit"] = Unit.objects.filter(code="VN", valid_to__isnull=True).first()
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.TEAM_MEMBER)
    scope_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("scope")
    )
    full_name = models.CharField(_("full name"), max_length=120, blank=True)
    must_change_password = models.BooleanField(default=False)

    objects = GocuaUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def rank(self) -> int:
        return ROLE_RANK[self.role]


class AuditEvent(models.Model):
    """A sensitive action. Rows are never updated or deleted: database triggers refuse it."""

    class Action(models.TextChoices):
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Failed log-in")
        LOGOUT = "logout", _("Logged out")
        CITIZEN_ID_SHOWN = "citizen_id_shown", _("Citizen ID shown unmasked")
        EXPORT = "export", _("Export of personal data")
        ACCOUNT_CREATED = "account_created", _("Account created")
        ACCOUNT_DEACTIVATED = "account_deactivated", _("Account deactivated")
        ACCOUNT_REACTIVATED = "account_reactivated", _("Account reactivated")
        PASSWORD_RESET = "password_reset", _("Password reset by a manager")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        ROLE_CHANGED = "role_changed", _("Role or scope changed")
        DEVICES_REVOKED = "devices_revoked", _("Devices logged out")
        TWO_FACTOR_ENABLED = "two_factor_enabled", _("Two-factor sign-in set up")
        TWO_FACTOR_DISABLED = "two_factor_disabled", _("Two-factor sign-in removed")
        PROJECT_CREATED = "project_created", _("Community project created")
        PROJECT_CHANGED = "project_changed", _("Community project changed")
        PROJECT_STATUS = "project_status", _("Community project status changed")
        PROJECT_PHOTO_ADDED = "project_photo_added", _("Project photo added")
        PROJECT_PHOTO_REMOVED = "project_photo_removed", _("Project photo removed")
        LEDGER_ENTRY = "ledger_entry", _("Ledger entry recorded")
        LEDGER_REVERSAL = "ledger_reversal", _("Ledger entry reversed")
        HOUSEHOLD_CREATED = "household_created", _("Household registered")
        HOUSEHOLD_CHANGED = "household_changed", _("Household changed")
        HOUSEHOLD_MOVED = "household_moved", _("Household moved")
        RESIDENT_CREATED = "resident_created", _("Resident registered")
        RESIDENT_CHANGED = "resident_changed", _("Resident changed")
        RESIDENT_MOVED = "resident_moved", _("Resident moved")
        RESIDENT_REMOVED = "resident_removed", _("Resident removed (moved out or deceased)")
        INDICATORS_CHANGED = "indicators_changed", _("Indicators changed")
        VISIT_RECORDED = "visit_recorded", _("Visit recorded")
        VISIT_EDITED = "visit_edited", _("Visit corrected")
        VISIT_DELETED = "visit_deleted", _("Visit deleted")
        ASSIGNMENT_SET = "assignment_set", _("Households assigned to a member")
        ASSIGNMENT_REMOVED = "assignment_removed", _("Assignments removed")
        SESSION_RECORDED = "session_recorded", _("Community session recorded")
        SESSION_DELETED = "session_deleted", _("Community session deleted")
        IMPORT_CONFIRMED = "import_confirmed", _("Roster import confirmed")
        PRIORITY_SHOWN = "priority_shown", _("Priority groups shown")
        PRIORITY_CHANGED = "priority_changed", _("Priority groups changed")
        PRIORITY_SETTING = "priority_setting", _("Priority group collection decided")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # No database constraint and no cascade: deleting a user must never touch the log.
    actor = models.ForeignKey(
        User, on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="+"
    )
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=24, choices=Action.choices, db_index=True)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    # The unit the event happened in (most specific code) and its scope codes, so that the log
    # is scoped (accounts.scope) and filtered by unit like any registry table; blank for log-ins.
    unit_code = models.CharField(max_length=16, blank=True, db_index=True)
    province_code = models.CharField(max_length=16, blank=True, db_index=True)
    commune_code = models.CharField(max_length=16, blank=True, db_index=True)
    village_code = models.CharField(max_length=16, blank=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.actor_username}".strip() if self.at else self.action


class UserSession(models.Model):
    """A log-in session of a user, so deactivation or a reset can end exactly those sessions."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"session of user {self.user_id}"  # never the key: it is a credential
