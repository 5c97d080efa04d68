"""Shared fixtures. Units are loaded once per test database; each test then rolls back."""

from dataclasses import dataclass

import pytest

from gocua import testing as f
from gocua.accounts.models import Role


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from gocua.places.services import units_load

    with django_db_blocker.unblock():
        units_load()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hash test passwords with MD5: real PBKDF2 costs ~0.2 s per user and the suite makes many."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Start every test with an empty cache: fragments and unit versions must not outlive the rows they describe."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _english_msgids(request, settings):
    """Assert on the stable English msgids; tests marked `vietnamese` keep the real default (vi)."""
    if request.node.get_closest_marker("vietnamese"):
        yield
        return
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@dataclass
class World:
    """Two villages in Xã Đan Phượng (09784), one in another Hà Nội commune, one in Huế.

    Users: one per role inside Đan Phượng / Tháp Thượng, plus a leader and an officer elsewhere.
    """

    village: object
    village2: object
    other_commune_village: object
    other_province_village: object
    team: object
    household: object
    resident: object
    other_household: object
    other_resident: object
    users: dict


@pytest.fixture
def world(db):
    village = f.make_village("09784", "Thôn Tháp Thượng")
    village2 = f.make_village("09784", "Thôn Tháp Hạ")
    other_commune_village = f.make_village("00004", "Tổ dân phố 1", kind="to_dan_pho")  # Phường Ba Đình
    other_province_village = f.make_village("19774", "Thôn An Lưu")  # Huế
    team = f.make_team(village, "Tổ CNSCĐ thôn Tháp Thượng")
    household = f.make_household(village, "TT-001", address_line="Ngõ 3")
    resident = f.make_resident(household, full_name="Nguyễn Văn Trường", citizen_id="001080012345")
    other_household = f.make_household(other_province_village, "AL-001")
    other_resident = f.make_resident(other_household, full_name="Lê Thị Hoa", gender="female", birth_year=1990)
    users = {
        "national_admin": f.make_user(Role.NATIONAL_ADMIN, "VN"),
        "province_officer": f.make_user(Role.PROVINCE_OFFICER, "01"),
        "commune_officer": f.make_user(Role.COMMUNE_OFFICER, "09784"),
        "team_leader": f.make_user(Role.TEAM_LEADER, village),
        "team_member": f.make_user(Role.TEAM_MEMBER, village),
        "other_commune_officer": f.make_user(Role.COMMUNE_OFFICER, "19774"),
    }
    f.make_member(team, full_name="Bùi Văn Trường", role="leader", user=users["team_leader"])
    f.make_member(team, full_name="Trần Thu Hà", role="member", user=users["team_member"])
    return World(
        village, village2, other_commune_village, other_province_village, team, household, resident,
        other_household, other_resident, users,
    )
