"""Read a roster file (.xlsx, .xlsm, .xls, .ods or .csv) once: find the list, account for every row.

Every visible sheet is scored by its best header row (the number of distinct fields its labels
name); the best sheet wins unless the officer names one. The header may sit anywhere in the first
`HEADER_SEARCH_ROWS` rows, under merged title bands, and may span two rows (a merged group label
over sub-labels: "Năm sinh" over "Nam" | "Nữ" reads as "Năm sinh / Nam"). Merged cells give their
value to every cell they cover. Below the header every row is either data or skipped with a
reason (`SKIP_REASONS`); blank rows between households do not end the list, the footer (place and
date line, signatures) does. Formulas are never evaluated: a workbook gives the value Excel
cached, a CSV gives the text. Reading stops after `EMPTY_ROWS_STOP` consecutive empty rows, so a
sheet formatted down to row 1,048,576 costs no more than its data. Hostile workbooks are refused
by `limits` before any parser sees them.
"""

import csv
import datetime as dt
import hashlib
import io
import re
import unicodedata
import zipfile
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from gocua.errors import DomainError
from gocua.imports import layout, limits, xlsxstream
from gocua.imports.rows import PERSON_FIELDS
from gocua.lib import vnfonts
from gocua.lib.calamine import panics_as, release_memory
from gocua.lib.text import fold

HEADER_SEARCH_ROWS = 30
EMPTY_ROWS_STOP = 1_000
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_ROWS = 200_000
WORKBOOK_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods")
TEXT_EXTENSIONS = (".csv", ".txt")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted .xlsx is an OLE container holding these streams (names in UTF-16LE).
ENCRYPTED_STREAMS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
SAMPLES = 3

# Why a row below the header is not data.
BLANK, TOTAL, FORMULA, REPEATED_HEADER, COLUMN_NUMBERS, NOTE, FOOTER = (
    "blank", "total", "formula", "repeated_header", "column_numbers", "note", "footer",
)
SKIP_REASONS = (BLANK, TOTAL, FORMULA, REPEATED_HEADER, COLUMN_NUMBERS, NOTE, FOOTER)

_TOTAL = re.compile(r"^(tong|cong|total|sum)\b")
_NOTE = re.compile(r"^(ghi chu|chu y|luu y|note|\*)")
# The footer under a list: "Đan Phượng, ngày 15 tháng 8 năm 2025", "Người lập biểu", "Xác nhận của UBND xã",
# "TM. UBND xã", "(Ký, ghi rõ họ tên)". Matched on folded text.
_FOOTER = re.compile(
    r"(\bngay\b.{0,20}\bthang\b.{0,20}\bnam\b)|^nguoi lap\b|^xac nhan\b|^t/?m[.\s]|^thay mat\b|"
    r"\(?\s*ky[,;]?\s+(ghi ro|va ghi|ten\b|ho ten)|^ky ten\b|^(ky|dong dau)\s*\)"
)
_COLUMN_NUMBER = re.compile(r"^\(?(\d{1,3})\)?$")
_TOTAL_INITIALS = frozenset("TtCcSs")  # tổng, cộng, total, sum: only these are folded and matched


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
class ColumnInfo:
    """One source column: its letter, its header label, what it is read as and a few sample values."""

    index: int  # 0-based position in the row cells
    letter: str  # the Excel letter the officer sees
    label: str  # the header text; a two-row header joined as "Năm sinh / Nam"
    field: str | None  # the field it is read as; None = ignored
    samples: list[str] = field(default_factory=list)


@dataclass
class Sheet:
    """A roster as read: the header, the data rows (Excel row number, cells) and the rows skipped."""

    format: str
    header_row: int
    headers: list[str]
    fields: dict[int, str]  # column index → field
    unknown_columns: list[str] = field(default_factory=list)
    duplicate_columns: list[str] = field(default_factory=list)
    rows: list[tuple[int, list]] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (Excel row number, reason)
    column_offset: int = 0  # columns left of the first used one (workbooks), for column letters
    sheet_name: str = ""
    sheet_choices: list[tuple[str, float]] = field(default_factory=list)  # every sheet and its score, best first
    columns: list[ColumnInfo] = field(default_factory=list)
    fingerprint: str = ""  # a hash of the folded header labels: the same header gives the same fingerprint
    rows_read: int = 0  # every row below the header to the end of the list: data rows + skipped rows
    header_rows: int = 1  # 2 for a two-row header
    legacy_encoding: str = ""  # "tcvn3" or "vni" when the text was converted from a legacy font

    def column_of(self, field_name: str) -> int | None:
        return next((i for i, f in self.fields.items() if f == field_name), None)

    @property
    def skipped_count(self) -> int:
        return self.skipped if isinstance(self.skipped, int) else len(self.skipped)


def column_letter(index: int) -> str:
    """Return the Excel letter of a 0-based column index (0 → A, 27 → AB)."""
    letters, n = "", index + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letter: str) -> int | None:
    """Return the 0-based index of an Excel column letter ("A" → 0), or None when it is not one."""
    letter = (letter or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{1,3}", letter):
        return None
    return limits.column_number(letter.encode()) - 1


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


@contextmanager
def _zip_damage_as_corrupt():
    """Turn a damaged zip or part (bad header, CRC, truncated or unknown compression) into "damaged"."""
    try:
        yield
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise _corrupt() from None
    except Exception as exc:  # zlib.error: a damaged part
        if exc.__class__.__module__ == "zlib":
            raise _corrupt() from None
        raise


def detect_format(data: bytes, filename: str) -> str:
    """Return "workbook" or "csv" for these bytes, or raise ReadError (hostile workbooks included)."""
    name = (filename or "").lower()
    if data[:4] == b"PK\x03\x04":
        try:
            with _zip_damage_as_corrupt(), zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if "xl/workbook.xml" not in names and "content.xml" not in names:
                    raise _corrupt() if name.endswith(WORKBOOK_EXTENSIONS) else _not_spreadsheet()
                limits.check_archive(archive)
        except limits.LimitError as exc:
            raise ReadError(exc.code, exc.message, field="file") from None
        return "workbook"
    if data[:8] == OLE_MAGIC:
        if any(stream in data for stream in ENCRYPTED_STREAMS):
            raise _protected()
        try:
            limits.check_ole_workbook(data)
        except limits.LimitError as exc:
            raise ReadError(exc.code, exc.message, field="file") from None
        return "workbook"  # an old .xls
    if name.endswith(WORKBOOK_EXTENSIONS):
        raise _corrupt()
    if name and not name.endswith(TEXT_EXTENSIONS):
        raise _not_spreadsheet()
    head = data[:8192]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _not_spreadsheet()
    return "csv"


@dataclass
class _Source:
    """One sheet of the file before its header is known."""

    name: str
    rows: Iterator[list]  # raw cells, from row 1
    first: list[tuple[int, list]]  # the first rows, read for the header search
    offset: int = 0
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based rows/cols, in cell indexes
    convert: object = None  # a legacy-font converter for text cells, or None
    wanted: bool = False  # the sheet the officer asked for


def _open_book(data: bytes):
    import python_calamine

    try:
        with panics_as(_corrupt):
            return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise _protected() from None
    except (python_calamine.CalamineError, ValueError, OSError):
        raise _corrupt() from None


def stream_enabled() -> bool:
    """Whether .xlsx/.xlsm sheets are streamed (`xlsxstream`) rather than read whole by calamine."""
    return settings.GOCUA_IMPORT_XLSX_READER == "stream"


def _workbook_sources(data: bytes, wanted: str | int | None) -> Iterator[_Source]:
    """Yield every visible worksheet (and the one asked for, even hidden), the one asked for marked.

    With GOCUA_IMPORT_XLSX_READER = "stream" an .xlsx or .xlsm is streamed (`xlsxstream`: memory
    that does not grow with the sheet); an old .xls, an .ods, a workbook the streaming reader
    declines, and every workbook under the default "calamine" are read by calamine.
    """
    if data[:4] == b"PK\x03\x04" and stream_enabled():
        try:
            sheets = _stream_sheets(data, wanted)
        except xlsxstream.Unsupported:
            sheets = None
        if sheets is not None:
            for name, sheet, is_wanted in sheets:
                offset = sheet.start[1] if sheet.start else 0
                source = _source(name, _stream_guard(sheet.iter_rows()), offset, _merges(sheet, offset))
                source.wanted = is_wanted
                yield source
            return
    yield from _calamine_sources(data, wanted)


def _stream_sheets(data: bytes, wanted):
    """Open the workbook and find every candidate sheet's used range and merges (the first pass).

    Done for all candidates before the first is yielded, so that a sheet the reader declines sends
    the whole workbook to calamine rather than half of it.
    """
    with _zip_damage_as_corrupt():
        book = xlsxstream.open_book(zipfile.ZipFile(io.BytesIO(data)))
        metas = book.sheets
        if not metas:
            raise xlsxstream.Unsupported("no sheets")
        chosen = _sheet_index(metas, wanted) if wanted is not None else None
        candidates = [i for i, m in enumerate(metas) if i == chosen or (m.visible and m.worksheet)] or [0]
        return [(metas[i].name, book.sheet(i), i == chosen) for i in candidates]


def _stream_guard(rows: Iterator[list]) -> Iterator[list]:
    with _zip_damage_as_corrupt():
        yield from rows


def _calamine_sources(data: bytes, wanted: str | int | None) -> Iterator[_Source]:
    import python_calamine

    book = _open_book(data)
    metas = list(book.sheets_metadata)
    chosen = _sheet_index(metas, wanted) if wanted is not None else None
    candidates = [
        i for i, meta in enumerate(metas)
        if i == chosen or (str(meta.visible).endswith("Visible") and str(meta.typ).endswith("WorkSheet"))
    ] or [0]
    for index in candidates:
        try:
            with panics_as(_corrupt):
                sheet = book.get_sheet_by_index(index)
        except python_calamine.PasswordError:
            raise _protected() from None
        except (python_calamine.CalamineError, ValueError, OSError, IndexError):
            raise _corrupt() from None
        # Rows come from the top of the sheet; columns from the first used column. Keep the
        # column offset so that problem columns name the letters the officer sees in Excel.
        offset = sheet.start[1] if sheet.start else 0
        try:
            with panics_as(_corrupt):
                merges = _merges(sheet, offset)
        except (python_calamine.CalamineError, ValueError, TypeError):
            merges = []
        source = _source(metas[index].name if metas else "", _guard(sheet.iter_rows()), offset, merges)
        source.wanted = index == chosen
        yield source


def _merges(sheet, offset: int) -> list[tuple[int, int, int, int]]:
    """Return the sheet's merged ranges in cell indexes, clipped to its used range.

    Every cell a merge covers is filled with its value, so the covered area counts against the
    cell limit: a hostile merge over A1:XFD1048576 must not become a billion cells.
    """
    height = (sheet.start[0] if sheet.start else 0) + sheet.height
    width = sheet.width
    merges, area = [], 0
    for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []:
        c0, c1, r1 = c0 - offset, min(c1 - offset, width - 1), min(r1, height - 1)
        if c0 < 0 or r1 < r0 or c1 < c0 or (r0 == r1 and c0 == c1):
            continue
        area += (r1 - r0 + 1) * (c1 - c0 + 1)
        if area > limits.max_cells():
            raise ReadError("file_too_many_cells", _(
                "The workbook has more than %(count)s filled cells; split it into several files."
            ) % {"count": f"{limits.max_cells():,}"}, field="file")
        merges.append((r0, c0, r1, c1))
    return merges


def _workbook_rows(data: bytes) -> Iterator[list]:
    """Yield the raw rows of the first visible worksheet after a marker row as long as its column offset.

    The bare read the import benchmark compares the whole import with.
    """
    source = next(_workbook_sources(data, None))
    yield ["" for _ in range(source.offset)]
    yield from (cells for _number, cells in source.first)
    yield from source.rows


def _guard(rows: Iterator[list]) -> Iterator[list]:
    import python_calamine

    try:
        with panics_as(_corrupt):
            yield from rows
    except (python_calamine.CalamineError, ValueError) as exc:
        raise _corrupt() from exc


def _sheet_index(metas, wanted: str | int) -> int:
    names = [meta.name for meta in metas]
    if isinstance(wanted, int) or (isinstance(wanted, str) and wanted.strip().isdigit()):
        number = int(wanted)
        if 1 <= number <= len(names):
            return number - 1
    elif isinstance(wanted, str):
        folded = {fold(name): i for i, name in enumerate(names)}
        if fold(wanted) in folded:
            return folded[fold(wanted)]
    raise ReadError(
        "sheet_unknown",
        _("The workbook has no sheet \"%(sheet)s\". Its sheets are: %(names)s.")
        % {"sheet": wanted, "names": ", ".join(f"{i}. {n}" for i, n in enumerate(names, start=1))},
        field="sheet",
    )


def decode_text(data: bytes) -> str:
    """Return CSV bytes as text: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1258."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise _encoding_error() from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return _legacy_text(data)
    # Windows-1258 writes tone marks as combining characters; compose them.
    return unicodedata.normalize("NFC", text)


# Latin-1 letters that Vietnamese uses; any other character from U+0080 to U+00FF, or a combining mark
# left over after composing, says the text was decoded with the wrong table.
_VIETNAMESE_LATIN1 = frozenset("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")


def _oddities(text: str) -> int:
    return sum(
        1 for ch in text
        if (0x80 <= ord(ch) <= 0xFF and ch not in _VIETNAMESE_LATIN1) or unicodedata.combining(ch)
    )


def _legacy_text(data: bytes) -> str:
    """Return 8-bit CSV bytes as text: Windows-1258, or TCVN3/VNI bytes, whichever reads as Vietnamese."""
    candidates = legacy_candidates(data)
    # The first (Windows-1258) wins a tie: a file without odd characters is read as Excel wrote it.
    return min(enumerate(candidates), key=lambda ic: (_oddities(ic[1][:65536]), ic[0]))[1]


def legacy_candidates(data: bytes) -> list[str]:
    """Return the readings of 8-bit text bytes: Windows-1258, TCVN3, VNI (each in NFC)."""
    try:
        candidates = [unicodedata.normalize("NFC", data.decode("cp1258"))]
    except UnicodeDecodeError:
        candidates = []
    latin = data.decode("latin-1")
    return candidates + [unicodedata.normalize("NFC", vnfonts.from_tcvn3(latin)), vnfonts.from_vni(latin)]


def _encoding_error() -> ReadError:
    return ReadError(
        "file_encoding",
        _("The text encoding of this CSV file is unknown; save it from Excel as \"CSV UTF-8\"."),
        field="file",
    )


def _delimiter(text: str) -> str:
    sample = [line for line in text[:65536].splitlines()[:30] if line.strip()]
    counts = {d: sum(line.count(d) for line in sample) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _csv_source(data: bytes, wanted: str | int | None) -> _Source:
    if wanted not in (None, "", 1, "1"):
        raise ReadError(
            "sheet_unknown", _("A CSV file has a single sheet: leave the sheet empty or choose 1."), field="sheet"
        )
    texts = [decode_text(data)]
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError:
            # 8-bit text: Windows-1258 or a legacy font's bytes. The reading whose header names the most
            # fields wins; then the one with the fewest odd characters (decode_text's choice first).
            texts += [t for t in legacy_candidates(data) if t != texts[0]]

    def rows(text: str):
        try:
            yield from csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
        except csv.Error:
            raise _corrupt() from None

    sources = [_source("CSV", rows(text), 0, []) for text in texts]
    if len(sources) == 1:
        return sources[0]

    def score(source: _Source) -> tuple[float, int]:
        header = _best_header(source.first, [])
        odd = sum(_oddities(c) for _n, cells in source.first for c in cells if c.__class__ is str)
        return (header.score if header else 0.0, -odd)

    return max(sources, key=score)  # max keeps the first of equal scores


def _source(name: str, raw_rows: Iterator[list], offset: int, merges: list) -> _Source:
    rows = iter(raw_rows)
    first: list[tuple[int, list]] = []
    for number, raw in enumerate(rows, start=1):
        first.append((number, [cell_value(c) for c in raw]))
        if number >= HEADER_SEARCH_ROWS:
            break
    source = _Source(name, rows, first, offset, merges)
    encoding = vnfonts.detect(c for _n, cells in first for c in cells if isinstance(c, str))
    if encoding:
        source.convert = vnfonts.converter(encoding)
        source.convert.encoding = encoding
        source.first = [(n, _converted(cells, source.convert)) for n, cells in first]
    _apply_merges(source.first, merges)
    return source


def _converted(cells: list, convert) -> list:
    return [convert(c) if c.__class__ is str and c else c for c in cells]


def _apply_merges(rows: list[tuple[int, list]], merges: list) -> None:
    """Give every cell a merged range covers the value of its top-left cell (rows read so far)."""
    if not merges:
        return
    by_number = {number: cells for number, cells in rows}
    for r0, c0, r1, c1 in merges:
        top = by_number.get(r0 + 1)
        if top is None or c0 < 0 or c0 >= len(top) or top[c0] == "":
            continue
        value = top[c0]
        for number in range(r0 + 1, r1 + 2):
            cells = by_number.get(number)
            if cells is None:
                continue
            for c in range(c0, c1 + 1):
                if c >= len(cells):
                    cells.extend([""] * (c + 1 - len(cells)))
                if cells[c] == "":
                    cells[c] = value


# --- the header --------------------------------------------------------------------------------


@dataclass
class _Header:
    row: int  # Excel row number of the (last) header row
    labels: list[str]
    fields: dict[int, str]
    rows: int = 1

    @property
    def score(self) -> float:
        names = set(self.fields.values())
        if layout.FULL_NAME not in names or len(names) < 2:
            return 0.0
        return float(len(names))


def _labels_fields(labels: list[str]) -> dict[int, str]:
    found: dict[int, str] = {}
    for i, label in enumerate(labels):
        if label:
            name = layout.field_of_header(label)
            if name:
                found[i] = name
    return found


def _two_row_labels(upper: list, lower: list, upper_number: int, merges: list) -> list[str]:
    """Return the labels of a two-row header: a group label over sub-labels joins as "Group / Sub"."""
    width = max(len(upper), len(lower))
    top = [str(upper[i]) if i < len(upper) and upper[i] != "" else "" for i in range(width)]
    bottom = [str(lower[i]) if i < len(lower) and lower[i] != "" else "" for i in range(width)]
    # A group label spans the columns its merge covers (merges already copied it); without merge data,
    # it spans the empty upper cells to its right that have a sub-label below.
    merged_cols = {c for r0, c0, r1, c1 in merges if r0 + 1 == upper_number and r1 == r0 for c in range(c0, c1 + 1)}
    group = ""
    labels = []
    for i in range(width):
        if top[i]:
            group = top[i]
        elif not bottom[i] or i in merged_cols:
            group = ""
        spans = bool(top[i]) or (group and bottom[i])
        over = top[i] or (group if spans else "")
        if over and bottom[i] and over != bottom[i]:
            labels.append(f"{over} / {bottom[i]}")
        else:
            labels.append(over or bottom[i])
    return labels


def _best_header(first: list[tuple[int, list]], merges: list) -> _Header | None:
    best: _Header | None = None
    for position, (number, cells) in enumerate(first):
        labels = [str(c) if c != "" else "" for c in cells]
        candidates = [_Header(number, labels, _labels_fields(labels))]
        if position + 1 < len(first) and not any(c.__class__ in (int, float) for c in first[position + 1][1]):
            # A row with numbers in it (a year, a row number) is data, never the lower half of a header.
            lower_number, lower = first[position + 1]
            joined = _two_row_labels(cells, lower, number, merges)
            candidates.append(_Header(lower_number, joined, _labels_fields(joined), rows=2))
        for candidate in candidates:
            # A two-row header must name more fields than its upper row alone.
            if best is None or candidate.score > best.score:
                best = candidate
    return best if best is not None and best.score > 0 else None


def _no_header() -> ReadError:
    return ReadError(
        "no_header",
        _(
            "No header row was found in the first %(rows)s rows. The roster needs a row of column "
            "names such as \"Họ và tên\", \"Mã hộ\", \"Địa chỉ\" (download the template)."
        )
        % {"rows": HEADER_SEARCH_ROWS},
        field="file",
    )


def fingerprint(labels: list[str]) -> str:
    """Return a stable hash of the folded header labels (the same header in another file matches)."""
    keys = [layout.header_key(label) for label in labels]
    while keys and not keys[-1]:
        keys.pop()
    return hashlib.sha256("|".join(keys).encode()).hexdigest()[:16]


def _apply_mapping(found: dict[int, str], mapping: dict[str, str] | None, offset: int) -> dict[int, str]:
    """Return the fields with the officer's mapping applied ({"C": "full_name", "D": ""})."""
    if not mapping:
        return found
    chosen: dict[int, str] = {}
    for letter, name in mapping.items():
        index = column_index(letter)
        if index is None or index - offset < 0:
            raise ReadError(
                "mapping_column_unknown", _("\"%(column)s\" is not a column of this sheet.") % {"column": letter},
                field="mapping",
            )
        name = (name or "").strip()
        if name and name not in layout.COLUMN_OF:
            raise ReadError(
                "mapping_field_unknown", _("\"%(field)s\" is not a field GõCửa can read.") % {"field": name},
                field="mapping",
            )
        chosen[index - offset] = name
    # The officer's choice wins: a field mapped by hand is no longer read from another column.
    taken = {name for name in chosen.values() if name}
    out = {i: f for i, f in found.items() if i not in chosen and f not in taken}
    out.update({i: f for i, f in chosen.items() if f})
    return dict(sorted(out.items()))


def _sheet_from_header(kind: str, header: _Header, mapping, offset: int) -> Sheet:
    fields = _apply_mapping(header.fields, mapping, offset)
    kept: dict[int, str] = {}
    duplicates = []
    for i, name in sorted(fields.items()):
        if name in kept.values():
            duplicates.append(header.labels[i] if i < len(header.labels) else column_letter(i + offset))
        else:
            kept[i] = name
    missing = [f for f in layout.REQUIRED if f not in kept.values()]
    if not any(f in kept.values() for f in layout.PLACE_FIELDS):
        missing.append(layout.ADDRESS)
    if missing:
        names = ", ".join(f"\"{layout.COLUMN_OF[f].header}\"" for f in missing)
        raise ReadError(
            "missing_columns",
            _("The header row (row %(row)s) has no column %(names)s.") % {"row": header.row, "names": names},
            field="file",
        )
    width = max(len(header.labels), max(kept, default=-1) + 1)
    labels = header.labels + [""] * (width - len(header.labels))
    unknown = [label for i, label in enumerate(labels) if label and i not in kept]
    sheet = Sheet(kind, header.row, labels, kept, unknown, duplicates)
    sheet.columns = [
        ColumnInfo(i, column_letter(i + offset), labels[i] if i < len(labels) else "", kept.get(i))
        for i in range(width) if (i < len(labels) and labels[i]) or i in kept
    ]
    sheet.fingerprint = fingerprint(labels)
    sheet.header_rows = header.rows
    return sheet


# --- the rows below the header -------------------------------------------------------------------


class _Rules:
    """Column positions and the header's own labels, to say what each row below the header is."""

    def __init__(self, sheet: Sheet):
        self.name_col = sheet.column_of(layout.FULL_NAME)
        self.person_cols = [i for i, f in sheet.fields.items() if f in PERSON_FIELDS]
        self.gender_col = sheet.column_of(layout.GENDER)
        self.relation_col = sheet.column_of(layout.RELATION)
        self.header_keys = {i: layout.header_key(label) for i, label in enumerate(sheet.headers) if label}
        self.name_key = self.header_keys.get(self.name_col, "")
        label = sheet.headers[self.name_col] if self.name_col < len(sheet.headers) else ""
        self.name_initial = label[:1].lower()

    def has_person_data(self, cells: list) -> bool:
        def filled(i):
            return i is not None and i < len(cells) and cells[i] != ""

        return any(filled(i) for i in self.person_cols) or (filled(self.gender_col) and filled(self.relation_col))

    def reason(self, cells: list) -> str | None:
        """Return why a non-blank row is not data (None: it is a person).

        Ordered so that an ordinary person row (a name and person data) is answered after a few
        cheap tests: this runs once per row of a 100,000-row roster.
        """
        name = cells[self.name_col] if self.name_col < len(cells) else ""
        name_text = name if name.__class__ is str else str(name)
        if name_text[:1] == "=":
            return FORMULA
        if name_text[:1] in _TOTAL_INITIALS and _TOTAL.match(fold(name_text[:8])):
            return TOTAL
        if name_text and self._repeats_header(cells, name_text):
            return REPEATED_HEADER
        if name.__class__ is str and name and cells[0] is name and self.name_col and _one_value(cells):
            return NOTE  # a band merged across the row ("THÔN THÁP THƯỢNG"): every cell holds its text
        if _COLUMN_NUMBER.match(name_text) and self._column_numbers(cells):
            return COLUMN_NUMBERS
        person = self.has_person_data(cells)
        has_name = any(ch.isalpha() for ch in name_text)
        if has_name and person:
            return None
        texts = [c for c in cells if c.__class__ is str and c]
        if texts and all(t[:1] == "=" for t in texts):
            return FORMULA
        if not person:
            folded = [fold(t) for t in texts[:4]]
            if any(_FOOTER.search(t) for t in folded):
                return FOOTER
            if not name_text and folded and _TOTAL.match(folded[0]):
                return TOTAL
            if name_text and not has_name:
                return TOTAL  # a count in the name column
        if not name_text:
            return None if person else NOTE
        if _NOTE.match(fold(name_text[:10])):
            return NOTE
        return None

    def _repeats_header(self, cells: list, name_text: str) -> bool:
        # Cheap first: a repeated header starts its name cell like the header's own label.
        if name_text[:1].lower() != self.name_initial or layout.header_key(name_text) != self.name_key:
            return False
        same = sum(
            1 for i, key in self.header_keys.items()
            if i < len(cells) and isinstance(cells[i], str) and layout.header_key(cells[i]) == key
        )
        return same >= 2

    @staticmethod
    def _column_numbers(cells: list) -> bool:
        numbers = []
        for cell in cells:
            if cell == "":
                continue
            match = _COLUMN_NUMBER.match(str(cell))
            if not match or isinstance(cell, float):
                return False
            numbers.append(int(match.group(1)))
        return len(numbers) >= 3 and all(b > a for a, b in zip(numbers, numbers[1:], strict=False))


def _one_value(cells: list) -> bool:
    values = {c for c in cells if c != ""}
    return len(values) == 1




def _read_data(sheet: Sheet, source: _Source) -> None:
    rules = _Rules(sheet)
    limit = max_rows()
    convert = source.convert
    merges = sorted(m for m in source.merges if m[2] + 1 > sheet.header_row)
    pending_merges = deque(m for m in merges if m[0] + 1 > sheet.header_row)
    active: list[tuple[int, int, int, object]] = []  # (last row number, first col, last col, value)
    blanks: list[int] = []  # blank rows not yet known to be inside the list
    in_footer = False
    # Rosters repeat their marks, genders, relations and addresses: keep one copy of each text,
    # and clean each distinct text once (`known`: the text as read → as cleaned). Only texts: a
    # dict would take 1, 1.0 and True for one key.
    seen: dict = {}
    known: dict = {}

    def clean(raw):
        value = cell_value(raw)
        if value.__class__ is str:
            value = seen.setdefault(value, value)
            if raw.__class__ is str:
                known[raw] = value
        return value

    def rows() -> Iterator[tuple[int, list]]:
        for number, cells in source.first:
            if number > sheet.header_row:
                yield number, cells
        number = source.first[-1][0] if source.first else 0
        lookup = known.get
        for raw in source.rows:
            number += 1
            if convert is None:
                yield number, [
                    hit if c.__class__ is str and (hit := lookup(c)) is not None else clean(c) for c in raw
                ]
                continue
            cells = _converted([cell_value(c) for c in raw], convert)
            yield number, [seen.setdefault(c, c) if c.__class__ is str else c for c in cells]

    empty_run = 0
    for number, cells in rows():
        if active or pending_merges:
            _merge_row(number, cells, active, pending_merges)
        if _is_empty(cells):
            empty_run += 1
            blanks.append(number)
            if empty_run >= EMPTY_ROWS_STOP:
                break
            continue
        empty_run = 0
        # Blank rows between two non-blank rows are inside the list.
        sheet.skipped.extend((n, BLANK) for n in blanks)
        blanks = []
        if in_footer:
            sheet.skipped.append((number, FOOTER))
            continue
        reason = rules.reason(cells)
        if reason == FOOTER:
            in_footer = True
        if reason is not None:
            sheet.skipped.append((number, reason))
            continue
        while cells and cells[-1] == "":
            cells.pop()
        sheet.rows.append((number, cells))
        if len(sheet.rows) > limit:
            raise ReadError(
                "too_many_rows",
                _("The file has more than %(rows)s rows; split it into several files.") % {"rows": limit},
                field="file",
            )
    sheet.rows_read = len(sheet.rows) + len(sheet.skipped)
    if not sheet.rows:
        raise ReadError(
            "no_data",
            _("The file has a header row (row %(row)s) but no residents below it.") % {"row": sheet.header_row},
            field="file",
        )


def _merge_row(number: int, cells: list, active: list, pending: deque) -> None:
    """Fill the cells of row `number` that merged ranges cover, streaming over the sorted merges."""
    while pending and pending[0][0] + 1 <= number:
        r0, c0, r1, c1 = pending.popleft()
        if r0 + 1 == number and 0 <= c0 < len(cells) and cells[c0] != "":
            active.append((r1 + 1, c0, c1, cells[c0]))
    if not active:
        return
    for _last, c0, c1, value in active:
        if c1 >= len(cells):
            cells.extend([""] * (c1 + 1 - len(cells)))
        for c in range(c0, c1 + 1):
            if cells[c] == "":
                cells[c] = value
    active[:] = [a for a in active if a[0] > number]


def _samples(sheet: Sheet) -> None:
    wanted = {c.index: c for c in sheet.columns}
    for _number, cells in sheet.rows:
        for index, column in wanted.items():
            if len(column.samples) < SAMPLES and index < len(cells) and cells[index] != "":
                column.samples.append(_sample_text(cells[index]))
        if all(len(c.samples) >= SAMPLES for c in sheet.columns):
            break


def _sample_text(cell) -> str:
    text = str(cell)[:40]
    digits = sum(ch.isdigit() for ch in text)
    # IDs and phones are personal data: the mapping step needs their shape, not their digits.
    if digits >= 9:
        kept = iter(range(digits))
        text = "".join(ch if not ch.isdigit() or (i := next(kept)) < 3 or i >= digits - 3 else "*" for ch in text)
    return text


# --- the roster ----------------------------------------------------------------------------------


def read_roster(data: bytes, filename: str = "", *, sheet: str | int | None = None,
                mapping: dict[str, str] | None = None) -> Sheet:
    """Read the whole roster from `data`; raise ReadError with a message an officer can act on.

    `sheet`: a sheet name or 1-based number (None: the sheet whose header scores best). `mapping`:
    {column letter: field name, or "" to ignore the column}, overriding what the labels say.
    """
    if len(data) > max_bytes():
        raise too_large_error()
    if not data:
        raise _not_spreadsheet()
    kind = detect_format(data, filename)
    if sheet == "":
        sheet = None
    sources = _workbook_sources(data, sheet) if kind == "workbook" else iter([_csv_source(data, sheet)])
    choices: list[tuple[str, float]] = []
    best: tuple[_Source, _Header] | None = None
    for source in sources:
        header = _best_header(source.first, source.merges)
        score = header.score if header else 0.0
        choices.append((source.name, score))
        if sheet is not None:
            keep = source.wanted or kind == "csv"
            if keep and header is None:
                raise _no_header()
        else:
            keep = header is not None and (best is None or score > best[1].score)
        if keep:
            if best is not None:
                best[0].first, best[0].rows = [], iter(())  # free the sheet that lost
            best = (source, header)
        else:
            source.first, source.rows = [], iter(())
    if best is None:
        raise _no_header()
    source, header = best
    result = _sheet_from_header(kind, header, mapping, source.offset)
    result.column_offset = source.offset
    result.sheet_name = source.name
    result.sheet_choices = sorted(choices, key=lambda c: -c[1])
    result.legacy_encoding = getattr(source.convert, "encoding", "") if source.convert else ""
    _read_data(result, source)
    del source, best  # the sheet as calamine holds it
    release_memory()
    _samples(result)
    return result


def read_table(data: bytes, filename: str = "") -> list[tuple[int, list]]:
    """Return every row (Excel row number, cells) of the first visible sheet, for lists in another layout.

    The same refusals and limits as a roster (size, hostile or damaged or protected workbooks,
    8-bit encodings, legacy fonts), without the roster's header search: the caller maps the
    columns itself (the course platform's export, `learning/course_import.py`).
    """
    if len(data) > max_bytes():
        raise too_large_error()
    if not data:
        raise _not_spreadsheet()
    kind = detect_format(data, filename)
    source = next(_workbook_sources(data, None)) if kind == "workbook" else _csv_source(data, None)
    rows = list(source.first)
    for number, raw in enumerate(source.rows, start=len(source.first) + 1):
        if number > max_rows() + HEADER_SEARCH_ROWS:
            raise too_large_error()
        cells = [cell_value(c) for c in raw]
        rows.append((number, _converted(cells, source.convert) if source.convert else cells))
    del source
    release_memory()
    return rows
