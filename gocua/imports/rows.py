"""Turn the cells of one roster row into typed values (no database, no validation rules yet)."""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from gocua.households import pii
from gocua.imports import layout
from gocua.imports.problems import Problem
from gocua.lib.text import clean_name, fold

MASKED = "*"  # a masked citizen ID or phone (001******345) means "unchanged"
_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.\-](\d{4})$")
MAX_LENGTHS = {layout.FULL_NAME: 120, layout.HOUSEHOLD_KEY: 32}


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
    address: str = ""
    problems: list[Problem] = field(default_factory=list)

    def problem(self, field_name: str, code: str, **params) -> None:
        self.problems.append(Problem(self.number, field_name, code, params))


def _text(cell) -> str:
    if cell == "" or cell is None:
        return ""
    if isinstance(cell, float):
        return repr(cell)
    return str(cell).strip()


def parse_birth(cell) -> tuple[int | None, dt.date | None] | None:
    """Return (year, date) from a year, a date or dd/mm/yyyy text; None when it cannot be read."""
    if isinstance(cell, int) and not isinstance(cell, bool):
        return (cell, None) if 1000 <= cell <= 9999 else None
    text = _text(cell)
    if re.fullmatch(r"\d{4}", text):
        return int(text), None
    match = _DATE.match(text) or _ISO.match(text)
    if match:
        numbers = [int(g) for g in match.groups()]
        day, month, year = numbers if match.re is _DATE else numbers[::-1]
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
        if name in layout.INDICATOR_FIELDS or name == layout.BASIC_SKILLS_ALL:
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
    if field_name == layout.BIRTH_YEAR or row.birth_year is None:
        row.birth_year = year


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
    text = _text(cell) if not isinstance(cell, int) else str(cell)
    row.phone = None if MASKED in text else text


def _status(row: RowInput, cell) -> None:
    status = layout.STATUS_WORDS.get(_word(cell))
    if status is None:
        row.problem(layout.STATUS, "status_unknown", value=_text(cell)[:30])
    row.status = status


def _address(row: RowInput, cell) -> None:
    row.address = _text(cell)


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
}
