"""Book-keeping for generated benchmark data."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gocua.places.models import Unit


class GeneratedVillage(models.Model):
    """A village made by `gocua generate`, so that `--reset` finds generated data and nothing else."""

    village = models.OneToOneField(
        Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("village")
    )
    seed = models.BigIntegerField(_("seed"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("generated village")
        verbose_name_plural = _("generated villages")

    def __str__(self) -> str:
        return str(self.village_id)
