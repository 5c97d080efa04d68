"""Rollup tables: current figures per unit, activity per unit and day, weekly snapshots."""

from django.db import models

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
