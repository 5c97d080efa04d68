"""Administrative units: nation → province → commune → village, each with a validity period."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    NATION = 0, _("Nation")
    PROVINCE = 1, _("Province")
    COMMUNE = 2, _("Commune")
    VILLAGE = 3, _("Village")


# The column every registry row carries for its unit at each level; the nation has none (all rows).
CODE_FIELDS = {Level.PROVINCE: "province_code", Level.COMMUNE: "commune_code", Level.VILLAGE: "village_code"}


def code_field(level: int) -> str | None:
    """Return the column holding a row's unit code at `level` (None for the nation: every row)."""
    return CODE_FIELDS.get(level)


class Kind(models.TextChoices):
    NATION = "nation", _("Nation")
    TINH = "tinh", _("Province")
    THANH_PHO = "thanh_pho", _("City")
    XA = "xa", _("Commune")
    PHUONG = "phuong", _("Ward")
    DAC_KHU = "dac_khu", _("Special zone")
    THON = "thon", _("Village (thôn)")
    AP = "ap", _("Hamlet (ấp)")
    BAN = "ban", _("Hamlet (bản)")
    TO_DAN_PHO = "to_dan_pho", _("Residential group")


LEVEL_OF_KIND = {
    Kind.NATION: Level.NATION,
    Kind.TINH: Level.PROVINCE,
    Kind.THANH_PHO: Level.PROVINCE,
    Kind.XA: Level.COMMUNE,
    Kind.PHUONG: Level.COMMUNE,
    Kind.DAC_KHU: Level.COMMUNE,
    Kind.THON: Level.VILLAGE,
    Kind.AP: Level.VILLAGE,
    Kind.BAN: Level.VILLAGE,
    Kind.TO_DAN_PHO: Level.VILLAGE,
}
VILLAGE_KINDS = [Kind.THON, Kind.AP, Kind.BAN, Kind.TO_DAN_PHO]


class Unit(models.Model):
    """One administrative unit for one validity period.

    A reorganisation never edits a unit in place: it closes the old row (`valid_to`) and
    opens new rows, linked by `UnitSuccession`, so reports for past dates still find the
    units that existed then. `province_code`/`commune_code`/`village_code` denormalise the
    ancestry so the scope rule is one indexed equality (see accounts.scope).
    """

    code = models.CharField(_("code"), max_length=16)
    name = models.CharField(_("name"), max_length=120)
    name_folded = models.CharField(max_length=120, db_index=True, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    province_code = models.CharField(max_length=16, blank=True, db_index=True)
    commune_code = models.CharField(max_length=16, blank=True, db_index=True)
    village_code = models.CharField(max_length=16, blank=True, db_index=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    area_km2 = models.FloatField(_("area (km²)"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    # Next number for a child village code; only ever grows, so codes are never reused.
    next_child_seq = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["level", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="unit_code_period_unique"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(valid_to__isnull=True), name="unit_code_current_unique"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_period",
            ),
        ]
        indexes = [models.Index(fields=["parent", "valid_to"], name="unit_parent_current")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_village(self) -> bool:
        return self.level == Level.VILLAGE

    @property
    def is_commune(self) -> bool:
        return self.level == Level.COMMUNE

    def ancestors(self) -> list["Unit"]:
        """Return the chain from the nation down to this unit's parent (at most 3 queries)."""
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]


class UnitSuccession(models.Model):
    """A recorded reorganisation step: `predecessor` became (part of) `successor` on `on`."""

    class Change(models.TextChoices):
        MERGE = "merge", _("Merge")
        SPLIT = "split", _("Split")
        MOVE = "move", _("Move to another parent")
        RENAME = "rename", _("Rename")

    predecessor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="successions_out")
    successor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="successions_in")
    change = models.CharField(max_length=8, choices=Change.choices)
    on = models.DateField()
    note = models.CharField(max_length=200, blank=True)
    reorganisation = models.ForeignKey(
        "Reorganisation", on_delete=models.PROTECT, null=True, blank=True, related_name="successions"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="unit_succession_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor_id} → {self.successor_id} ({self.change}, {self.on})"


class FormerName(models.Model):
    """A name a unit carried until `until` (a rename keeps the code; search still finds the old name)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="former_names")
    name = models.CharField(max_length=120)
    name_folded = models.CharField(max_length=120, db_index=True)
    until = models.DateField()

    class Meta:
        ordering = ["unit_id", "-until"]

    def __str__(self) -> str:
        return f"{self.name} (until {self.until})"


class Reorganisation(models.Model):
    """One change of the map, from an official decision: scheduled, then applied on `effective_on`.

    `params` holds what the operation needs (unit codes, names, the household split), so a
    scheduled change is applied later by the task worker or `gocua units apply-due` exactly as
    it would have been at once; `result` says what moved.
    """

    class Operation(models.TextChoices):
        VILLAGE_MERGE = "village_merge", _("Merge villages into a new village")
        VILLAGE_ABSORB = "village_absorb", _("Merge villages into an existing village")
        VILLAGE_SPLIT = "village_split", _("Split a village")
        VILLAGE_MOVE = "village_move", _("Move a village to another commune")
        VILLAGE_RENAME = "village_rename", _("Rename a village")
        VILLAGE_RETIRE = "village_retire", _("Retire a village")
        COMMUNE_MERGE = "commune_merge", _("Merge communes into a new commune")
        COMMUNE_ABSORB = "commune_absorb", _("Merge communes into an existing commune")
        COMMUNE_SPLIT = "commune_split", _("Split a commune")
        COMMUNE_MOVE = "commune_move", _("Move a commune to another province")
        COMMUNE_RENAME = "commune_rename", _("Rename a commune")
        COMMUNE_RETIRE = "commune_retire", _("Retire a commune")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        APPLIED = "applied", _("Applied")
        CANCELLED = "cancelled", _("Cancelled")

    operation = models.CharField(_("operation"), max_length=16, choices=Operation.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    decision_number = models.CharField(_("decision number"), max_length=60)
    decision_date = models.DateField(_("decision date"))
    decision_issuer = models.CharField(_("issued by"), max_length=200)
    effective_on = models.DateField(_("effective date"))
    # The commune (village operations) or province (commune operations) the change belongs to: its scope.
    province_code = models.CharField(max_length=16, db_index=True)
    commune_code = models.CharField(max_length=16, blank=True, db_index=True)
    village_code = models.CharField(max_length=16, blank=True)
    params = models.JSONField(default=dict)
    result = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("map change")
        verbose_name_plural = _("map changes")
        ordering = ["-effective_on", "-pk"]
        indexes = [models.Index(fields=["status", "effective_on"], name="reorg_due")]

    def __str__(self) -> str:
        return f"{self.operation} {self.decision_number} ({self.effective_on})"
