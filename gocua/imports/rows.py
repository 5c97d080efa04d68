"""Turn the cells of one roster row into typed values (no database, no validation rules yet)."""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from django.utils import timezone

from gocua.households import pii
from gocua.imports import layout
from gocua.imports.problems import Problem
from gocua.lib.text import clean_name, fold

MASKED = "*"  # a masked citizen ID or phone (001******345) means "unchanged"
_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.\-](\d{4})$")
_SHORT_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2})$")
_WORDY_YEAR = re.compile(r"^(?:nam(?: sinh)?)\s*:?\s*(\d{4})$")  # "năm 1948", "Năm sinh: 1948" (folded)
# Excel counts days from 30/12/1899 (it believes 1900 was a leap year, so serial 60 is 29/02/1900
# and every later serial is one day ahead of a count from 31/12/1899).
EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_SERIALS = range(10_000, 80_000)  # 16/05/1927 … 2119: smaller numbers are years, not serials
MAX_LENGTHS = {layout.FULL_NAME: 120, layout.HOUSEHOLD_KEY: 32}
# Cells that say a row is about a person even when the name is missing (the planner then reports the row).
PERSON_FIELDS = frozenset({
    layout.BIRTH_YEAR, layout.BIRTH_DATE, layout.BIRTH_YEAR_MALE, layout.BIRTH_YEAR_FEMALE, layout.CITIZEN_ID,
    layout.PHONE, layout.GENDER_MALE, layout.GENDER_FEMALE, *layout.INDICATOR_FIELDS, layout.BASIC_SKILLS_ALL,
})
_MARK_FIELDS = frozenset({*layout.INDICATOR_FIELDS, layout.BASIC_SKILLS_ALL})
_VILLAGE_PART = re.compile(r"^(thon|xom|ap|ban|to|to dan pho|tdp|khu pho|khu|doi|lang|buon|soc|khom)\b")
_COMMUNE_PART = re.compile(r"^(xa|phuong|thi tran|dac khu|p\.|x\.)")


@dataclass(slots=True)
class RowInput:
    """One data row as read; None means the file says nothing (the cell is empty or absent)."""

    number: int
    household_key: str = ""
    full_name: str = ""
    name_folded: str = ""
    birth_year: int | None = None
    birth_date: dt.date | None = None
    gender: str | None = None
    relation: str | None = None
    gender_hint: str | None = None
    citizen_id: str | None = None  # digits, MASKED, or None
    citizen_hash: str | None = None
    phone: str | None = None
    status: str | None = None
    indicators: dict = field(default_factory=dict)
    address: str = ""  # the full address: the village and commune columns are combined into it
    head_name: str = ""  # the head of household's name as the file gives it on this row
    household_no: str = ""  # "STT hộ" as written
    village: str = ""  # from a village column
    commune: str = ""  # from a commune column
    ethnicity: str = ""
    has_person_data: bool = False  # a birth, ID, phone, gender with a relation or a mark: a person is meant
    problems: list[Problem] = field(default_factory=list)

    def problem(self, field_name: str, code: str, **params) -> None:
        self.problems.append(Problem(self.number, field_name, code, params))


def _text(cell) -> str:
    if cell == "" or cell is None:
        return ""
    if isinstance(cell, float):
        return repr(cell)
    return str(cell).strip()


def excel_date(serial: float) -> dt.date:
    """Return the date of an Excel serial day number (1900 date system)."""
    days = int(serial)
    # Serials below 61 come before Excel's phantom 29/02/1900: they count from 31/12/1899.
    return EXCEL_EPOCH + dt.timedelta(days=days if days >= 61 else days + 1)


def _year_of_two_digits(yy: int) -> int:
    this_year = timezone.localdate().year
    return 2000 + yy if 2000 + yy <= this_year else 1900 + yy


def parse_birth(cell) -> tuple[int | None, dt.date | None] | None:
    """Return (year, date) from a year, an Excel serial date or date text; None when it cannot be read.

    Accepted as people type them: 1948, "năm 1948", 03/05/1980, 3/5/80, 03-05-1980, 03.05.1980,
    1980-05-03, 05/1980, and a date cell Excel stored as a serial number.
    """
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int | float):
        if 1000 <= cell <= 9999 and float(cell).is_integer():
            return int(cell), None
        if int(cell) in EXCEL_SERIALS:
            date = excel_date(cell)
            return date.year, date
        return None
    text = _text(cell)
    if re.fullmatch(r"\d{4}", text):
        return int(text), None
    if re.fullmatch(r"\d{5}(\.\d+)?", text):  # a serial date that became text (CSV saved from Excel)
        return parse_birth(float(text))
    match = _WORDY_YEAR.match(fold(text))
    if match:
        return int(match.group(1)), None
    match = _DATE.match(text) or _ISO.match(text) or _SHORT_DATE.match(text)
    if match:
        numbers = [int(g) for g in match.groups()]
        day, month, year = numbers if match.re is not _ISO else numbers[::-1]
        if match.re is _SHORT_DATE:
            year = _year_of_two_digits(year)
        try:
            return year, dt.date(year, month, day)
        except ValueError:
            return None
    match = _MONTH_YEAR.match(text)
    if match and 1 <= int(match.group(1)) <= 12:
        return int(match.group(2)), None
    return None


def parse_citizen_id(cell) -> str | None:
    """Return the citizen ID as typed (spaces removed), MASKED, or None when empty.

    A number cell lost its leading zeros in Excel (001… → 1…): they are put back.
    """
    if isinstance(cell, int) and not isinstance(cell, bool):
        text = str(cell)
        return text.zfill(12) if len(text) < 12 else text
    text = re.sub(r"[\s.\-]", "", _text(cell)).lstrip("'")
    if not text:
        return None
    return MASKED if "*" in text else text


@lru_cache(maxsize=1024)
def parse_relation(cell) -> tuple[str | None, str | None, str | None]:
    """Return (relation, gender it implies, problem code) for a relation cell."""
    text = unicodedata.normalize("NFC", _text(cell)).lower()
    if not text:
        return None, None, None
    folded = fold(text)
    relation = layout.RELATION_EXACT.get(text)
    if relation is None and folded == "ba":
        return None, None, "relation_ambiguous"
    relation = relation or layout.RELATION_FOLDED.get(folded)
    if relation is None:
        return None, None, "relation_unknown"
    hint = layout.GENDER_OF_RELATION.get(relation) or layout.GENDER_OF_RELATION_WORD.get(folded)
    if text == "bà":
        hint = "female"
    return relation, hint, None


def parse_row(number: int, cells: list, fields: dict[int, str]) -> RowInput:
    """Return the typed values of one row; cell-level problems are recorded on it."""
    row = RowInput(number)
    marks: dict[str, int] = {}
    all_skills = None
    for index, name in fields.items():
        cell = cells[index] if index < len(cells) else ""
        if cell == "":
            continue
        if name in _MARK_FIELDS:
            value = layout.mark_value(cell)
            if value is None:
                row.problem(name, "mark_unknown", value=_text(cell)[:20])
            elif name == layout.BASIC_SKILLS_ALL:
                all_skills = value
            else:
                marks[name] = value
        else:
            _PARSERS[name](row, cell)
    if all_skills is not None:
        marks = {**dict.fromkeys(layout.ALL_SKILLS, all_skills), **marks}
    row.indicators = marks
    row.has_person_data = any(
        name in PERSON_FIELDS and (index < len(cells) and cells[index] != "") for index, name in fields.items()
    ) or bool(row.gender and row.relation)
    if row.village or row.commune:
        row.address = combine_address(row.address, village=row.village, commune=row.commune)
    for name, limit in MAX_LENGTHS.items():
        if len(getattr(row, name)) > limit:
            row.problem(name, "too_long", max=limit)
    return row


def gender_from_citizen_id(number: str | None) -> str | None:
    """Return the gender the 4th digit of a citizen ID encodes (even: male, odd: female)."""
    if number and len(number) == 12 and number.isdigit():
        return "female" if int(number[3]) % 2 else "male"
    return None


def _household_key(row: RowInput, cell) -> None:
    row.household_key = clean_name(_text(cell))


def _full_name(row: RowInput, cell) -> None:
    row.full_name = clean_name(_text(cell))
    row.name_folded = fold(row.full_name)


def _birth(row: RowInput, cell, *, field_name: str) -> None:
    parsed = parse_birth(cell)
    if parsed is None:
        row.problem(field_name, "birth_invalid")
        return
    year, date = parsed
    if date is not None:
        row.birth_date = date
    if field_name != layout.BIRTH_DATE or row.birth_year is None:
        row.birth_year = year
    if field_name == layout.BIRTH_YEAR_MALE:
        row.gender = row.gender or "male"
    elif field_name == layout.BIRTH_YEAR_FEMALE:
        row.gender = row.gender or "female"


@lru_cache(maxsize=1024)
def _word(cell) -> str:
    return fold(_text(cell))


def _gender(row: RowInput, cell) -> None:
    gender = layout.GENDER_WORDS.get(_word(cell))
    if gender is None:
        row.problem(layout.GENDER, "gender_unknown")
    row.gender = gender


def _relation(row: RowInput, cell) -> None:
    relation, hint, code = parse_relation(cell)
    if code:
        row.problem(layout.RELATION, code, **({"value": _text(cell)[:30]} if code == "relation_unknown" else {}))
    row.relation, row.gender_hint = relation, hint


def _citizen_id(row: RowInput, cell) -> None:
    row.citizen_id = parse_citizen_id(cell)
    if row.citizen_id and row.citizen_id != MASKED and row.citizen_id.isdigit() and len(row.citizen_id) == 12:
        row.citizen_hash = pii.keyed_hash(row.citizen_id)


def _phone(row: RowInput, cell) -> None:
    text = _phone_text(cell)
    row.phone = None if MASKED in text else text


def _status(row: RowInput, cell) -> None:
    status = layout.STATUS_WORDS.get(_word(cell))
    if status is None:
        row.problem(layout.STATUS, "status_unknown", value=_text(cell)[:30])
    row.status = status


def _gender_mark(row: RowInput, cell, *, gender: str) -> None:
    value = layout.mark_value(cell)
    if value is None:
        row.problem(layout.GENDER, "gender_unknown")
    elif value == layout.Tri.YES:
        row.gender = gender


def _phone_text(cell) -> str:
    # A number cell lost the leading 0 (912345678) or kept the country code (84912345678).
    return _text(cell) if not isinstance(cell, int) else str(cell)


def _address(row: RowInput, cell) -> None:
    row.address = _text(cell)


def _setter(name: str, clean=clean_name):
    def parse(row: RowInput, cell) -> None:
        setattr(row, name, clean(_text(cell)))

    return parse


def combine_address(address: str, *, village: str = "", commune: str = "") -> str:
    """Return one address from the address, village and commune columns.

    The village column wins over a village written in the address; a commune column is added when
    the address does not name it. "Tháp Thượng" + "Song Phượng" → "Tháp Thượng, Xã Song Phượng".
    """
    parts = [p.strip() for p in address.split(",") if p.strip()]
    if village:
        parts = [p for p in parts if not _VILLAGE_PART.match(fold(p))]
        parts.insert(0, village)
    if commune and not any(fold(commune) in fold(p) for p in parts):
        named = commune if _COMMUNE_PART.match(fold(commune)) else f"Xã {commune}"
        index = next((i for i, p in enumerate(parts) if _COMMUNE_PART.match(fold(p))), None)
        if index is None:
            parts.insert(1 if village else len(parts), named)
    return ", ".join(parts)


_PARSERS = {
    layout.HOUSEHOLD_KEY: _household_key,
    layout.FULL_NAME: _full_name,
    layout.BIRTH_YEAR: lambda row, cell: _birth(row, cell, field_name=layout.BIRTH_YEAR),
    layout.BIRTH_DATE: lambda row, cell: _birth(row, cell, field_name=layout.BIRTH_DATE),
    layout.GENDER: _gender,
    layout.RELATION: _relation,
    layout.CITIZEN_ID: _citizen_id,
    layout.PHONE: _phone,
    layout.STATUS: _status,
    layout.ADDRESS: _address,
    layout.HOUSEHOLD_NO: _setter("household_no"),
    layout.HEAD_NAME: _setter("head_name"),
    layout.VILLAGE: _setter("village"),
    layout.COMMUNE: _setter("commune"),
    layout.ETHNICITY: _setter("ethnicity"),
    layout.BIRTH_YEAR_MALE: lambda row, cell: _birth(row, cell, field_name=layout.BIRTH_YEAR_MALE),
    layout.BIRTH_YEAR_FEMALE: lambda row, cell: _birth(row, cell, field_name=layout.BIRTH_YEAR_FEMALE),
    layout.GENDER_MALE: lambda row, cell: _gender_mark(row, cell, gender="male"),
    layout.GENDER_FEMALE: lambda row, cell: _gender_mark(row, cell, gender="female"),
}
