"""Refuse hostile workbooks before any spreadsheet library parses them.

A workbook is a zip of XML parts. Its central directory declares every part's unpacked size, and
Python's zip reader never returns more than the declared size (a lying size fails its CRC), so the
declared sizes are checked first, then every sheet and the shared-string table are streamed once
through zlib in small chunks, counting what the parser would have to hold: shared strings, cells
with a value, the widest column. An XML part with a document type declaration is refused outright
(Excel and LibreOffice never write one; it is how entity-expansion bombs are built). Memory used
here is one chunk at a time, whatever the file claims.
"""

import re
import zipfile
from functools import lru_cache

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from gocua.errors import DomainError

DEFAULT_MAX_UNPACKED_BYTES = 200 * 2**20  # real rosters of 200,000 rows unpack to well under this
DEFAULT_MAX_SHARED_STRINGS = 1_500_000
DEFAULT_MAX_CELLS = 6_000_000  # 200,000 rows × 30 columns
DEFAULT_MAX_COLUMNS = 500
CHUNK = 1 << 20
# A cell reference with two or more letters is column 27 (AA) or beyond.
_WIDE_CELL = re.compile(rb'<c r="([A-Z]{2,3})\d')
_ODS_REPEAT = re.compile(rb'number-columns-repeated="(\d+)"')
_ROW = re.compile(rb'<row r="(\d+)"')
# A cell with a value (or a formula): its column letters and row number. Cells with only a style
# are not parsed into the sheet, so they do not count.
_VALUED_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>]*>(?=<[vfi])')
XML_DECLS = (b"<!DOCTYPE", b"<!ENTITY")


class LimitError(DomainError):
    """The file is over a reading limit; nothing is read or written."""


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_unpacked_bytes() -> int:
    return _setting("GOCUA_IMPORT_MAX_UNPACKED_BYTES", DEFAULT_MAX_UNPACKED_BYTES)


def max_shared_strings() -> int:
    return _setting("GOCUA_IMPORT_MAX_SHARED_STRINGS", DEFAULT_MAX_SHARED_STRINGS)


def max_cells() -> int:
    return _setting("GOCUA_IMPORT_MAX_CELLS", DEFAULT_MAX_CELLS)


def max_columns() -> int:
    return _setting("GOCUA_IMPORT_MAX_COLUMNS", DEFAULT_MAX_COLUMNS)


def _refuse(code: str, message) -> LimitError:
    return LimitError(code, message, field="file")


def _too_many_cells() -> LimitError:
    return _refuse("file_too_many_cells", _(
        "The list spreads over more than %(count)s cells (from its first to its last filled cell); delete "
        "what lies far below or right of it, or split it into several files."
    ) % {"count": f"{max_cells():,}"})


def _unpacked_error() -> LimitError:
    return _refuse("file_unpacks_too_large", _(
        "The workbook unpacks to more than %(mb)s MB: it is not an ordinary roster. Copy the list into a new "
        "workbook, save it as .xlsx and retry."
    ) % {"mb": max_unpacked_bytes() // 2**20})


@lru_cache(maxsize=4096)
def column_number(letters: bytes) -> int:
    """Return the 1-based number of an Excel column (b"A" → 1, b"XFD" → 16384)."""
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number


def check_archive(archive: zipfile.ZipFile) -> None:
    """Raise LimitError when the workbook in `archive` is over a limit (or holds a DTD)."""
    infos = archive.infolist()
    if sum(info.file_size for info in infos) > max_unpacked_bytes():
        raise _unpacked_error()
    xml_parts = [i for i in infos if i.filename.endswith((".xml", ".rels")) or i.filename == "content.xml"]
    cells = 0  # over all sheets together
    for info in xml_parts:
        name = info.filename
        if name == "xl/sharedStrings.xml":
            _check_part(archive, info, shared_strings=True)
        elif name.startswith("xl/worksheets/") or name == "content.xml":
            bounds = [0, 26]  # the last row and the widest column seen (xlsx)
            cells = _check_part(archive, info, ods=name == "content.xml", cells=cells, bounds=bounds)
            if name.startswith("xl/worksheets/") and bounds[0] * bounds[1] > max_cells():
                _check_area(archive, info)
        else:
            _check_head(archive, info)


def _parts(archive: zipfile.ZipFile, info: zipfile.ZipInfo):
    """Yield a part's text in chunks that never cut a tag (each starts at a "<")."""
    tail = b""
    with archive.open(info) as part:
        while chunk := part.read(CHUNK):
            data = tail + chunk
            cut = max(data.rfind(b"<", 0, max(len(data) - 64, 0)), 0)
            yield data[:cut]
            tail = data[cut:]
    yield tail


def _check_area(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Refuse a sheet whose used range (first to last cell with a value) is over GOCUA_IMPORT_MAX_CELLS.

    The parser holds the whole rectangle, empty cells included (32 bytes each): two cells, at A1
    and IV1048576, are 268 million cells, 8 GB. `_check_part` bounds the rectangle by the last row
    and the widest column it saw; only a sheet over the limit that way (for example one formatted
    down to row 1,048,576) is read again here to find its cells with a value.
    """
    top = left = 1 << 30
    bottom = right = 0
    for data in _parts(archive, info):
        for match in _VALUED_CELL.finditer(data):
            column, row = column_number(match.group(1)), int(match.group(2))
            top, bottom, left, right = min(top, row), max(bottom, row), min(left, column), max(right, column)
    if bottom and (bottom - top + 1) * (right - left + 1) > max_cells():
        raise _too_many_cells()


def _check_head(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    with archive.open(info) as part:
        _check_declarations(part.read(64 * 1024))


def _check_declarations(head: bytes) -> None:
    if any(decl in head for decl in XML_DECLS):
        raise _refuse("file_xml_entities", _(
            "The workbook contains XML declarations that spreadsheets never write; it is refused for safety."
        ))


def _check_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, shared_strings: bool = False,
                ods: bool = False, cells: int = 0, bounds: list | None = None) -> int:
    """Stream one part, counting strings, valued cells (from `cells`) and the widest column; return the cells.

    `bounds` ([last row, widest column]) is raised to what the part's rows and cells name (xlsx).
    """
    strings = 0
    tail = b""
    with archive.open(info) as part:
        first = True
        while chunk := part.read(CHUNK):
            data = tail + chunk
            if first:
                _check_declarations(data[: 64 * 1024])
                first = False
            # Count up to the last tag start: a tag cut by the chunk boundary is counted with the next chunk.
            cut = max(data.rfind(b"<", 0, max(len(data) - 64, 0)), 0)
            counted, tail = data[:cut], data[cut:]
            strings, cells = _count(counted, strings, cells, shared_strings=shared_strings, ods=ods, bounds=bounds)
        strings, cells = _count(tail, strings, cells, shared_strings=shared_strings, ods=ods, bounds=bounds)
    return cells


def _count(data: bytes, strings: int, cells: int, *, shared_strings: bool, ods: bool,
           bounds: list | None = None) -> tuple[int, int]:
    if shared_strings:
        strings += data.count(b"<si>") + data.count(b"<si ")
        if strings > max_shared_strings():
            raise _refuse("file_too_many_strings", _(
                "The workbook holds more than %(count)s different texts: it is not an ordinary roster."
            ) % {"count": f"{max_shared_strings():,}"})
        return strings, cells
    if ods:
        cells += data.count(b"office:value-type=")
        for match in _ODS_REPEAT.finditer(data):
            # LibreOffice repeats empty cells to the edge of the sheet; a repeated cell with a value is
            # expanded by the reader, so it counts as that many columns.
            start = data.rfind(b"<", 0, match.start())
            end = data.find(b">", match.end())
            if b"office:value-type=" in data[start:end] and int(match.group(1)) > max_columns():
                raise _columns_error()
    else:
        cells += data.count(b"<v>") + data.count(b"<is>")
        for match in _WIDE_CELL.finditer(data):
            column = column_number(match.group(1))
            if column > max_columns():
                raise _columns_error()
            if bounds is not None:
                bounds[1] = max(bounds[1], column)
        if bounds is not None:  # every row, not the last: a hostile file need not keep them in order
            bounds[0] = max([bounds[0], *(int(m.group(1)) for m in _ROW.finditer(data))])
    if cells > max_cells():
        raise _refuse("file_too_many_cells", _(
            "The workbook has more than %(count)s filled cells; split it into several files."
        ) % {"count": f"{max_cells():,}"})
    return strings, cells


def _columns_error() -> LimitError:
    return _refuse("file_too_many_columns", _(
        "A sheet uses more than %(count)s columns: it is not an ordinary roster. Delete the empty columns "
        "on the right and retry."
    ) % {"count": max_columns()})


# --- old .xls (BIFF in an OLE compound file) ---------------------------------------------------
# A .xls is not compressed, so its size bounds its records; but the reader holds each sheet as the
# rectangle from its first to its last cell: a 6 KB file with cells at A1 and IV65536 makes
# 16.7 million cells (1 GB in the reader). The cell records are scanned first, without the reader:
# each names its row and column in its first four bytes (MULRK/MULBLANK name the last column in
# their last two), and sheets start at a BOF record.
_BIFF_BOF = (0x0809, 0x0409, 0x0209, 0x0009)
_BIFF_CELLS = frozenset({
    0x0006,  # FORMULA
    0x00FD,  # LABELSST
    0x0201,  # BLANK
    0x0203,  # NUMBER
    0x0204,  # LABEL
    0x0205,  # BOOLERR
    0x027E,  # RK
    0x00D6,  # RSTRING
    0x0406,  # FORMULA (BIFF4)
})
_BIFF_MULTI = frozenset({0x00BD, 0x00BE})  # MULRK, MULBLANK


def check_ole_workbook(data: bytes) -> None:
    """Raise LimitError when a sheet of an old .xls spans more than GOCUA_IMPORT_MAX_CELLS cells.

    A file that is not a readable compound document is left to the reader, which says it is damaged.
    """
    import struct

    import olefile

    try:
        with olefile.OleFileIO(data) as ole:
            name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
            if name is None:
                return
            stream = ole.openstream(name).read()
    except (OSError, ValueError, IndexError, struct.error):
        return
    unpack = struct.unpack_from
    limit = max_cells()
    position, end = 0, len(stream) - 4
    sheet = None  # [top, bottom, left, right] of the current sheet's cells
    while position <= end:
        record, length = unpack("<HH", stream, position)
        body = position + 4
        position = body + length
        if record in _BIFF_BOF:
            sheet = [1 << 30, -1, 1 << 30, -1]
            continue
        if sheet is None or position > len(stream) or length < 4:
            continue
        if record in _BIFF_CELLS:
            row, first = unpack("<HH", stream, body)
            last = first
        elif record in _BIFF_MULTI and length >= 6:
            row, first = unpack("<HH", stream, body)
            (last,) = unpack("<H", stream, body + length - 2)
        else:
            continue
        if row < sheet[0]:
            sheet[0] = row
        if row > sheet[1]:
            sheet[1] = row
        if first < sheet[2]:
            sheet[2] = first
        if last > sheet[3]:
            sheet[3] = last
        if (sheet[1] - sheet[0] + 1) * (sheet[3] - sheet[2] + 1) > limit:
            raise _too_many_cells()
