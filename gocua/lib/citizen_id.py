"""Vietnamese citizen ID (CCCD / số định danh cá nhân) structure checks.

The 12 digits are: 3 digits for the province where the birth was registered
(`0` + one of the 63 legacy province codes), 1 digit for gender and century,
2 digits for the birth year, 6 digits in sequence (Circular 59/2021/TT-BCA).
Gender/century digit: 20th century (1900–1999) male 0 / female 1; 21st 2/3;
22nd 4/5; 23rd 6/7; 24th 8/9.
"""

from dataclasses import dataclass

# The 63 legacy province codes, as in the `admin_units_legacy` table of the
# `vietnamadminunits` wheel (kept here so validation needs no database).
LEGACY_PROVINCE_CODES = frozenset(
    """01 02 04 06 08 10 11 12 14 15 17 19 20 22 24 25 26 27 30 31 33 34 35 36 37 38 40 42
    44 45 46 48 49 51 52 54 56 58 60 62 64 66 67 68 70 72 74 75 77 79 80 82 83 84 86 87
    89 91 92 93 94 95 96""".split()
)

MALE = "male"
FEMALE = "female"


@dataclass(frozen=True)
class CitizenIdError(Exception):
    """A citizen ID that cannot be right; `code` is stable for the API."""

    code: str


def century_digit(gender: str, birth_year: int) -> str:
    """Return the gender/century digit that a person born in `birth_year` must have."""
    century_index = (birth_year // 100) - 19  # 1900s → 0, 2000s → 1, …
    if not 0 <= century_index <= 4:
        raise CitizenIdError("citizen_id_year")
    return str(century_index * 2 + (1 if gender == FEMALE else 0))


def validate(number: str, *, gender: str | None = None, birth_year: int | None = None) -> str:
    """Return `number` normalised (spaces removed) or raise CitizenIdError with a code."""
    number = "".join((number or "").split())
    if not number.isdigit():
        raise CitizenIdError("citizen_id_digits")
    if len(number) != 12:
        raise CitizenIdError("citizen_id_length")
    if number[0] != "0" or number[1:3] not in LEGACY_PROVINCE_CODES:
        raise CitizenIdError("citizen_id_province")
    if gender in (MALE, FEMALE) and birth_year:
        if number[3] != century_digit(gender, birth_year):
            raise CitizenIdError("citizen_id_gender_century")
        if number[4:6] != f"{birth_year % 100:02d}":
            raise CitizenIdError("citizen_id_birth_year")
    return number


def mask(number: str) -> str:
    """Return the citizen ID as shown to roles that do not need it: 001******345."""
    return f"{number[:3]}{'*' * (len(number) - 6)}{number[-3:]}" if len(number) > 6 else "*" * len(number)
