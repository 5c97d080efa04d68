"""Fixtures for API tests: logged-in JSON clients for each role of the `world` fixture."""

from dataclasses import dataclass

import pytest

from gocua import testing as f
from gocua.testing import ApiClient


@pytest.fixture
def api_as(world):
    """Return a function giving the JSON client of a `world` role ("team_member", …) or of a user."""

    def make(who=None, **kwargs) -> ApiClient:
        user = world.users[who] if isinstance(who, str) else who
        return ApiClient(user, **kwargs)

    return make


@dataclass
class Place:
    """One village of the scope matrix with a household, a resident and a team in it."""

    village: object
    household: object
    resident: object
    team: object


@pytest.fixture
def places(world) -> dict[str, Place]:
    """Return four places: the world's village, a sibling village, another commune, another province."""
    sibling_household = f.make_household(world.village2, "TH-001")
    other_commune_household = f.make_household(world.other_commune_village, "BD-001")
    return {
        "village": Place(world.village, world.household, world.resident, world.team),
        "sibling_village": Place(
            world.village2,
            sibling_household,
            f.make_resident(sibling_household, full_name="Phạm Thị Hạ", gender="female", birth_year=1975),
            f.make_team(world.village2, "Tổ CNSCĐ thôn Tháp Hạ"),
        ),
        "other_commune": Place(
            world.other_commune_village,
            other_commune_household,
            f.make_resident(other_commune_household, full_name="Đỗ Minh Ba", birth_year=1968),
            f.make_team(world.other_commune_village, "Tổ CNSCĐ tổ dân phố 1"),
        ),
        "other_province": Place(
            world.other_province_village,
            world.other_household,
            world.other_resident,
            f.make_team(world.other_province_village, "Tổ CNSCĐ thôn An Lưu"),
        ),
    }


# Which places each role of the `world` fixture may see, under this module's names for the villages.
_PLACE = {"village": "village", "village2": "sibling_village", "other_commune_village": "other_commune",
          "other_province_village": "other_province"}
VISIBLE = {role: {_PLACE[village] for village in seen} for role, seen in f.WORLD_SEES.items()}
