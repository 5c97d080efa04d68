"""A unit's periodic report as sent for review, and where it stands (submitted, returned, accepted)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitReport(models.Model):
    """One report of one unit (commune or province) for one period; `content` holds the figures as sent.

    `content` is written when the report is submitted (again after a return) and never after it
    is accepted: an accepted report reads the same whatever is corrected or visited later.
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted, awaiting review")
        RETURNED = "returned", _("Returned for correction")
        ACCEPTED = "accepted", _("Accepted")

    unit_code = models.CharField(max_length=16)
    unit_level = models.PositiveSmallIntegerField()
    province_code = models.CharField(max_length=16, blank=True, db_index=True)
    commune_code = models.CharField(max_length=16, blank=True, db_index=True)
    village_code = models.CharField(max_length=16, blank=True)
    period_kind = models.CharField(max_length=8)
    period_start = models.DateField()
    period_end = models.DateField()
    number = models.CharField(_("report number"), max_length=40, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    content = models.JSONField(default=dict)
    submitted_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, related_name="+")
    submitted_at = models.DateTimeField()
    reviewed_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    comment = models.CharField(max_length=1000, blank=True)  # the reviewer's, when returned
    history = models.JSONField(default=list)  # [{"action", "at", "by", "comment"}], oldest first
    times_submitted = models.PositiveSmallIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit_code", "period_kind", "period_start"], name="unitreport_unit_period"),
        ]
        indexes = [models.Index(fields=["period_kind", "period_start", "province_code"], name="unitreport_period")]

    def __str__(self) -> str:
        return f"report {self.unit_code} {self.period_kind} {self.period_start} {self.status}"
