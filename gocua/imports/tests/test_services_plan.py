"""Plan once: the preview stores its plan, the confirmation applies it unless something changed."""

import pytest

from gocua import testing as f
from gocua.households.models import Household, Resident
from gocua.imports import payload, services
from gocua.imports.models import ImportBatch
from gocua.imports.tests.helpers import person, roster

pytestmark = pytest.mark.django_db
THAP_THUONG = "Thôn Tháp Thượng, Xã Đan Phượng, Thành phố Hà Nội"


def upload(officer, data: bytes) -> ImportBatch:
    return services.import_start(actor=officer, commune=f.unit("09784"), filename="roster.xlsx", data=data,
                                 background=False)


def family() -> bytes:
    return roster(
        person("TT-001", "Nguyễn Văn Trường", 1980, cid="001080012345", address=THAP_THUONG),
        person("TT-001", "Lê Thị Mai", 1984, gender="Nữ", relation="Vợ", address=THAP_THUONG),
        person("TT-002", "Phạm Văn Hùng", 1970, address=THAP_THUONG),
    )


def test_the_preview_keeps_its_plan_and_the_uploaded_file_encrypted(world, officer):
    data = family()  # once: a workbook written a second later differs in its zip timestamps
    batch = upload(officer, data)
    batch.refresh_from_db()
    assert batch.plan and batch.source and batch.samples
    for blob in (bytes(batch.plan), bytes(batch.payload), bytes(batch.samples)):
        # Fernet text is base64: "Mai" may appear in it by chance, the UTF-8 name never can.
        assert "Lê Thị Mai".encode() not in blob and "Thị".encode() not in blob
    assert payload.unpack_bytes(batch.source) == data
    assert batch.plan_stamp["communes"] == ["09784"] and batch.plan_stamp["residents"][0] == 1


def test_confirm_applies_the_stored_plan_without_reading_the_rows_again(world, officer):
    batch = upload(officer, family())
    # Make the stored rows unreadable: only a confirmation that uses the stored plan can succeed.
    ImportBatch.objects.filter(pk=batch.pk).update(payload=payload.pack_sheet({"sheet": None, "addresses": {}}))
    batch.refresh_from_db()
    done = services.import_confirm(actor=officer, batch=batch, background=False)
    assert done.status == ImportBatch.Status.IMPORTED
    assert done.result == {"villages_created": 0, "households_created": 1, "residents_created": 2,
                           "residents_updated": 0, "replanned": ""}
    assert Resident.objects.filter(full_name="Lê Thị Mai", household=world.household).exists()
    assert not done.plan  # the plan holds personal data: dropped once applied


def test_a_registry_change_since_the_preview_makes_confirm_plan_again_and_say_why(world, officer):
    batch = upload(officer, family())
    assert batch.summary["residents"]["new"] == 2
    # Meanwhile a team member registers Mai in the same household.
    f.make_resident(world.household, full_name="Lê Thị Mai", birth_year=1984, gender="female", relation="wife")
    done = services.import_confirm(actor=officer, batch=batch, background=False)
    assert done.result["replanned"] == "registry_changed"
    assert Resident.objects.filter(full_name="Lê Thị Mai").count() == 1  # matched, not duplicated
    assert done.summary["residents"]["new"] == 1 and done.summary["residents"]["unchanged"] == 2
    assert str(services.REPLAN_REASONS["registry_changed"]).startswith("The registry of this commune changed")


def test_the_stamp_changes_when_a_resident_is_edited_or_deleted(world):
    before = services.registry_stamp(["09784"])
    world.resident.phone = "0912345678"
    world.resident.save()
    edited = services.registry_stamp(["09784"])
    assert edited != before
    f.make_resident(world.household, full_name="Trần Văn Tạm", birth_year=2000)
    Resident.objects.filter(full_name="Trần Văn Tạm").delete()
    assert services.registry_stamp(["09784"])["residents"][0] == edited["residents"][0]
    assert services.registry_stamp(["19774"]) == services.registry_stamp(["19774"])  # other communes untouched


def test_choices_given_at_confirmation_replan_with_them(world, officer):
    data = roster(person("TD-1", "Phạm Văn Hùng", 1970, address="Thôn Tháp Đoài, Xã Đan Phượng, Thành phố Hà Nội"))
    batch = upload(officer, data)
    key = batch.summary["proposals"][0]["key"]
    done = services.import_confirm(actor=officer, batch=batch, choices={"villages": {key: world.village2.code}},
                                   background=False)
    assert done.result["replanned"] == "choices_changed" and done.result["villages_created"] == 0
    assert Household.objects.get(household_key="TD-1").village == world.village2


def test_a_citizen_id_registered_elsewhere_after_the_preview_becomes_a_problem_row(world, officer):
    data = roster(
        person("TT-009", "Đỗ Văn Hải", 1990, cid="001090012345", address=THAP_THUONG),
        person("TT-010", "Đỗ Thị Hoa", 1992, gender="Nữ", address=THAP_THUONG),
    )
    batch = upload(officer, data)
    assert batch.summary["problem_rows"] == 0
    # Registered in Huế meanwhile: outside the communes the stamp covers; the unique index catches it.
    f.make_resident(world.other_household, full_name="Đỗ Văn Hải", birth_year=1990, citizen_id="001090012345")
    done = services.import_confirm(actor=officer, batch=batch, background=False)
    assert done.result["replanned"] == "conflict"
    assert Resident.objects.filter(citizen_id_hash__isnull=False, full_name="Đỗ Văn Hải").count() == 1
    assert not Household.objects.filter(household_key="TT-009").exists()  # its only resident was refused
    assert Household.objects.filter(household_key="TT-010").exists()
    assert (done.problems[0]["row"], done.problems[0]["code"]) == (2, "citizen_id_taken")


def test_rows_read_add_up_to_ready_problem_and_skipped_rows(world, officer):
    data = roster(
        person("TT-001", "Nguyễn Văn Trường", 1980, cid="001080012345", address=THAP_THUONG),
        ["TT-001", "", 1984, "Nữ", "Vợ", "", "0912345678", THAP_THUONG, "", ""],  # person data, no name
        ["", "", "", "", "", "", "", "", "", ""],
        ["", "Tổng cộng", "", "", "", "", "", "", "", ""],
        person("TT-002", "Phạm Văn Hùng", 1970, address=THAP_THUONG),
    )
    columns = upload(officer, data).summary
    read = columns["columns"]["rows_read"]
    assert read == columns["valid_rows"] + columns["problem_rows"] + columns["columns"]["skipped"]
    assert columns["problem_rows"] >= 1 and columns["columns"]["skipped"] >= 1
    assert [n for n, _code in columns["columns"]["skipped_rows"]] == [4, 5]
    assert {code for _n, code in columns["columns"]["skipped_rows"]} <= set(services.SKIP_REASONS)


def test_a_stored_plan_that_updates_residents_writes_their_changes_and_history(world, officer):
    from gocua.households.digital import Tri
    from gocua.households.models import IndicatorChange

    data = roster(person("TT-001", "Nguyễn Văn Trường", 1980, cid="001080012345", phone="0912 345 678",
                         address=THAP_THUONG, smartphone="x", vneid="x"))
    batch = upload(officer, data)
    assert batch.summary["residents"]["updated"] == 1
    done = services.import_confirm(actor=officer, batch=batch, background=False)
    assert done.result["replanned"] == "" and done.result["residents_updated"] == 1
    world.resident.refresh_from_db()
    assert (world.resident.phone, world.resident.smartphone, world.resident.vneid_level2) == ("0912345678", Tri.YES, Tri.YES)
    assert set(IndicatorChange.objects.filter(resident=world.resident).values_list("indicator", flat=True)) == {
        "smartphone", "vneid_level2"}
