"""Read-only checks of the demo data set, which is created once for this module."""

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from gocua.bench.tests.helpers import run_demo, thap_thuong
from gocua.households import pii
from gocua.households.digital import Tri
from gocua.households.models import Household, IndicatorChange, Resident
from gocua.lib import citizen_id, phone
from gocua.outreach.models import VisitOutcome
from gocua.outreach.tests.factories import copies_disagreeing
from gocua.places.models import Unit
from gocua.teams.models import Team

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Run the demo once for the read-only tests of this module; roll it back afterwards."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        run_demo()
        yield
        transaction.set_rollback(True)


def test_demo_visits_carry_their_province_and_date_on_the_rows_under_them(demo):
    assert VisitOutcome.objects.exists()
    assert copies_disagreeing() == []


def test_thap_thuong_has_a_seven_member_team_led_by_bui_van_truong(demo):
    village = thap_thuong()
    team = Team.objects.get(unit=village)
    members = list(team.members.all())
    assert len(members) == 7
    assert [m.full_name for m in members if m.role == "leader"] == ["Bùi Văn Trường"]
    assert team.founded_on.year == 2022
    strengths = [s for m in members for s in m.strengths]
    assert strengths.count("elderly") == 2 and "it_trained" in strengths and "youth_union" in strengths
    assert all(phone.normalise(m.phone) == m.phone for m in members)


def test_thap_thuong_has_about_a_hundred_plausible_households(demo):
    village = thap_thuong()
    households = Household.objects.filter(village=village)
    assert households.count() == 100
    assert all(h.head is not None and h.head.relation == "head" for h in households.select_related("head"))
    residents = list(Resident.objects.filter(village_code=village.code))
    assert 200 <= len(residents) <= 600
    assert all(r.gender == "female" for r in residents if r.relation in ("wife", "mother"))
    assert all(r.gender == "male" for r in residents if r.relation in ("husband", "father"))
    assert any(r.status == "away" for r in residents)
    assert {r.full_name.split()[0] for r in residents} >= {"Nguyễn", "Trần", "Lê"}


def test_demo_citizen_ids_agree_with_gender_and_birth_year(demo):
    with_id = Resident.objects.exclude(citizen_id_encrypted="")
    assert with_id.count() > 50
    for resident in with_id:
        number = pii.decrypt(resident.citizen_id_encrypted)
        citizen_id.validate(number, gender=resident.gender, birth_year=resident.birth_year)
    assert with_id.filter(citizen_id_masked__startswith="001").count() > with_id.count() / 2


def test_demo_indicators_spread_by_age_with_unknowns(demo):
    residents = list(Resident.objects.filter(commune_code="09784"))
    year = timezone.localdate().year
    young = [r.smartphone for r in residents if year - r.birth_year in range(18, 40)]
    old = [r.smartphone for r in residents if year - r.birth_year >= 70]
    assert young.count(Tri.YES) > 0.6 * len(young)
    assert old.count(Tri.YES) < 0.5 * len(old)
    assert sum(r.smartphone == Tri.UNKNOWN for r in residents) > 0.1 * len(residents)
    assert IndicatorChange.objects.filter(source="create").exists()


def test_it_also_fills_neighbouring_villages_and_one_in_hue(demo):
    names = set(Unit.objects.filter(commune_code="09784", level=3).values_list("name", flat=True))
    assert {"Thôn Tháp Hạ", "Thôn Đại Phùng", "Thôn Thượng Hội"} <= names
    hue = Unit.objects.get(province_code="46", level=3)
    assert Team.objects.filter(unit=hue).exists() and Household.objects.filter(village=hue).exists()
