import pytest

from gocua import testing as f
from gocua.errors import Forbidden
from gocua.households.models import Household, IndicatorChange, Resident
from gocua.imports import problems as problem_messages
from gocua.imports import writer
from gocua.imports.tests.helpers import person, problems_of, roster, run
from gocua.places.models import Unit

pytestmark = pytest.mark.django_db


def test_the_legacy_roster_lands_in_the_existing_village_tháp_thượng(world, officer):
    data = roster(
        person("TT-100", "Phạm Văn Hùng", 1975, cid="001075000111", phone="0912345678", smartphone="x", vneid="không"),
        person("TT-100", "Đỗ Thị Mai", 1978, gender="Nữ", relation="Vợ",
               address="thon thap thuong, xa song phuong, huyen dan phuong, ha noi"),
    )
    result = run(officer, f.unit("09784"), data)
    assert problems_of(result) == []
    household = Household.objects.get(household_key="TT-100")
    assert household.village == world.village and household.commune_code == "09784"
    head = household.residents.get(full_name="Phạm Văn Hùng")
    assert household.head == head
    assert (head.phone, head.smartphone, head.vneid_level2, head.internet) == ("0912345678", 1, 2, 0)
    assert head.citizen_id_masked == "001******111"
    changes = IndicatorChange.objects.filter(resident=head).order_by("indicator")
    assert [(c.indicator, c.old_value, c.new_value, c.source) for c in changes] == [
        ("smartphone", 0, 1, "import"), ("vneid_level2", 0, 2, "import"),
    ]
    assert result.written["villages_created"] == 0


def test_the_rollups_of_every_touched_village_are_refreshed_in_the_same_transaction(world, officer, monkeypatch):
    seen = []
    monkeypatch.setattr(writer, "refresh_villages", lambda codes: seen.append((sorted(codes), Household.objects.filter(
        household_key="TT-100").exists())))
    run(officer, f.unit("09784"), roster(person("TT-100", "Phạm Văn Hùng", 1975)))
    assert seen == [([world.village.code], True)]


def test_a_failure_while_writing_leaves_nothing_half_written(world, officer, monkeypatch):
    def boom(codes):
        raise RuntimeError("rollups failed")

    monkeypatch.setattr(writer, "refresh_villages", boom)
    data = roster(person("TT-100", "Phạm Văn Hùng", 1975, address="Thôn Mới, Xã Đan Phượng, Hà Nội"))
    with pytest.raises(RuntimeError):
        run(officer, f.unit("09784"), data)
    assert not Household.objects.filter(household_key="TT-100").exists()
    assert not Unit.objects.filter(name="Thôn Mới").exists()


def test_reimporting_the_same_file_creates_no_duplicates(world, officer):
    data = roster(
        person("TT-100", "Phạm Văn Hùng", 1975, cid="001075000111"),
        person("TT-100", "Phạm Thị Lan", 2001, gender="Nữ", relation="Con"),
    )
    run(officer, f.unit("09784"), data)
    before = Resident.objects.count(), Household.objects.count(), IndicatorChange.objects.count()
    again = run(officer, f.unit("09784"), data)
    assert (Resident.objects.count(), Household.objects.count(), IndicatorChange.objects.count()) == before
    assert again.summary["residents"] == {"new": 0, "updated": 0, "unchanged": 2}
    assert again.summary["households"] == {"new": 0, "updated": 0, "unchanged": 1}


def test_changed_rows_update_in_place_and_say_what_changed(world, officer):
    run(officer, f.unit("09784"), roster(
        person("TT-100", "Phạm Văn Hùng", 1975, cid="001075000111", smartphone="không"),
        person("TT-100", "Phạm Thị Lan", 2001, gender="Nữ", relation="Con"),
    ))
    lan = Resident.objects.get(full_name="Phạm Thị Lan")
    result = run(officer, f.unit("09784"), roster(
        # Found by citizen ID although the name is now spelt differently.
        person("TT-100", "Phạm Văn Hưng", 1975, cid="001075000111", phone="0987654321", smartphone="x"),
        # Found by village + household key + name + birth year.
        person("TT-100", "pham thi lan", 2001, gender="Nữ", relation="Con", vneid="x"),
    ))
    assert result.summary["residents"] == {"new": 0, "updated": 2, "unchanged": 0}
    assert result.summary["changed_fields"] == {"full_name": 2, "phone": 1, "smartphone": 1, "vneid_level2": 1}
    hung = Resident.objects.get(citizen_id_masked="001******111")
    assert (hung.full_name, hung.phone, hung.smartphone) == ("Phạm Văn Hưng", "0987654321", 1)
    lan.refresh_from_db()
    assert lan.vneid_level2 == 1 and Resident.objects.filter(household__household_key="TT-100").count() == 2
    assert IndicatorChange.objects.filter(resident=hung, indicator="smartphone").order_by("pk").last().old_value == 2


def test_an_empty_cell_never_erases_what_is_known(world, officer):
    run(officer, f.unit("09784"), roster(person("TT-100", "Phạm Văn Hùng", 1975, phone="0912345678", smartphone="x")))
    result = run(officer, f.unit("09784"), roster(person("TT-100", "Phạm Văn Hùng", 1975)))
    hung = Resident.objects.get(full_name="Phạm Văn Hùng")
    assert (hung.phone, hung.smartphone) == ("0912345678", 1)
    assert result.summary["residents"]["unchanged"] == 1


def test_a_duplicate_citizen_id_within_the_file_is_a_problem_on_the_later_row(world, officer):
    result = run(officer, f.unit("09784"), roster(
        person("TT-100", "Phạm Văn Hùng", 1975, cid="001075000111"),
        person("TT-101", "Phạm Văn Hải", 1975, cid="001075000111"),
    ))
    assert problems_of(result) == [(3, "citizen_id", "citizen_id_repeated")]
    message = problem_messages.message(result.plan.problems[0].as_dict())
    assert "2" in message


def test_a_citizen_id_already_in_another_household_is_refused_without_saying_where(world, officer):
    other = f.make_household(world.other_province_village, "AL-002")
    f.make_resident(other, full_name="Hồ Thị Thu", gender="female", birth_year=1990, citizen_id="046190000222")
    result = run(officer, f.unit("09784"), roster(
        # world.resident's ID, in another household of the same commune
        person("TT-100", "Nguyễn Văn Trường", 1980, cid="001080012345"),
        # an ID registered in Huế, outside the officer's area
        person("TT-101", "Hồ Thị Thu", 1990, gender="Nữ", cid="046190000222"),
    ), dry_run=True)
    assert problems_of(result)[:2] == [(2, "citizen_id", "citizen_id_taken"), (3, "citizen_id", "citizen_id_taken")]
    for problem in result.plan.problems[:2]:
        text = problem_messages.message(problem.as_dict())
        for secret in ("TT-001", "Tháp", "Huế", "An Lưu", "AL-002", world.village.code):
            assert secret not in text
    assert Resident.objects.filter(citizen_id_masked="001******345").count() == 1


def test_every_problem_of_a_row_is_listed_with_its_field(world, officer):
    result = run(officer, f.unit("09784"), roster(
        person("TT-100", "Phạm Văn Hùng", 1850, cid="12345", phone="abc"),
        person("TT-101", "", 1975, cid="001075000111"),
        person("TT-102", "Lê Văn Long", "năm ngoái", gender="?"),
    ), dry_run=True)
    codes = problems_of(result)
    assert (2, "birth_year", "birth_year_impossible") in codes
    assert (2, "phone", "phone_invalid") in codes
    assert (2, "citizen_id", "citizen_id_length") in codes
    assert (3, "full_name", "name_required") in codes
    assert (4, "birth_year", "birth_invalid") in codes and (4, "gender", "gender_unknown") in codes
    assert result.summary["valid_rows"] == 0


def test_a_household_without_a_head_is_a_problem_for_each_of_its_rows(world, officer):
    result = run(officer, f.unit("09784"), roster(
        person("TT-100", "Phạm Thị Lan", 2001, gender="Nữ", relation="Con"),
        person("TT-100", "Phạm Văn Nam", 2004, relation="Con"),
        person("TT-101", "Lê Văn Long", 1970),
    ))
    assert problems_of(result) == [(2, "relation", "household_no_head"), (3, "relation", "household_no_head")]
    assert Household.objects.filter(household_key="TT-101").exists()


def test_rows_for_an_existing_household_with_a_head_need_no_head_row(world, officer):
    result = run(officer, f.unit("09784"), roster(
        person("TT-001", "Nguyễn Thị Hoa", 1982, gender="Nữ", relation="Vợ", address="Thôn Tháp Thượng"),
    ))
    assert problems_of(result) == []
    assert world.household.residents.count() == 2


def test_an_address_outside_the_commune_is_a_problem_not_a_silent_move(world, officer):
    result = run(officer, f.unit("09784"), roster(
        person("X-1", "Lê Văn Long", 1970, address="Tổ dân phố 1, Phường Ba Đình, Hà Nội"),
        person("X-2", "Lê Văn Minh", 1971, address="Thôn 1, Xã Không Tồn Tại, Huyện Nào Đó, Hà Nội"),
        person("X-3", "Lê Văn Nam", 1972, address=""),
    ), dry_run=True)
    assert problems_of(result) == [(2, "address", "address_outside"), (3, "address", "address_unknown"),
                                   (4, "address", "address_missing")]
    assert "Phường Ba Đình" in problem_messages.message(result.plan.problems[0].as_dict())


def test_new_villages_are_proposed_created_skipped_or_mapped(world, officer):
    data = roster(
        person("M-1", "Lê Văn Long", 1970, address="Thôn Mới, Xã Đan Phượng, Hà Nội"),
        person("M-2", "Lê Văn Minh", 1971, address="thon moi, xa dan phuong, ha noi"),
        person("H-1", "Lê Văn Nam", 1972, address="Thôn Thap Ha Cu, Xã Đan Phượng, Hà Nội"),
    )
    preview = run(officer, f.unit("09784"), data, dry_run=True)
    proposals = {p["key"]: p for p in preview.summary["proposals"]}
    assert proposals["09784:moi"]["name"] == "Thôn Mới" and proposals["09784:moi"]["rows"] == 2
    result = run(officer, f.unit("09784"), data, choices={
        "villages": {"09784:moi": "new", "09784:thap ha cu": world.village2.code},
    })
    new = Unit.objects.get(name="Thôn Mới", commune_code="09784")
    assert new.kind == "thon" and new.households.count() == 2
    assert Household.objects.get(household_key="H-1").village == world.village2
    assert result.written["villages_created"] == 1
    skipped = run(officer, f.unit("09784"), roster(
        person("S-1", "Lê Văn Sơn", 1970, address="Thôn Xa Lạ, Xã Đan Phượng, Hà Nội")),
        choices={"villages": {"09784:xa la": "skip"}}, dry_run=True)
    assert problems_of(skipped) == [(2, "address", "village_skipped")]


def test_a_split_commune_waits_for_a_choice_that_applies_to_all_its_rows(lien_minh):
    officer, commune = lien_minh["officer"], lien_minh["commune"]
    data = roster(
        person("HH-1", "Lê Văn Long", 1970, address="Thôn Bãi Tháp, Xã Hồng Hà, Huyện Đan Phượng, Hà Nội"),
        person("HH-2", "Lê Văn Minh", 1971, address="thon bai thap, xa hong ha, dan phuong, ha noi"),
        person("PD-1", "Lê Văn Nam", 1972, address="Thôn Đoài, Xã Phương Đình, Huyện Đan Phượng, Hà Nội"),
    )
    preview = run(officer, commune, data, dry_run=True)
    assert problems_of(preview) == [(2, "address", "address_ambiguous"), (3, "address", "address_ambiguous")]
    [group] = preview.summary["ambiguous"]
    assert group["legacy_code"] == "09796" and group["rows"] == 2
    assert [(c["code"], c["default"]) for c in group["candidates"]] == [
        ("09817", True), ("09787", False), ("09022", False), ("08980", False)]
    assert group["candidates"][0]["name"] == "Xã Ô Diên"
    elsewhere = run(officer, commune, data, choices={"communes": {"09796": "09817"}}, dry_run=True)
    assert [code for _r, _f, code in problems_of(elsewhere)] == ["address_outside", "address_outside"]
    result = run(officer, commune, data, choices={"communes": {"09796": "09787"}})
    assert problems_of(result) == []
    assert Household.objects.filter(commune_code="09787").count() == 3
    assert set(Unit.objects.filter(commune_code="09787", level=3).values_list("name", flat=True)) == {
        "Thôn Bãi Tháp", "Thôn Đoài"}


def test_a_choice_that_is_not_a_candidate_is_ignored(lien_minh):
    data = roster(person("HH-1", "Lê Văn Long", 1970, address="Thôn Bãi Tháp, Xã Hồng Hà, Huyện Đan Phượng, Hà Nội"))
    result = run(lien_minh["officer"], lien_minh["commune"], data, choices={"communes": {"09796": "09784"}},
                 dry_run=True)
    assert problems_of(result) == [(2, "address", "address_ambiguous")]


def test_with_no_valid_row_nothing_is_written(world, officer):
    result = run(officer, f.unit("09784"), roster(person("TT-100", "", 1975, cid="001075000111")))
    assert result.written is None and result.summary["valid_rows"] == 0
    assert not Household.objects.filter(household_key="TT-100").exists()


@pytest.mark.parametrize("role", ["team_leader", "team_member"])
def test_team_leaders_and_members_cannot_import(world, role):
    with pytest.raises(Forbidden):
        run(world.users[role], f.unit("09784"), roster(person("TT-100", "Phạm Văn Hùng", 1975)))


def test_an_officer_cannot_import_into_a_commune_outside_their_area(world):
    with pytest.raises(Forbidden):
        run(world.users["other_commune_officer"], f.unit("09784"), roster(person("TT-100", "Phạm Văn Hùng", 1975)))


def test_without_a_commune_rows_land_where_their_address_says_inside_the_area(world):
    province_officer = world.users["province_officer"]
    result = run(province_officer, None, roster(
        person("TT-100", "Phạm Văn Hùng", 1975),
        person("BD-1", "Lê Văn Long", 1970, address="Tổ dân phố 1, Phường Ba Đình, Hà Nội"),
        person("HU-1", "Lê Văn Minh", 1971, address="Thôn An Lưu, Phường Thuận Hóa, Thành phố Huế"),
        person("NO-1", "Lê Văn Nam", 1972, address="Thôn Tháp Thượng"),
    ))
    assert problems_of(result) == [(4, "address", "address_outside"), (5, "address", "address_unknown")]
    assert Household.objects.get(household_key="TT-100").village == world.village
    assert Household.objects.get(household_key="BD-1").village == world.other_commune_village
