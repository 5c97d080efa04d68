import datetime as dt

import pytest
from django.db import connection

from gocua import testing as f
from gocua.accounts.models import Role
from gocua.errors import DomainError, Forbidden
from gocua.households import pii
from gocua.households import services as s
from gocua.households.digital import Tri
from gocua.households.models import Household, IndicatorChange, Resident


@pytest.fixture
def village(db):
    return f.make_village("09784", "Thôn Tháp Thượng")


def resident_data(**extra):
    return {"full_name": "Nguyễn Thị Mai", "birth_year": 1985, "gender": "female", "relation": "wife", **extra}


def test_household_carries_the_codes_of_its_village(village):
    household = f.make_household(village, "TT-1")
    assert (household.province_code, household.commune_code, household.village_code) == (
        "01",
        "09784",
        village.code,
    )


def test_household_key_is_unique_per_village_but_not_across_villages(village):
    f.make_household(village, "TT-1")
    with pytest.raises(DomainError) as err:
        f.make_household(village, "TT-1")
    assert err.value.code == "household_key_taken"
    other = f.make_village("09784", "Thôn Tháp Hạ")
    assert f.make_household(other, "TT-1").pk
    assert Household.objects.filter(household_key="TT-1").count() == 2


def test_the_citizen_id_is_stored_encrypted_hashed_and_masked(village):
    household = f.make_household(village)
    resident = f.make_resident(household, citizen_id="001080012345")
    assert "001080012345" not in resident.citizen_id_encrypted
    assert pii.decrypt(resident.citizen_id_encrypted) == "001080012345"
    assert resident.citizen_id_masked == "001******345"
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM households_resident WHERE id = %s", [resident.pk])
        raw_row = " ".join(str(v) for v in cursor.fetchone())
    assert "001080012345" not in raw_row


def test_a_duplicate_citizen_id_is_refused_without_saying_where_it_is(village):
    household = f.make_household(village, "TT-1")
    f.make_resident(household, full_name="Nguyễn Văn An", citizen_id="001080012345")
    other = f.make_household(f.make_village("19774", "Thôn An Lưu"), "AL-1")
    with pytest.raises(DomainError) as err:
        f.make_resident(other, full_name="Trần Văn Bình", citizen_id="001 080 012345")
    assert err.value.code == "citizen_id_taken"
    message = str(err.value.message)
    assert "TT-1" not in message and "Nguyễn" not in message and village.name not in message
    assert not Resident.objects.filter(full_name="Trần Văn Bình").exists()


@pytest.mark.parametrize(
    ("data", "citizen_id", "code"),
    [
        ({"full_name": "  "}, None, "name_required"),
        ({"birth_year": 1850}, None, "birth_year_impossible"),
        ({"birth_year": 2999}, None, "birth_year_impossible"),
        ({"phone": "12345"}, None, "phone_invalid"),
        ({"gender": "x"}, None, "gender_required"),
        ({}, "0010800123", "citizen_id_length"),
        ({}, "001080012345", "citizen_id_gender_century"),  # she is female: digit must be 1
        ({}, "001186012345", "citizen_id_birth_year"),
        ({"birth_date": dt.date(1986, 1, 1)}, None, "birth_date_mismatch"),
    ],
)
def test_bad_resident_input_is_refused_and_nothing_is_saved(village, data, citizen_id, code):
    household = f.make_household(village)
    with pytest.raises(DomainError) as err:
        s.resident_create(
            actor=f.admin(), household=household, data=resident_data(**data), citizen_id_number=citizen_id
        )
    assert err.value.code == code
    assert not Resident.objects.filter(household=household).exists()


def test_the_first_head_becomes_the_household_head_and_is_searchable(village):
    household = f.make_household(village, "TT-9")
    head = f.make_resident(household, full_name="Bùi Văn Trường", relation="head")
    household.refresh_from_db()
    assert household.head == head
    assert "bui van truong" in household.search_folded


def test_setting_indicators_writes_one_history_row_per_change(village):
    household = f.make_household(village)
    resident = f.make_resident(household, indicators={"smartphone": Tri.YES})
    assert IndicatorChange.objects.filter(resident=resident, source="create").count() == 1
    user = f.make_user(Role.TEAM_MEMBER, village)
    changes = s.resident_set_indicators(
        actor=user, resident=resident, values={"smartphone": Tri.YES, "vneid_level2": Tri.YES, "internet": Tri.NO}
    )
    assert changes == {"vneid_level2": (Tri.UNKNOWN, Tri.YES), "internet": (Tri.UNKNOWN, Tri.NO)}
    resident.refresh_from_db()
    assert resident.vneid_level2 == Tri.YES and resident.internet == Tri.NO
    rows = IndicatorChange.objects.filter(resident=resident, source="edit").order_by("indicator")
    assert [(r.indicator, r.old_value, r.new_value, r.changed_by_id) for r in rows] == [
        ("internet", Tri.UNKNOWN, Tri.NO, user.pk),
        ("vneid_level2", Tri.UNKNOWN, Tri.YES, user.pk),
    ]


def test_unknown_indicator_names_and_values_are_refused(village):
    resident = f.make_resident(f.make_household(village))
    for values in ({"flying": 1}, {"smartphone": 7}, {"smartphone": "abc"}):
        with pytest.raises(DomainError):
            s.resident_set_indicators(actor=f.admin(), resident=resident, values=values)
    assert not IndicatorChange.objects.filter(resident=resident, source="edit").exists()


def test_moving_a_household_moves_its_residents_and_keeps_the_date(village):
    household = f.make_household(village, "TT-1")
    resident = f.make_resident(household)
    target = f.make_village("09784", "Thôn Tháp Hạ")
    s.household_move(actor=f.admin(), household=household, to_village=target, moved_on=dt.date(2026, 1, 5))
    resident.refresh_from_db()
    assert resident.village_code == target.code
    move = household.moves.get()
    assert (move.from_village, move.to_village, move.moved_on) == (village, target, dt.date(2026, 1, 5))


def test_moving_a_resident_between_villages_updates_scope_codes(village):
    source = f.make_household(village, "TT-1")
    head = f.make_resident(source, relation="head")
    target = f.make_household(f.make_village("19774", "Thôn An Lưu"), "AL-1")
    s.resident_move(actor=f.admin(), resident=head, to_household=target, moved_on=dt.date(2026, 2, 1))
    head.refresh_from_db()
    source.refresh_from_db()
    assert (head.province_code, head.commune_code) == ("46", "19774")
    assert source.head is None
    assert head.moves.get().from_household == source


def test_services_refuse_actors_outside_the_village(village):
    household = f.make_household(village)
    resident = f.make_resident(household)
    outsider = f.make_user(Role.TEAM_MEMBER, f.make_village("09784", "Thôn Khác"))
    with pytest.raises(Forbidden):
        s.resident_set_indicators(actor=outsider, resident=resident, values={"smartphone": Tri.YES})
    with pytest.raises(Forbidden):
        s.household_create(actor=outsider, village=village, household_key="X")
    with pytest.raises(Forbidden):
        s.resident_create(actor=outsider, household=household, data=resident_data())
    resident.refresh_from_db()
    assert resident.smartphone == Tri.UNKNOWN
