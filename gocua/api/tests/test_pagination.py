"""Every list answers the same page envelope, in a stable order, within the size limit."""

import pytest

from gocua import testing as f
from gocua.api.pagination import MAX_PAGE_SIZE, PageParams, paginate, stable_order
from gocua.households.models import Household


@pytest.fixture
def twelve_households(world):
    # Keys deliberately out of insertion order, with a tie the pk must break.
    for key in ["K09", "K03", "K11", "K01", "K07", "K05", "K02", "K10", "K04", "K08", "K06"]:
        f.make_household(world.village2, key)
    return world


def test_paginate_counts_pages_and_slices_in_a_stable_order(twelve_households):
    page = paginate(Household.objects.filter(village_code="09784-002"), PageParams(page=2, page_size=5))
    assert (page["count"], page["page"], page["page_size"], page["pages"]) == (11, 2, 5, 3)
    assert [h.household_key for h in page["items"]] == ["K06", "K07", "K08", "K09", "K10"]
    last = paginate(Household.objects.filter(village_code="09784-002"), PageParams(page=3, page_size=5))
    assert [h.household_key for h in last["items"]] == ["K11"]


def test_paginate_reports_no_pages_for_an_empty_list(db):
    page = paginate(Household.objects.none(), PageParams())
    assert page == {"items": [], "count": 0, "page": 1, "page_size": 50, "pages": 0}


def test_the_order_always_ends_with_the_primary_key():
    qs = Household.objects.all()
    assert stable_order(qs, ("household_key",)) == ("household_key", "pk")
    assert stable_order(qs) == ("village_id", "household_key", "pk")
    assert stable_order(qs, ("-id",)) == ("-id",)


def test_the_api_walks_all_pages_without_gaps_or_repeats(api_as, twelve_households):
    client = api_as("commune_officer")
    seen = []
    for page in (1, 2, 3):
        body = client.get("/households", page=page, page_size=5).json()
        assert set(body) == {"items", "count", "page", "page_size", "pages"}
        assert (body["count"], body["pages"], body["page"]) == (12, 3, page)
        seen += [h["household_key"] for h in body["items"]]
    assert len(seen) == len(set(seen)) == 12
    assert seen[0] == "TT-001"  # village 09784-001 comes before 09784-002


def test_the_default_page_size_is_50_and_the_maximum_is_accepted(api_as, world):
    client = api_as("national_admin")
    assert client.get("/units/VN/children").json()["page_size"] == 50
    body = client.get("/units/VN/children", page_size=MAX_PAGE_SIZE).json()
    assert body["page_size"] == MAX_PAGE_SIZE and len(body["items"]) == 34
    assert client.get("/units/VN/children", page_size=MAX_PAGE_SIZE + 1).status_code == 422


@pytest.mark.parametrize("path", ["/units/09784/children", "/teams", "/households", "/residents"])
def test_every_list_uses_the_envelope(api_as, path):
    body = api_as("commune_officer").get(path, page_size=1).json()
    assert set(body) == {"items", "count", "page", "page_size", "pages"}
    assert len(body["items"]) == 1 and body["pages"] == body["count"]
