"""Read an .xlsx/.xlsm worksheet row by row, in memory that does not grow with the sheet.

calamine (the default reader, and always the reader of .xls, .ods and of any workbook this module
declines) builds the whole used range of a sheet before it gives the first row: 206 MB for the
100,000-row benchmark roster, against 40 MB here. Chosen with GOCUA_IMPORT_XLSX_READER = "stream";
not the default, because it is 2.9x slower and the import's peak is set by the plan, not by the
reader (docs/PERFORMANCE.md, "a streaming .xlsx reader").

It gives what calamine gives for the same file (the importer's tests compare the two over the
whole roster gallery, `imports/tests/test_xlsxstream.py`): rows from row 1, each as wide as the
sheet's used range, which starts at the first column with a value; numbers as floats, dates
formatted as dates as `date` (a whole serial) or `datetime`, times as `time`, elapsed times as
`timedelta`, booleans, error cells and empty cells as "". Dates follow Excel's 1900 system,
leap-year quirk included (serial 60, the 29 February 1900 that never was, reads as the 28th, as
calamine reads it), or the 1904 system the workbook declares. Text comes from the shared-string
table (rich runs joined, phonetic guides dropped), inline strings or cached formula results, with
XML entities and Excel's `_xHHHH_` escapes decoded. Formulas are never evaluated: the value Excel
cached is the value.

The sheet is read twice, a megabyte at a time: a first pass over the bytes finds its used range
and its merged cells (which Excel writes after the rows), the second decodes the rows and yields
each as soon as it is complete.

It declines (`Unsupported`, and the caller reads the file with calamine) what it does not know
for sure: cells without an `r` reference, XML written with a namespace prefix (`<x:c>`), a
workbook without the usual parts. Hostile files are refused by `limits` before either reader runs.
"""

from __future__ import annotations

import datetime as dt
import html
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from gocua.imports.limits import column_number

CHUNK = 1 << 20
MAIN_NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"

# Workbook parts.
_SHEET = re.compile(rb"<sheet\b([^>]*?)/?>")
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_RELATIONSHIP = re.compile(rb"<Relationship\b([^>]*?)/?>")
_DATE1904 = re.compile(rb'<workbookPr\b[^>]*\bdate1904="(1|true)"')
# Shared strings: one <si> each; text runs <t>; phonetic guides <rPh> are not part of the text.
_SI = re.compile(r"<si>(.*?)</si>|<si/>", re.S)
_T = re.compile(r"<t(?: [^>]*)?>(.*?)</t>|<t(?: [^>]*)?/>", re.S)
_RPH = re.compile(r"<rPh\b.*?</rPh>", re.S)
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
# Styles: number formats and the cell formats (cellXfs) that cells name by index.
_NUMFMT = re.compile(rb"<numFmt\b([^>]*?)/?>")
_CELLXFS = re.compile(rb"<cellXfs\b[^>]*>(.*?)</cellXfs>", re.S)
_XF = re.compile(rb"<xf\b([^>]*?)(?:/>|>)")
# The sheet, decoded to text a megabyte at a time. A cell, self-closed or with its children; the
# two shapes nearly every cell has (a value; an inline string) are matched apart, so that they
# cost no second look.
_CELL = re.compile(
    r'<c r="([A-Z]{1,3})([0-9]+)"([^>/]*)'  # a cell's attributes (r, s, t, cm, vm) never hold "/" or ">"
    r'(?:/>|>(?:<v>([^<]*)</v>|<is><t(?: xml:space="preserve")?>([^<]*)</t></is>|(.*?))</c>)',
    re.S,
)
_CELL_ATTR = re.compile(r' (s|t)="([^"]*)"')
_V = re.compile(r"<v>(.*?)</v>", re.S)
_IS = re.compile(r"<is>(.*?)</is>", re.S)
# A cell with a value, for the used range (calamine's): a cached value that is not empty, or an
# inline string. A formula whose cached value is empty, or a cell with only a style, is not one.
_VALUED = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"(?: [\w:]+="[^"]*")* ?>(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)?(?:<v>[^<]|<is>)')
_MERGE = re.compile(rb'<mergeCell ref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"')
# A namespace prefix on the sheet's elements (<x:c>), which this reader declines (cells without a reference: counted).
_PREFIXED = re.compile(rb"<\w+:(?:worksheet|sheetData|row|c)\b")

# calamine's built-in date formats (ECMA-376 18.8.30 ids): dates, times, date-times, durations.
_BUILTIN_DATES = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47})
_EPOCH_1900 = dt.datetime(1899, 12, 30)
_EPOCH_1904 = dt.datetime(1904, 1, 1)


class Unsupported(Exception):  # noqa: N818 - a signal to use the other reader, not an error for the officer
    """This workbook is not one this reader is sure of; read it with calamine instead."""


@dataclass
class SheetInfo:
    name: str
    visible: bool
    worksheet: bool
    path: str  # the part in the zip


@dataclass
class StreamSheet:
    """One worksheet: its used range and merges (0-based, as calamine gives them) and its rows."""

    book: Book
    info: SheetInfo
    start: tuple[int, int] | None = None  # (row, column) of the first cell with a value; None: empty
    end: tuple[int, int] | None = None
    merged_cell_ranges: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)

    @property
    def height(self) -> int:
        return self.end[0] - self.start[0] + 1 if self.start else 0

    @property
    def width(self) -> int:
        return self.end[1] - self.start[1] + 1 if self.start else 0

    def iter_rows(self) -> Iterator[list]:
        """Yield every row from row 1 to the last with a value, each `width` cells from the first used column."""
        if self.start is None:
            return
        first_col, width, last_row = self.start[1], self.width, self.end[0]
        strings, epoch, kind_of, other = self.book.strings, self.book.epoch, self.book.kind_of, self.book.other_value
        kinds: dict[str, tuple[str, str]] = {}  # a cell's attributes → (date style, type)
        index_of: dict[str, int] = {}  # column letters → position in the row (-1: outside the used range)
        current, cells, seen, skip = -1, None, None, False
        for text in self.book.texts(self.info.path):
            for letters, digits, attrs, v, inline, content in _CELL.findall(text):
                if digits != seen:
                    seen = digits
                    row = int(digits) - 1
                    if row > current:
                        if cells is not None:
                            yield cells
                        if row > last_row:
                            return
                        for _ in range(current + 1, row):
                            yield [""] * width
                        current, cells, skip = row, [""] * width, False
                    else:
                        skip = row < current  # a row out of order: the first reading of it stands
                if skip:
                    continue
                try:
                    index = index_of[letters]
                except KeyError:
                    index = _column(letters) - first_col
                    index = index_of[letters] = index if 0 <= index < width else -1
                if index < 0:
                    continue
                if inline:
                    cells[index] = inline if "&" not in inline and "_x" not in inline else _text(inline)
                    continue
                try:
                    date_kind, t = kinds[attrs]
                except KeyError:
                    date_kind, t = kinds[attrs] = kind_of(attrs)
                if v:
                    if t == "s":
                        try:
                            cells[index] = strings[int(v)]
                        except (ValueError, IndexError):
                            pass
                    elif t == "n":
                        try:
                            number = float(v)
                        except ValueError:
                            continue
                        cells[index] = _date(number, date_kind, epoch) if date_kind else number
                    else:
                        cells[index] = other(t, v, date_kind)
                elif content:
                    cells[index] = self.book.content_value(t, content, date_kind)
        if cells is not None:
            yield cells
            for _ in range(current + 1, last_row + 1):
                yield [""] * width


class Book:
    """A workbook opened from its zip: its sheets, shared strings and date formats."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names:
            raise Unsupported("no xl/workbook.xml")
        workbook = archive.read("xl/workbook.xml")
        if MAIN_NS not in workbook[:4096] and b"<workbook" not in workbook[:4096]:
            raise Unsupported("a workbook in another namespace")
        targets, kinds = self._relationships("xl/_rels/workbook.xml.rels", names)
        self.sheets: list[SheetInfo] = []
        for match in _SHEET.finditer(workbook):
            attrs = dict(_ATTR.findall(match.group(1)))
            rid = next((v for k, v in attrs.items() if k.endswith(b":id")), None)
            path = targets.get(rid)
            if path is None:
                raise Unsupported("a sheet without its part")
            self.sheets.append(SheetInfo(
                name=_text(attrs.get(b"name", b"")),
                visible=attrs.get(b"state", b"visible") == b"visible",
                worksheet=kinds.get(rid, b"").endswith(b"/worksheet"),
                path=path,
            ))
        self.date1904 = bool(_DATE1904.search(workbook))
        shared = next((p for p, k in zip(targets.values(), kinds.values(), strict=True)
                       if k.endswith(b"/sharedStrings")), None)
        self.strings = _shared_strings(archive.read(shared)) if shared and shared in names else []
        styles = next((p for p, k in zip(targets.values(), kinds.values(), strict=True) if k.endswith(b"/styles")), None)
        self.date_styles = _date_styles(archive.read(styles)) if styles and styles in names else {}

    def _relationships(self, part: str, names: set) -> tuple[dict, dict]:
        if part not in names:
            raise Unsupported("no workbook relationships")
        targets, kinds = {}, {}
        for match in _RELATIONSHIP.finditer(self.archive.read(part)):
            attrs = dict(_ATTR.findall(match.group(1)))
            rid, target = attrs.get(b"Id"), _text(attrs.get(b"Target", b""))
            if attrs.get(b"TargetMode") == b"External" or rid is None:
                continue
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            targets[rid], kinds[rid] = path, attrs.get(b"Type", b"")
        return targets, kinds

    def sheet(self, index: int) -> StreamSheet:
        """Return sheet `index` with its used range and merges found (the first pass)."""
        info = self.sheets[index]
        if info.path not in set(self.archive.namelist()):
            raise Unsupported("a sheet part is missing")
        sheet = StreamSheet(self, info)
        if not info.worksheet:
            return sheet
        top = left = 1 << 30
        bottom = right = -1
        merges = []
        first = True
        for data in self.texts(info.path, whole=True):
            # Cells without their reference, or XML with a namespace prefix (which the first piece
            # shows, as it opens <x:sheetData>): declined, counted in C rather than searched.
            if data.count(b"<c ") + data.count(b"<c>") != data.count(b'<c r="') or (first and _PREFIXED.search(data)):
                raise Unsupported("cells without references or with a namespace prefix")
            first = False
            found = _VALUED.findall(data)
            if found:
                # In bulk, not cell by cell: a roster has a million cells and a dozen columns.
                letters, digits = zip(*found, strict=True)
                columns = [_column(x) for x in set(letters)]
                numbers = list(map(int, digits))
                top, bottom = min(top, min(numbers) - 1), max(bottom, max(numbers) - 1)
                left, right = min(left, min(columns)), max(right, max(columns))
            for a, r0, b, r1 in _MERGE.findall(data):
                top_left = (int(r0) - 1, _column(a))
                merges.append((top_left, (int(r1) - 1, _column(b)) if b else top_left))
        if bottom >= 0:
            sheet.start, sheet.end = (top, left), (bottom, right)
        sheet.merged_cell_ranges = merges
        return sheet

    def texts(self, path: str, *, whole: bool = False) -> Iterator:
        """Yield the sheet's XML as text, a megabyte at a time, each piece ending after a whole row.

        `whole`: the whole part as bytes (the first pass, which reads the used range and the merges
        written after the rows, with patterns that are all ASCII); otherwise the rows only, up to
        </sheetData>, as text.
        """
        tail = b""
        in_rows = True
        with self.archive.open(path) as part:
            while True:
                chunk = part.read(CHUNK)
                data = tail + chunk
                if not chunk:
                    if data:
                        yield data if whole else data.decode("utf-8", "replace")
                    return
                cut = -1
                if in_rows:
                    end = data.find(b"</sheetData>")
                    if end >= 0 and not whole:
                        yield data[:end].decode("utf-8", "replace")
                        return
                    if end >= 0:
                        in_rows = False  # what follows (the merges) is tags without text between them
                    else:
                        cut = data.rfind(b"</row>")
                        cut = cut + 6 if cut >= 0 else 0
                if not in_rows:
                    cut = data.rfind(b">") + 1
                if cut == 0:
                    tail = data  # not one whole row yet: read on
                    continue
                yield data[:cut] if whole else data[:cut].decode("utf-8", "replace")
                tail = data[cut:]

    @property
    def epoch(self) -> dt.datetime:
        return _EPOCH_1904 if self.date1904 else _EPOCH_1900

    def kind_of(self, attrs: str) -> tuple[str, str]:
        found = dict(_CELL_ATTR.findall(attrs))
        try:
            style = int(found.get("s") or 0)
        except ValueError:
            style = 0
        return self.date_styles.get(style, ""), found.get("t", "n")

    def other_value(self, t: str, value: str, date_kind: str):
        """The value of a cell whose type is not a shared string or a number."""
        if t == "str" or t == "inlineStr":
            return _text(value)
        if t == "b":
            return value == "1" or value == "true"
        if t == "d":
            try:
                return dt.datetime.fromisoformat(value)
            except ValueError:
                return _text(value)
        return ""  # "e": an error (#N/A, #REF!) reads as empty, as calamine gives it

    def content_value(self, t: str, content: str, date_kind: str):
        """The value of a cell in a less usual shape: a formula and its cached value, rich inline text."""
        if t == "inlineStr":
            found = _IS.search(content)
            return _rich_text(found.group(1)) if found else ""
        found = _V.search(content)
        value = found.group(1) if found else ""
        if not value:
            return ""
        if t == "s":
            try:
                return self.strings[int(value)]
            except (ValueError, IndexError):
                return ""
        if t == "n":
            try:
                number = float(value)
            except ValueError:
                return ""
            return _date(number, date_kind, self.epoch) if date_kind else number
        return self.other_value(t, value, date_kind)


def open_book(archive: zipfile.ZipFile) -> Book:
    return Book(archive)


def _column(letters: str | bytes) -> int:
    """Return the 0-based column of Excel letters ("A" → 0)."""
    return column_number(letters if isinstance(letters, bytes) else letters.encode()) - 1


def _text(raw: bytes | str) -> str:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    if "&" in text:
        text = html.unescape(text)
    if "_x" in text:
        text = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    return text


def _rich_text(body: str) -> str:
    if "<rPh" in body:
        body = _RPH.sub("", body)
    return "".join(_text(t) for t in _T.findall(body))


def _shared_strings(data: bytes) -> list[str]:
    out = []
    for body in _SI.findall(data.decode("utf-8", "replace")):
        if body[:3] == "<t>" and body[-4:] == "</t>" and body.count("<") == 2:
            out.append(_text(body[3:-4]))
        else:
            out.append(_rich_text(body))
    return out


def _date_styles(data: bytes) -> dict[int, str]:
    """Return {cell format index: "date" or "duration"} for the cell formats (cellXfs) showing a date or time.

    An elapsed-time format (`[h]:mm`, built-in 46) shows a duration: calamine gives a timedelta.
    """
    custom = {}
    for match in _NUMFMT.finditer(data):
        attrs = dict(_ATTR.findall(match.group(1)))
        try:
            custom[int(attrs.get(b"numFmtId", b"-1"))] = _text(attrs.get(b"formatCode", b""))
        except ValueError:
            continue
    block = _CELLXFS.search(data)
    styles = {}
    for index, match in enumerate(_XF.finditer(block.group(1)) if block else ()):
        attrs = dict(_ATTR.findall(match.group(1)))
        try:
            number_format = int(attrs.get(b"numFmtId", b"0"))
        except ValueError:
            continue
        if number_format in custom:
            code = custom[number_format]
            if is_date_format(code):
                styles[index] = "duration" if _ELAPSED.search(_QUOTED.sub("", code)) else "date"
        elif number_format in _BUILTIN_DATES:
            styles[index] = "duration" if number_format == 46 else "date"
    return styles


_QUOTED = re.compile(r'"[^"]*"|\\.|_.')
_BRACKETS = re.compile(r"\[([^\]]*)\]")
_ELAPSED = re.compile(r"\[(?:h+|m+|s+)\]", re.I)


def is_date_format(code: str) -> bool:
    """Whether a number format shows a date or a time: d, m, y, h or s outside quotes and brackets.

    Only the first section counts (positive numbers); `[h]`, `[mm]`, `[ss]` (elapsed time) are
    times; other brackets (`[Red]`, `[$-42A]`) are not.
    """
    code = _QUOTED.sub("", code).split(";", 1)[0]
    if any(inner[:1].lower() in "hms" and inner.lower().strip("hms") == "" for inner in _BRACKETS.findall(code)
           if inner):
        return True
    code = _BRACKETS.sub("", code)
    return any(ch in "dmyhsDMYHS" for ch in code)


def _date(number: float, kind: str, epoch: dt.datetime):
    """An Excel serial in a date format → date (whole), datetime (with a time), time (under a day), duration."""
    if number < 0:
        return number
    if kind == "duration":
        return dt.timedelta(seconds=round(number * 86400))
    if number < 1:
        seconds = round(number * 86400)
        if seconds >= 86400:
            return dt.time(23, 59, 59)
        return dt.time(seconds // 3600, seconds // 60 % 60, seconds % 60)
    if epoch is _EPOCH_1900 and number < 61:
        # Excel counts a 29 February 1900 that never was: serials before it are a day off, and
        # serial 60 itself reads as the 28th.
        number = number + 1 if number < 60 else 60
    try:
        moment = epoch + dt.timedelta(seconds=round(number * 86400))
    except OverflowError:
        return number
    return moment.date() if number == int(number) else moment
