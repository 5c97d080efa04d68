"""Finding the list: every sheet scored, the officer's sheet and column choices, what each column was taken as."""

import io

import openpyxl
import pytest

from gocua.imports import layout
from gocua.imports.reader import ReadError, read_roster
from gocua.imports.tests import gallery
from gocua.imports.tests.conftest import csv_bytes

HEADER = ["Mã hộ", "Họ và tên", "Năm sinh", "Số CCCD", "Thôn", "Ghi chú"]
ROWS = [["H1", "An", 1980, "001080012345", "Thôn A", "mới"], ["H1", "Bình", 1982, "", "Thôn A", ""],
        ["H2", "Cúc", 1990, "", "Thôn B", ""], ["H3", "Dũng", 1991, "", "Thôn B", ""]]


def error_of(*args, **kwargs) -> ReadError:
    with pytest.raises(ReadError) as caught:
        read_roster(*args, **kwargs)
    return caught.value


def test_every_sheet_is_scored_and_the_best_is_chosen():
    sheet = read_roster(gallery.later_sheet(), "r.xlsx")
    assert sheet.sheet_name == "Danh sách"
    assert [name for name, _score in sheet.sheet_choices] == ["Danh sách", "Hướng dẫn", "Tổng hợp"]
    assert sheet.sheet_choices[0][1] > sheet.sheet_choices[1][1] > sheet.sheet_choices[2][1] == 0


def test_the_officer_can_choose_the_sheet_by_name_or_number():
    # The instructions sheet has a sample header without a place: reading it says so.
    error = error_of(gallery.later_sheet(), "r.xlsx", sheet=1)
    assert error.code == "missing_columns" and "(row 3)" in str(error.message)
    assert read_roster(gallery.later_sheet(), "r.xlsx", sheet="danh sach").sheet_name == "Danh sách"
    assert read_roster(gallery.later_sheet(), "r.xlsx", sheet="3").sheet_name == "Danh sách"


def test_an_unknown_sheet_is_a_clear_error_naming_the_sheets():
    error = error_of(gallery.later_sheet(), "r.xlsx", sheet="Sheet9")
    assert error.code == "sheet_unknown" and error.field == "sheet"
    assert "Tổng hợp" in str(error.message)
    assert error_of(gallery.later_sheet(), "r.xlsx", sheet=4).code == "sheet_unknown"
    assert error_of(csv_bytes([HEADER, *ROWS]), "r.csv", sheet=2).code == "sheet_unknown"


def test_each_column_says_what_it_was_taken_as_with_masked_samples():
    sheet = read_roster(csv_bytes([HEADER, *ROWS]), "r.csv")
    columns = [(c.letter, c.label, c.field) for c in sheet.columns]
    assert columns == [("A", "Mã hộ", "household_key"), ("B", "Họ và tên", "full_name"), ("C", "Năm sinh", "birth_year"),
                       ("D", "Số CCCD", "citizen_id"), ("E", "Thôn", "village"), ("F", "Ghi chú", None)]
    assert sheet.columns[1].samples == ["An", "Bình", "Cúc"]
    assert sheet.columns[3].samples == ["001******345"]  # an ID is shown by its shape only
    assert sheet.unknown_columns == ["Ghi chú"]


def test_the_mapping_overrides_what_the_labels_say():
    sheet = read_roster(csv_bytes([HEADER, *ROWS]), "r.csv", mapping={"F": "ethnicity", "D": "", "C": "birth_date"})
    assert sheet.fields == {0: "household_key", 1: "full_name", 2: "birth_date", 4: "village", 5: "ethnicity"}
    assert [c.field for c in sheet.columns] == ["household_key", "full_name", "birth_date", None, "village",
                                                "ethnicity"]
    assert sheet.unknown_columns == ["Số CCCD"]


def test_a_field_mapped_by_hand_is_no_longer_read_from_another_column():
    sheet = read_roster(csv_bytes([HEADER, *ROWS]), "r.csv", mapping={"F": "full_name"})
    assert sheet.column_of(layout.FULL_NAME) == 5 and 1 not in sheet.fields


def test_an_unknown_field_or_column_in_the_mapping_is_a_clear_error():
    data = csv_bytes([HEADER, *ROWS])
    assert error_of(data, "r.csv", mapping={"B": "shoe_size"}).code == "mapping_field_unknown"
    assert error_of(data, "r.csv", mapping={"B2": "full_name"}).code == "mapping_column_unknown"
    assert error_of(data, "r.csv", mapping={"B": ""}).code == "missing_columns"  # no name column left


def test_the_fingerprint_follows_the_header_not_the_data():
    one = read_roster(csv_bytes([HEADER, *ROWS]), "r.csv").fingerprint
    other_data = read_roster(csv_bytes([HEADER, ROWS[2]]), "r.csv").fingerprint
    spelled = read_roster(csv_bytes([[h.upper() for h in HEADER], *ROWS]), "r.csv").fingerprint
    other_header = read_roster(csv_bytes([HEADER[:5], *[r[:5] for r in ROWS]]), "r.csv").fingerprint
    assert one == other_data == spelled != other_header


def test_a_two_row_header_without_merges_spreads_the_group_label_over_its_sub_labels():
    rows = [["Họ và tên", "Năm sinh", "", "Địa chỉ"], ["", "Nam", "Nữ", ""], ["An", 1950, "", "Thôn A"],
            ["Bình", "", 1952, "Thôn A"]]
    sheet = read_roster(csv_bytes(rows), "r.csv")
    assert (sheet.header_row, sheet.header_rows) == (2, 2)
    assert [c.label for c in sheet.columns] == ["Họ và tên", "Năm sinh / Nam", "Năm sinh / Nữ", "Địa chỉ"]
    assert sheet.fields == {0: "full_name", 1: "birth_year_male", 2: "birth_year_female", 3: "address"}


def test_the_header_is_found_anywhere_in_the_first_thirty_rows():
    title = [["DANH SÁCH"]] + [[""]] * 27
    sheet = read_roster(csv_bytes([*title, HEADER, *ROWS]), "r.csv")
    assert sheet.header_row == 29 and len(sheet.rows) == 4


def test_blank_rows_between_households_do_not_end_the_list():
    rows = [HEADER, ROWS[0], [], [], ROWS[2], [""] * 6, ROWS[3]]
    sheet = read_roster(csv_bytes(rows), "r.csv")
    assert [n for n, _c in sheet.rows] == [2, 5, 7]
    assert sheet.skipped == [(3, "blank"), (4, "blank"), (6, "blank")] and sheet.rows_read == 6


def test_a_nameless_row_with_a_persons_data_is_kept_for_the_planner_to_report():
    rows = [HEADER, ROWS[0], ["H1", "", 1984, "", "Thôn A", ""], ["H1", "", "", "", "Thôn A", "chuyển đi"]]
    sheet = read_roster(csv_bytes(rows), "r.csv")
    assert [n for n, _c in sheet.rows] == [2, 3] and sheet.skipped == [(4, "note")]


def test_legacy_font_text_is_converted_before_the_header_is_looked_for():
    sheet = read_roster(gallery.tcvn3_fonts(), "r.xlsx")
    assert sheet.headers[:2] == ["Họ và tên", "Năm sinh"] and sheet.rows[0][1][0] == "Nguyễn Văn Thành"
    assert sheet.legacy_encoding == "tcvn3"


def test_every_sheet_is_listed_with_its_score_even_when_the_officer_chose_one():
    sheet = read_roster(gallery.later_sheet(), "r.xlsx", sheet="Danh sách")
    assert [name for name, _score in sheet.sheet_choices] == ["Danh sách", "Hướng dẫn", "Tổng hợp"]
    assert error_of(gallery.later_sheet(), "r.xlsx", sheet="Tổng hợp").code == "no_header"


def test_a_csv_typed_in_tcvn3_or_vni_fonts_is_read_as_unicode():
    tcvn3 = "Hä vµ tªn,N¨m sinh,Th«n\r\nNguyÔn V¨n Tr\xadêng,1970,Th«n Th¸p H¹\r\n".encode("latin-1")
    vni = "Hoï vaø teân,Naêm sinh,Thoân\r\nNguyeãn Thò Höôøng,1972,Thoân Thaùp Haï\r\n".encode("latin-1")
    assert read_roster(tcvn3, "r.csv").rows[0][1] == ["Nguyễn Văn Trường", "1970", "Thôn Tháp Hạ"]
    assert read_roster(vni, "r.csv").rows[0][1] == ["Nguyễn Thị Hường", "1972", "Thôn Tháp Hạ"]


def test_an_xlsm_workbook_is_read_like_an_xlsx():
    assert read_roster(gallery.tcvn3_fonts(), "danh-sach.xlsm").rows[1][1][0] == "Trần Thị Lý"


def test_a_hidden_sheet_is_not_chosen_unless_the_officer_names_it():
    book = openpyxl.load_workbook(io.BytesIO(gallery.later_sheet()))
    book["Danh sách"].sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    assert error_of(out.getvalue(), "r.xlsx").code == "missing_columns"  # the instructions sheet is the best visible
    assert read_roster(out.getvalue(), "r.xlsx", sheet="Danh sách").sheet_name == "Danh sách"
