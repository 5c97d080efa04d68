import io
import os
import time
import zipfile

import pytest

from gocua.imports import layout, reader
from gocua.imports.reader import ReadError, read_roster
from gocua.imports.rows import parse_row
from gocua.imports.tests.conftest import HEADER, csv_bytes, formatted_empty_rows_xlsx, xlsx_bytes

ROW = [1, "H01", "Nguyễn Văn An", 1980, "Nam", "Chủ hộ", "001080012345", "0912345678", "Thôn Tháp Thượng", "x", ""]


def fields_by_name(sheet) -> dict[str, int]:
    return {name: index for index, name in sheet.fields.items()}


def test_it_finds_the_header_below_a_title_block_with_merged_cells():
    data = xlsx_bytes(
        [HEADER, ROW],
        title_rows=[["UBND XÃ ĐAN PHƯỢNG"], ["DANH SÁCH HỘ GIA ĐÌNH THÔN THÁP THƯỢNG"], [], ["Ngày 01/08/2025"]],
        merge="A1:F2",
    )
    sheet = read_roster(data, "roster.xlsx")
    assert sheet.header_row == 5
    assert [number for number, _cells in sheet.rows] == [6]
    assert sheet.rows[0][1][2] == "Nguyễn Văn An"


def test_it_recognises_synonyms_in_any_order_and_lists_unknown_columns():
    header = ["Ghi chú", "Nơi ở", "SỐ ĐỊNH DANH", "ho ten", "Hộ số", "Điện thoại", "Quan hệ", "Ngày tháng năm sinh",
              "Dân tộc", "Kỹ năng số cơ bản"]
    sheet = read_roster(csv_bytes([header, ["", "Thôn A", "", "Lê Văn B", "7", "", "Chủ hộ", "1990", "Kinh", "x"]]),
                        "r.csv")
    names = fields_by_name(sheet)
    assert names == {
        layout.ADDRESS: 1, layout.CITIZEN_ID: 2, layout.FULL_NAME: 3, layout.HOUSEHOLD_KEY: 4, layout.PHONE: 5,
        layout.RELATION: 6, layout.BIRTH_DATE: 7, layout.ETHNICITY: 8, layout.BASIC_SKILLS_ALL: 9,
    }
    assert sheet.unknown_columns == ["Ghi chú"]


def test_a_header_with_extra_words_is_still_recognised():
    assert layout.field_of_header("Số CCCD/Số định danh") == layout.CITIZEN_ID
    assert layout.field_of_header("Năm sinh (yyyy)") == layout.BIRTH_YEAR
    assert layout.field_of_header("Có điện thoại thông minh?") == "smartphone"
    assert layout.field_of_header("Tên") == layout.FULL_NAME
    assert layout.field_of_header("STT") is None


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1258"])
def test_csv_is_read_in_utf8_with_or_without_bom_and_in_windows_1258(encoding):
    data = csv_bytes([HEADER, ROW], encoding=encoding)
    if encoding == "cp1258":
        assert data != csv_bytes([HEADER, ROW], encoding="utf-8")  # really another encoding
    sheet = read_roster(data, "roster.csv")
    cells = sheet.rows[0][1]
    assert cells[2] == "Nguyễn Văn An" and cells[8] == "Thôn Tháp Thượng"
    assert sheet.headers[1] == "Mã hộ"


def test_excel_unicode_text_utf16_with_tabs_is_read():
    sheet = read_roster(csv_bytes([HEADER, ROW], delimiter="\t").decode().encode("utf-16"), "roster.txt")
    assert sheet.rows[0][1][2] == "Nguyễn Văn An"


def test_semicolon_separated_csv_is_read():
    sheet = read_roster(csv_bytes([HEADER, ROW], delimiter=";"), "roster.csv")
    assert sheet.rows[0][1][2] == "Nguyễn Văn An"


def test_marks_are_yes_no_or_unknown_and_empty_is_never_no():
    assert {layout.mark_value(m) for m in ["x", "X", "có", "Co", "1", "yes", "✓", 1, True]} == {1}
    assert {layout.mark_value(m) for m in ["không", "khong", "0", "no", "✗", 0, False]} == {2}
    assert {layout.mark_value(m) for m in ["", "?", "không rõ"]} == {0}
    assert layout.mark_value("maybe") is None


def test_an_unknown_mark_is_a_problem_of_its_cell():
    fields = {0: layout.FULL_NAME, 1: "smartphone", 2: "vneid_level2", 3: layout.BASIC_SKILLS_ALL}
    row = parse_row(7, ["An", "x", "hmm", ""], fields)
    assert row.indicators == {"smartphone": 1}
    assert [(p.row, p.field, p.code) for p in row.problems] == [(7, "vneid_level2", "mark_unknown")]


def test_one_basic_skills_column_marks_all_five_skills():
    row = parse_row(2, ["An", "x"], {0: layout.FULL_NAME, 1: layout.BASIC_SKILLS_ALL})
    assert row.indicators == dict.fromkeys(layout.ALL_SKILLS, 1)


def test_rows_without_a_name_or_id_are_skipped_and_counted():
    rows = [HEADER, ROW, ["", "", "", "", "", "", "", "", "", "", ""], ["", "", "Tổng cộng:", "", "", "", "", "", "",
            "1", ""], ["", "", "=COUNTA(C2:C3)", "", "", "", "", "", "", "", ""], [2, "H02", 2, "", "", "", "", "",
            "", "", ""], [3, "H02", "Trần Thị Bình", 1985, "Nữ", "Vợ", "", "", "Thôn Tháp Thượng", "", ""]]
    sheet = read_roster(csv_bytes(rows), "r.csv")
    assert [number for number, _cells in sheet.rows] == [2, 7]
    # the blank row, the total, the formula, the count in the name column: each with its reason
    assert sheet.skipped == [(3, "blank"), (4, "total"), (5, "formula"), (6, "total")]
    assert sheet.rows_read == 6


def test_formulas_in_a_workbook_are_read_as_their_cached_value_never_evaluated():
    data = xlsx_bytes([HEADER, ROW, ["", "", "=COUNTA(C2:C2)", "", "", "", "", "", "", "", ""]])
    sheet = read_roster(data, "r.xlsx")
    assert len(sheet.rows) == 1 and sheet.skipped == []  # openpyxl stores no cached value: an empty cell


def test_a_citizen_id_typed_as_a_number_gets_its_leading_zeros_back():
    fields = {0: layout.FULL_NAME, 1: layout.CITIZEN_ID, 2: layout.PHONE}
    sheet = read_roster(xlsx_bytes([["Họ và tên", "Số CCCD", "SĐT", "Mã hộ", "Địa chỉ"],
                                    ["An", 1080012345, 912345678, 1, "Thôn A"]]), "r.xlsx")
    row = parse_row(2, sheet.rows[0][1], fields)
    assert row.citizen_id == "001080012345" and row.phone == "912345678"


def test_stops_after_a_thousand_empty_rows():
    rows = [HEADER, ROW] + [[""] * 11 for _ in range(1_000)] + [[9, "H09", "Late Row", 1990, "Nam"]]
    sheet = read_roster(csv_bytes(rows), "r.csv")
    assert [cells[2] for _n, cells in sheet.rows] == ["Nguyễn Văn An"]


def test_a_million_formatted_empty_rows_are_answered_in_seconds():
    data = formatted_empty_rows_xlsx(1_000_000)
    started = time.monotonic()
    sheet = read_roster(data, "big.xlsx")
    assert time.monotonic() - started < 10
    assert len(sheet.rows) == 1


# --- bad input: a clear message, nothing read --------------------------------------------------


def error_code(data: bytes, name: str) -> str:
    with pytest.raises(ReadError) as caught:
        read_roster(data, name)
    assert str(caught.value.message)  # a message an officer can read
    return caught.value.code


def test_a_file_that_is_not_a_spreadsheet_is_refused():
    png = b"\x89PNG\r\n\x1a\n" + os.urandom(200)
    assert error_code(png, "photo.png") == "file_not_spreadsheet"
    assert error_code(b"%PDF-1.4 some text", "roster.pdf") == "file_not_spreadsheet"
    assert error_code(b"\x00\x01binary", "roster.csv") == "file_not_spreadsheet"


def test_random_bytes_named_xlsx_are_a_damaged_workbook():
    assert error_code(os.urandom(4096), "roster.xlsx") == "file_corrupt"


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "hello")
    assert error_code(out.getvalue(), "roster.xlsx") == "file_corrupt"
    assert error_code(out.getvalue(), "archive.zip") == "file_not_spreadsheet"


def test_a_damaged_workbook_zip_is_refused():
    data = bytearray(xlsx_bytes([HEADER, ROW]))
    data[len(data) // 2 : len(data) // 2 + 200] = os.urandom(200)
    assert error_code(bytes(data), "roster.xlsx") == "file_corrupt"


def test_a_password_protected_workbook_is_refused():
    # Excel saves an encrypted .xlsx as an OLE compound file holding these two streams.
    ole = bytearray(reader.OLE_MAGIC + bytes(504))
    ole += "EncryptionInfo".encode("utf-16-le") + bytes(100) + "EncryptedPackage".encode("utf-16-le") + bytes(1000)
    assert error_code(bytes(ole), "roster.xlsx") == "file_protected"


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.GOCUA_IMPORT_MAX_BYTES = 1_000
    assert error_code(csv_bytes([HEADER] + [ROW] * 50), "roster.csv") == "file_too_large"


def test_a_header_without_data_is_refused():
    assert error_code(xlsx_bytes([HEADER]), "roster.xlsx") == "no_data"
    assert error_code(csv_bytes([HEADER, [""] * 11, [""] * 11]), "roster.csv") == "no_data"


def test_a_sheet_without_a_recognisable_header_is_refused():
    rows = [["Tên hàng", "Số lượng", "Đơn giá"], ["Gạo", 10, 15000]]
    assert error_code(xlsx_bytes(rows), "hang.xlsx") == "no_header"
    assert error_code("Chỉ là một đoạn văn bản.\nKhông có bảng nào.".encode(), "notes.txt") == "no_header"


def test_a_header_too_far_down_is_not_found():
    assert error_code(xlsx_bytes([HEADER, ROW], title_rows=[["Tiêu đề"]] * 30), "r.xlsx") == "no_header"


def test_a_header_missing_a_required_column_says_which():
    with pytest.raises(ReadError) as caught:
        read_roster(csv_bytes([["Họ và tên", "Năm sinh", "Giới tính"], ["An", 1980, "Nam"]]), "r.csv")
    assert caught.value.code == "missing_columns"
    # No household key is needed any more (households are formed from the sheet); a place is.
    assert "Địa chỉ" in str(caught.value.message) and "Mã hộ" not in str(caught.value.message)
