"""The assignments page: filters by village and need kept in the URL, select all shown, each member's load."""

import re

import pytest
from django.urls import reverse

from gocua import testing as f
from gocua.households.digital import INDICATOR_NAMES, Tri
from gocua.households.models import Assignment
from gocua.outreach.services.assignments import assignment_bulk

ALL_YES = dict.fromkeys(INDICATOR_NAMES, Tri.YES)


@pytest.fixture
def commune_team(world):
    """A commune-level team covering both villages of Xã Đan Phượng, with one member."""
    team = f.make_team(f.unit("09784"), "Tổ CNSCĐ xã Đan Phượng")
    member = f.make_member(team, full_name="Ngô Văn Xã")
    for village, prefix in ((world.village, "TT"), (world.village2, "TH")):
        for i in range(3):
            household = f.make_household(village, f"{prefix}-1{i}")
            f.make_resident(household, full_name=f"Người {prefix} {i}",
                            indicators=ALL_YES if i else {"smartphone": Tri.NO})
    return team, member


def _ticked(body: str) -> list[str]:
    return re.findall(r'name="households" value="(\d+)" checked', body)


def test_the_officer_filters_by_village_and_need(client, world, commune_team):
    team, _member = commune_team
    client.force_login(world.users["commune_officer"])
    url = reverse("outreach:team_assignments", args=[team.pk])
    body = client.get(url, {"village": world.village2.pk}).content.decode()
    assert "TH-10" in body and "TH-12" in body and "TT-10" not in body
    body = client.get(url, {"village": world.village2.pk, "need": "lacking"}).content.decode()
    assert "TH-10" in body and "TH-11" not in body and "TT-10" not in body


def test_select_all_shown_works_without_javascript_and_keeps_the_filters(client, world, commune_team):
    team, member = commune_team
    client.force_login(world.users["commune_officer"])
    url = reverse("outreach:team_assignments", args=[team.pk])
    body = client.get(url, {"village": world.village2.pk}).content.decode()
    assert f"village={world.village2.pk}&amp;all=1" in body
    body = client.get(url, {"village": world.village2.pk, "all": "1"}).content.decode()
    ticked = _ticked(body)
    assert len(ticked) == 3
    response = client.post(f"{url}?village={world.village2.pk}&need=unassigned",
                           {"households": ticked, "member": member.pk, "action": "add"})
    assert response.status_code == 302 and response.url == f"{url}?village={world.village2.pk}&need=unassigned"
    assert set(Assignment.objects.filter(member=member).values_list("household__village", flat=True)) == {
        world.village2.pk
    }
    page = client.get(response.url).content.decode()
    assert "TH-10" not in page  # they are assigned now; the filter "not assigned" still holds


def test_the_member_list_shows_each_members_load(client, world, commune_team):
    team, member = commune_team
    households = list(f.make_household(world.village, f"TT-2{i}") for i in range(2))
    assignment_bulk(actor=world.users["commune_officer"], team=team, households=households, member=member)
    client.force_login(world.users["commune_officer"])
    body = client.get(reverse("outreach:team_assignments", args=[team.pk])).content.decode()
    assert "Ngô Văn Xã (2)" in body


def test_a_village_outside_the_team_is_ignored(client, world, commune_team):
    team, _member = commune_team
    client.force_login(world.users["commune_officer"])
    response = client.get(reverse("outreach:team_assignments", args=[team.pk]),
                          {"village": world.other_province_village.pk, "need": "bogus"})
    assert response.status_code == 200 and "TT-10" in response.content.decode()
