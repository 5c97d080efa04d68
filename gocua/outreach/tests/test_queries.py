"""The lists cost the same number of queries for 5 households as for 50."""

import pytest
from django.urls import reverse

from gocua import testing as f
from gocua.outreach.services.assignments import assignment_bulk
from gocua.outreach.tests.factories import checked, outcome, record


def _queries(client, url) -> int:
    return f.get_counting(client, url)[1]


@pytest.fixture
def grow(world, items, households, member):
    """Return a function adding `n` assigned households, every other one visited with a follow-up."""

    def add(n):
        made = households(n)
        assignment_bulk(actor=world.users["team_leader"], team=world.team, households=made, member=member)
        for household in made[::2]:
            resident = household.residents.first()
            record(world.users["team_member"], household, [checked(resident, outcome(items["vneid"], "follow_up"))])
        return made

    return add


MAX_QUERIES = 15  # session, user and member lookups included

PAGES = [
    ("team_member", lambda w: reverse("outreach:work")),
    ("team_member", lambda w: reverse("outreach:work_print")),
    ("commune_officer", lambda w: reverse("outreach:left_behind")),
    ("team_leader", lambda w: reverse("outreach:team_progress", args=[w.team.pk])),
    ("team_leader", lambda w: reverse("outreach:team_assignments", args=[w.team.pk])),
    ("team_member", lambda w: reverse("outreach:visits")),
    ("team_member", lambda w: "/api/v1/outreach/work-list"),
    ("commune_officer", lambda w: "/api/v1/outreach/left-behind"),
    ("team_member", lambda w: "/api/v1/outreach/visits"),
    ("team_leader", lambda w: f"/api/v1/outreach/teams/{w.team.pk}/progress"),
]


@pytest.mark.parametrize("role,url", PAGES)
def test_list_query_count_does_not_grow_with_households(client, world, grow, role, url):
    client.force_login(world.users[role])
    grow(5)
    small = _queries(client, url(world))
    grow(45)
    large = _queries(client, url(world))
    assert small == large, (small, large)
    assert large <= MAX_QUERIES, large
