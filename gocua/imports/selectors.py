"""Reads of the importer: a user's own batches and the communes they may import into."""

from django.db.models import QuerySet

from gocua.accounts.models import Role
from gocua.accounts.scope import scoped
from gocua.imports.models import ImportBatch
from gocua.places.models import Level, Unit


def batches_of(*, user) -> QuerySet[ImportBatch]:
    """Return the user's own import batches (nobody sees another user's upload), without the big blobs."""
    return ImportBatch.objects.filter(owner_id=user.pk).select_related("commune").defer("payload", "source", "plan")


def importable_communes(*, user) -> QuerySet[Unit]:
    """Return the current communes inside the user's scope."""
    return scoped(user, Unit.objects.filter(level=Level.COMMUNE, valid_to__isnull=True)).order_by("code")


def fixed_commune(*, user) -> Unit | None:
    """Return the commune a commune officer always imports into (others choose one)."""
    if user.role == Role.COMMUNE_OFFICER and user.scope_unit and user.scope_unit.level == Level.COMMUNE:
        return user.scope_unit
    return None
