import datetime as dt
import sys

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gocua import testing as f
from gocua.accounts.models import Role
from gocua.households.digital import Tri
from gocua.indicators import selectors
from gocua.indicators.services import rollups_rebuild
from gocua.places import services as place_services
from gocua.places.models import Level, Unit

pytestmark = pytest.mark.django_db


def figures_of(user, code, **kwargs):
    return selectors.unit_figures(user=user, unit=selectors.unit_for(user=user, code=code), **kwargs)


def test_figures_match_what_the_services_wrote_at_every_level(data):
    admin = data.world.users["national_admin"]
    village = figures_of(admin, data.world.village.code).summary
    assert (village.households, village.residents, village.adults) == (2, 4, 3)
    assert village.households_covered.count == 1 and village.households_covered.percent == 50.0
    assert village.residents_checked.count == 1 and village.residents_checked.percent == 25.0
    assert village.households_target.count == 1
    commune = figures_of(admin, "09784").summary
    assert (commune.households, commune.residents, commune.adults) == (3, 5, 4)
    province = figures_of(admin, "01").summary
    assert province.values == commune.values  # the other Hà Nội village has no households
    nation = figures_of(admin, "VN").summary
    assert (nation.households, nation.residents, nation.adults) == (4, 6, 5)


def test_each_indicator_has_count_denominator_percentage_and_unknown_share(data):
    smartphone = figures_of(data.world.users["national_admin"], data.world.village.code).summary.indicator("smartphone")
    # Bình yes, Dũng no, An unknown; the child's "yes" is not counted (adults only).
    assert (smartphone.yes, smartphone.no, smartphone.unknown, smartphone.denominator) == (1, 1, 1, 3)
    assert smartphone.percent == 33.3 and smartphone.unknown_percent == 33.3 and smartphone.no_percent == 33.3
    internet = figures_of(data.world.users["national_admin"], data.world.village2.code).summary.indicator("internet")
    assert (internet.yes, internet.denominator, internet.percent, internet.unknown) == (1, 1, 100.0, 0)


def test_composites_show_the_share_not_yet_visited_or_checked(data):
    summary = figures_of(data.world.users["national_admin"], data.world.village.code).summary
    skills, target = summary.indicator("basic_skills"), summary.indicator("household_target")
    assert (skills.yes, skills.denominator, skills.unknown_basis, skills.unknown_percent) == (1, 3, "not_checked", 75.0)
    assert (target.yes, target.denominator, target.unknown_basis, target.unknown_percent) == (1, 2, "not_visited", 50.0)


def test_national_targets_stand_beside_the_values(data):
    summary = figures_of(data.world.users["national_admin"], "VN").summary
    targets = {ind.key: ind.target for ind in summary.targeted}
    assert targets == {
        "smartphone": 80, "payment_account": 80, "basic_skills": 70, "digital_signature": 50,
        "ehealth_record": 90, "internet": 80, "household_target": 100,
    }
    smartphone = summary.indicator("smartphone")
    assert smartphone.meets_target is False
    assert smartphone.gap == 4 - smartphone.yes  # 80% of 5 adults


def test_teams_members_and_visits_are_counted_for_the_period(data):
    figures = figures_of(data.world.users["commune_officer"], "09784")
    assert (figures.teams, figures.members) == (1, 2)
    assert figures.visits == 1 and figures.period.contains(f.today())
    last_year = selectors.period_of("year", dt.date(f.today().year - 1, 6, 1))
    assert figures_of(data.world.users["commune_officer"], "09784", period=last_year).visits == 0


def test_a_past_date_reads_the_nearest_snapshot_on_or_before_it(data):
    admin = data.world.users["national_admin"]
    week_ago = f.today() - dt.timedelta(days=7)
    rollups_rebuild(reference=week_ago)
    f.make_resident(data.household2, full_name="Mới Đến", birth_year=2000)
    then = figures_of(admin, "09784", on=week_ago + dt.timedelta(days=3))
    assert then.source == "snapshot" and then.snapshot_on == week_ago
    assert then.summary.residents == 5
    assert figures_of(admin, "09784").summary.residents == 6


def test_a_date_before_the_unit_existed_says_so(data):
    figures = figures_of(data.world.users["national_admin"], data.world.village.code, on=f.today() - dt.timedelta(days=3))
    assert figures.summary is None and figures.notice.code == "before_unit_existed"
    assert data.world.village.name in figures.notice.message
    commune = figures_of(data.world.users["national_admin"], "09784", on=dt.date(2024, 1, 1))
    assert commune.notice.code == "before_unit_existed"


def test_a_date_before_any_snapshot_says_so(data):
    figures = figures_of(data.world.users["national_admin"], "09784", on=f.today() - dt.timedelta(days=1))
    assert figures.summary is None and figures.notice.code == "no_snapshot"


def test_an_unknown_or_foreign_code_is_not_found(world):
    officer = world.users["commune_officer"]
    for code in ("99999", "19774", "01", "VN"):
        with pytest.raises(selectors.NotFound):
            selectors.unit_for(user=officer, code=code)


def test_children_come_weakest_coverage_first_and_empty_units_last(data):
    admin = data.world.users["national_admin"]
    f.make_village("09784", "Thôn Trống")  # no households: no coverage to compare
    figures = figures_of(admin, "09784")
    rows = selectors.children_figures(user=admin, figures=figures)
    assert [r.unit.name for r in rows] == ["Thôn Tháp Hạ", "Thôn Tháp Thượng", "Thôn Trống"]
    assert [r.percent("coverage") for r in rows] == [0.0, 50.0, None]
    by_smartphone = selectors.children_figures(user=admin, figures=figures, sort="smartphone", descending=True)
    assert by_smartphone[0].unit.name == "Thôn Tháp Hạ"  # 100% beats 33.3%


def test_children_at_a_past_date_are_the_units_that_existed_then(data):
    admin = data.world.users["national_admin"]
    month_ago = f.today() - dt.timedelta(days=30)
    old = place_services.village_create(actor=f.admin(), commune=f.unit("09784"), name="Thôn Cũ", kind="thon",
                                        valid_from=month_ago)
    rollups_rebuild(reference=f.today() - dt.timedelta(days=7))
    figures = figures_of(admin, "09784", on=f.today() - dt.timedelta(days=7))
    assert [r.unit.code for r in selectors.children_figures(user=admin, figures=figures)] == [old.code]


def _commune_with_villages(n: int) -> Unit:
    commune = Unit.objects.filter(level=Level.COMMUNE, province_code="01", valid_to__isnull=True).exclude(
        code__in=["09784", "00004"]).order_by("code")[n % 7]
    for i in range(n):
        village = f.make_village(commune.code, f"Thôn số {i}")
        if i % 5 == 0:
            f.make_resident(f.make_household(village), indicators={"smartphone": Tri.YES})
    return commune


def test_children_figures_take_the_same_queries_for_5_or_50_villages(db):
    admin = f.make_user(Role.NATIONAL_ADMIN, "VN")
    counts = []
    for n in (5, 50):
        commune = _commune_with_villages(n)
        figures = figures_of(admin, commune.code)
        with CaptureQueriesContext(connection) as ctx:
            rows = selectors.children_figures(user=admin, figures=figures)
        assert len(rows) == n
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 6  # the 6th: the targets in force


def test_teams_are_ranked_by_the_coverage_of_their_village(data):
    other = f.make_team(data.world.village2, "Tổ Tháp Hạ")
    f.make_member(other, full_name="Võ Văn Sáu")
    ranked, total = selectors.teams_ranked(user=data.world.users["commune_officer"], unit=f.unit("09784"))
    assert total == 2
    assert [(r.team.name, r.progress, r.members) for r in ranked] == [
        ("Tổ CNSCĐ thôn Tháp Thượng", 50.0, 2), ("Tổ Tháp Hạ", 0.0, 1),
    ]


def test_the_trend_is_the_snapshots_then_today(data):
    admin = data.world.users["national_admin"]
    rollups_rebuild(reference=f.today() - dt.timedelta(days=14))
    rollups_rebuild(reference=f.today())  # this week's snapshot; rollups back at today
    f.make_resident(data.household2, full_name="Mới Đến", birth_year=2000)
    trend = selectors.unit_trend(figures=figures_of(admin, "09784"))
    assert [day for day, _s in trend.points] == [f.today() - dt.timedelta(days=14), f.today()]
    assert [s.residents for _d, s in trend.points] == [5, 6]  # today's point is the live value
    assert trend.change("smartphone") == (50.0, 40.0)


def test_community_contributions_hide_when_the_app_offers_none(data, monkeypatch):
    monkeypatch.setitem(sys.modules, "gocua.community.selectors", None)  # import now fails
    assert selectors.community_of(["09784"]) is None
    assert figures_of(data.world.users["national_admin"], "09784").community is None
