"""Rosters as communes keep them: each read, planned and imported end to end, then re-imported.

The expected figures were written by hand from the rows in gallery.py (Excel row numbers).
"""

import datetime as dt
from dataclasses import dataclass, field

import pytest

from gocua import testing as f
from gocua.households.models import Household, Resident
from gocua.imports import services
from gocua.imports.reader import read_roster
from gocua.imports.tests import gallery
from gocua.imports.tests.helpers import run


@dataclass
class Case:
    build: object
    filename: str
    sheet: str
    header_row: int
    skipped: list[tuple[int, str]]
    residents: set[str]  # the names imported
    households: int
    problem_rows: set[int] = field(default_factory=set)


CASES = {
    "list_on_a_later_sheet": Case(
        gallery.later_sheet, "ho-gia-dinh.xlsx", "Danh sách", 4, [],
        {"Vũ Văn Khải", "Hoàng Thị Nga", "Đinh Văn Lực", "Đinh Thị Hiền"}, 2,
    ),
    "two_row_header_with_nam_nu_year_columns": Case(
        gallery.two_row_header, "nhan-khau.xlsx", "DS", 3, [(4, "column_numbers")],
        {"Lý Văn Toàn", "Lý Thị Hằng", "Lý Minh Đức"}, 1,
    ),
    "households_by_merged_stt_and_head_name": Case(
        gallery.merged_households, "ho.xlsx", "Danh sách hộ", 1, [],
        {"Trịnh Văn Sơn", "Ngô Thị Thu", "Trịnh Văn Nam", "Bùi Văn Tâm", "Bùi Thị Lụa"}, 2,
    ),
    "households_as_consecutive_rows_with_the_head_first": Case(
        gallery.heads_first, "ds.xlsx", "Sheet1", 1, [(5, "blank")],
        {"Cao Văn Bảy", "Lâm Thị Tám", "Cao Văn Chín", "Cao Thị Mười"}, 2, {2, 7},
    ),
    "no_relation_column_at_all": Case(
        gallery.no_relation, "xom.xlsx", "Xóm Tháp Hạ", 2, [],
        {"Quách Văn Hai", "Mai Thị Ba", "Tạ Văn Bốn", "Tạ Thị Năm", "Quách Thị Sáu"}, 2,
    ),
    "old_xls_with_numeric_ids_and_old_phones": Case(
        gallery.old_xls, "danhsach.xls", "Danh sach", 1, [],
        {"Đặng Văn Hòa", "Đặng Thị Hoa", "Đặng Văn Long"}, 2, {5},
    ),
    "libreoffice_ods_with_total_and_signatures": Case(
        gallery.libreoffice_ods, "danhsach.ods", "Danh sách", 1,
        [(4, "blank"), (5, "total"), (6, "blank"), (7, "footer"), (8, "footer"), (9, "footer"), (10, "blank"),
         (11, "footer")],
        {"Kiều Văn Phú", "Kiều Thị Quý"}, 1,
    ),
    "csv_in_windows_1258_with_typed_dates": Case(
        gallery.windows_1258_csv, "ds.csv", "CSV", 1, [],
        {"Trương Văn Ất", "Trương Thị Bính"}, 1, {4, 5},
    ),
    "utf16_text_with_village_and_commune_columns": Case(
        gallery.utf16_text, "ds.txt", "CSV", 1, [], {"Hà Văn Tuấn", "Hà Thị Tuyết"}, 1,
    ),
    "tcvn3_text": Case(gallery.tcvn3_fonts, "cu.xlsx", "Sheet1", 1, [], {"Nguyễn Văn Thành", "Trần Thị Lý"}, 1),
    "vni_text": Case(gallery.vni_fonts, "vni.xlsx", "Sheet1", 1, [], {"Lê Văn Quý", "Đỗ Thị Sen"}, 1),
    "bands_repeated_header_note_and_footer_with_signatures": Case(
        gallery.footer_and_bands, "ds2026.xlsx", "Danh sách", 3,
        [(4, "note"), (7, "repeated_header"), (9, "note"), (10, "blank"), (11, "footer"), (12, "footer"),
         (13, "footer"), (14, "blank"), (15, "blank"), (16, "footer")],
        {"Mạc Văn Cường", "Mạc Thị Dung", "Mạc Văn Em"}, 2,
    ),
    "a_nameless_row_with_data_and_ids_without_leading_zeros": Case(
        gallery.nameless_and_ids, "ids.xlsx", "Sheet1", 1, [(6, "note")],
        {"Hồ Văn Đạt", "Hồ Thị Êm"}, 1, {3, 5},
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_each_roster_is_read_with_its_sheet_header_and_skipped_rows(name):
    case = CASES[name]
    sheet = read_roster(case.build(), case.filename)
    assert (sheet.sheet_name, sheet.header_row) == (case.sheet, case.header_row)
    assert sheet.skipped == case.skipped
    # Every row below the header is accounted for: data rows plus skipped rows.
    assert sheet.rows_read == len(sheet.rows) + len(case.skipped)


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(CASES))
def test_each_roster_imports_its_residents_and_households_and_reimporting_creates_nothing(world, officer, name):
    case = CASES[name]
    data = case.build()
    households_before = set(Household.objects.values_list("pk", flat=True))
    residents_before = set(Resident.objects.values_list("pk", flat=True))
    result = run(officer, f.unit("09784"), data, name=case.filename)
    assert set(result.plan.problem_rows) == case.problem_rows, [(p.row, p.code) for p in result.plan.problems]
    created = Resident.objects.exclude(pk__in=residents_before)
    assert set(created.values_list("full_name", flat=True)) == case.residents
    assert Household.objects.exclude(pk__in=households_before).count() == case.households
    # Figures add up: rows read = rows imported + problem rows + skipped rows.
    sheet = read_roster(data, case.filename)
    assert sheet.rows_read == len(case.residents) + len(case.problem_rows) + len(case.skipped)

    again = run(officer, f.unit("09784"), data, name=case.filename)
    assert again.summary["households"]["new"] == 0 and again.summary["residents"]["new"] == 0
    assert Resident.objects.count() == len(residents_before) + len(case.residents)
    assert Household.objects.count() == len(households_before) + case.households


# --- what each roster says about its people ----------------------------------------------------


def people(data: bytes, filename: str, officer) -> dict[str, Resident]:
    run(officer, f.unit("09784"), data, name=filename)
    return {r.full_name: r for r in Resident.objects.all()}


@pytest.mark.django_db
def test_the_column_of_the_year_gives_the_gender_under_a_two_row_header(world, officer):
    sheet = read_roster(gallery.two_row_header(), "nhan-khau.xlsx")
    assert [c.label for c in sheet.columns][3:5] == ["Năm sinh / Nam", "Năm sinh / Nữ"]
    assert sheet.header_rows == 2
    found = people(gallery.two_row_header(), "nhan-khau.xlsx", officer)
    assert [(found[n].gender, found[n].birth_year) for n in ("Lý Văn Toàn", "Lý Thị Hằng", "Lý Minh Đức")] == [
        ("male", 1958), ("female", 1960), ("male", 1985),
    ]


@pytest.mark.django_db
def test_households_without_a_key_group_the_right_people_under_the_right_head(world, officer):
    found = people(gallery.merged_households(), "ho.xlsx", officer)
    son, tam = found["Trịnh Văn Sơn"].household, found["Bùi Văn Tâm"].household
    assert {r.full_name for r in son.residents.all()} == {"Trịnh Văn Sơn", "Ngô Thị Thu", "Trịnh Văn Nam"}
    assert son.head.full_name == "Trịnh Văn Sơn" and son.village.name == "Thôn Tháp Thượng"
    assert tam.head.full_name == "Bùi Văn Tâm" and tam.village.name == "Thôn Tháp Hạ"
    assert son.household_key.startswith("G") and son.household_key != tam.household_key


@pytest.mark.django_db
def test_without_a_relation_column_the_named_head_heads_and_the_others_are_other(world, officer):
    found = people(gallery.no_relation(), "xom.xlsx", officer)
    hai = found["Quách Văn Hai"].household
    assert {r.full_name for r in hai.residents.all()} == {"Quách Văn Hai", "Mai Thị Ba", "Quách Thị Sáu"}
    assert hai.head == found["Quách Văn Hai"] and found["Mai Thị Ba"].relation == "other"
    assert found["Tạ Thị Năm"].household == found["Tạ Văn Bốn"].household


@pytest.mark.django_db
def test_the_xls_dates_ids_and_phones_are_read_as_people_typed_them(world, officer):
    found = people(gallery.old_xls(), "danhsach.xls", officer)
    hoa, hoa2, long_ = found["Đặng Văn Hòa"], found["Đặng Thị Hoa"], found["Đặng Văn Long"]
    assert (hoa.birth_date, hoa.citizen_id_masked, hoa.phone) == (dt.date(1969, 3, 5), "001******321", "0329123456")
    assert (hoa2.birth_date, hoa2.phone) == (dt.date(1978, 1, 1), "0912345678")  # Excel serial 28491
    assert (long_.birth_date, long_.citizen_id_masked, long_.phone) == (
        dt.date(1998, 2, 1), "002******323", "0912345679")


@pytest.mark.django_db
def test_problem_rows_say_what_is_wrong(world, officer):
    def codes(data, filename):
        return {(p.row, p.code) for p in run(officer, f.unit("09784"), data, name=filename, dry_run=True).plan.problems}

    assert codes(gallery.old_xls(), "danhsach.xls") == {(5, "citizen_id_length")}
    assert codes(gallery.windows_1258_csv(), "ds.csv") >= {(4, "birth_year_impossible"), (5, "birth_year_impossible")}
    assert codes(gallery.heads_first(), "ds.xlsx") == {(2, "household_starts_without_head"), (7, "name_required")}
    assert codes(gallery.nameless_and_ids(), "ids.xlsx") == {(3, "name_required"), (5, "citizen_id_length")}


@pytest.mark.django_db
def test_legacy_font_text_and_separate_village_and_commune_columns_are_read(world, officer):
    found = people(gallery.tcvn3_fonts(), "cu.xlsx", officer)
    assert found["Trần Thị Lý"].household.village.name == "Thôn Tháp Thượng"
    assert read_roster(gallery.tcvn3_fonts(), "cu.xlsx").legacy_encoding == "tcvn3"
    found = people(gallery.vni_fonts(), "vni.xlsx", officer)
    assert found["Đỗ Thị Sen"].gender == "female" and found["Đỗ Thị Sen"].household.village.name == "Thôn Tháp Hạ"
    found = people(gallery.utf16_text(), "ds.txt", officer)
    assert found["Hà Thị Tuyết"].household.village.name == "Thôn Tháp Hạ"
    assert (found["Hà Văn Tuấn"].phone, found["Hà Thị Tuyết"].phone) == ("0912345601", "0912345602")


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["households_by_merged_stt_and_head_name", "old_xls_with_numeric_ids_and_old_phones",
                                  "libreoffice_ods_with_total_and_signatures"])
def test_the_web_flow_previews_then_confirms_and_a_second_upload_creates_nothing(world, officer, name):
    case = CASES[name]
    residents = Resident.objects.count()
    for _attempt in range(2):
        batch = services.import_start(actor=officer, commune=f.unit("09784"), filename=case.filename,
                                      data=case.build())
        assert batch.summary["columns"]["skipped"] == len(case.skipped)
        assert batch.summary["problem_rows"] == len(case.problem_rows)
        services.import_confirm(actor=officer, batch=batch)
        assert Resident.objects.count() == residents + len(case.residents)
