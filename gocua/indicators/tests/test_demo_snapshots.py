"""The demo's back-dated weekly snapshots: trends and before/after show a history on first run."""

import datetime as dt

import pytest
from django.utils import timezone

from gocua.indicators import selectors
from gocua.indicators.demo import WEEKS, demo_snapshots
from gocua.indicators.metrics import METRICS
from gocua.indicators.models import UnitSnapshot
from gocua.indicators.services import rollups_check
from gocua.indicators.stored import all_values
from gocua.outreach.demo import demo_history


@pytest.fixture
def demo(world):
    # Visits over the last four months: half a year ago the team had not yet reached the household.
    demo_history(team=world.team, entered_by=world.users["team_leader"], days=120)
    return world


def test_the_demo_gets_a_snapshot_a_week_for_half_a_year_once(demo):
    assert demo_snapshots(communes=["09784"]) == WEEKS
    assert demo_snapshots(communes=["09784"]) == 0  # the demo runs at every start: nothing twice
    days = sorted(set(UnitSnapshot.objects.filter(code="VN").values_list("on", flat=True)))
    assert len(days) == WEEKS and all(day.weekday() == 0 for day in days)
    assert days[-1] < timezone.localdate() and (days[1] - days[0]) == dt.timedelta(weeks=1)
    for code in (demo.village.code, "09784", "01", "VN"):
        assert UnitSnapshot.objects.filter(code=code).count() == WEEKS, code


def test_every_back_dated_week_adds_up_from_villages_to_the_nation(demo):
    demo_snapshots(communes=["09784"])
    for day in UnitSnapshot.objects.filter(code="VN").values_list("on", flat=True):
        rows = dict(UnitSnapshot.objects.filter(on=day).values_list("code", "values"))
        villages = [rows[c] for c in (demo.village.code, demo.village2.code) if c in rows]
        for name in METRICS:
            assert rows["09784"][name] == sum(v[name] for v in villages), (day, name)
            communes = [v for c, v in rows.items() if len(c) == 5 and c.startswith("0") and c in ("09784", "00004")]
            assert rows["01"][name] == sum(v[name] for v in communes), (day, name)
        covered, households = rows[demo.village.code]["households_covered"], rows[demo.village.code]["households"]
        assert 0 <= covered <= households


def test_the_trend_rises_from_before_the_team_came_to_today(demo):
    demo_snapshots(communes=["09784"])
    officer = demo.users["commune_officer"]
    village = selectors.unit_for(user=officer, code=demo.village.code)
    trend = selectors.unit_trend(figures=selectors.unit_figures(user=officer, unit=village))
    assert len(trend.points) == WEEKS + 1  # the weeks, then today
    first, last = trend.change("coverage")
    assert first == 0.0 and last == 100.0
    assert all_values()[demo.village.code]["households_covered"] == 1  # today's figures are untouched
    assert rollups_check().differences == []
