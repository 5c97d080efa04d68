"""Scam and cyber-safety alerts, the households warned, and the count of them per village and commune."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gocua.community.storage import community_storage
from gocua.places.models import Level, Unit


class Alert(models.Model):
    """An officer's alert for every team of an area (a commune, a province or the nation) until it expires.

    `province_code`/`commune_code` are the target's own codes (blank above its level), so
    `scoped()` gives an officer the alerts they manage: the ones aimed at their area or inside it.
    Which alerts *reach* a village is a different question: `selectors.reaching`.
    """

    class Severity(models.TextChoices):
        INFO = "info", _("For information")
        WARNING = "warning", _("Warning")
        DANGER = "danger", _("Danger: act now")

    title = models.CharField(_("title"), max_length=160)
    looks_like = models.TextField(_("what the scam looks like"), max_length=2000)
    what_to_do = models.TextField(_("what to do"), max_length=2000, blank=True)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, default=Severity.WARNING)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("area"))
    level = models.PositiveSmallIntegerField(choices=Level.choices, editable=False)
    province_code = models.CharField(max_length=16, blank=True, db_index=True, editable=False)
    commune_code = models.CharField(max_length=16, blank=True, db_index=True, editable=False)
    village_code = models.CharField(max_length=16, blank=True, editable=False)  # always blank: no village alerts
    expires_on = models.DateField(_("last day"))
    image = models.ImageField(storage=community_storage, upload_to="alerts/", blank=True)
    thumb = models.ImageField(storage=community_storage, upload_to="alerts/", blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["expires_on", "withdrawn_at"], name="alert_active")]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")

    def __str__(self) -> str:
        return self.title

    def set_target(self, unit: Unit) -> None:
        self.unit, self.level = unit, unit.level
        self.province_code = unit.province_code if unit.level >= Level.PROVINCE else ""
        self.commune_code = unit.commune_code if unit.level >= Level.COMMUNE else ""
        self.village_code = ""

    def is_active(self, on=None) -> bool:
        return self.withdrawn_at is None and self.expires_on >= (on or timezone.localdate())


class HouseholdWarned(models.Model):
    """A household told about an alert ("đã cảnh báo"), once per alert, on the visit that did it."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="warnings")
    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="+")
    visit = models.ForeignKey("outreach.Visit", on_delete=models.SET_NULL, null=True, related_name="+")
    warned_on = models.DateField()
    province_code = models.CharField(max_length=16, db_index=True, editable=False)
    commune_code = models.CharField(max_length=16, db_index=True, editable=False)
    village_code = models.CharField(max_length=16, db_index=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["alert", "household"], name="warning_once_per_household")]

    def __str__(self) -> str:
        return f"alert {self.alert_id} household {self.household_id}"


class WarnedCount(models.Model):
    """Households warned about one alert in one village or one commune (provinces and the nation: summed on read).

    One row per (alert, village) and (alert, commune): a visit adds to its own village's and
    commune's rows only, so writers of different communes never wait on one row (issue 16).
    """

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="counts")
    code = models.CharField(max_length=16)
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    province_code = models.CharField(max_length=16, db_index=True)
    households = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["alert", "code"], name="warned_count_unique")]

    def __str__(self) -> str:
        return f"alert {self.alert_id} {self.code}: {self.households}"
