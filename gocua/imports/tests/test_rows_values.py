"""Cells as people type them, turned into typed values (rows.py) and households (grouping.py)."""

import datetime as dt

import pytest

from gocua import testing as f
from gocua.imports import grouping, layout
from gocua.imports.rows import combine_address, excel_date, parse_birth, parse_citizen_id, parse_row


def test_excel_serial_dates_count_the_phantom_29_february_1900():
    assert excel_date(1) == dt.date(1900, 1, 1)
    assert excel_date(59) == dt.date(1900, 2, 28)
    assert excel_date(61) == dt.date(1900, 3, 1)  # 60 is Excel's 29/02/1900, a day that never was
    assert excel_date(25569) == dt.date(1970, 1, 1)
    assert excel_date(28491.75) == dt.date(1978, 1, 1)  # a time of day is dropped


@pytest.mark.parametrize(("typed", "expected"), [
    (1948, (1948, None)),
    ("1948", (1948, None)),
    ("năm 1948", (1948, None)),
    ("Năm sinh: 1948", (1948, None)),
    ("03/05/1980", (1980, dt.date(1980, 5, 3))),
    ("3/5/1980", (1980, dt.date(1980, 5, 3))),
    ("03-05-1980", (1980, dt.date(1980, 5, 3))),
    ("03.05.1980", (1980, dt.date(1980, 5, 3))),
    ("1980-05-03", (1980, dt.date(1980, 5, 3))),
    ("3/5/80", (1980, dt.date(1980, 5, 3))),
    ("1/2/05", (2005, dt.date(2005, 2, 1))),
    ("05/1980", (1980, None)),
    (28491, (1978, dt.date(1978, 1, 1))),
    ("28491", (1978, dt.date(1978, 1, 1))),
])
def test_a_birth_is_read_as_people_type_it(typed, expected):
    assert parse_birth(typed) == expected


@pytest.mark.parametrize("typed", ["30/02/1980", "khoảng 1950", "", "1/2/3/4", True, 123])
def test_a_birth_that_cannot_be_read_is_none(typed):
    assert parse_birth(typed) is None


def test_a_two_digit_year_in_the_future_is_last_century():
    yy = (f.today().year + 1) % 100
    assert parse_birth(f"1/1/{yy:02d}")[0] == 1900 + yy


def test_a_future_birth_or_one_before_1900_is_read_so_the_planner_can_refuse_it():
    row = parse_row(4, ["An", "15/06/2090"], {0: layout.FULL_NAME, 1: layout.BIRTH_DATE})
    assert (row.birth_year, row.problems) == (2090, [])
    assert parse_row(5, ["An", 1899], {0: layout.FULL_NAME, 1: layout.BIRTH_YEAR}).birth_year == 1899


def test_numeric_citizen_ids_get_their_zeros_back_and_text_ids_stay_as_typed():
    assert parse_citizen_id(1080012345) == "001080012345"
    assert parse_citizen_id(79080012345) == "079080012345"
    assert parse_citizen_id("1080012345") == "1080012345"  # text: the planner reports the wrong length
    assert parse_citizen_id("001 080 012 345") == "001080012345"


def test_the_year_column_under_nam_or_nu_gives_the_gender():
    fields = {0: layout.FULL_NAME, 1: layout.BIRTH_YEAR_MALE, 2: layout.BIRTH_YEAR_FEMALE}
    assert (parse_row(2, ["An", 1950, ""], fields).gender, parse_row(2, ["An", 1950, ""], fields).birth_year) == (
        "male", 1950)
    assert parse_row(3, ["Bình", "", "1952"], fields).gender == "female"


def test_a_pair_of_nam_nu_mark_columns_gives_the_gender():
    fields = {0: layout.FULL_NAME, 1: layout.GENDER_MALE, 2: layout.GENDER_FEMALE}
    assert parse_row(2, ["An", "x", ""], fields).gender == "male"
    assert parse_row(3, ["Bình", "", "x"], fields).gender == "female"
    assert [p.code for p in parse_row(4, ["Cúc", "?!", ""], fields).problems] == ["gender_unknown"]


def test_household_attributes_are_kept_apart_from_the_person():
    fields = {0: layout.HEAD_NAME, 1: layout.FULL_NAME, 2: layout.HOUSEHOLD_NO, 3: layout.ETHNICITY,
              4: layout.VILLAGE}
    row = parse_row(2, ["Lò Văn Pằng", "Lò Thị Ún", 7, "Thái", "Bản Có"], fields)
    assert (row.head_name, row.full_name, row.household_no, row.ethnicity, row.village) == (
        "Lò Văn Pằng", "Lò Thị Ún", "7", "Thái", "Bản Có")
    assert row.address == "Bản Có"


def test_a_village_column_wins_over_the_village_in_the_address_and_the_commune_is_added():
    assert combine_address("Thôn A, Xã Đan Phượng, Hà Nội", village="Xóm 3") == "Xóm 3, Xã Đan Phượng, Hà Nội"
    assert combine_address("", village="Tháp Hạ", commune="Đan Phượng") == "Tháp Hạ, Xã Đan Phượng"
    assert combine_address("Thôn A, Phường Ba Đình, Hà Nội", commune="Phường Ba Đình") == (
        "Thôn A, Phường Ba Đình, Hà Nội")


def test_a_row_without_a_name_but_with_a_persons_data_is_flagged():
    fields = {0: layout.FULL_NAME, 1: layout.BIRTH_YEAR, 2: layout.GENDER, 3: layout.RELATION, 4: layout.ADDRESS}
    assert parse_row(2, ["", 1980, "", "", "Thôn A"], fields).has_person_data
    assert parse_row(3, ["", "", "Nữ", "Vợ", "Thôn A"], fields).has_person_data
    assert not parse_row(4, ["", "", "Nữ", "", "Thôn A"], fields).has_person_data


# --- households without a key ------------------------------------------------------------------

F = {0: layout.HOUSEHOLD_NO, 1: layout.HEAD_NAME, 2: layout.FULL_NAME, 3: layout.BIRTH_YEAR, 4: layout.RELATION,
     5: layout.ADDRESS}


def rows_of(*cells):
    return [parse_row(n, list(c), F) for n, c in enumerate(cells, start=2)]


def test_a_new_household_number_starts_a_household_and_an_empty_one_continues_it():
    rows = rows_of([1, "", "An", 1950, "Chủ hộ", "Thôn A"], ["", "", "Bình", 1952, "Vợ", "Thôn A"],
                   [2, "", "Cúc", 1960, "Chủ hộ", "Thôn A"])
    groups = grouping.households(rows)
    assert [[r.number for r in g.rows] for g in groups] == [[2, 3], [4]]
    assert all(g.problem is None for g in groups)


def test_a_chu_ho_row_starts_a_household_and_rows_before_any_head_are_a_problem():
    rows = rows_of(["", "", "Dũng", 1990, "Con", "Thôn A"], ["", "", "An", 1950, "Chủ hộ", "Thôn A"],
                   ["", "", "Bình", 1952, "Vợ", "Thôn A"], ["", "", "Cúc", 1960, "Chủ hộ", "Thôn A"])
    groups = grouping.households(rows)
    assert [[r.number for r in g.rows] for g in groups] == [[2], [3, 4], [5]]
    problem = groups[0].problem
    assert (problem.row, problem.code, problem.params) == (2, "household_starts_without_head", {"rows": "2"})
    assert groups[1].problem is None


def test_same_head_and_address_form_one_household_even_apart():
    rows = rows_of(["", "An", "An", 1950, "", "Thôn A"], ["", "Cúc", "Cúc", 1960, "", "Thôn A"],
                   ["", "An", "Bình", 1952, "", "Thôn A"], ["", "An", "Dũng", 1980, "", "Thôn B"])
    groups = grouping.households(rows)
    assert [[r.number for r in g.rows] for g in groups] == [[2, 4], [3], [5]]


def test_the_generated_key_is_stable_and_differs_between_households():
    first = grouping.households(rows_of([1, "", "An", 1950, "Chủ hộ", "Thôn A"]))[0].key
    again = grouping.households(rows_of([1, "", "An", 1950, "Chủ hộ", "Thôn A"]))[0].key
    other = grouping.households(rows_of([1, "", "An", 1951, "Chủ hộ", "Thôn A"]))[0].key
    assert first == again == grouping.generated_key("An", "Thôn A", 1950)
    assert first != other and first.startswith("G") and len(first) == 12


def test_a_household_key_column_is_used_as_it_is():
    fields = {0: layout.HOUSEHOLD_KEY, 1: layout.FULL_NAME}
    rows = [parse_row(2, ["H1", "An"], fields), parse_row(3, ["H2", "Bình"], fields), parse_row(4, ["H1", "Cúc"],
                                                                                                     fields)]
    groups = grouping.assign(rows)
    assert [(g.key, [r.number for r in g.rows]) for g in groups] == [("H1", [2, 4]), ("H2", [3])]
    assert [r.household_key for r in rows] == ["H1", "H2", "H1"]
