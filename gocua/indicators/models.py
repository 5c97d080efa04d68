"""Rollup tables: current figures per unit, activity per unit and day, weekly snapshots."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gocua.indicators.metrics import METRICS


class RollupState(models.Model):
    """The single row holding the reference date that date-dependent figures were computed at."""

    reference_date = models.DateField()
    rolled_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"rollups as of {self.reference_date}"


class UnitStat(models.Model):
    """Current figures of one unit (village, commune, province or nation 'VN')."""

    code = models.CharField(max_length=16, unique=True)
    level = models.PositiveSmallIntegerField()
    for _name in METRICS:
        locals()[_name] = models.BigIntegerField(default=0)
    del _name
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["level", "code"], name="unitstat_level")]

    def __str__(self) -> str:
        return f"stats {self.code}"

    def values(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in METRICS}


class UnitActivity(models.Model):
    """Visits and community sessions of one unit on one day (sums give any period)."""

    code = models.CharField(max_length=16)
    day = models.DateField()
    visits = models.BigIntegerField(default=0)
    sessions = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["code", "day"], name="unitactivity_code_day")]
        # A province's or the nation's activity in a period is summed from its communes' rows of those days.
        indexes = [models.Index(fields=["day"], name="unitactivity_day")]

    def __str__(self) -> str:
        return f"{self.code} {self.day}"


class UnitSnapshot(models.Model):
    """The figures of one unit as they stood on `on` (written weekly by `roll_day`)."""

    code = models.CharField(max_length=16)
    on = models.DateField()
    values = models.JSONField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["code", "on"], name="unitsnapshot_code_on")]
        indexes = [models.Index(fields=["code", "-on"], name="unitsnapshot_code_recent")]

    def __str__(self) -> str:
        return f"{self.code} @ {self.on}"


class Target(models.Model):
    """A target an official document sets for one indicator, over a period, in an area.

    The area is the nation ("VN"), a province or a commune; the most specific area in force on a
    day wins (gocua/indicators/targets.py). Targets are data: no year or value is written in code.
    """

    class Kind(models.TextChoices):
        PERCENT = "percent", _("percent")
        COUNT = "count", _("count")

    indicator = models.CharField(_("indicator"), max_length=32)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.PERCENT)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=1)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    area_code = models.CharField(_("area"), max_length=16)
    area_level = models.PositiveSmallIntegerField()
    # Scope codes of the area (blank above its level), so accounts.scope reads them like any row.
    province_code = models.CharField(max_length=16, blank=True, db_index=True)
    commune_code = models.CharField(max_length=16, blank=True, db_index=True)
    village_code = models.CharField(max_length=16, blank=True)
    document_number = models.CharField(_("document number"), max_length=64, blank=True)
    document_date = models.DateField(_("document date"), null=True, blank=True)  # required when set by hand
    document_issuer = models.CharField(_("issued by"), max_length=160)
    note = models.CharField(_("note"), max_length=300, blank=True)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["area_code", "indicator", "starts_on"], name="target_area_indicator")]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="target_period_order"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.value} {self.area_code} {self.starts_on}–{self.ends_on}"

    @property
    def document(self) -> str:
        """Return the document as people cite it: "411/QĐ-TTg, 31/03/2022 (Thủ tướng Chính phủ)"."""
        number = self.document_number or "—"
        day = f"{self.document_date:%d/%m/%Y}" if self.document_date else "—"
        return f"{number}, {day} ({self.document_issuer})"

    @property
    def period_label(self) -> str:
        """Return "2025" for a calendar year, else "01/01/2024 – 31/12/2025" (a year stays a year)."""
        if (self.starts_on.month, self.starts_on.day, self.ends_on.month, self.ends_on.day) == (1, 1, 12, 31):
            if self.starts_on.year == self.ends_on.year:
                return str(self.starts_on.year)
            return f"{self.starts_on.year}–{self.ends_on.year}"
        return f"{self.starts_on:%d/%m/%Y} – {self.ends_on:%d/%m/%Y}"
