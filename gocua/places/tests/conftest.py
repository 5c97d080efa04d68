"""Villages old enough to be reorganised: the world's villages, dated from the 2025 reform."""

import datetime as dt

import pytest

from gocua.households.models import Household
from gocua.places.models import Unit
from gocua.places.reorg import Decision

BEGAN = dt.date(2025, 7, 1)
DECISION = Decision(number="123/NQ-HĐND", date=dt.date(2026, 1, 5), issuer="HĐND thành phố Hà Nội")


@pytest.fixture
def aged(world):
    """The world, with its villages existing since 1 July 2025 (fixtures create them today)."""
    return age(world)


def age(world):
    """Date the world's villages from 1 July 2025 and its households from August 2025; return it."""
    Unit.objects.filter(level=3).update(valid_from=BEGAN)
    registered = dt.datetime(2025, 8, 1, tzinfo=dt.UTC)
    Household.objects.update(created_at=registered)
    for name in ("village", "village2", "other_commune_village", "other_province_village"):
        getattr(world, name).refresh_from_db()
    return world
