"""Community digital technology teams (tổ công nghệ số cộng đồng) and their members."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gocua.places.models import Unit


class Team(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="teams", verbose_name=_("village or commune"))
    province_code = models.CharField(max_length=16, db_index=True, editable=False)
    commune_code = models.CharField(max_length=16, db_index=True, editable=False)
    village_code = models.CharField(max_length=16, db_index=True, blank=True, editable=False)
    name = models.CharField(_("name"), max_length=150)
    name_folded = models.CharField(max_length=150, db_index=True, editable=False)
    founded_on = models.DateField(_("date founded"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["unit_id", "name"]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    class Role(models.TextChoices):
        LEADER = "leader", _("Leader")
        DEPUTY = "deputy", _("Deputy")
        MEMBER = "member", _("Member")

    class Strength(models.TextChoices):
        YOUTH_UNION = "youth_union", _("Youth union")
        ELDERLY = "elderly", _("Elderly")
        IT_TRAINED = "it_trained", _("IT-trained")
        COMMUNE_OFFICER = "commune_officer", _("Commune officer")
        POLICE = "police", _("Police")
        TELECOM = "telecom", _("Telecom staff")

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="members", verbose_name=_("team"))
    full_name = models.CharField(_("full name"), max_length=120)
    name_folded = models.CharField(max_length=120, db_index=True, editable=False)
    phone = models.CharField(_("phone"), max_length=16, blank=True)
    role = models.CharField(_("role in the team"), max_length=8, choices=Role.choices, default=Role.MEMBER)
    strengths = models.JSONField(_("strengths"), default=list, blank=True)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member",
        verbose_name=_("user account"),
    )

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["team_id", "role", "full_name"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def is_current(self) -> bool:
        return self.left_on is None

    def strength_labels(self) -> list[str]:
        labels = dict(self.Strength.choices)
        return [labels.get(s, s) for s in self.strengths]
