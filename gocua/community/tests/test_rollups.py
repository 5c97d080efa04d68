"""Per-unit contribution figures: exact after every write, and checked against the raw ledger."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gocua import testing as f
from gocua.community import rollups, services
from gocua.community.models import Project, UnitContribution
from gocua.community.selectors import unit_contributions
from gocua.community.tests.helpers import D, G, give, make_project, spend


def figures(code):
    return unit_contributions([code])[code]


def by_household(actor, project, household, **data):
    return give(actor, project, giver=G.HOUSEHOLD, household=household, display=D.HOUSEHOLD_KEY, **data)


def test_it_rolls_money_labour_and_households_up_to_commune_province_and_nation(world, leader, project):
    other = f.make_household(world.village, "TT-002")
    by_household(leader, project, world.household, money_vnd=1_000_000, labour_days="1.5")
    by_household(leader, project, other, money_vnd=500_000)
    give(leader, project, money_vnd=200_000)  # anonymous: money counts, no household does
    spend(leader, project, money_vnd=300_000)  # spending is not contributing
    for code in (world.village.code, "09784", "01", "VN"):
        assert figures(code) == {"money_vnd": 1_700_000, "labour_days": Decimal("1.5"),
                                 "contributing_households": 2, "projects_done": 0}, code
    assert figures(world.village2.code)["money_vnd"] == 0
    assert rollups.drift() == []


def test_a_household_giving_twice_counts_once_and_a_reversal_takes_it_out(world, leader, project):
    second = make_project(leader, world.village, title="Camera")
    first = by_household(leader, project, world.household, money_vnd=100_000)
    by_household(leader, second, world.household, money_vnd=100_000)
    assert figures(world.village.code)["contributing_households"] == 1
    services.entry_reverse(actor=leader, project=project, entry=first, reason="Nhầm")
    assert figures(world.village.code)["contributing_households"] == 1  # still gives to the camera project
    assert figures(world.village.code)["money_vnd"] == 100_000
    only = second.entries.get(reverses__isnull=True)
    services.entry_reverse(actor=leader, project=second, entry=only, reason="Nhầm")
    assert figures(world.village.code) == {"money_vnd": 0, "labour_days": Decimal(0),
                                           "contributing_households": 0, "projects_done": 0}
    assert figures("VN")["contributing_households"] == 0
    assert rollups.drift() == []


def test_a_commune_wide_project_counts_at_the_commune_and_above_only(world):
    officer = world.users["commune_officer"]
    commune = f.unit("09784")
    project = make_project(officer, commune, title="Wi-Fi nhà văn hoá xã")
    by_household(officer, project, world.household, money_vnd=2_000_000)
    assert figures(world.village.code)["money_vnd"] == 0
    assert figures("09784")["money_vnd"] == figures("VN")["money_vnd"] == 2_000_000
    assert figures("09784")["contributing_households"] == 1
    assert rollups.drift() == []


def test_projects_done_moves_with_the_status(world, leader, project):
    services.project_set_status(actor=leader, project=project, status=Project.Status.DONE)
    assert figures(world.village.code)["projects_done"] == figures("VN")["projects_done"] == 1
    services.project_set_status(actor=leader, project=project, status=Project.Status.IN_PROGRESS)
    assert figures("01")["projects_done"] == 0
    assert rollups.drift() == []


def test_the_selector_answers_zeros_for_units_without_contributions(db):
    assert unit_contributions(["46", "VN"]) == {
        code: {"money_vnd": 0, "labour_days": Decimal(0), "contributing_households": 0, "projects_done": 0}
        for code in ("46", "VN")
    }


def test_the_selector_takes_one_query_for_many_units(world, leader, project, django_assert_num_queries):
    give(leader, project)
    with django_assert_num_queries(1):
        unit_contributions([world.village.code, "09784", "01", "VN", "46"])


def test_the_check_command_passes_on_exact_figures(world, leader, project, capsys):
    by_household(leader, project, world.household, money_vnd=100_000)
    call_command("check_community_rollups")
    assert "match" in capsys.readouterr().out


def test_the_check_command_exits_non_zero_on_drift_and_fix_repairs_it(world, leader, project):
    by_household(leader, project, world.household, money_vnd=100_000)
    UnitContribution.objects.filter(unit_code="09784").update(money_vnd=999)
    UnitContribution.objects.create(unit_code="46", level=1, contributing_households=3)
    with pytest.raises(CommandError, match="drifted"):
        call_command("check_community_rollups")
    assert {code for code, _kept, _ledger in rollups.drift()} == {"09784", "46"}
    call_command("check_community_rollups", "--fix")
    assert rollups.drift() == []
    assert figures("09784")["money_vnd"] == 100_000 and figures("46")["contributing_households"] == 0
