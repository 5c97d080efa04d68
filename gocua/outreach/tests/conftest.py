"""Fixtures for outreach tests: the catalogue, the team's members, and a helper to record visits."""

import pytest

from gocua import testing as f
from gocua.outreach.models import ServiceItem


@pytest.fixture
def items(db):
    """Return the catalogue (loaded by migration 0002) by code."""
    return {item.code: item for item in ServiceItem.objects.all()}


@pytest.fixture
def member(world):
    return world.users["team_member"].member


@pytest.fixture
def leader(world):
    return world.users["team_leader"].member


@pytest.fixture
def households(world):
    """Return a factory making `n` households of the team's village, each with two adults."""

    def make(n, *, village=None, indicators=None):
        made = []
        for i in range(n):
            household = f.make_household(village or world.village)
            f.make_resident(household, full_name=f"Chủ hộ {i}", indicators=indicators)
            f.make_resident(household, full_name=f"Vợ {i}", gender="female", relation="wife", birth_year=1985,
                            indicators=indicators)
            made.append(household)
        return made

    return make
