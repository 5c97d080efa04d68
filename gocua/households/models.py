"""Households and residents: the registry a team works from."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gocua.households.digital import INDICATOR_NAMES, Tri, indicator_fields
from gocua.places.models import Unit


class ScopedCodes(models.Model):
    """The ancestry codes every scoped row carries (scope filter; province = partition key)."""

    province_code = models.CharField(max_length=16, db_index=True, editable=False)
    commune_code = models.CharField(max_length=16, db_index=True, editable=False)
    village_code = models.CharField(max_length=16, db_index=True, editable=False)

    class Meta:
        abstract = True

    def set_codes_from(self, village: Unit) -> None:
        self.province_code = village.province_code
        self.commune_code = village.commune_code
        self.village_code = village.village_code


class Household(ScopedCodes):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    village = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="households", verbose_name=_("village"))
    household_key = models.CharField(_("household key"), max_length=32)
    address_line = models.CharField(_("address"), max_length=200, blank=True)
    head = models.ForeignKey(
        "Resident", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("head")
    )
    search_folded = models.CharField(max_length=400, db_index=True, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["village_id", "household_key"]
        constraints = [
            models.UniqueConstraint(fields=["village", "household_key"], name="household_key_per_village"),
        ]

    def __str__(self) -> str:
        return self.household_key


class Resident(ScopedCodes):
    class Gender(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    class Relation(models.TextChoices):
        HEAD = "head", _("Head of household")
        WIFE = "wife", _("Wife")
        HUSBAND = "husband", _("Husband")
        CHILD = "child", _("Child")
        FATHER = "father", _("Father")
        MOTHER = "mother", _("Mother")
        GRANDCHILD = "grandchild", _("Grandchild")
        GRANDPARENT = "grandparent", _("Grandparent")
        SIBLING = "sibling", _("Sibling")
        CHILD_IN_LAW = "child_in_law", _("Son/daughter-in-law")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        LIVING = "living", _("Living here")
        AWAY = "away", _("Away for work")
        MOVED_OUT = "moved_out", _("Moved out")
        DECEASED = "deceased", _("Deceased")

    COUNTED_STATUSES = (Status.LIVING, Status.AWAY)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="residents", verbose_name=_("household")
    )
    full_name = models.CharField(_("full name"), max_length=120)
    name_folded = models.CharField(max_length=120, db_index=True, editable=False)
    birth_year = models.PositiveSmallIntegerField(_("birth year"))
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    relation = models.CharField(_("relation to head"), max_length=16, choices=Relation.choices)
    phone = models.CharField(_("phone"), max_length=16, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.LIVING)
    # Citizen ID: Fernet ciphertext, a keyed hash that carries the uniqueness constraint,
    # and the masked form for display, so list pages never decrypt (see households.pii).
    citizen_id_encrypted = models.TextField(blank=True, editable=False)
    citizen_id_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    citizen_id_masked = models.CharField(max_length=12, blank=True, editable=False)
    for _name, _field in indicator_fields().items():
        locals()[_name] = _field
    del _name, _field
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["household_id", "id"]
        indexes = [models.Index(fields=["commune_code", "name_folded"], name="resident_commune_name")]
        constraints = [
            models.CheckConstraint(condition=Q(birth_year__gte=1880), name="resident_birth_year_sane"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def is_counted(self) -> bool:
        return self.status in self.COUNTED_STATUSES

    def indicator_values(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in INDICATOR_NAMES}


class IndicatorChange(models.Model):
    """One change of one indicator of one resident: the history that shows effectiveness."""

    class Source(models.TextChoices):
        CREATE = "create", _("Registration")
        EDIT = "edit", _("Edit")
        VISIT = "visit", _("Visit")
        IMPORT = "import", _("Import")
        SYNC = "sync", _("Sync")

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="indicator_changes")
    province_code = models.CharField(max_length=16, db_index=True)
    indicator = models.CharField(max_length=32)
    old_value = models.PositiveSmallIntegerField(choices=Tri.choices)
    new_value = models.PositiveSmallIntegerField(choices=Tri.choices)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    source = models.CharField(max_length=8, choices=Source.choices)
    source_ref = models.CharField(max_length=64, blank=True)  # e.g. the visit UUID

    class Meta:
        indexes = [models.Index(fields=["resident", "indicator", "-changed_at"], name="indchange_resident")]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.old_value} → {self.new_value}"


class HouseholdMove(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="moves")
    from_village = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    to_village = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    moved_on = models.DateField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    def __str__(self) -> str:
        return f"{self.household_id}: {self.from_village_id} → {self.to_village_id} ({self.moved_on})"


class ResidentMove(models.Model):
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="moves")
    from_household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    to_household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    moved_on = models.DateField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    def __str__(self) -> str:
        return f"{self.resident_id}: {self.from_household_id} → {self.to_household_id} ({self.moved_on})"


class Assignment(models.Model):
    """A team member who covers a household (a household may have several)."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="assignments")
    member = models.ForeignKey("teams.Member", on_delete=models.CASCADE, related_name="assignments")
    assigned_at = models.DateTimeField(auto_now_add=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["household", "member"], name="assignment_unique")]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.household_id}"


class PriorityGroup(models.TextChoices):
    """Groups of residents a commune may decide to flag (đối tượng ưu tiên): sensitive data, Decree 13/2023."""

    ELDERLY_ALONE = "elderly_alone", _("Elderly person living alone")
    DISABILITY = "disability", _("Person with a disability")
    POOR = "poor", _("Poor household")
    NEAR_POOR = "near_poor", _("Near-poor household")
    ETHNIC_MINORITY = "ethnic_minority", _("Ethnic minority")
    CHILD = "child", _("Child under 16")
    LEFT_BEHIND_RELATIVE = "left_behind_relative", _("Relative left behind by a migrant worker")


class PriorityGroupSetting(models.Model):
    """A commune's decision to collect one priority group, with its lawful basis (who decided, on what, when).

    No row, or `enabled=False`, means the group is not collected in that commune and no flag of it
    may be set there. Written only by `households.priority.priority_setting_set`.
    """

    commune = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("commune"))
    province_code = models.CharField(max_length=16, db_index=True, editable=False)
    commune_code = models.CharField(max_length=16, db_index=True, editable=False)
    group = models.CharField(_("priority group"), max_length=24, choices=PriorityGroup.choices)
    enabled = models.BooleanField(_("collected in this commune"), default=False)
    lawful_basis = models.CharField(_("lawful basis"), max_length=300, blank=True)
    decided_by = models.CharField(_("decided by"), max_length=200, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("priority group setting")
        verbose_name_plural = _("priority group settings")
        constraints = [models.UniqueConstraint(fields=["commune", "group"], name="priority_setting_per_commune")]

    def __str__(self) -> str:
        return f"{self.commune_code} {self.group}: {'on' if self.enabled else 'off'}"


class PriorityFlag(models.Model):
    """One resident's membership of one priority group, with where the fact comes from.

    Carries no unit codes of its own: its scope is its resident's (`resident__commune_code`, …),
    so it follows every move and map change of the resident without being rewritten.
    """

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="priority_flags")
    group = models.CharField(_("priority group"), max_length=24, choices=PriorityGroup.choices)
    basis = models.CharField(_("source / lawful basis"), max_length=300)
    set_at = models.DateTimeField(auto_now=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("priority flag")
        verbose_name_plural = _("priority flags")
        constraints = [models.UniqueConstraint(fields=["resident", "group"], name="priority_flag_unique")]
        indexes = [models.Index(fields=["group", "resident"], name="priority_flag_group")]

    def __str__(self) -> str:
        return f"{self.resident_id}: {self.group}"
