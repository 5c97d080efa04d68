"""The pages of the mapping step, the sheet choice, background progress and background exports."""

import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gocua import testing as f
from gocua.households.models import Resident
from gocua.imports import tasks
from gocua.imports.models import ExportJob, ImportBatch, RosterMapping
from gocua.imports.tests.helpers import roster

pytestmark = pytest.mark.django_db
THAP_THUONG = "Thôn Tháp Thượng, Xã Đan Phượng, Thành phố Hà Nội"
COLUMNS = ["Mã hộ", "Họ và tên", "Năm sinh", "Giới tính", "Quan hệ với chủ hộ", "Ghi chú SĐT", "Địa chỉ"]


def upload(client, data: bytes, name: str = "danh-sach.xlsx"):
    return client.post("/imports/", {"file": SimpleUploadedFile(name, data)})


def phones_in_an_unknown_column() -> bytes:
    return roster(
        ["TT-007", "Bùi Văn Khoa", 1971, "Nam", "Chủ hộ", "0912345678", THAP_THUONG],
        ["TT-007", "Ngô Thị Liên", 1973, "Nữ", "Vợ", "0987654321", THAP_THUONG],
        columns=COLUMNS,
    )


def two_sheets() -> bytes:
    book = openpyxl.Workbook()
    guide = book.active
    guide.title = "Hướng dẫn"
    guide.append(["Điền danh sách ở trang sau."])
    people = book.create_sheet("Danh sách")
    for row in [COLUMNS, ["TT-008", "Đinh Văn Quang", 1966, "Nam", "Chủ hộ", "", THAP_THUONG]]:
        people.append(row)
    other = book.create_sheet("Cũ")
    for row in [COLUMNS, ["TT-009", "Lý Văn Phúc", 1950, "Nam", "Chủ hộ", "", THAP_THUONG]]:
        other.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_officer_maps_an_unknown_column_re_previews_and_the_next_file_gets_that_mapping(client, world, officer):
    client.force_login(officer)
    response = upload(client, phones_in_an_unknown_column())
    batch = ImportBatch.objects.get(owner=officer)
    page = client.get(response["Location"]).content.decode()
    # each column with samples and what it was taken as; the phone column is ignored for now
    assert 'name="map-F"' in page and "Ghi chú SĐT" in page and "Bùi Văn Khoa" in page
    assert re.search(r'<select id="map-F" name="map-F">\s*<option value="" selected>', page)
    mapping = {f"map-{c['letter']}": c["field"] for c in batch.summary["columns"]["list"]}
    response = client.post(response["Location"], {"action": "remap", **mapping, "map-F": "phone"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.mapping["F"] == "phone" and batch.summary["columns"]["fields"]["phone"][0] == "F"
    client.post(f"/imports/{batch.uuid}/", {"action": "confirm"})
    assert Resident.objects.get(full_name="Bùi Văn Khoa").phone == "0912345678"
    assert RosterMapping.objects.get(commune=f.unit("09784")).mapping["F"] == "phone"

    # The next file with the same header is read with the remembered mapping, and the page says so.
    response = upload(client, phones_in_an_unknown_column())
    again = ImportBatch.objects.filter(owner=officer).first()
    assert again.pk != batch.pk and again.summary["columns"]["fields"]["phone"][0] == "F"
    assert "same header" in client.get(response["Location"]).content.decode()


def test_a_wrong_mapping_is_shown_on_the_page_and_keeps_the_preview(client, world, officer):
    client.force_login(officer)
    response = upload(client, phones_in_an_unknown_column())
    bad = client.post(response["Location"], {"action": "remap", "map-F": "shoe_size"})
    assert bad.status_code == 400 and "shoe_size" in bad.content.decode()
    assert ImportBatch.objects.get(owner=officer).summary["valid_rows"] == 2


def test_the_page_says_which_sheet_was_read_and_another_can_be_chosen(client, world, officer):
    client.force_login(officer)
    response = upload(client, two_sheets())
    page = client.get(response["Location"]).content.decode()
    assert 'The list was read from the sheet "Danh sách"' in page or "Danh sách" in page
    assert '<select id="sheet" name="sheet">' in page and ">Hướng dẫn<" in page
    batch = ImportBatch.objects.get(owner=officer)
    mapping = {f"map-{c['letter']}": c["field"] for c in batch.summary["columns"]["list"]}
    client.post(response["Location"], {"action": "remap", "sheet": "Cũ", **mapping})
    batch.refresh_from_db()
    assert batch.sheet_name == "Cũ" and batch.summary["columns"]["sheet"] == "Cũ"
    client.post(response["Location"], {"action": "confirm"})
    assert Resident.objects.filter(full_name="Lý Văn Phúc").exists()
    assert not Resident.objects.filter(full_name="Đinh Văn Quang").exists()


def test_a_big_file_shows_live_progress_and_a_status_json_only_to_its_owner(client, world, officer, settings):
    settings.GOCUA_IMPORT_BACKGROUND_ROWS = 1
    client.force_login(officer)
    response = upload(client, phones_in_an_unknown_column())
    batch = ImportBatch.objects.get(owner=officer)
    page = client.get(response["Location"]).content.decode()
    assert '<progress max="2" value="0"' in page and "imports/progress.js" in page
    assert f'data-status-url="/imports/{batch.uuid}/status.json"' in page and "<script>" not in page
    assert 'name="action" value="confirm"' not in page  # nothing to confirm yet
    status = client.get(f"/imports/{batch.uuid}/status.json").json()
    assert status["pending"] and status["total"] == 2 and status["work"] == "preview_queued"
    tasks.preview_batch.call(batch.pk)
    status = client.get(f"/imports/{batch.uuid}/status.json").json()
    assert not status["pending"] and status["done"] == 2
    assert 'name="action" value="confirm"' in client.get(response["Location"]).content.decode()
    client.force_login(world.users["other_commune_officer"])
    assert client.get(f"/imports/{batch.uuid}/status.json").status_code == 404


def test_a_failed_background_preview_says_why_on_the_page(client, world, officer, settings):
    settings.GOCUA_IMPORT_BACKGROUND_ROWS = 1
    client.force_login(officer)
    response = upload(client, phones_in_an_unknown_column())
    batch = ImportBatch.objects.get(owner=officer)
    officer.scope_unit = f.unit("19774")
    officer.save()
    tasks.preview_batch.call(batch.pk)
    officer.scope_unit = f.unit("09784")
    officer.save()
    page = client.get(response["Location"]).content.decode()
    assert "nothing was written" in page and "outside your area" in page
    assert "Upload the file again" in page


def test_a_big_export_is_prepared_in_the_background_and_downloaded_by_its_owner(client, world, officer, settings):
    settings.GOCUA_IMPORT_BACKGROUND_ROWS = 0
    client.force_login(officer)
    response = client.get("/imports/export/09784/?format=csv")
    job = ExportJob.objects.get(owner=officer)
    assert response.status_code == 302 and response["Location"] == f"/imports/exports/{job.uuid}/"
    assert "<progress" in client.get(response["Location"]).content.decode()
    assert client.get(f"/imports/exports/{job.uuid}/download").status_code == 409
    tasks.export_file.call(job.pk)
    assert client.get(f"{response['Location']}?format=json").json()["pending"] is False
    download = client.get(f"/imports/exports/{job.uuid}/download")
    assert download.status_code == 200 and "Nguyễn Văn Trường" in download.content.decode("utf-8-sig")
    client.force_login(world.users["other_commune_officer"])
    assert client.get(f"/imports/exports/{job.uuid}/download").status_code == 404
    assert client.get(f"/imports/exports/{job.uuid}/").status_code == 404
