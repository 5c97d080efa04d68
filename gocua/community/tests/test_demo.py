"""The demo projects of Thôn Tháp Thượng: created through the services, once."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gocua import testing as f
from gocua.community import rollups
from gocua.community.demo import demo_community
from gocua.community.models import LedgerEntry, Project
from gocua.community.tests.helpers import english_client


@pytest.fixture
def totruong(world):
    """The demo's leader login on the `world` village (which is Thôn Tháp Thượng in Xã Đan Phượng)."""
    user = f.make_user("team_leader", world.village, username="totruong")
    f.make_member(world.team, full_name="Bùi Văn Trường (demo)", role="leader", user=user)
    for n in range(2, 8):
        f.make_household(world.village, f"TT-{n:03d}")
    return user


def test_the_demo_creates_projects_with_a_mistake_its_reversal_and_an_expense(totruong, world):
    created = demo_community()
    assert created == {"community projects": 3, "ledger entries": LedgerEntry.objects.count()}
    solar = Project.objects.get(kind=Project.Kind.SOLAR_LIGHTS)
    assert solar.status == Project.Status.IN_PROGRESS and solar.photos.count() == 1
    entries = LedgerEntry.objects.filter(project=solar)
    assert entries.filter(reverses__isnull=False).count() == 1
    assert entries.filter(kind=LedgerEntry.Kind.EXPENSE).exists()
    assert set(entries.values_list("display", flat=True)) == {"name", "household_key", "anonymous"}
    assert set(entries.values_list("recorded_by__username", flat=True)) == {"totruong"}
    assert Project.objects.get(kind=Project.Kind.CAMERA).entries.count() == 4
    assert rollups.drift() == []
    html = english_client().get(f"/community/p/{world.village.code}/").content.decode()
    assert "Gia đình ông Đỗ Xuân Dương" in html and "Household TT-001" in html
    # 2 + 5 + 1 + 3 million collected (the 30 million mistake nets out), 9.5 million spent.
    assert "<b>11,000,000 ₫</b>collected" in html and "<b>1,500,000 ₫</b>balance" in html
    assert html.count("30,000,000") == 1  # only the goal: the reversed mistake is off the list


def test_the_demo_is_idempotent(totruong):
    demo_community()
    counts = (Project.objects.count(), LedgerEntry.objects.count())
    assert demo_community() == {"community projects": 0, "ledger entries": 0}
    call_command("demo_community")
    assert (Project.objects.count(), LedgerEntry.objects.count()) == counts


def test_the_demo_command_explains_what_is_missing(db):
    with pytest.raises(CommandError, match="gocua demo"):
        call_command("demo_community")
