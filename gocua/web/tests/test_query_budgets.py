"""Query budgets of the pages in `gocua bench load`'s mix: a page that starts asking more fails here.

Each budget is what the page costs today (session and user included) with data in every part
it shows: a household with visits, outcomes and follow-ups; a village with teams and
assignments. The budgets do not grow with the data (the pages' own tests check that); they are
here so a change that adds a query to a hot page is seen and argued for.
"""

# ruff: noqa: F811 — the outreach fixtures are imported, and pytest passes them in as arguments

import pytest
from django.urls import reverse

from gocua.outreach.services.assignments import assignment_bulk
from gocua.outreach.tests.conftest import households, items, member  # noqa: F401 — the outreach fixtures
from gocua.outreach.tests.factories import checked, outcome, record

BUDGETS = {
    "village": 11,
    "household": 14,
    "search": 11,
    "api_households": 6,
    "left_behind": 13,  # 12, then the overdue help requests beside the overdue follow-ups
    "work": 12,  # 10, then the scam-alert banner (alerts reaching the village) and the priority marks
}


@pytest.fixture
def busy(world, items, households, member):
    """Give the village ten assigned households, every other one with two visits (outcomes, follow-ups)."""
    made = households(10)
    assignment_bulk(actor=world.users["team_leader"], team=world.team, households=made, member=member)
    for household in made[::2]:
        first, second = household.residents.order_by("pk")[:2]
        for _ in range(2):
            record(world.users["team_member"], household, [
                checked(first, outcome(items["vneid"], "follow_up"), outcome(items["smartphone"], "done")),
                checked(second, outcome(items["vneid"], "partly")),
            ])
    return made


def _pages(world, busy) -> dict:
    return {
        "village": ("commune_officer", reverse("web:unit", args=[world.village.code])),
        "household": ("commune_officer", reverse("web:household", args=[busy[0].pk])),
        "search": ("commune_officer", f"{reverse('web:search')}?q=chu+ho"),
        "api_households": ("commune_officer", f"/api/v1/households?village={world.village.code}"),
        "left_behind": ("commune_officer", reverse("outreach:left_behind")),
        "work": ("team_member", reverse("outreach:work")),
    }


@pytest.mark.parametrize("page", list(BUDGETS))
def test_a_page_of_the_load_mix_stays_within_its_query_budget(world, busy, login, page, django_assert_max_num_queries):
    role, url = _pages(world, busy)[page]
    client = login(role)
    client.get(url)  # the first request of a session may write it; the budget is for the next ones
    with django_assert_max_num_queries(BUDGETS[page]):
        response = client.get(url)
    assert response.status_code == 200


def test_the_household_page_shows_each_visit_with_its_residents_and_outcomes(world, busy, login, items):
    household = busy[0]
    first, second = household.residents.order_by("pk")[:2]
    page = login("commune_officer").get(reverse("web:household", args=[household.pk])).content.decode()
    history = page[page.index('id="visits"'):]
    assert history.count('class="history"') == 1 and history.count("<li><a href=") == 2
    assert history.count(f"{first.full_name}: ") == 2 and history.count(f"{second.full_name}: ") == 2
    assert history.count(items["vneid"].name_en) == 4 and history.count(items["smartphone"].name_en) == 2
    assert "Follow up on" in history


def test_the_health_check_reads_no_database_and_no_session(db, client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("web:health"))
    assert response.status_code == 200 and response.content == b"ok"
    assert "Set-Cookie" not in response.headers and not response.cookies
