import random

import pytest
from django.core.management import CommandError

from gocua import testing as f
from gocua.accounts.models import AuditEvent, Role, User
from gocua.bench import demo
from gocua.bench.demo import LEADER
from gocua.bench.tests.helpers import run_demo, thap_thuong
from gocua.households import pii
from gocua.households.models import Household, IndicatorChange, Resident
from gocua.places.models import Unit
from gocua.teams.models import Member, Team

pytestmark = pytest.mark.django_db
MODELS = (Unit, Team, Member, Household, Resident, IndicatorChange, User, AuditEvent)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_a_second_run_creates_nothing_and_says_so():
    run_demo()
    before = counts()
    output = run_demo()
    assert counts() == before
    assert "nothing changed" in output


def test_it_creates_the_five_logins_with_their_roles_and_scopes():
    output = run_demo()
    village = thap_thuong()
    expected = {
        "quantri": (Role.NATIONAL_ADMIN, "VN"),
        "hanoi": (Role.PROVINCE_OFFICER, "01"),
        "danphuong": (Role.COMMUNE_OFFICER, "09784"),
        "totruong": (Role.TEAM_LEADER, village.code),
        "thanhvien": (Role.TEAM_MEMBER, village.code),
    }
    for username, (role, scope) in expected.items():
        user = User.objects.get(username=username)
        assert (user.role, user.scope_unit.code) == (role, scope)
        assert user.check_password("gocua-demo")
        assert not user.must_change_password
    admin = User.objects.get(username="quantri")
    assert admin.is_staff and admin.is_superuser
    assert User.objects.get(username="totruong").member.full_name == LEADER
    assert "youth_union" in User.objects.get(username="thanhvien").member.strengths
    assert "gocua-demo" in output


def test_an_explicit_password_resets_existing_logins():
    run_demo()
    run_demo("--password", "tap-huan-2025")
    for username in ("quantri", "hanoi", "totruong"):
        user = User.objects.get(username=username)
        assert user.check_password("tap-huan-2025") and not user.must_change_password


def test_existing_passwords_are_left_alone_without_the_option():
    run_demo()
    user = User.objects.get(username="hanoi")
    user.set_password("changed-by-user-77")
    user.save()
    run_demo()
    user.refresh_from_db()
    assert user.check_password("changed-by-user-77")


def test_it_refuses_a_weak_password():
    with pytest.raises(CommandError, match="Cannot create the demo data"):
        run_demo("--password", "123")
    assert not User.objects.filter(username="quantri").exists()


def test_in_production_it_refuses_the_public_default_password(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="--password"):
        run_demo()
    assert not User.objects.exists()
    run_demo("--password", "a-private-demo-pass-31")
    assert User.objects.get(username="quantri").check_password("a-private-demo-pass-31")


def test_a_citizen_id_already_registered_elsewhere_is_left_out_instead_of_failing():
    spec = demo.VILLAGES[0]  # Tháp Thượng: its members are fixed, so the RNG goes to households first
    planned = demo._planned_households(spec, random.Random(f"gocua-demo:{spec.name}"))
    person = next(p for _key, _address, folks in planned for p in folks if p.citizen_id)
    elsewhere = f.make_household(f.make_village("00004", "Tổ dân phố 9", kind="to_dan_pho"))
    f.make_resident(
        elsewhere,
        full_name="Người Đã Có",
        gender=person.gender,
        birth_year=person.birth_year,
        citizen_id=person.citizen_id,
    )
    run_demo()
    twin = Resident.objects.get(
        village_code=thap_thuong().code, full_name=person.full_name, birth_year=person.birth_year
    )
    assert twin.citizen_id_hash is None
    assert Resident.objects.filter(citizen_id_hash=pii.keyed_hash(person.citizen_id)).count() == 1
