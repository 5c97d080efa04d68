"""A gallery of rosters laid out the way communes keep them, written as real files in the tests.

Each builder returns the bytes of one file: .xlsx (openpyxl), .xls (xlwt), .ods (the ODF zip
written by hand), .csv in UTF-8, Windows-1258 and UTF-16. The expected figures of each roster are
written by hand in test_gallery.py from the rows below, not computed by the reader.
"""

import csv
import io
import zipfile
from xml.sax.saxutils import escape

import openpyxl
import xlwt

from gocua.imports.tests.conftest import windows_1258

TT, TH = "Thôn Tháp Thượng", "Thôn Tháp Hạ"


def xlsx(sheets: list[tuple[str, list[list]]], merges: dict[str, list[str]] | None = None) -> bytes:
    """Return a workbook with these sheets (name, rows) and merged ranges per sheet ("A2:A4")."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets:
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append([None if cell == "" else cell for cell in row])
        for ref in (merges or {}).get(name, []):
            sheet.merge_cells(ref)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xls(name: str, rows: list[list], merges: list[tuple[int, int, int, int]] = ()) -> bytes:
    """Return an Excel 97–2003 workbook; merges are (first row, last row, first col, last col), 0-based."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet(name)
    covered = {(r, c) for r0, r1, c0, c1 in merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
    for r0, r1, c0, c1 in merges:
        sheet.write_merge(r0, r1, c0, c1, rows[r0][c0])
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if (r, c) not in covered and cell != "":
                sheet.write(r, c, cell)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ods(name: str, rows: list[list]) -> bytes:
    """Return an OpenDocument spreadsheet (LibreOffice's .ods) with one sheet."""
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    body = []
    for row in rows:
        cells = []
        for cell in row:
            if cell == "":
                cells.append("<table:table-cell/>")
            elif isinstance(cell, int | float):
                cells.append(f'<table:table-cell office:value-type="float" office:value="{cell}">'
                             f"<text:p>{cell}</text:p></table:table-cell>")
            else:
                cells.append(f'<table:table-cell office:value-type="string"><text:p>{escape(cell)}</text:p>'
                             "</table:table-cell>")
        body.append("<table:table-row>" + "".join(cells) + "</table:table-row>")
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2"><office:body>'
        f'<office:spreadsheet><table:table table:name="{escape(name)}">{"".join(body)}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
        'spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet",
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return out.getvalue()


def text_csv(rows: list[list], *, encoding: str, delimiter: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    if encoding == "cp1258":
        return windows_1258(out.getvalue())
    return out.getvalue().encode(encoding)


# --- the rosters --------------------------------------------------------------------------------


def later_sheet() -> bytes:
    """The list on the third sheet, after an instructions sheet and a summary sheet."""
    instructions = [
        ["HƯỚNG DẪN NHẬP DANH SÁCH"],
        ["Cột Họ và tên: ghi đầy đủ họ và tên, có dấu"],
        ["Họ và tên", "Năm sinh"],
        ["Nguyễn Văn Mẫu", 1980],
    ]
    summary = [["Thôn", "Số hộ", "Số nhân khẩu"], [TT, 1, 2], [TH, 1, 2]]
    header = ["STT", "Mã hộ", "Họ và tên", "Năm sinh", "Giới tính", "Quan hệ với chủ hộ", "Số CCCD", "Thôn/xóm"]
    roster = [
        ["UBND XÃ ĐAN PHƯỢNG"],
        ["DANH SÁCH HỘ GIA ĐÌNH"],
        [],
        header,
        [1, "TT-201", "Vũ Văn Khải", 1970, "Nam", "Chủ hộ", "001070001201", TT],
        [2, "TT-201", "Hoàng Thị Nga", 1972, "Nữ", "Vợ", "", TT],
        [3, "TT-202", "Đinh Văn Lực", 1965, "Nam", "Chủ hộ", "", TH],
        [4, "TT-202", "Đinh Thị Hiền", 1995, "Nữ", "Con", "", TH],
    ]
    return xlsx([("Hướng dẫn", instructions), ("Tổng hợp", summary), ("Danh sách", roster)],
                {"Danh sách": ["A1:H1", "A2:H2"]})


def two_row_header() -> bytes:
    """A merged "Năm sinh" over "Nam" | "Nữ" (the column of the year gives the gender) and a numbering row."""
    rows = [
        ["DANH SÁCH NHÂN KHẨU"],
        ["STT", "Mã hộ", "Họ và tên", "Năm sinh", "", "Quan hệ với CH", "Thôn", "Ghi chú"],
        ["", "", "", "Nam", "Nữ", "", "", ""],
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)"],
        [1, "TT-301", "Lý Văn Toàn", 1958, "", "Chủ hộ", TT, ""],
        [2, "TT-301", "Lý Thị Hằng", "", 1960, "Vợ", TT, ""],
        [3, "TT-301", "Lý Minh Đức", 1985, "", "Con", TT, "đi làm xa"],
    ]
    merges = ["A1:H1", "A2:A3", "B2:B3", "C2:C3", "D2:E2", "F2:F3", "G2:G3", "H2:H3"]
    return xlsx([("DS", rows)], {"DS": merges})


def merged_households() -> bytes:
    """No household key: "STT hộ" and "Họ tên chủ hộ" merged down over each household's rows."""
    rows = [
        ["STT hộ", "Họ tên chủ hộ", "Họ và tên", "Năm sinh", "Giới tính", "Quan hệ với chủ hộ", "Thôn"],
        [1, "Trịnh Văn Sơn", "Trịnh Văn Sơn", 1968, "Nam", "Chủ hộ", TT],
        ["", "", "Ngô Thị Thu", 1970, "Nữ", "Vợ", ""],
        ["", "", "Trịnh Văn Nam", 1992, "Nam", "Con", ""],
        [2, "Bùi Văn Tâm", "Bùi Văn Tâm", 1955, "Nam", "Chủ hộ", TH],
        ["", "", "Bùi Thị Lụa", 1958, "Nữ", "Vợ", ""],
    ]
    merges = ["A2:A4", "B2:B4", "G2:G4", "A5:A6", "B5:B6", "G5:G6"]
    return xlsx([("Danh sách hộ", rows)], {"Danh sách hộ": merges})


def heads_first() -> bytes:
    """No household column: each household is the rows from a "Chủ hộ" down; short labels; a nameless row."""
    rows = [
        ["Họ và tên", "Năm sinh", "Giới", "QHVCH", "Thôn", "SĐT"],
        ["Phan Thị Mơ", 1980, "Nữ", "Con", TT, ""],
        ["Cao Văn Bảy", 1950, "Nam", "Chủ hộ", TT, "0912 345 678"],
        ["Lâm Thị Tám", 1952, "Nữ", "Vợ", TT, ""],
        [],
        ["Cao Văn Chín", 1975, "Nam", "Chủ hộ", TT, "+84 983 456 789"],
        ["", 2001, "Nữ", "Con", TT, ""],
        ["Cao Thị Mười", 2003, "Nữ", "Con", TT, ""],
    ]
    return xlsx([("Sheet1", rows)])


def no_relation() -> bytes:
    """No relation column: the head's name on every row; rows with the same head and address are one household."""
    rows = [
        ["DANH SÁCH HỘ XÓM THÁP HẠ"],
        ["TT", "Chủ hộ", "Họ tên", "NS", "GT", "Xóm"],
        [1, "Quách Văn Hai", "Quách Văn Hai", 1960, "Nam", TH],
        [2, "Quách Văn Hai", "Mai Thị Ba", 1962, "Nữ", TH],
        [3, "Tạ Văn Bốn", "Tạ Văn Bốn", 1971, "Nam", TH],
        [4, "", "Tạ Thị Năm", 1999, "Nữ", TH],
        [5, "Quách Văn Hai", "Quách Thị Sáu", 1990, "Nữ", TH],
    ]
    return xlsx([("Xóm Tháp Hạ", rows)])


def old_xls() -> bytes:
    """Excel 97–2003: merged "STT hộ", IDs typed as numbers, serial and typed dates, pre-2018 phones."""
    rows = [
        ["STT hộ", "Họ và tên", "Ngày sinh", "Giới tính", "Quan hệ với chủ hộ", "Số CCCD", "Điện thoại", "Địa chỉ"],
        [1, "Đặng Văn Hòa", "05/03/1969", "Nam", "Chủ hộ", 1069004321, 1629123456, TT],
        ["", "Đặng Thị Hoa", 28491, "Nữ", "Vợ", "001178004322", "0912.345.678", TT],
        [2, "Đặng Văn Long", "1/2/98", "Nam", "Chủ hộ", 2098004323, "(0912) 345 679", TH],
        ["", "Lưu Thị Yến", "12-11-2000", "Nữ", "Vợ", "00130000432", "84912345670", TH],
    ]
    return xls("Danh sach", rows, [(1, 2, 0, 0), (3, 4, 0, 0)])


def libreoffice_ods() -> bytes:
    """LibreOffice .ods with a total row and the signature block under the list."""
    rows = [
        ["Mã hộ", "Họ và tên", "Năm sinh", "Giới tính", "Quan hệ", "Thôn"],
        ["TT-701", "Kiều Văn Phú", 1966, "Nam", "Chủ hộ", TT],
        ["TT-701", "Kiều Thị Quý", 1968, "Nữ", "Vợ", TT],
        [],
        ["", "Tổng cộng", 2, "", "", ""],
        [],
        ["", "", "", "", "Tháp Thượng, ngày 10 tháng 11 năm 2026"],
        ["", "Người lập biểu", "", "", "TM. Ban công tác Mặt trận"],
        ["", "(Ký, ghi rõ họ tên)", "", "", "(Ký, ghi rõ họ tên)"],
        [],
        ["", "Kiều Văn Phú", "", "", "Lê Văn Trưởng"],
    ]
    return ods("Danh sách", rows)


def windows_1258_csv() -> bytes:
    """A CSV saved by an old Excel in Windows-1258, with short labels and dates as people type them."""
    address = "Thôn Tháp Thượng, Xã Đan Phượng, Hà Nội"
    rows = [
        ["Số hộ", "Họ tên", "Ngày, tháng, năm sinh", "Phái", "Quan hệ với CH", "Số ĐDCN", "Nơi thường trú"],
        ["H-801", "Trương Văn Ất", "năm 1948", "Nam", "Chủ hộ", "", address],
        ["H-801", "Trương Thị Bính", "3/4/52", "Nữ", "Vợ", "", address],
        ["H-801", "Trương Văn Đinh", "15/06/2030", "Nam", "Con", "", address],
        ["H-801", "Trương Văn Mậu", "1899", "Nam", "Con", "", address],
    ]
    return text_csv(rows, encoding="cp1258", delimiter=";")


def utf16_text() -> bytes:
    """Excel's "Unicode Text" (UTF-16, tabs): village and commune in their own columns, phones with +84."""
    rows = [
        ["Mã hộ", "Họ và tên", "Năm sinh", "Giới tính", "Quan hệ với chủ hộ", "SĐT", "Thôn", "Xã"],
        ["H-901", "Hà Văn Tuấn", "1977", "Nam", "Chủ hộ", "+84 912 345 601", "Tháp Hạ", "Đan Phượng"],
        ["H-901", "Hà Thị Tuyết", "1979", "Nữ", "Vợ", "84912345602", "Tháp Hạ", "Đan Phượng"],
    ]
    return text_csv(rows, encoding="utf-16", delimiter="\t")


def tcvn3_fonts() -> bytes:
    """Typed in the .VnTime font (TCVN3): the cells hold Latin-1 characters, header included."""
    rows = [
        ["Hä vµ tªn", "N¨m sinh", "Giíi tÝnh", "Quan hÖ víi chñ hé", "M· hé", "Th«n"],
        ["NguyÔn V¨n Thµnh", 1962, "Nam", "Chñ hé", "TC-1", "Th«n Th¸p Th\xadîng"],
        ["TrÇn ThÞ Lý", 1965, "N÷", "Vî", "TC-1", "Th«n Th¸p Th\xadîng"],
    ]
    return xlsx([("Sheet1", rows)])


def vni_fonts() -> bytes:
    """Typed in the VNI-Times font: every tone mark is a separate Latin-1 character after its vowel."""
    rows = [
        ["Hoï vaø teân", "Naêm sinh", "Giôùi tính", "Quan heä vôùi chuû hoä", "Maõ hoä", "Thoân"],
        ["Leâ Vaên Quyù", 1973, "Nam", "Chuû hoä", "VN-1", "Thoân Thaùp Haï"],
        ["Ñoã Thò Sen", 1975, "Nöõ", "Vôï", "VN-1", "Thoân Thaùp Haï"],
    ]
    return xlsx([("Sheet1", rows)])


def footer_and_bands() -> bytes:
    """A village band, a header repeated after a page break, a note, and a footer with signatures."""
    header = ["STT", "Mã hộ", "Họ và tên", "Năm sinh", "Giới tính", "Quan hệ với chủ hộ", "Địa chỉ"]
    rows = [
        ["ỦY BAN NHÂN DÂN XÃ ĐAN PHƯỢNG"],
        ["DANH SÁCH HỘ GIA ĐÌNH NĂM 2026"],
        header,
        ["THÔN THÁP THƯỢNG"],
        [1, "TT-111", "Mạc Văn Cường", 1959, "Nam", "Chủ hộ", TT],
        [2, "TT-111", "Mạc Thị Dung", 1961, "Nữ", "Vợ", TT],
        header,
        [3, "TT-112", "Mạc Văn Em", 1985, "Nam", "Chủ hộ", TT],
        ["Ghi chú: hộ TT-112 mới chuyển đến"],
        [],
        ["", "", "Đan Phượng, ngày 15 tháng 8 năm 2025"],
        ["", "", "Người lập biểu", "", "", "Xác nhận của UBND xã"],
        ["", "", "(Ký, ghi rõ họ tên)", "", "", "TM. UBND XÃ"],
        [],
        [],
        ["", "", "Mạc Văn Em", "", "", "Chủ tịch"],
    ]
    return xlsx([("Danh sách", rows)], {"Danh sách": ["A1:G1", "A2:G2", "A4:G4"]})


def nameless_and_ids() -> bytes:
    """A nameless row that holds a person's data, IDs typed as numbers, a text ID of the wrong length."""
    rows = [
        ["Mã hộ", "Họ và tên", "Năm sinh", "Giới tính", "Quan hệ với chủ hộ", "CCCD/CMND", "Thôn"],
        ["TT-121", "Hồ Văn Đạt", 1980, "Nam", "Chủ hộ", 1080001121, TT],
        ["TT-121", "", 1984, "Nữ", "Vợ", "", TT],
        ["TT-121", "Hồ Thị Êm", 2010, "Nữ", "Con", 1310001122, TT],
        ["TT-121", "Hồ Văn Phong", 2012, "Nam", "Con", "1212001123", TT],
        ["TT-121", "", "", "", "", "", TT],
    ]
    return xlsx([("Sheet1", rows)])
