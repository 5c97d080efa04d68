import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gocua.households.models import Household
from gocua.imports.models import ImportBatch
from gocua.imports.tests.conftest import read_xlsx
from gocua.imports.tests.helpers import person, roster

pytestmark = pytest.mark.django_db
HONG_HA = "Thôn Bãi Tháp, Xã Hồng Hà, Huyện Đan Phượng, Hà Nội"


def post_file(client, data: bytes, commune: str = "09787", name: str = "roster.xlsx"):
    return client.post("/api/v1/imports", {"commune": commune, "file": SimpleUploadedFile(name, data)})


def test_upload_preview_problems_choices_and_confirm_through_the_api(client, lien_minh):
    client.force_login(lien_minh["officer"])
    data = roster(
        person("HH-1", "Trần Văn Bình", 1955, address=HONG_HA),
        person("HH-1", "Trần Văn Cường", 1985, relation="Con", address=HONG_HA),
        person("HH-2", "Lê Văn Long", 1970, cid="123", address=HONG_HA),
    )
    response = post_file(client, data)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["rows"], body["problem_rows"], body["header_row"]) == ("preview", 3, 3, 1)
    assert body["ambiguous"][0]["candidates"][0] == {"code": "09817", "name": "Xã Ô Diên", "default": True}
    key = body["uuid"]

    problems = client.get(f"/api/v1/imports/{key}/problems?page_size=2").json()
    assert problems["count"] == 4 and problems["pages"] == 2
    first = problems["items"][0]
    assert first | {"message": ""} == {
        "row": 2, "column": "H", "header": "Địa chỉ", "field": "address", "code": "address_ambiguous", "message": ""}
    assert "Xã Hồng Hà" in first["message"]

    chosen = client.post(f"/api/v1/imports/{key}/choices", {"communes": {"09796": "09787"}},
                         content_type="application/json").json()
    assert chosen["problem_rows"] == 1 and chosen["proposals"][0]["name"] == "Thôn Bãi Tháp"

    done = client.post(f"/api/v1/imports/{key}/confirm", {"communes": {"09796": "09787"}},
                       content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "imported"
    assert done.json()["result"]["residents_created"] == 2
    assert Household.objects.get(household_key="HH-1").residents.count() == 2

    again = client.post(f"/api/v1/imports/{key}/confirm", {}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "import_done"

    rows = read_xlsx(client.get(f"/api/v1/imports/{key}/problems.xlsx").content)
    assert [r[1] for r in rows[1:]] == ["Lê Văn Long"]


def test_an_unreadable_file_is_a_400_with_a_code(client, officer):
    client.force_login(officer)
    response = post_file(client, b"\x89PNG\r\n\x1a\n\x00\x00", "09784", name="x.png")
    assert response.status_code == 400 and response.json()["code"] == "file_not_spreadsheet"
    assert not ImportBatch.objects.exists()


def test_a_commune_officer_always_imports_into_their_commune(client, officer, world):
    client.force_login(officer)
    response = post_file(client, roster(person("TT-5", "Lý Văn Tâm", 1970)), commune="19774")
    assert response.status_code == 201 and response.json()["commune_code"] == "09784"


@pytest.mark.parametrize("role", ["team_leader", "team_member"])
def test_team_leaders_and_members_are_refused(client, world, role):
    client.force_login(world.users[role])
    response = post_file(client, roster(person("TT-5", "Lý Văn Tâm", 1970)), commune="09784")
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert client.get(f"/api/v1/exports/{world.village.code}").status_code == 403


def test_another_users_upload_is_404(client, world, officer):
    client.force_login(officer)
    key = post_file(client, roster(person("TT-5", "Lý Văn Tâm", 1970)), commune="09784").json()["uuid"]
    client.force_login(world.users["province_officer"])
    assert client.get(f"/api/v1/imports/{key}").status_code == 404
    assert client.post(f"/api/v1/imports/{key}/confirm", {}, content_type="application/json").status_code == 404
    assert client.get(f"/api/v1/imports/{uuid.uuid4()}/problems").status_code == 404


def test_export_through_the_api(client, world, officer):
    client.force_login(officer)
    response = client.get("/api/v1/exports/09784?format=csv")
    assert response.status_code == 200 and "Nguyễn Văn Trường" in response.content.decode("utf-8-sig")
    assert client.get(f"/api/v1/exports/{world.other_province_village.code}").status_code == 404
    assert client.get("/api/v1/exports/09784?format=pdf").status_code == 422


def test_the_template_through_the_api(client, officer):
    client.force_login(officer)
    response = client.get("/api/v1/imports/template.xlsx")
    assert response.status_code == 200 and read_xlsx(response.content)[0][1] == "Họ và tên"


def test_unauthenticated_calls_are_401(client):
    assert client.get("/api/v1/imports/template.xlsx").status_code == 401
    assert client.post("/api/v1/imports").status_code == 401


def test_no_import_url_answers_with_a_server_error_for_any_role(client, world, officer):
    client.force_login(officer)
    key = post_file(client, roster(person("TT-5", "Lý Văn Tâm", 1970)), commune="09784").json()["uuid"]
    paths = [
        "/imports/", "/imports/template.xlsx", f"/imports/{key}/", f"/imports/{key}/problems.xlsx",
        f"/imports/{uuid.uuid4()}/", "/imports/export/09784/", f"/imports/export/{world.village.code}/",
        "/imports/export/99999-999/", "/api/v1/imports", "/api/v1/imports/template.xlsx", f"/api/v1/imports/{key}",
        f"/api/v1/imports/{key}/problems", f"/api/v1/imports/{key}/choices", f"/api/v1/imports/{key}/confirm",
        f"/api/v1/imports/{key}/problems.xlsx", "/api/v1/exports/09784", "/api/v1/exports/99999-999",
    ]
    statuses = {}
    for role in [None, *world.users]:
        if role:
            client.force_login(world.users[role])
        else:
            client.logout()
        for path in paths:
            for method in ("get", "post"):
                statuses[(role, method, path)] = getattr(client, method)(path).status_code
    assert not [key for key, status in statuses.items() if status >= 500]
    assert statuses[("commune_officer", "get", f"/imports/{key}/")] == 200
    assert statuses[("province_officer", "get", f"/imports/{key}/")] == 404
    assert statuses[("team_member", "get", "/imports/")] == 403
    assert statuses[("commune_officer", "post", f"/api/v1/imports/{key}/confirm")] == 400  # no JSON body


def test_the_mapping_endpoint_reads_the_file_again_and_reports_rows_read_and_skipped(client, world, officer):
    client.force_login(officer)
    address = "Thôn Tháp Thượng, Xã Đan Phượng, Thành phố Hà Nội"
    data = roster(person("TT-007", "Bùi Văn Khoa", 1971, address=address, phone="0912345678"),
                  ["", "Tổng cộng", "", "", "", "", "", "", "", ""])
    body = post_file(client, data, commune="09784").json()
    assert body["rows_read"] == body["valid_rows"] + body["problem_rows"] + len(body["skipped"]) == 2
    assert body["skipped"] == [{"row": 3, "reason": "total"}] and body["work"] == ""
    phone = next(c["letter"] for c in body["columns"] if c["field"] == "phone")
    response = client.post(f"/api/v1/imports/{body['uuid']}/mapping", {"mapping": {phone: ""}},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    assert "phone" not in {c["field"] for c in response.json()["columns"]}
    bad = client.post(f"/api/v1/imports/{body['uuid']}/mapping", {"mapping": {phone: "shoe_size"}},
                      content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "mapping_field_unknown"
    client.force_login(world.users["other_commune_officer"])
    other = client.post(f"/api/v1/imports/{body['uuid']}/mapping", {"mapping": {}}, content_type="application/json")
    assert other.status_code in (403, 404)


def test_a_big_upload_answers_at_once_with_the_work_queued(client, world, officer, settings):
    settings.GOCUA_IMPORT_BACKGROUND_ROWS = 0
    client.force_login(officer)
    address = "Thôn Tháp Thượng, Xã Đan Phượng, Thành phố Hà Nội"
    body = post_file(client, roster(person("TT-007", "Bùi Văn Khoa", 1971, address=address)), commune="09784").json()
    assert body["work"] == "preview_queued" and body["rows"] == 0 and body["progress"]["total"] == 1
    confirm = client.post(f"/api/v1/imports/{body['uuid']}/confirm", {}, content_type="application/json")
    assert confirm.status_code == 409 and confirm.json()["code"] == "import_busy"
