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


# --- the stored plan written a chunk of households at a time (memory: never the whole plan at once) --

NEW_VILLAGE_ADDRESS = "Thôn Hạ Mỗ, Xã Đan Phượng, Thành phố Hà Nội"


def _three_households() -> bytes:
    return roster(
        person("TT-001", "Nguyễn Văn Trường", 1980, cid="001080012345", address=THAP_THUONG, smartphone="x"),
        person("TT-001", "Lê Thị Mai", 1984, gender="Nữ", relation="Vợ", address=THAP_THUONG, vneid="x"),
        person("HM-001", "Đỗ Văn Bình", 1975, address=NEW_VILLAGE_ADDRESS, smartphone="x"),
        person("HM-002", "Trần Thị Hoa", 1990, gender="Nữ", address=NEW_VILLAGE_ADDRESS),
    )


def test_a_stored_plan_written_one_household_per_chunk_writes_what_a_whole_plan_writes(world, officer, monkeypatch):
    from gocua.households.digital import Tri
    from gocua.households.models import IndicatorChange
    from gocua.imports import stored
    from gocua.places.models import Unit

    batch = upload(officer, _three_households())
    opened = stored.open_plan(payload.unseal(batch.plan))
    # The head says what the writer needs before any household is read.
    assert (opened.household_count, opened.new_residents) == (3, 3)
    assert set(opened.communes) == {"09784"}
    chunks = []
    original = stored.Stored.chunks

    def one_by_one(self, size=2_000):
        for chunk in original(self, size=1):
            chunks.append(len(chunk))
            yield chunk

    monkeypatch.setattr(stored.Stored, "chunks", one_by_one)
    done = services.import_confirm(actor=officer, batch=batch, background=False)
    assert chunks == [1, 1, 1]
    assert done.result == {"villages_created": 1, "households_created": 2, "residents_created": 3,
                           "residents_updated": 1, "replanned": ""}
    # The new village, proposed once, is created once for the two households of its two chunks.
    village = Unit.objects.get(name="Thôn Hạ Mỗ", valid_to__isnull=True)
    assert set(Household.objects.filter(village=village).values_list("household_key", flat=True)) == {"HM-001", "HM-002"}
    binh = Resident.objects.get(full_name="Đỗ Văn Bình")
    assert binh.household.head_id == binh.pk and binh.smartphone == Tri.YES
    # A new resident records (unknown → mark) for each mark it sets, derived from its marks.
    assert list(IndicatorChange.objects.filter(resident=binh).values_list("indicator", "old_value", "new_value")) == [
        ("smartphone", Tri.UNKNOWN, Tri.YES)]
    mai = Resident.objects.get(full_name="Lê Thị Mai")
    assert list(IndicatorChange.objects.filter(resident=mai).values_list("indicator", flat=True)) == ["vneid_level2"]


def test_a_failure_in_a_later_chunk_writes_nothing_of_the_earlier_ones(world, officer, monkeypatch):
    from gocua.imports import stored, writer
    from gocua.places.models import Unit

    batch = upload(officer, _three_households())
    households, residents = Household.objects.count(), Resident.objects.count()
    original = stored.Stored.chunks
    monkeypatch.setattr(stored.Stored, "chunks", lambda self, size=2_000: original(self, size=1))
    calls = []
    real = writer._set_heads

    def fail_on_third(households_, ids, now):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(households_, ids, now)

    monkeypatch.setattr(writer, "_set_heads", fail_on_third)
    with pytest.raises(RuntimeError):
        services.import_confirm(actor=officer, batch=batch, background=False)
    assert (Household.objects.count(), Resident.objects.count()) == (households, residents)
    assert not Unit.objects.filter(name="Thôn Hạ Mỗ").exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEW and batch.plan  # still there to try again


def test_a_plan_stored_before_its_head_counted_households_is_still_written(world, officer):
    import json
    import zlib

    from gocua.imports import stored

    batch = upload(officer, family())
    lines = zlib.decompress(payload.unseal(batch.plan)).split(b"\n")
    head = json.loads(lines[0])
    for key in ("households", "new_residents", "communes"):
        del head[key]
    old = zlib.compress(b"\n".join([json.dumps(head).encode(), *lines[1:]]))
    opened = stored.open_plan(old)
    assert (opened.household_count, opened.new_residents, set(opened.communes)) == (2, 2, {"09784"})
    ImportBatch.objects.filter(pk=batch.pk).update(plan=payload.seal(old))
    batch.refresh_from_db()
    done = services.import_confirm(actor=officer, batch=batch, background=False)
    assert done.result["replanned"] == "" and done.result["residents_created"] == 2


def test_a_sheet_stored_in_the_earlier_layout_is_planned_again(world, officer):
    from gocua.imports.reader import read_roster

    data = family()
    batch = upload(officer, data)
    # Before 2026-12-08 the stored sheet was pickled whole under "sheet".
    ImportBatch.objects.filter(pk=batch.pk).update(
        payload=payload.pack_sheet({"sheet": read_roster(data, "roster.xlsx"), "addresses": {}}))
    batch.refresh_from_db()
    f.make_resident(world.household, full_name="Lê Thị Mai", birth_year=1984, gender="female", relation="wife")
    done = services.import_confirm(actor=officer, batch=batch, background=False)
    assert done.result["replanned"] == "registry_changed"
    assert Resident.objects.filter(full_name="Nguyễn Văn Trường", household=world.household).exists()
    assert Resident.objects.filter(full_name="Lê Thị Mai").count() == 1
