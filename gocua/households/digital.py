"""The digital indicators of DOMAIN.md, each yes / no / unknown on a resident."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Tri(models.IntegerChoices):
    """Yes / no / unknown. Unknown is the default and is never counted as "no"."""

    UNKNOWN = 0, _("Unknown")
    YES = 1, _("Yes")
    NO = 2, _("No")


# (field name, label) in display order. Field names are the column names on Resident.
INDICATORS: list[tuple[str, str]] = [
    ("smartphone", _("Has a smartphone")),
    ("internet", _("Internet at home")),
    ("vneid_level2", _("VNeID level 2 activated")),
    ("online_public_services", _("Uses online public services")),
    ("payment_account", _("Payment account or e-wallet")),
    ("ecommerce", _("Buys or sells online")),
    ("ehealth_record", _("Electronic health record")),
    ("digital_signature", _("Digital signature")),
    ("scam_awareness", _("Aware of online scams")),
    ("skill_public_services", _("Skill: online public services")),
    ("skill_shopping", _("Skill: online shopping")),
    ("skill_payment", _("Skill: online payment")),
    ("skill_safety", _("Skill: protecting oneself online")),
    ("skill_local_platforms", _("Skill: local digital platforms")),
]
INDICATOR_NAMES = [name for name, _label in INDICATORS]
INDICATOR_LABELS = dict(INDICATORS)
BASIC_SKILLS = [name for name in INDICATOR_NAMES if name.startswith("skill_")]
# The essentials whose absence puts a resident on the "left behind" list.
ESSENTIALS = ["smartphone", "vneid_level2", "payment_account"]
HOUSEHOLD_INDICATORS = ["internet"]


def indicator_fields():
    """Return the model fields for all indicators (added to Resident by its metaclass)."""
    return {
        name: models.PositiveSmallIntegerField(label, choices=Tri.choices, default=Tri.UNKNOWN)
        for name, label in INDICATORS
    }
