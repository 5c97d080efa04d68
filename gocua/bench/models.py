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


class DroppedIndex(models.Model):
    """A secondary index `gocua generate` dropped for a bulk load, kept until it is built again.

    Written before the index is dropped, so that a run that dies half-way leaves the recipe here:
    the next `gocua generate` builds these indexes first.
    """

    name = models.CharField(max_length=200, unique=True)
    table = models.CharField(max_length=200)
    definition = models.TextField()

    def __str__(self) -> str:
        return self.name
