"""The issue's "done when", end to end through the pages, and who may open what."""

import io
import uuid

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gocua import testing as f
from gocua.accounts.models import AuditEvent
from gocua.households.models import Household, Resident
from gocua.imports.models import ImportBatch
from gocua.imports.tests.conftest import read_xlsx, xlsx_bytes
from gocua.places.models import Unit

pytestmark = pytest.mark.django_db

HEADER = ["STT", "Số hộ", "Họ tên", "Ngày sinh", "Giới tính", "Quan hệ", "CMND/CCCD", "Điện thoại", "Nơi ở",
          "VNeID mức 2", "Ghi chú"]
PHUONG_DINH = "Thôn Đoài, Xã Phương Đình, Huyện Đan Phượng, Hà Nội"
HONG_HA = "Thôn Bãi Tháp, Xã Hồng Hà, Huyện Đan Phượng, Hà Nội"


def messy_roster() -> bytes:
    """A legacy roster as typed by many hands: title block, synonyms, no diacritics, a total row."""
    return xlsx_bytes([
        HEADER,
        [1, "PD-01", "Lê Văn Đức", "12/03/1968", "Nam", "Chủ hộ", "001068001111", "0912000111", PHUONG_DINH, "x", ""],
        [2, "PD-01", "Nguyen Thi Hang", 1970, "nu", "vo", "", "", "thon doai, xa phuong dinh, dan phuong, ha noi",
         "khong", "đi làm xa"],
        [3, "HH-01", "Trần Văn Bình", 1955, "Nam", "Chủ hộ", "", "", HONG_HA, "", ""],
        [4, "HH-01", "Trần Văn Cường", 1985, "Nam", "Con", "", "", "thon bai thap, xa hong ha, huyen dan phuong, ha noi",
         "1", ""],
        [5, "PD-02", "Phạm Văn Dũng", 1960, "Nam", "Chủ hộ", "0010600022", "", PHUONG_DINH, "", ""],
        [6, "PD-02", "Đỗ Thị Én", 1962, "Nữ", "Vợ", "", "", PHUONG_DINH, "", ""],
        ["", "", "Tổng cộng", "", "", "", "", "", "", "=COUNTIF(J5:J10,\"x\")", ""],
    ], title_rows=[["UBND XÃ LIÊN MINH"], ["DANH SÁCH NHÂN KHẨU"], []], merge="A1:H2")


def upload(client, data: bytes, name: str = "danh-sach.xlsx", **extra):
    return client.post("/imports/", {"file": SimpleUploadedFile(name, data), **extra})


@pytest.mark.vietnamese
def test_an_officer_imports_a_messy_legacy_roster_fixes_a_problem_row_and_reimports_without_duplicates(
    client, lien_minh
):
    officer = lien_minh["officer"]
    client.force_login(officer)
    page = client.get("/imports/")
    assert page.status_code == 200 and 'name="commune"' not in page.content.decode()

    # 1. Upload: a preview, nothing written yet.
    response = upload(client, messy_roster())
    assert response.status_code == 302
    batch = ImportBatch.objects.get(owner=officer)
    assert response["Location"] == f"/imports/{batch.uuid}/"
    assert not Household.objects.filter(commune_code="09787").exists()
    preview = client.get(response["Location"]).content.decode()
    assert batch.summary["columns"]["header_row"] == 4 and batch.summary["columns"]["skipped"] == 1
    assert batch.summary["columns"]["unknown"] == ["STT", "Ghi chú"]
    rows = {(p["row"], p["code"]) for p in batch.problems}
    assert rows == {(7, "address_ambiguous"), (8, "address_ambiguous"), (9, "citizen_id_length"),
                    (10, "household_no_head")}
    assert "<td class=\"num\">9</td>" in preview and "G · CMND/CCCD" in preview
    # the split commune offers its successors, the usual one first
    assert preview.index('value="09817"') < preview.index('value="09787"')
    assert "Xã Hồng Hà, Huyện Đan Phượng, Thành phố Hà Nội" in preview
    assert "Tạo thôn" in preview and "Thôn Đoài" in preview  # a proposed new village

    # 2. Choose the commune for Hồng Hà (applies to both its rows) and import.
    response = client.post(f"/imports/{batch.uuid}/", {"action": "confirm", "commune-09796": "09787"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "imported"
    # the choice was made on the confirming form, so the stored plan was re-made with it
    assert batch.result == {"villages_created": 2, "households_created": 2, "residents_created": 4,
                            "residents_updated": 0, "replanned": "choices_changed"}
    hang = Resident.objects.get(full_name="Nguyen Thi Hang")
    assert (hang.gender, hang.relation, hang.vneid_level2) == ("female", "wife", 2)
    duc = Resident.objects.get(full_name="Lê Văn Đức")
    assert duc.birth_date.isoformat() == "1968-03-12" and duc.household.village.name == "Thôn Đoài"
    assert Household.objects.get(household_key="HH-01").village.name == "Thôn Bãi Tháp"
    assert not Household.objects.filter(household_key="PD-02").exists()

    # 3. Download the problem rows: same columns plus the error column.
    response = client.get(f"/imports/{batch.uuid}/problems.xlsx")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    sheet = read_xlsx(response.content)
    assert sheet[0] == [*HEADER, "Lỗi"]
    assert [row[2] for row in sheet[1:]] == ["Phạm Văn Dũng", "Đỗ Thị Én"]
    assert all(row[-1] for row in sheet[1:])
    assert AuditEvent.objects.filter(action="export", detail__kind="problem_rows").count() == 1

    # 4. Fix the citizen ID in Excel and import that file.
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    book.active["G2"] = "001060002222"
    fixed = io.BytesIO()
    book.save(fixed)
    response = upload(client, fixed.getvalue(), "dong-loi.xlsx")
    second = ImportBatch.objects.filter(owner=officer).latest("created_at")
    assert second.problems == [] and second.summary["residents"]["new"] == 2
    assert second.summary["columns"]["unknown"] == ["STT", "Ghi chú", "Lỗi"]
    client.post(f"/imports/{second.uuid}/", {"action": "confirm"})
    assert Household.objects.get(household_key="PD-02").residents.count() == 2

    # 5. The original file again: nothing new, nothing duplicated.
    count = Resident.objects.count()
    upload(client, messy_roster())
    third = ImportBatch.objects.filter(owner=officer).latest("created_at")
    client.post(f"/imports/{third.uuid}/", {"action": "confirm", "commune-09796": "09787"})
    third.refresh_from_db()
    assert third.summary["residents"] == {"new": 0, "updated": 0, "unchanged": 5}
    assert [p["row"] for p in third.problems] == [9]  # the unfixed row of the original file
    assert Resident.objects.count() == count


def test_applying_choices_refreshes_the_preview_without_importing(client, lien_minh):
    client.force_login(lien_minh["officer"])
    upload(client, messy_roster())
    batch = ImportBatch.objects.get()
    response = client.post(f"/imports/{batch.uuid}/", {
        "action": "apply", "commune-09796": "09787", "village-09787:bai thap": "skip"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "preview" and batch.choices["communes"] == {"09796": "09787"}
    assert {(p["row"], p["code"]) for p in batch.problems} >= {(7, "village_skipped"), (8, "village_skipped")}
    assert not Household.objects.filter(commune_code="09787").exists()
    page = client.get(f"/imports/{batch.uuid}/").content.decode()
    assert 'value="09787" selected' in page and 'value="skip" selected' in page


def test_a_file_that_cannot_be_read_is_shown_on_the_form_and_nothing_is_kept(client, officer):
    client.force_login(officer)
    response = upload(client, b"just some words", "notes.pdf")
    assert response.status_code == 400
    assert "Excel" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_file_over_the_limit_is_refused_before_it_is_read(client, officer, settings):
    settings.GOCUA_IMPORT_MAX_BYTES = 100
    client.force_login(officer)
    response = upload(client, b"x" * 500, "roster.csv")
    assert response.status_code == 400 and not ImportBatch.objects.exists()


def test_higher_roles_choose_a_commune_in_their_area(client, world):
    province_officer = world.users["province_officer"]
    client.force_login(province_officer)
    data = xlsx_bytes([["Mã hộ", "Họ và tên", "Năm sinh", "Giới tính", "Quan hệ", "Địa chỉ"],
                       ["TT-9", "Lý Văn Tâm", 1970, "Nam", "Chủ hộ", "Thôn Tháp Thượng"]])
    assert upload(client, data, commune="19774").status_code == 400  # Huế: outside Hà Nội
    assert upload(client, data, commune="09784").status_code == 302
    assert ImportBatch.objects.get().commune.code == "09784"


@pytest.mark.parametrize("role", ["team_leader", "team_member"])
def test_team_leaders_and_members_get_403(client, world, role):
    client.force_login(world.users[role])
    assert client.get("/imports/").status_code == 403
    assert upload(client, messy_roster()).status_code == 403
    assert client.get(f"/imports/export/{world.village.code}/").status_code == 403


def test_someone_elses_upload_is_not_found(client, world, lien_minh):
    client.force_login(lien_minh["officer"])
    upload(client, messy_roster())
    batch = ImportBatch.objects.get()
    client.force_login(f.make_user("commune_officer", "09787"))  # same commune, another officer
    assert client.get(f"/imports/{batch.uuid}/").status_code == 404
    assert client.post(f"/imports/{batch.uuid}/", {"action": "confirm"}).status_code == 404
    assert client.get(f"/imports/{batch.uuid}/problems.xlsx").status_code == 404
    assert client.get(f"/imports/{uuid.uuid4()}/").status_code == 404
    batch.refresh_from_db()
    assert batch.status == "preview"


def test_an_imported_batch_cannot_be_confirmed_twice(client, lien_minh):
    client.force_login(lien_minh["officer"])
    upload(client, messy_roster())
    batch = ImportBatch.objects.get()
    client.post(f"/imports/{batch.uuid}/", {"action": "confirm", "commune-09796": "09787"})
    count = Resident.objects.count()
    response = client.post(f"/imports/{batch.uuid}/", {"action": "confirm", "commune-09796": "09787"})
    assert response.status_code == 400 and Resident.objects.count() == count


def test_export_downloads_a_file_in_scope_and_404_outside(client, world, officer):
    client.force_login(officer)
    response = client.get("/imports/export/09784/?format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "Nguyễn Văn Trường" in response.content.decode("utf-8-sig")
    assert client.get(f"/imports/export/{world.other_province_village.code}/").status_code == 404
    assert client.get("/imports/export/01/").status_code == 404  # the province is outside a commune officer's area
    assert AuditEvent.objects.filter(action="export", actor=officer).count() == 1


def test_the_template_downloads_for_anyone_logged_in(client, world):
    client.force_login(world.users["team_member"])
    response = client.get("/imports/template.xlsx")
    assert response.status_code == 200 and read_xlsx(response.content)[0][0] == "Mã hộ"


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get("/imports/").status_code == 302
    assert client.get("/imports/export/09784/").status_code == 302


def test_expired_uploads_are_purged_when_someone_uploads(client, officer, lien_minh):
    client.force_login(lien_minh["officer"])
    upload(client, messy_roster())
    ImportBatch.objects.update(expires_at="2000-01-01T00:00:00Z")
    upload(client, messy_roster())
    assert ImportBatch.objects.count() == 1
    assert Unit.objects.filter(commune_code="09787", level=3).count() == 0


def test_the_preview_and_upload_pages_use_a_fixed_number_of_queries(client, lien_minh,
                                                                     django_assert_max_num_queries):
    client.force_login(lien_minh["officer"])
    for _ in range(3):
        upload(client, messy_roster())
    batch = ImportBatch.objects.first()
    with django_assert_max_num_queries(12):
        assert client.get(f"/imports/{batch.uuid}/").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get("/imports/").status_code == 200


def test_an_expired_preview_cannot_be_imported(client, lien_minh):
    client.force_login(lien_minh["officer"])
    upload(client, messy_roster())
    batch = ImportBatch.objects.get()
    ImportBatch.objects.update(expires_at="2000-01-01T00:00:00Z")
    response = client.post(f"/imports/{batch.uuid}/", {"action": "confirm", "commune-09796": "09787"})
    assert response.status_code == 400 and not Household.objects.filter(commune_code="09787").exists()


def test_the_indicator_history_of_a_web_import_points_to_its_upload(client, lien_minh):
    from gocua.households.models import IndicatorChange

    client.force_login(lien_minh["officer"])
    upload(client, messy_roster())
    batch = ImportBatch.objects.get()
    client.post(f"/imports/{batch.uuid}/", {"action": "confirm", "commune-09796": "09787"})
    changes = IndicatorChange.objects.filter(resident__full_name="Lê Văn Đức")
    assert [(c.indicator, c.new_value, c.source, c.source_ref) for c in changes] == [
        ("vneid_level2", 1, "import", f"import:{batch.uuid}")]
    assert changes[0].changed_by == lien_minh["officer"]
