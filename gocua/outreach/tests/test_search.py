"""The outreach pages search through the one indexed rule of households.search (word starts, no accents)."""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from gocua import testing as f
from gocua.outreach import selectors


@pytest.fixture
def neighbours(world):
    """TT-002 headed by Phạm Thị Lan in Tháp Thượng; the Huế household stays outside the team's scope."""
    household = f.make_household(world.village, "TT-002", address_line="Xóm Đình")
    f.make_resident(household, full_name="Phạm Thị Lan", gender="female", birth_year=1983)
    return household


def _logged_in(client, user):
    client.force_login(user)
    return client


def test_the_visit_form_finds_a_household_by_key_head_or_address_without_accents(client, world, neighbours):
    member = _logged_in(client, world.users["team_member"])
    for query in ("tt-002", "pham lan", "LAN", "xom dinh"):
        html = member.get(reverse("outreach:visit_new"), {"q": query}).content.decode()
        assert "TT-002" in html and "TT-001" not in html, query
    assert "AL-001" not in member.get(reverse("outreach:visit_new"), {"q": "al-001"}).content.decode()


def test_the_visit_form_search_matches_word_starts_not_inner_letters(client, world, neighbours):
    member = _logged_in(client, world.users["team_member"])
    # "am" is inside "pham" but starts no word: the old substring search found TT-002, the rule does not.
    assert "TT-002" not in member.get(reverse("outreach:visit_new"), {"q": "am"}).content.decode()


def test_the_assignments_page_filters_by_the_same_rule(client, world, neighbours):
    households = selectors.assignment_households(world.team, q="pham")
    assert [h.household_key for h in households] == ["TT-002"]
    assert [h.household_key for h in selectors.assignment_households(world.team, q="truong")] == ["TT-001"]
    leader = _logged_in(client, world.users["team_leader"])
    html = leader.get(reverse("outreach:team_assignments", args=[world.team.pk]), {"q": "truong"}).content.decode()
    assert "TT-001" in html and "TT-002" not in html


def test_the_session_form_finds_residents_of_the_commune_by_word_starts(client, world, neighbours):
    member = world.users["team_member"]
    assert [r.full_name for r in selectors.resident_search(member, "truong")] == ["Nguyễn Văn Trường"]
    assert [r.full_name for r in selectors.resident_search(member, "ng v tr")] == ["Nguyễn Văn Trường"]
    assert list(selectors.resident_search(member, "hoa")) == []  # Lê Thị Hoa lives in Huế
    page = _logged_in(client, member).post(reverse("outreach:team_session_new", args=[world.team.pk]), {
        "uuid": str(uuid.uuid4()), "held_on": timezone.localdate().isoformat(), "action": "search", "q": "lan",
    })
    assert page.status_code == 200 and "Phạm Thị Lan" in page.content.decode()
