"""List endpoints run a constant number of queries: 50 rows cost the same as 5."""

import pytest

from gocua import testing as f
from gocua.places.models import Kind


def _queries(client, path) -> int:
    return f.get_counting(client, path, page_size=200)[1]


def _add_households(world, n):
    for _ in range(n):
        household = f.make_household(world.village)
        f.make_resident(household, full_name="Hoàng Văn Nam")
        f.make_resident(household, full_name="Hoàng Thị Lan", gender="female", relation="wife")


def _add_teams(world, n):
    for _ in range(n):
        team = f.make_team(world.village2)
        f.make_member(team, full_name="Vũ Thị Mai", phone="0912345678")


def _add_villages(world, n):
    for _ in range(n):
        f.make_village("09784", kind=Kind.AP)


@pytest.mark.parametrize(
    ("path", "add"),
    [
        ("/households", _add_households),
        ("/residents", _add_households),
        ("/teams", _add_teams),
        ("/units/09784/children", _add_villages),
    ],
)
def test_a_list_costs_the_same_queries_for_5_and_50_rows(api_as, world, path, add):
    client = api_as("commune_officer")
    add(world, 5)
    few = _queries(client, path)
    add(world, 45)
    many = _queries(client, path)
    assert client.get(path).json()["count"] >= 50
    assert few == many
    assert many <= 6  # session, user, count, page (+ nothing per row)
