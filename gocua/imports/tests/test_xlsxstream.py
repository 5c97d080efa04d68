"""The streaming .xlsx reader gives what calamine gives, row for row, in memory that does not grow.

Three sources of workbooks: the roster gallery as openpyxl writes it (inline strings); the same
rosters rewritten by xlsxwriter the way Excel writes them (a shared-string table, date styles,
cached formula results); and parts written by hand for what neither library writes (the 1900
leap-year quirk, the 1904 date system, rich text with phonetic guides, `_xHHHH_` escapes, error
cells, cells without a reference). Each is read by both readers and compared.
"""

import datetime as dt
import io
import tracemalloc
import zipfile

import openpyxl
import pytest
import python_calamine
import xlsxwriter
from django.test import override_settings

from gocua.imports import reader, xlsxstream
from gocua.imports.tests import gallery
from gocua.imports.tests.test_gallery import CASES

XLSX_CASES = [name for name, case in CASES.items() if case.filename.endswith(".xlsx")]


@pytest.fixture(autouse=True)
def _streamed(settings):
    """The importer reads .xlsx with the streaming reader here (the default is calamine)."""
    settings.GOCUA_IMPORT_XLSX_READER = "stream"


def _both(data: bytes):
    return (python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)),
            xlsxstream.open_book(zipfile.ZipFile(io.BytesIO(data))))


def assert_same_as_calamine(data: bytes) -> int:
    """Compare every sheet of `data` as both readers read it; return the number of rows compared."""
    book, stream = _both(data)
    metas = list(book.sheets_metadata)
    assert [m.name for m in metas] == [s.name for s in stream.sheets]
    assert [str(m.visible).endswith(".Visible") for m in metas] == [s.visible for s in stream.sheets]
    compared = 0
    for index, meta in enumerate(metas):
        if not str(meta.typ).endswith("WorkSheet"):
            continue
        theirs, ours = book.get_sheet_by_index(index), stream.sheet(index)
        assert (ours.start, ours.end) == (theirs.start, theirs.end), meta.name
        assert (ours.height, ours.width) == (theirs.height, theirs.width), meta.name
        assert ours.merged_cell_ranges == list(theirs.merged_cell_ranges or []), meta.name
        expected, got = list(theirs.iter_rows()), list(ours.iter_rows())
        assert got == expected, meta.name
        compared += len(got)
    return compared


def _as_excel_writes_it(data: bytes) -> bytes:
    """Rewrite an openpyxl workbook with xlsxwriter: shared strings, styles, merges, hidden sheets."""
    source = openpyxl.load_workbook(io.BytesIO(data))
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    for sheet in source.worksheets:
        target = book.add_worksheet(sheet.title)
        merged = {str(r): r for r in sheet.merged_cells.ranges}
        covered = {(row, col) for r in merged.values() for row in range(r.min_row, r.max_row + 1)
                   for col in range(r.min_col, r.max_col + 1) if (row, col) != (r.min_row, r.min_col)}
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None or (cell.row, cell.column) in covered:
                    continue
                value = cell.value
                if isinstance(value, dt.date | dt.datetime):
                    target.write_datetime(cell.row - 1, cell.column - 1, value, date)
                else:
                    target.write(cell.row - 1, cell.column - 1, value)
        for r in merged.values():
            target.merge_range(r.min_row - 1, r.min_col - 1, r.max_row - 1, r.max_col - 1,
                               sheet.cell(r.min_row, r.min_col).value)
        if sheet.sheet_state == "hidden":
            target.hide()
    book.close()
    return out.getvalue()


@pytest.mark.parametrize("name", XLSX_CASES)
def test_each_gallery_roster_reads_the_same_as_calamine(name):
    assert assert_same_as_calamine(CASES[name].build()) >= 3


@pytest.mark.parametrize("name", XLSX_CASES)
def test_each_gallery_roster_written_the_way_excel_writes_it_reads_the_same(name):
    data = _as_excel_writes_it(CASES[name].build())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "xl/sharedStrings.xml" in archive.namelist()  # the shape the other test does not cover
    assert assert_same_as_calamine(data) >= 3


@pytest.mark.parametrize("name", XLSX_CASES)
def test_the_importer_reads_each_roster_the_same_with_either_reader(name):
    case = CASES[name]
    for data in (case.build(), _as_excel_writes_it(case.build())):
        with override_settings(GOCUA_IMPORT_XLSX_READER="calamine"):
            theirs = reader.read_roster(data, case.filename)
        ours = reader.read_roster(data, case.filename)
        assert ours.rows and ours.rows == theirs.rows
        assert (ours.skipped, ours.headers, ours.fields, ours.header_row, ours.column_offset, ours.sheet_name) == (
            theirs.skipped, theirs.headers, theirs.fields, theirs.header_row, theirs.column_offset, theirs.sheet_name)
        assert ours.sheet_choices == theirs.sheet_choices and ours.legacy_encoding == theirs.legacy_encoding


# --- parts written by hand -------------------------------------------------------------------

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def handmade(sheet_xml: str, *, shared: str | None = None, styles: str | None = None, workbook_pr: str = "",
             sheets: str = '<sheet name="Danh sách &amp; hộ" sheetId="1" r:id="rId1"/>') -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'))
        z.writestr("_rels/.rels", (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        z.writestr("xl/workbook.xml", (
            f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">{workbook_pr}<sheets>{sheets}</sheets>'
            '</workbook>'))
        rels = f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        if shared is not None:
            rels += f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
            z.writestr("xl/sharedStrings.xml", f'<?xml version="1.0"?><sst xmlns="{MAIN}">{shared}</sst>')
        if styles is not None:
            rels += f'<Relationship Id="rId3" Type="{REL}/styles" Target="styles.xml"/>'
            z.writestr("xl/styles.xml", f'<?xml version="1.0"?><styleSheet xmlns="{MAIN}">{styles}</styleSheet>')
        z.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'{rels}</Relationships>'))
        z.writestr("xl/worksheets/sheet1.xml", (
            f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><dimension ref="A1"/><sheetData>{sheet_xml}</sheetData>'
            '<mergeCells count="1"><mergeCell ref="B5:B7"/></mergeCells></worksheet>'))
    return out.getvalue()


STYLES = ('<numFmts count="3"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
          '<numFmt numFmtId="165" formatCode="&quot;Năm&quot; 0"/><numFmt numFmtId="166" formatCode="[h]:mm"/></numFmts>'
          '<cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/><xf numFmtId="165"/>'
          '<xf numFmtId="166"/><xf numFmtId="49"/></cellXfs>')
SHARED = ('<si><t>Họ và tên</t></si>'
          '<si><r><t>Ng</t></r><r><rPr><b/></rPr><t>uyễn Văn A</t></r><rPh sb="0" eb="1"><t>PHIÊN ÂM</t></rPh></si>'
          '<si><t xml:space="preserve"> Xóm_x000D_Đông &amp; &#272;&#x111; </t></si><si/>')
SHEET = (
    '<row r="2"><c r="B2" t="s"><v>0</v></c><c r="C2" t="e"><v>#N/A</v></c><c r="D2" s="1"><v>59</v></c>'
    '<c r="E2" s="1"><v>60</v></c><c r="F2" s="1"><v>61</v></c><c r="G2" s="2"><v>17593</v></c></row>'
    '<row r="3" spans="2:9"><c r="B3" t="s"><v>1</v></c><c r="C3" t="s"><v>2</v></c><c r="D3" t="str"><f>B3</f>'
    '<v>a &lt; b</v></c><c r="E3" t="d"><v>2020-03-04T00:00:00</v></c><c r="F3" t="b"><v>0</v></c>'
    '<c r="G3"><v>1.5E+3</v></c><c r="H3" t="inlineStr"><is><r><t>in</t></r><r><t>line</t></r></is></c>'
    '<c r="I3" s="3"><v>1948</v></c></row>'
    '<row r="5"><c r="A5" s="1"/><c r="B5" s="1"><v>18000.75</v></c><c r="C5" s="4"><v>1.25</v></c>'
    '<c r="D5"><f>NOW()</f><v></v></c><c r="E5" t="s"><v>3</v></c><c r="F5" s="5" t="s"><v>0</v></c>'
    '<c r="G5" s="1"><v>0.5</v></c></row>'
    '<row r="7"/><row r="8"><c r="J8"><f>1+1</f><v/></c></row>'
)


@pytest.mark.parametrize("workbook_pr", ["", '<workbookPr date1904="1"/>'])
def test_dates_strings_errors_and_formulas_written_by_hand_read_as_calamine_reads_them(workbook_pr):
    data = handmade(SHEET, shared=SHARED, styles=STYLES, workbook_pr=workbook_pr)
    assert assert_same_as_calamine(data) == 5


def test_what_the_hand_written_sheet_holds():
    """The values themselves, so that both readers agreeing on something wrong would still fail."""
    rows = list(xlsxstream.open_book(zipfile.ZipFile(io.BytesIO(handmade(SHEET, shared=SHARED, styles=STYLES))))
                .sheet(0).iter_rows())
    assert rows[0] == [""] * 8  # row 1: above the used range, as wide as it (B to I)
    assert rows[1] == ["Họ và tên", "", dt.date(1900, 2, 28), dt.date(1900, 2, 28), dt.date(1900, 3, 1),
                       dt.date(1948, 3, 1), "", ""]
    assert rows[2] == ["Nguyễn Văn A", " Xóm\rĐông & Đđ ", "a < b", dt.datetime(2020, 3, 4), False, 1500.0, "inline",
                       1948.0]
    assert rows[4][:6] == [dt.datetime(1949, 4, 12, 18, 0), dt.timedelta(days=1, hours=6), "", "", "Họ và tên",
                           dt.time(12, 0)]  # a date with a time, an elapsed time, an empty formula, an empty string


def test_a_workbook_it_declines_is_read_by_calamine_all_the_same():
    """Cells without a reference are valid XML that this reader does not guess at."""
    sheet = ('<row r="1"><c t="inlineStr"><is><t>Họ và tên</t></is></c><c t="inlineStr"><is><t>Địa chỉ</t></is></c>'
             '<c t="inlineStr"><is><t>Năm sinh</t></is></c></row>'
             '<row r="2"><c t="inlineStr"><is><t>Lê Văn Một</t></is></c><c t="inlineStr"><is><t>Thôn Tháp Thượng</t>'
             '</is></c><c><v>1970</v></c></row>')
    data = handmade(sheet)
    with pytest.raises(xlsxstream.Unsupported):
        xlsxstream.open_book(zipfile.ZipFile(io.BytesIO(data))).sheet(0)
    roster = reader.read_roster(data, "ds.xlsx")
    assert roster.rows == [(2, ["Lê Văn Một", "Thôn Tháp Thượng", 1970])]
    assert roster.sheet_name == "Danh sách & hộ"


def test_hidden_sheets_and_chart_sheets_are_told_apart():
    sheets = ('<sheet name="Ẩn" sheetId="1" state="hidden" r:id="rId1"/>')
    book = xlsxstream.open_book(zipfile.ZipFile(io.BytesIO(handmade(SHEET, sheets=sheets))))
    assert [(s.name, s.visible, s.worksheet) for s in book.sheets] == [("Ẩn", False, True)]


@pytest.mark.parametrize(("code", "is_date"), [
    ("dd/mm/yyyy", True), ("[$-42A]d mmmm yyyy", True), ("h:mm AM/PM", True), ("[h]:mm:ss", True),
    ('"Năm" 0', False), ("#,##0;[Red]-#,##0", False), ("General", False), ("0.00E+00", False), ("@", False),
    (r"0\d", False), ('0 "ngày"', False),
])
def test_date_formats_are_recognised_as_excel_shows_them(code, is_date):
    assert xlsxstream.is_date_format(code) is is_date


def test_a_damaged_sheet_part_is_a_damaged_file_not_a_crash():
    data = bytearray(gallery.heads_first())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
        start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + 20: start + 60] = b"\x00" * 40  # inside the compressed sheet
    with pytest.raises(reader.ReadError) as error:
        reader.read_roster(bytes(data), "ds.xlsx")
    assert error.value.code == "file_corrupt"


def _long_roster(rows: int) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("DS")
    sheet.write_row(0, 0, ["Họ và tên", "Năm sinh", "Địa chỉ", "Số điện thoại", "Ghi chú"])
    for n in range(1, rows + 1):
        sheet.write_row(n, 0, [f"Người {n:06d}", 1950 + n % 50, "Thôn Tháp Thượng", f"09{n:08d}", "x" * 40])
    book.close()
    return out.getvalue()


def _peak_while_reading(data: bytes) -> tuple[int, int]:
    stream = xlsxstream.open_book(zipfile.ZipFile(io.BytesIO(data)))  # the string table is held from here
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        count = sum(1 for _row in stream.sheet(0).iter_rows())
        return count, tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_however_long_the_sheet():
    """Four times the rows, the same memory: rows are read one at a time, the sheet is never held."""
    short_count, short_peak = _peak_while_reading(_long_roster(10_000))
    long_count, long_peak = _peak_while_reading(_long_roster(40_000))
    assert (short_count, long_count) == (10_001, 40_001)
    assert long_peak < 2 * short_peak and long_peak < 24 * 2**20, (short_peak, long_peak)  # held whole: 4x
