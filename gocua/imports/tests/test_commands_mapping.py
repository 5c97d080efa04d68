"""import_roster --sheet, --map and --show-mapping."""

import io
from io import StringIO

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gocua.households.models import Household, Resident
from gocua.imports.tests.helpers import roster

pytestmark = pytest.mark.django_db
THAP_THUONG = "Thôn Tháp Thượng, Xã Đan Phượng, Thành phố Hà Nội"
COLUMNS = ["Mã hộ", "Họ và tên", "Năm sinh", "Giới tính", "Quan hệ với chủ hộ", "Liên lạc", "Địa chỉ"]


def run(path, *args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_roster", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def file(tmp_path):
    path = tmp_path / "danh-sach.xlsx"
    path.write_bytes(roster(
        ["TT-007", "Bùi Văn Khoa", 1971, "Nam", "Chủ hộ", "0912345678", THAP_THUONG],
        columns=COLUMNS,
    ))
    return path


def test_show_mapping_lists_columns_samples_and_fields_and_writes_nothing(file, world, officer):
    out, _err = run(file, "--show-mapping", "--user", officer.username)
    assert "  F  Liên lạc" in out and "— bỏ qua / ignored —" in out and "091****678" in out
    assert "B  Họ và tên" in out and "→ full_name" in out
    assert not Household.objects.filter(household_key="TT-007").exists()


def test_map_by_header_label_reads_an_unknown_column_as_the_phone(file, world, officer):
    run(file, "--commune", "09784", "--map", "Liên lạc=phone", "--user", officer.username)
    assert Resident.objects.get(full_name="Bùi Văn Khoa").phone == "0912345678"


def test_map_by_letter_can_ignore_a_recognised_column(tmp_path, world, officer):
    path = tmp_path / "sdt.xlsx"
    path.write_bytes(roster(["TT-007", "Bùi Văn Khoa", 1971, "Nam", "Chủ hộ", "0912345678", THAP_THUONG],
                            columns=[*COLUMNS[:5], "SĐT", "Địa chỉ"]))
    out, _err = run(path, "--map", "F=", "--show-mapping", "--user", officer.username)
    assert "  F  SĐT" in out and "→ — bỏ qua / ignored —" in out.split("  F  SĐT")[1].splitlines()[0]
    run(path, "--commune", "09784", "--map", "F=", "--user", officer.username)
    assert Resident.objects.get(full_name="Bùi Văn Khoa").phone == ""


def test_a_map_naming_no_column_or_no_field_is_refused_with_the_columns_listed(file, world, officer):
    with pytest.raises(CommandError, match="No column 'Số nhà'.*F Liên lạc"):
        run(file, "--map", "Số nhà=phone", "--user", officer.username)
    with pytest.raises(CommandError, match="shoe_size"):
        run(file, "--map", "F=shoe_size", "--user", officer.username)
    with pytest.raises(CommandError, match="COLUMN=FIELD"):
        run(file, "--map", "phone", "--user", officer.username)


def test_sheet_picks_the_list_by_name_or_number(tmp_path, world, officer):
    book = openpyxl.Workbook()
    book.active.title = "Hướng dẫn"
    book.active.append(["Điền danh sách ở trang sau."])
    for title, name in (("Năm 2024", "Lý Văn Phúc"), ("Năm 2025", "Đinh Văn Quang")):
        sheet = book.create_sheet(title)
        sheet.append(COLUMNS)
        sheet.append(["TT-00" + title[-1], name, 1966, "Nam", "Chủ hộ", "", THAP_THUONG])
    out = io.BytesIO()
    book.save(out)
    path = tmp_path / "hai-trang.xlsx"
    path.write_bytes(out.getvalue())
    shown, _err = run(path, "--sheet", "3", "--show-mapping", "--user", officer.username)
    assert "Trang tính / sheet: Năm 2025" in shown
    run(path, "--commune", "09784", "--sheet", "Năm 2024", "--user", officer.username)
    assert Resident.objects.filter(full_name="Lý Văn Phúc").exists()
    assert not Resident.objects.filter(full_name="Đinh Văn Quang").exists()
    with pytest.raises(CommandError, match="Năm 2025"):
        run(path, "--sheet", "Năm 2030", "--user", officer.username)
