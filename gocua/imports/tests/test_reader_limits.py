"""Hostile workbooks are refused before any spreadsheet parser sees them, and nothing is written."""

import io
import zipfile

import openpyxl
import openpyxl.styles
import pytest

from gocua import testing as f
from gocua.households.models import Household
from gocua.imports import services
from gocua.imports.models import ImportBatch
from gocua.imports.reader import ReadError, read_roster
from gocua.imports.tests.conftest import HEADER, xlsx_bytes

ROW = [1, "H01", "Nguyễn Văn An", 1980, "Nam", "Chủ hộ", "001080012345", "0912345678", "Thôn Tháp Thượng", "x", ""]


def refused(data: bytes, name: str = "roster.xlsx") -> str:
    with pytest.raises(ReadError) as caught:
        read_roster(data, name)
    assert str(caught.value.message)
    return caught.value.code


def replaced(data: bytes, parts: dict[str, bytes | None], *, stream: dict | None = None) -> bytes:
    """Return the workbook `data` with some parts replaced (None: removed) or streamed from a generator."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename in parts or info.filename in (stream or {}):
                continue
            target.writestr(info.filename, source.read(info.filename))
        for name, content in parts.items():
            if content is not None:
                target.writestr(name, content)
        for name, chunks in (stream or {}).items():
            with target.open(name, "w") as part:
                for chunk in chunks:
                    part.write(chunk)
    return out.getvalue()


def shared_strings(count_bytes: int):
    """Yield a sharedStrings part of about `count_bytes` bytes holding one long repeated string."""
    yield b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
    chunk = b"A" * (1 << 20)
    for _ in range(count_bytes >> 20):
        yield chunk
    yield b"</t></si></sst>"


def test_a_small_workbook_whose_shared_strings_unpack_to_629_mb_is_refused_before_parsing():
    # With a damaged workbook part that the spreadsheet parser would reject as "file_corrupt": the refusal
    # names the size, so it came from the checks that run before the parser.
    data = replaced(xlsx_bytes([HEADER, ROW]), {"xl/workbook.xml": b"<not a workbook"},
                    stream={"xl/sharedStrings.xml": shared_strings(629 << 20)})
    assert len(data) < 1_000_000  # under a megabyte on the wire
    assert refused(data) == "file_unpacks_too_large"


def test_a_zip_bomb_member_is_refused(settings):
    settings.GOCUA_IMPORT_MAX_UNPACKED_BYTES = 5 * 2**20
    data = replaced(xlsx_bytes([HEADER, ROW]), {}, stream={"xl/media/image1.png": (bytes(1 << 20) for _ in range(8))})
    assert refused(data) == "file_unpacks_too_large"


def test_xml_entity_expansion_is_refused():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&d;</t></si></sst>'
    )
    assert refused(replaced(xlsx_bytes([HEADER, ROW]), {"xl/sharedStrings.xml": bomb})) == "file_xml_entities"


def test_a_sheet_using_16384_columns_is_refused():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(ROW)
    sheet.cell(row=2, column=16_384, value="x")
    out = io.BytesIO()
    book.save(out)
    assert refused(out.getvalue()) == "file_too_many_columns"


def test_an_ods_row_repeating_a_value_across_16384_columns_is_refused():
    content = (
        '<?xml version="1.0"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        '<table:table table:name="A"><table:table-row><table:table-cell table:number-columns-repeated="16384" '
        'office:value-type="string"><text:p>Họ và tên</text:p></table:table-cell></table:table-row>'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    assert refused(out.getvalue(), "r.ods") == "file_too_many_columns"


def test_too_many_cells_or_shared_strings_are_refused_under_lowered_limits(settings):
    rows = [HEADER] + [[i, f"H{i}", f"Người {i}", 1980, "Nam", "Chủ hộ", "", "", "Thôn A", "", ""] for i in range(60)]
    data = xlsx_bytes(rows)
    assert read_roster(data, "r.xlsx").rows_read == 60  # within the default limits
    settings.GOCUA_IMPORT_MAX_CELLS = 100
    assert refused(data) == "file_too_many_cells"
    settings.GOCUA_IMPORT_MAX_CELLS = 10_000
    table = b"".join(b"<si><t>%d</t></si>" % i for i in range(60))
    strings = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + table + b"</sst>"
    data = replaced(data, {"xl/sharedStrings.xml": strings})
    assert read_roster(data, "r.xlsx").rows_read == 60
    settings.GOCUA_IMPORT_MAX_SHARED_STRINGS = 50
    assert refused(data) == "file_too_many_strings"


def test_a_part_larger_than_its_declared_size_is_a_damaged_workbook():
    data = bytearray(xlsx_bytes([HEADER, ROW]))
    # Shrink the declared size of the sheet in the central directory: the real part is longer.
    name = b"xl/worksheets/sheet1.xml"
    at = data.rfind(b"PK\x01\x02", 0, data.rfind(name))
    data[at + 24:at + 28] = (10).to_bytes(4, "little")
    assert refused(bytes(data)) == "file_corrupt"


@pytest.mark.django_db
def test_a_refused_upload_writes_nothing(world, officer, settings):
    settings.GOCUA_IMPORT_MAX_UNPACKED_BYTES = 2 * 2**20
    data = replaced(xlsx_bytes([HEADER, ROW]), {}, stream={"xl/sharedStrings.xml": shared_strings(4 << 20)})
    households = Household.objects.count()
    with pytest.raises(ReadError):
        services.import_start(actor=officer, commune=f.unit("09784"), filename="r.xlsx", data=data)
    assert ImportBatch.objects.count() == 0 and Household.objects.count() == households


def with_merge(data: bytes, ref: str) -> bytes:
    """Return the workbook with a merged range written into its sheet (openpyxl would build every cell)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    xml = xml.replace(b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="%s"/></mergeCells>'
                      % ref.encode())
    return replaced(data, {"xl/worksheets/sheet1.xml": xml})


def test_a_merge_covering_the_whole_sheet_is_clipped_to_the_data_and_counted(settings):
    huge = with_merge(xlsx_bytes([HEADER, ROW, ROW]), "L2:XFD1048576")  # right of the data: clipped to nothing
    assert read_roster(huge, "r.xlsx").rows_read == 2
    settings.GOCUA_IMPORT_MAX_CELLS = 300
    covering = with_merge(xlsx_bytes([HEADER] + [ROW] * 30), "A2:K31")
    assert refused(covering) == "file_too_many_cells"


def _two_cells(far: str, *, styled_only: bool = False) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(ROW)
    if styled_only:
        sheet[far].font = openpyxl.styles.Font(bold=True)
    else:
        sheet[far] = "x"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_two_filled_cells_far_apart_are_refused_before_the_parser_allocates_the_rectangle():
    # IV1048576 with A1: 268 million cells for the parser, 8 GB; the file is a few KB.
    assert refused(_two_cells("IV1048576")) == "file_too_many_cells"
    assert refused(_two_cells("Z300000")) == "file_too_many_cells"


def test_cells_formatted_far_below_the_list_but_empty_are_read_as_the_list():
    sheet = read_roster(_two_cells("IV1048576", styled_only=True), "roster.xlsx")
    assert [cells[2] for _n, cells in sheet.rows] == ["Nguyễn Văn An"]


def test_a_far_row_written_before_the_list_is_found_too():
    data = xlsx_bytes([HEADER, ROW])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    far = b'<row r="1048576"><c r="IV1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    sheet = sheet.replace(b"<sheetData>", b"<sheetData>" + far, 1)
    assert refused(replaced(data, {"xl/worksheets/sheet1.xml": sheet})) == "file_too_many_cells"


def _xls_far_cell(row: int, column: int) -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("DS")
    for c, label in enumerate(HEADER):
        sheet.write(0, c, label)
    for c, value in enumerate(ROW):
        sheet.write(1, c, value)
    sheet.write(row, column, "x")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_old_xls_with_two_cells_far_apart_is_refused_before_the_reader(monkeypatch):
    # A1 and IV65536: 16.7 million cells, about 1 GB in the reader, from a file of a few KB. The reader
    # is made to fail loudly here, so a refusal proves the records were checked before it ran.
    from gocua.imports import reader

    data = _xls_far_cell(65535, 255)
    assert len(data) < 20_000
    monkeypatch.setattr(reader, "_open_book", lambda _data: pytest.fail("the reader ran"))
    assert refused(data, "ds.xls") == "file_too_many_cells"


def test_an_old_xls_is_measured_by_its_filled_cells_sheet_by_sheet(settings):
    from gocua.imports.tests.gallery import xls

    rows = [HEADER, ROW, [2, "H01", "Trần Thị Bình", 1982, "Nữ", "Vợ", "", "", "Thôn Tháp Thượng", "", ""]]
    data = xls("DS", rows)
    settings.GOCUA_IMPORT_MAX_CELLS = len(HEADER) * len(rows)  # exactly the list: read
    assert [cells[2] for _n, cells in read_roster(data, "ds.xls").rows] == ["Nguyễn Văn An", "Trần Thị Bình"]
    settings.GOCUA_IMPORT_MAX_CELLS = len(HEADER) * len(rows) - 1
    assert refused(data, "ds.xls") == "file_too_many_cells"
    # A far cell on its own row counts from the list's first cell, not from A1.
    settings.GOCUA_IMPORT_MAX_CELLS = 6_000_000
    assert refused(_xls_far_cell(60000, 200), "ds.xls") == "file_too_many_cells"
    assert [cells[2] for _n, cells in read_roster(_xls_far_cell(5000, 10), "ds.xls").rows][:1] == ["Nguyễn Văn An"]


def test_a_damaged_old_xls_is_still_called_damaged_not_over_a_limit():
    data = _xls_far_cell(3, 3)
    assert refused(data[:4096], "ds.xls") == "file_corrupt"
