"""Fixtures of the import tests: no network at all, and real files written in the test."""

import csv
import io
import socket
import unicodedata
import zipfile

import openpyxl
import pytest

from gocua import testing as f
from gocua.accounts.models import Role


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """Refuse every network connection: addresses must resolve offline (no geocoder)."""

    def refuse(self, *args, **kwargs):
        raise OSError("network access is blocked in the import tests")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: refuse(None))


HEADER = ["STT", "Mã hộ", "Họ và tên", "Năm sinh", "Giới tính", "Quan hệ với chủ hộ", "Số CCCD", "SĐT", "Địa chỉ",
          "Có điện thoại thông minh", "VNeID mức 2"]


def xlsx_bytes(rows: list[list], *, title_rows: list[list] | None = None, merge: str | None = None) -> bytes:
    """Return an .xlsx (written by openpyxl) with optional title rows above the table."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in title_rows or []:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def windows_1258(text: str) -> bytes:
    """Encode as Windows-1258 does: letters like ă, ơ precomposed, the five tone marks combining."""
    out, cluster = [], ""
    for ch in unicodedata.normalize("NFD", text) + "\0":
        if unicodedata.combining(ch):
            cluster += ch
            continue
        if cluster:
            tones = "".join(c for c in cluster[1:] if c in TONE_MARKS)
            rest = "".join(c for c in cluster[1:] if c not in TONE_MARKS)
            out.append(unicodedata.normalize("NFC", cluster[0] + rest) + tones)
        cluster = ch
    return "".join(out).encode("cp1258")


def csv_bytes(rows: list[list], *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return windows_1258(out.getvalue()) if encoding == "cp1258" else out.getvalue().encode(encoding)


def read_xlsx(data: bytes) -> list[list]:
    """Return the cell values of the first sheet (None → "")."""
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


def formatted_empty_rows_xlsx(rows: int) -> bytes:
    """Return a workbook with a header, one resident and `rows` empty rows that carry a format.

    Written directly (openpyxl would take minutes): every row has a style and a styled empty cell,
    as Excel writes a sheet whose borders were drawn down to the last row.
    """
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="'
            'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.styles+xml"/></Types>'))
        archive.writestr("_rels/.rels", (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>'))
        archive.writestr("xl/workbook.xml", (
            f'<?xml version="1.0"?><workbook {ns} xmlns:r="{rel}"><sheets><sheet name="Sheet1" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>'))
        archive.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships"><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/styles" Target="styles.xml"/></Relationships>'))
        archive.writestr("xl/styles.xml", (
            f'<?xml version="1.0"?><styleSheet {ns}><fonts count="1"><font/></fonts><fills count="1"><fill/>'
            '</fills><borders count="2"><border/><border><left style="thin"/><bottom style="thin"/></border>'
            '</borders><cellXfs count="2"><xf fontId="0" fillId="0" borderId="0"/><xf fontId="0" fillId="0" '
            'borderId="1" applyBorder="1"/></cellXfs></styleSheet>'))
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                f'<?xml version="1.0"?><worksheet {ns}><dimension ref="A1:C{rows + 2}"/><sheetData>'
                '<row r="1"><c r="A1" t="inlineStr"><is><t>Mã hộ</t></is></c><c r="B1" t="inlineStr"><is><t>'
                'Họ và tên</t></is></c><c r="C1" t="inlineStr"><is><t>Địa chỉ</t></is></c></row>'
                '<row r="2"><c r="A2" t="inlineStr"><is><t>H1</t></is></c><c r="B2" t="inlineStr"><is><t>'
                'Nguyễn Văn An</t></is></c><c r="C2" t="inlineStr"><is><t>Thôn Tháp Thượng</t></is></c></row>'
                .encode()
            )
            chunk = []
            for number in range(3, rows + 3):
                chunk.append(f'<row r="{number}" s="1" customFormat="1"><c r="A{number}" s="1"/></row>')
                if len(chunk) == 20_000:
                    sheet.write("".join(chunk).encode())
                    chunk = []
            sheet.write(("".join(chunk) + "</sheetData></worksheet>").encode())
    return out.getvalue()


@pytest.fixture
def officer(world):
    return world.users["commune_officer"]


@pytest.fixture
def lien_minh():
    """Xã Liên Minh (09787), an officer there, and the legacy communes it inherits.

    Phương Đình went to Liên Minh whole; Hồng Hà was split in 2025 (Ô Diên is its usual
    successor, Liên Minh one of the others).
    """
    return {"commune": f.unit("09787"), "officer": f.make_user(Role.COMMUNE_OFFICER, "09787")}
