import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gocua.accounts.models import AuditEvent
from gocua.households.models import Household, Resident
from gocua.imports.tests.conftest import read_xlsx
from gocua.imports.tests.helpers import person, roster

pytestmark = pytest.mark.django_db
HONG_HA = "Thôn Bãi Tháp, Xã Hồng Hà, Huyện Đan Phượng, Hà Nội"


def import_roster(path, *args, **kwargs) -> str:
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("import_roster", str(path), *args, stdout=out, stderr=err, **kwargs)
    return out.getvalue()


@pytest.fixture
def file(tmp_path):
    path = tmp_path / "danh-sach.xlsx"
    path.write_bytes(roster(
        person("HH-1", "Trần Văn Bình", 1955, address=HONG_HA),
        person("PD-1", "Lê Văn Đức", 1968, address="Thôn Đoài, Xã Phương Đình, Huyện Đan Phượng, Hà Nội"),
    ))
    return path


def test_a_dry_run_prints_the_summary_and_writes_nothing(file, lien_minh):
    output = import_roster(file, "--commune", "09787", "--dry-run", "--user", lien_minh["officer"].username)
    assert "--choose 09796=" in output and "09817 Xã Ô Diên (mặc định / default)" in output
    assert "Thôn mới / new village: Thôn Đoài" in output
    assert "Dry run" in output and not Household.objects.filter(commune_code="09787").exists()


def test_choose_settles_a_split_commune_and_the_rows_are_written(file, lien_minh):
    output = import_roster(file, "--commune", "09787", "--choose", "09796=09787",
                           "--user", lien_minh["officer"].username)
    assert "2 hộ mới / new households" in output
    assert set(Household.objects.filter(commune_code="09787").values_list("household_key", flat=True)) == {
        "HH-1", "PD-1"}


def test_without_a_commune_each_row_goes_where_its_address_says(file, world):
    import_roster(file, "--choose", "09796=09817", "--user", world.users["national_admin"].username)
    assert Household.objects.get(household_key="HH-1").commune_code == "09817"
    assert Household.objects.get(household_key="PD-1").commune_code == "09787"


def test_the_exit_status_is_an_error_when_nothing_can_be_imported(tmp_path, officer):
    path = tmp_path / "bad.csv"
    path.write_text("Mã hộ,Họ và tên,Địa chỉ,Số CCCD\nH1,,Thôn Tháp Thượng,123\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing could be imported"):
        import_roster(path, "--commune", "09784", "--user", officer.username)
    with pytest.raises(CommandError, match="/"):  # "Vietnamese / English"
        (tmp_path / "x.xlsx").write_bytes(b"not a workbook")
        import_roster(tmp_path / "x.xlsx", "--commune", "09784", "--user", officer.username)


def test_bad_arguments_are_explained(file, officer):
    with pytest.raises(CommandError, match="LEGACY=NEW|KEY=VALUE"):
        import_roster(file, "--choose", "09796", "--user", officer.username)
    with pytest.raises(CommandError, match="99999"):
        import_roster(file, "--commune", "99999", "--user", officer.username)
    with pytest.raises(CommandError, match="No such file"):
        import_roster(file.with_name("missing.xlsx"), "--user", officer.username)


def test_export_roster_writes_the_layout_and_is_audited(tmp_path, world, officer):
    target = tmp_path / "out.xlsx"
    call_command("export_roster", "09784", "--output", str(target), "--user", officer.username, stdout=open("/dev/null", "w"))
    rows = read_xlsx(target.read_bytes())
    assert rows[1][1] == "Nguyễn Văn Trường" and rows[1][5] == "001080012345"
    assert AuditEvent.objects.get(action="export").detail == {"unit": "09784", "rows": 1, "format": "xlsx"}
    count = Resident.objects.count()
    output = import_roster(target, "--commune", "09784", "--user", officer.username)
    assert "mới / new 0, cập nhật / updated 0, không đổi / unchanged 1" in output
    assert Resident.objects.count() == count


def test_purge_imports_deletes_expired_uploads(client, officer):
    from io import StringIO

    from django.core.files.uploadedfile import SimpleUploadedFile

    from gocua.imports.models import ImportBatch

    client.force_login(officer)
    for _ in range(2):
        client.post("/imports/", {"file": SimpleUploadedFile("r.xlsx", roster(person("T-1", "Lý Văn Tâm", 1970)))})
    ImportBatch.objects.filter(pk=ImportBatch.objects.first().pk).update(expires_at="2000-01-01T00:00:00Z")
    out = StringIO()
    call_command("purge_imports", stdout=out)
    assert "1" in out.getvalue() and ImportBatch.objects.count() == 1
