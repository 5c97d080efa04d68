"""Read a roster file (.xlsx, .xls, .ods or .csv) once: find the header, yield the data rows.

Formulas are never evaluated: a workbook gives the value Excel cached, a CSV gives the text.
Reading stops after `EMPTY_ROWS_STOP` consecutive empty rows, so a sheet formatted down to row
1,048,576 costs no more than its data.
"""

import csv
import datetime as dt
import io
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from gocua.errors import DomainError
from gocua.imports import layout
from gocua.lib.text import fold

HEADER_SEARCH_ROWS = 20
EMPTY_ROWS_STOP = 1_000
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_ROWS = 200_000
# A workbook is a zip: refuse one that unpacks to more than this many times the upload limit
# (a "zip bomb"); real rosters unpack to 5–30 times their size.
MAX_UNPACK_RATIO = 60
WORKBOOK_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods")
TEXT_EXTENSIONS = (".csv", ".txt")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted .xlsx is an OLE container holding these streams (names in UTF-16LE).
ENCRYPTED_STREAMS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
SKIPPED_NAMES = ("tong", "tong cong", "tong so", "cong", "total")


class ReadError(DomainError):
    """The file cannot be read as a roster; nothing is written."""


def max_bytes() -> int:
    return int(getattr(settings, "GOCUA_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_rows() -> int:
    return int(getattr(settings, "GOCUA_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def too_large_error() -> ReadError:
    return ReadError(
        "file_too_large",
        _("The file is larger than %(mb)s MB; split it into several files.") % {"mb": max_bytes() // 2**20},
        field="file",
    )


@dataclass
class Sheet:
    """A roster as read: the header and the data rows (Excel row number, cells)."""

    format: str
    header_row: int
    headers: list[str]
    fields: dict[int, str]  # column index → field
    unknown_columns: list[str] = field(default_factory=list)
    duplicate_columns: list[str] = field(default_factory=list)
    rows: list[tuple[int, list]] = field(default_factory=list)
    skipped: int = 0  # rows with neither a name nor a citizen ID (totals, formulas, notes)
    column_offset: int = 0  # columns left of the first used one (workbooks), for column letters

    def column_of(self, field_name: str) -> int | None:
        return next((i for i, f in self.fields.items() if f == field_name), None)


def column_letter(index: int) -> str:
    """Return the Excel letter of a 0-based column index (0 → A, 27 → AB)."""
    letters, n = "", index + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- cells -------------------------------------------------------------------------------------


def cell_value(value):
    """Return a cell as str, int, float or bool (dates as dd/mm/yyyy text); empty as ""."""
    if value is None:
        return ""
    if isinstance(value, str):
        if not value:
            return value
        text = " ".join((value if value.isascii() else unicodedata.normalize("NFC", value)).split())
        # A leading apostrophe is Excel's "keep as text" mark (and how our CSV export quotes "=…").
        return text[1:] if text.startswith("'") else text
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 1e15 else value
    if isinstance(value, int):
        return value
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _is_empty(cells: list) -> bool:
    return all(c == "" for c in cells)


# --- formats -----------------------------------------------------------------------------------


def _not_spreadsheet() -> ReadError:
    return ReadError(
        "file_not_spreadsheet",
        _("This is not an Excel (.xlsx) or CSV file. Save the roster from Excel as .xlsx or .csv."),
        field="file",
    )


def _corrupt() -> ReadError:
    return ReadError(
        "file_corrupt",
        _("The workbook is damaged and cannot be read. Open it in Excel, save it again as .xlsx and retry."),
        field="file",
    )


def _protected() -> ReadError:
    return ReadError(
        "file_protected",
        _("The workbook is protected by a password. Remove the password in Excel, save, and retry."),
        field="file",
    )


def detect_format(data: bytes, filename: str) -> str:
    """Return "workbook" or "csv" for these bytes, or raise ReadError."""
    name = (filename or "").lower()
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                unpacked = sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, OSError, ValueError):
            raise _corrupt() from None
        if "xl/workbook.xml" not in names and "content.xml" not in names:
            raise _corrupt() if name.endswith(WORKBOOK_EXTENSIONS) else _not_spreadsheet()
        if unpacked > MAX_UNPACK_RATIO * max_bytes():
            raise too_large_error()
        return "workbook"
    if data[:8] == OLE_MAGIC:
        if any(stream in data for stream in ENCRYPTED_STREAMS):
            raise _protected()
        return "workbook"  # an old .xls
    if name.endswith(WORKBOOK_EXTENSIONS):
        raise _corrupt()
    if name and not name.endswith(TEXT_EXTENSIONS):
        raise _not_spreadsheet()
    head = data[:8192]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _not_spreadsheet()
    return "csv"


def _workbook_rows(data: bytes) -> Iterator[list]:
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        index = next(
            (i for i, meta in enumerate(book.sheets_metadata) if str(meta.visible).endswith("Visible")
             and str(meta.typ).endswith("WorkSheet")),
            0,
        )
        sheet = book.get_sheet_by_index(index)
    except python_calamine.PasswordError:
        raise _protected() from None
    except (python_calamine.CalamineError, ValueError, OSError):
        raise _corrupt() from None
    # Rows come from the top of the sheet; columns from the first used column. Keep the
    # column offset so that problem columns name the letters the officer sees in Excel.
    offset = sheet.start[1] if sheet.start else 0
    yield ["" for _ in range(offset)]  # a marker row read by `read_roster` (not data)
    try:
        yield from sheet.iter_rows()
    except (python_calamine.CalamineError, ValueError) as exc:
        raise _corrupt() from exc


def decode_text(data: bytes) -> str:
    """Return CSV bytes as text: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1258."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1258")
            except UnicodeDecodeError:
                raise ReadError(
                    "file_encoding",
                    _("The text encoding of this CSV file is unknown; save it from Excel as \"CSV UTF-8\"."),
                    field="file",
                ) from None
    # Windows-1258 writes tone marks as combining characters; compose them.
    return unicodedata.normalize("NFC", text)


def _delimiter(text: str) -> str:
    sample = [line for line in text[:65536].splitlines()[:30] if line.strip()]
    counts = {d: sum(line.count(d) for line in sample) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _csv_rows(data: bytes) -> Iterator[list]:
    text = decode_text(data)
    yield []  # no column offset
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    except csv.Error:
        raise _corrupt() from None


# --- header and rows ---------------------------------------------------------------------------


def _header_fields(cells: list) -> dict[int, str]:
    found: dict[int, str] = {}
    for i, cell in enumerate(cells):
        if isinstance(cell, str) and cell:
            name = layout.field_of_header(cell)
            if name:
                found[i] = name
    return found


def _find_header(first_rows: list[tuple[int, list]]) -> tuple[int, list, dict[int, str]]:
    best = (0, [], {})
    for number, cells in first_rows:
        found = _header_fields(cells)
        if len(set(found.values())) > len(set(best[2].values())):
            best = (number, cells, found)
    number, cells, found = best
    if layout.FULL_NAME not in found.values() or len(set(found.values())) < 2:
        raise ReadError(
            "no_header",
            _(
                "No header row was found in the first %(rows)s rows. The roster needs a row of column "
                "names such as \"Họ và tên\", \"Mã hộ\", \"Địa chỉ\" (download the template)."
            )
            % {"rows": HEADER_SEARCH_ROWS},
            field="file",
        )
    return number, cells, found


def _is_skipped(cells: list, name_col: int, id_col: int | None) -> bool:
    """Return whether a row has no person in it: no name (or a total/formula) and no citizen ID."""
    name = cells[name_col] if name_col < len(cells) else ""
    citizen = cells[id_col] if id_col is not None and id_col < len(cells) else ""
    name_text = str(name).strip()
    # A number ("2", a count) or a formula in the name column is not a person.
    no_name = not any(ch.isalpha() for ch in name_text) or name_text.startswith("=")
    no_name = no_name or fold(name_text).rstrip(" :") in SKIPPED_NAMES
    no_id = citizen == "" or (isinstance(citizen, str) and citizen.startswith("="))
    return no_name and no_id


def read_roster(data: bytes, filename: str = "") -> Sheet:
    """Read the whole roster from `data`; raise ReadError with a message an officer can act on."""
    if len(data) > max_bytes():
        raise too_large_error()
    if not data:
        raise _not_spreadsheet()
    kind = detect_format(data, filename)
    source = _workbook_rows(data) if kind == "workbook" else _csv_rows(data)
    offset = len(next(source))
    first: list[tuple[int, list]] = []
    rows_iter = enumerate(source, start=1)
    for number, raw in rows_iter:
        first.append((number, [cell_value(c) for c in raw]))
        if number >= HEADER_SEARCH_ROWS:
            break
    header_row, header_cells, fields = _find_header(first)
    sheet = _sheet_from_header(kind, header_row, header_cells, fields)
    sheet.column_offset = offset
    pending = [(n, cells) for n, cells in first if n > header_row]
    _read_data(sheet, pending, rows_iter)
    return sheet


def _sheet_from_header(kind: str, header_row: int, cells: list, fields: dict[int, str]) -> Sheet:
    kept: dict[int, str] = {}
    duplicates = []
    for i, name in sorted(fields.items()):
        if name in kept.values():
            duplicates.append(str(cells[i]))
        else:
            kept[i] = name
    missing = [f for f in layout.REQUIRED if f not in kept.values()]
    if missing:
        names = ", ".join(f"\"{layout.COLUMN_OF[f].header}\"" for f in missing)
        raise ReadError(
            "missing_columns",
            _("The header row (row %(row)s) has no column %(names)s.") % {"row": header_row, "names": names},
            field="file",
        )
    unknown = [str(c) for i, c in enumerate(cells) if c != "" and i not in fields]
    headers = [str(c) if c != "" else "" for c in cells]
    return Sheet(kind, header_row, headers, kept, unknown, duplicates)


def _read_data(sheet: Sheet, pending: list, rows_iter) -> None:
    name_col = sheet.column_of(layout.FULL_NAME)
    id_col = sheet.column_of(layout.CITIZEN_ID)
    limit = max_rows()
    empty_run = 0
    blank_within = 0

    def take(number: int, cells: list) -> bool:
        nonlocal empty_run, blank_within
        if _is_empty(cells):
            empty_run += 1
            blank_within += 1
            return empty_run < EMPTY_ROWS_STOP
        empty_run = 0
        if _is_skipped(cells, name_col, id_col):
            sheet.skipped += 1 + blank_within
        else:
            sheet.skipped += blank_within
            while cells and cells[-1] == "":
                cells.pop()
            sheet.rows.append((number, cells))
            if len(sheet.rows) > limit:
                raise ReadError(
                    "too_many_rows",
                    _("The file has more than %(rows)s rows; split it into several files.") % {"rows": limit},
                    field="file",
                )
        blank_within = 0
        return True

    # Rosters repeat their marks, genders, relations and addresses: keep one copy of each text.
    seen: dict = {}
    for number, cells in pending:
        if not take(number, cells):
            break
    else:
        for number, raw in rows_iter:
            cells = [cell_value(c) for c in raw]
            if not take(number, [seen.setdefault(c, c) if c.__class__ is str else c for c in cells]):
                break
    if not sheet.rows:
        raise ReadError(
            "no_data",
            _("The file has a header row (row %(row)s) but no residents below it.") % {"row": sheet.header_row},
            field="file",
        )
