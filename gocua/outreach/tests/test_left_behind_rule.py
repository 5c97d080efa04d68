"""One left-behind rule: visits 29, 30 and 31 days back, judged alike by every list, figure and download."""

import datetime as dt
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gocua import testing as f
from gocua.field.tests.conftest import DeviceClient, issue
from gocua.households.digital import Tri
from gocua.households.models import Household
from gocua.indicators import recompute
from gocua.indicators.models import UnitStat
from gocua.indicators.services import rollups_rebuild
from gocua.outreach import need
from gocua.outreach.services.visits import visit_record

# TT-001 (world's, never visited, no one proficient) and the one visited exactly 30 days ago are left behind.
LEFT_BEHIND = ["TT-001", "TT-030", "TT-031"]


@pytest.fixture
def boundary(world):
    """Three households lacking a smartphone, visited 29, 30 and 31 days ago; world's household is never visited."""
    member = world.users["team_member"].member
    for days in (29, 30, 31):
        household = f.make_household(world.village, f"TT-0{days}")
        resident = f.make_resident(household, full_name=f"Hộ Thử {days}", indicators={"smartphone": Tri.NO})
        Household.objects.filter(pk=household.pk).update(created_at=timezone.now() - dt.timedelta(days=60))
        household.refresh_from_db()
        visit_record(
            actor=world.users["team_member"], uuid=uuid.uuid4(), household=household,
            visited_on=f.today() - dt.timedelta(days=days), member_ids=[member.pk],
            residents=[{"resident_id": resident.pk, "outcomes": []}],
        )
    rollups_rebuild()  # the reference date is today
    return world


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_the_window_starts_29_days_before_today():
    assert need.first_recent_day(f.today()) == f.today() - dt.timedelta(days=29)
    assert need.visited_recently([f.today() - dt.timedelta(days=29)], f.today())
    assert not need.visited_recently([f.today() - dt.timedelta(days=30)], f.today())


def test_the_list_the_figures_the_download_and_the_api_agree_on_day_30(boundary):
    world = boundary
    officer = _client(world.users["commune_officer"])

    page = officer.get(reverse("outreach:left_behind")).content.decode()
    assert [key for key in ("TT-001", "TT-029", "TT-030", "TT-031") if key in page] == LEFT_BEHIND

    api = officer.get("/api/v1/outreach/left-behind").json()
    assert sorted(row["household_key"] for row in api["items"]) == LEFT_BEHIND

    village = officer.get(f"/api/v1/units/{world.village.code}/indicators").json()
    assert village["figures"]["households_left_behind"]["count"] == 3
    assert village["figures"]["residents_left_behind"]["count"] == 2  # TT-001's resident lacks no essential

    row = UnitStat.objects.get(code=world.village.code)
    assert (row.households_left_behind, row.residents_left_behind) == (3, 2)
    recomputed = recompute.stats("village_code", f.today())[world.village.code]
    assert (recomputed["households_left_behind"], recomputed["residents_left_behind"]) == (3, 2)

    download = DeviceClient(issue(world.users["team_member"]).secret).get("/sync").json()
    flagged = sorted(h["household_key"] for h in download["households"] if h["left_behind"])
    assert flagged == LEFT_BEHIND
