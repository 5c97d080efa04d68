"""The word search (households/search.py): one rule, the same rows from the scan and from the index."""

import pytest
from django.db import connection

from gocua import testing as f
from gocua.accounts.models import Role
from gocua.households import search
from gocua.households import services as household_services
from gocua.households.models import Household, Resident
from gocua.lib.text import fold

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world):
    household = f.make_household(world.village, "SEARCH-1")
    names = ["Nguyễn Thị Lan", "Nguyễn Văn An", "Trần Văn Anh", "Lê Thị Lan Anh", "Đỗ Quang Huy", "Hoàng Văn Luân"]
    return [f.make_resident(household, full_name=name, relation="child", birth_year=1990) for name in names]


def names_of(rows) -> list[str]:
    return [r.full_name for r in rows]


def reference(queryset, query: str) -> list[int]:
    """Apply the rule in plain Python to every row, in name order (what the index must agree with)."""
    words = search.words(query)
    rows = queryset.order_by("name_folded", "pk").values_list("pk", "name_folded")
    return [pk for pk, text in rows if words and search.matches(text, words)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("lan", ["Lê Thị Lan Anh", "Nguyễn Thị Lan"]),
        ("LAN anh", ["Lê Thị Lan Anh"]),
        ("an", ["Lê Thị Lan Anh", "Nguyễn Văn An", "Trần Văn Anh"]),  # "an" starts "An" and "Anh", not "Lan"
        ("nguyen v", ["Nguyễn Văn An"]),
        ("đỗ huy", ["Đỗ Quang Huy"]),
        ("do   QUANG", ["Đỗ Quang Huy"]),
        ("uan", []),  # inside a word is not a match
        ("van luan tran", []),  # every word must match
    ],
)
def test_every_query_word_must_start_a_word_of_the_name(world, people, query, expected):
    found = search.resident_search(user=world.users["national_admin"], query=query)
    assert sorted(names_of(r for r in found if r in people)) == sorted(expected)


def test_a_query_without_words_finds_nothing(world, people):
    assert search.resident_search(user=world.users["national_admin"], query=" -,. ") == []
    assert not search.match(Resident.objects.all(), "").exists()


@pytest.mark.parametrize(
    ("scan_rows", "scope_rows"),
    [
        (2, 0),  # the whole-name index answers
        (8, 0),  # name ranges + the rest-of-name index
        (8, 10_000),  # the scope is small: read whole, in order (PostgreSQL's way for a commune)
    ],
)
def test_the_scan_and_the_index_give_the_same_first_page(world, people, monkeypatch, scan_rows, scope_rows):
    household = people[0].household
    for i in range(30):
        f.make_resident(household, full_name=f"Phạm Văn Lâm {i:02d}", relation="child", birth_year=2001)
    for given in ("Phạm", "Lâm", "Anh"):
        f.make_resident(household, full_name=f"Vũ Thị {given}", relation="child", birth_year=2002)
    user = world.users["national_admin"]
    for query in ("pham lam", "lam 1", "van", "nguyen", "lan anh", "phạm văn lâm 2", "pham", "lam", "thi anh", "vu"):
        by_scan = search.resident_search(user=user, query=query)
        monkeypatch.setattr(search, "SCAN_ROWS", scan_rows)  # the first scan sees too few rows
        monkeypatch.setattr(search, "SCOPE_SCAN_ROWS", {connection.vendor: scope_rows})
        by_index = search.resident_search(user=user, query=query)
        monkeypatch.undo()
        expected = reference(Resident.objects.all(), query)[:20]
        assert [r.pk for r in by_scan] == expected == [r.pk for r in by_index], query
        assert list(search.match(Resident.objects.all(), query).order_by("name_folded", "pk").values_list(
            "pk", flat=True
        )[:20]) == expected


def test_search_never_leaves_the_scope(world, people):
    outside = f.make_household(world.other_province_village, "SEARCH-2")
    f.make_resident(outside, full_name="Nguyễn Thị Lan", relation="child", birth_year=1985)
    member = world.users["team_member"]
    found = search.resident_search(user=member, query="nguyen thi lan")
    assert found and all(r.village_code == member.scope_unit.code for r in found)
    admin_found = search.resident_search(user=world.users["national_admin"], query="nguyen thi lan")
    assert {r.village_code for r in admin_found} == {world.village.code, world.other_province_village.code}
    officer = f.make_user(Role.COMMUNE_OFFICER, world.other_province_village.parent)
    assert all(r.commune_code == world.other_province_village.commune_code for r in search.resident_search(
        user=officer, query="lan"
    ))


def test_the_index_follows_renames_and_households(world, people):
    resident = people[4]
    household_services.resident_update(
        actor=world.users["national_admin"],
        resident=resident,
        data={"full_name": "Đỗ Quang Khải", "birth_year": 1990, "gender": "male", "relation": "child", "status": "living"},
    )
    user = world.users["national_admin"]
    assert [r.pk for r in search.match(Resident.objects.all(), "khai")] == [resident.pk]
    assert not search.match(Resident.objects.all(), "huy").filter(pk=resident.pk).exists()
    households = search.household_search(user=user, query="search 1")
    assert [h.household_key for h in households] == ["SEARCH-1"]
    assert search.match(Household.objects.all(), "search-1").count() == 1


def test_the_rest_of_a_name_leaves_out_a_plain_first_word():
    assert search.rest_of("nguyen van truong") == "van truong"
    assert search.rest_of("nguyen") == ""
    assert search.rest_of("nguyen-tran thi an") == "nguyen-tran thi an"  # not plain: all of it


def test_words_fold_and_split_on_anything_but_letters_and_digits():
    assert search.words("Trường  TT-001, Đỗ") == ["truong", "001", "tt", "do"]
    assert search.matches(fold("Nguyễn Văn Trường"), ["tru", "ng"])
    assert not search.matches("nguyen van truong", ["uong"])
