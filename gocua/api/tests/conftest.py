"""Fixtures for API tests: logged-in JSON clients for each role of the `world` fixture."""

import json
from dataclasses import dataclass

import pytest
from django.test import Client

from gocua import testing as f


class ApiClient:
    """A Django test client that speaks JSON to /api/v1/ as one user (or nobody)."""

    def __init__(self, user=None, *, language: str = "en", enforce_csrf: bool = False):
        self.client = Client(enforce_csrf_checks=enforce_csrf, HTTP_ACCEPT_LANGUAGE=language)
        if user is not None:
            self.client.force_login(user)

    def get(self, path: str, **params):
        return self.client.get(f"/api/v1{path}", params)

    def post(self, path: str, data, **extra):
        return self.client.post(f"/api/v1{path}", json.dumps(data), content_type="application/json", **extra)

    def patch(self, path: str, data, **extra):
        return self.client.patch(f"/api/v1{path}", json.dumps(data), content_type="application/json", **extra)


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


# Which places each role of the `world` fixture may see.
VISIBLE = {
    "national_admin": {"village", "sibling_village", "other_commune", "other_province"},
    "province_officer": {"village", "sibling_village", "other_commune"},
    "commune_officer": {"village", "sibling_village"},
    "team_leader": {"village"},
    "team_member": {"village"},
    "other_commune_officer": {"other_province"},
}
