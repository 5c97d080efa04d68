"""Sức dân: local digital projects, their append-only ledger, photos, and per-unit totals."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gocua.community.storage import community_storage
from gocua.households.models import Household, ScopedCodes
from gocua.places.models import Unit
from gocua.teams.models import Team

# One entry may not move more than this; a typo with three extra zeros is refused.
MAX_VND = 10_000_000_000
MAX_LABOUR_DAYS = 10_000


class Project(ScopedCodes):
    """A village's (or a whole commune's) digital project paid for by the people's own strength.

    `village_code` is empty for a commune-wide project. `updated_at` also moves when an
    entry or a photo is added, so the public pages can answer "not modified" cheaply.
    """

    class Kind(models.TextChoices):
        CAMERA = "camera", _("Security cameras")
        SOLAR_LIGHTS = "solar_lights", _("Solar street lights")
        WIFI = "wifi", _("Village Wi-Fi")
        LOUDSPEAKER = "loudspeaker", _("Loudspeakers")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        COLLECTING = "collecting", _("Collecting contributions")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="community_projects", verbose_name=_("village or commune")
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    goal_vnd = models.BigIntegerField(_("goal (VND)"), default=0)
    goal_labour_days = models.DecimalField(_("goal (labour days)"), max_digits=8, decimal_places=1, default=0)
    starts_on = models.DateField(_("start date"), null=True, blank=True)
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("team responsible")
    )
    responsible_name = models.CharField(_("person responsible"), max_length=120, blank=True)
    # The account residents pay into by bank transfer (VietQR); empty: the page shows no code.
    bank_bin = models.CharField(_("bank"), max_length=6, blank=True)
    bank_account = models.CharField(_("account number"), max_length=19, blank=True)
    bank_account_name = models.CharField(_("account holder"), max_length=70, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("community project")
        verbose_name_plural = _("community projects")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(goal_vnd__gte=0, goal_vnd__lte=MAX_VND), name="project_goal_vnd_sane"
            ),
            models.CheckConstraint(
                condition=Q(goal_labour_days__gte=0, goal_labour_days__lte=MAX_LABOUR_DAYS),
                name="project_goal_labour_sane",
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="project_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def accepts_contributions(self) -> bool:
        return self.status not in (self.Status.DONE, self.Status.CANCELLED)


class ProjectPhoto(models.Model):
    """A re-encoded photo (EXIF gone) of a project, public on the transparency page."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(storage=community_storage, upload_to="community/photos/", max_length=200)
    thumb = models.FileField(storage=community_storage, upload_to="community/photos/", max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.caption or f"photo {self.pk}"


class LedgerEntry(ScopedCodes):
    """One dated contribution or expense. Rows are never updated or deleted (database triggers).

    A mistake is undone by a reversing entry (`reverses`) of the same kind with the amounts
    negated, so every total is a plain SUM: collected = contributions, spent = expenses.
    The one-to-one `reverses` lets the database itself refuse a second reversal.
    """

    class Kind(models.TextChoices):
        CONTRIBUTION = "contribution", _("Contribution")
        EXPENSE = "expense", _("Expense")

    class Giver(models.TextChoices):
        HOUSEHOLD = "household", _("A household")
        PERSON = "person", _("A person (not a registered household)")
        ORGANISATION = "organisation", _("An organisation")
        ANONYMOUS = "anonymous", _("Anonymous giver")

    class Display(models.TextChoices):
        NAME = "name", _("By name")
        HOUSEHOLD_KEY = "household_key", _("By household key")
        ANONYMOUS = "anonymous", _("Anonymous")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    entry_on = models.DateField(_("date"))
    money_vnd = models.BigIntegerField(_("money (VND)"), default=0)
    labour_days = models.DecimalField(_("labour days"), max_digits=8, decimal_places=1, default=0)
    materials = models.CharField(_("materials"), max_length=300, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    giver = models.CharField(_("from"), max_length=12, choices=Giver.choices, blank=True)
    giver_name = models.CharField(_("name of the giver"), max_length=120, blank=True)
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("household")
    )
    display = models.CharField(
        _("shown publicly"), max_length=16, choices=Display.choices, default=Display.ANONYMOUS
    )
    receipt = models.FileField(
        storage=community_storage, upload_to="community/receipts/", max_length=200, blank=True
    )
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversal"
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    # The transfer message of a bank transfer (the VietQR reference), as on the bank's statement.
    transfer_reference = models.CharField(_("transfer reference"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["project_id", "entry_on", "id"]
        indexes = [models.Index(fields=["household", "kind"], name="ledger_household_kind")]
        constraints = [
            models.CheckConstraint(
                condition=Q(money_vnd__gte=-MAX_VND, money_vnd__lte=MAX_VND), name="ledger_money_sane"
            ),
            models.CheckConstraint(
                condition=Q(labour_days__gte=-MAX_LABOUR_DAYS, labour_days__lte=MAX_LABOUR_DAYS),
                name="ledger_labour_sane",
            ),
            # Only a reversal carries negative amounts, and it always says why.
            models.CheckConstraint(
                condition=Q(reverses__isnull=False) | Q(money_vnd__gte=0, labour_days__gte=0),
                name="ledger_original_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(reverses__isnull=True) | ~Q(reason=""), name="ledger_reversal_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(kind="contribution") | Q(labour_days=0), name="ledger_expense_no_labour"
            ),
            # A bank transfer is recorded once: the same statement line twice is refused.
            models.UniqueConstraint(
                fields=["project", "transfer_reference"], condition=~Q(transfer_reference=""),
                name="ledger_transfer_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None


class UnitContribution(models.Model):
    """Contributions rolled up to one unit (village, commune, province, or "VN").

    Kept exact in the same transaction as each ledger entry and status change
    (community.rollups); `gocua check_community_rollups` recomputes it from the ledger.
    """

    unit_code = models.CharField(max_length=16, unique=True)
    level = models.PositiveSmallIntegerField()
    money_vnd = models.BigIntegerField(default=0)
    labour_days = models.DecimalField(max_digits=14, decimal_places=1, default=0)
    contributing_households = models.IntegerField(default=0)
    projects_done = models.IntegerField(default=0)

    def __str__(self) -> str:
        return self.unit_code
