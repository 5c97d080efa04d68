"""Make sure the administrative units exist before demo or generated data is added."""

from gocua.places.models import Unit
from gocua.places.services import NATION_CODE, units_load


def ensure_units(stdout=None) -> bool:
    """Load the nation, provinces and communes when the nation unit is missing; return whether it did."""
    if Unit.objects.filter(code=NATION_CODE, valid_to__isnull=True).exists():
        return False
    result = units_load()
    if stdout is not None:
        stdout.write(f"Đã nạp đơn vị hành chính / Loaded administrative units: {result.created} created.")
    return True
