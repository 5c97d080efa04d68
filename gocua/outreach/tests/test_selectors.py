import datetime as dt

import pytest
from django.utils import timezone

from gocua import testing as f
from gocua.households.digital import INDICATOR_NAMES, Tri
from gocua.outreach import selectors
from gocua.outreach.selectors import DUE_SOON, LACKING, NEVER_VISITED, OVERDUE, THE_REST, LeftBehindFilters
from gocua.outreach.services.assignments import assignment_bulk
from gocua.outreach.services.visits import visit_delete
from gocua.outreach.tests.factories import backdate, checked, outcome, record

ALL_YES = dict.fromkeys(INDICATOR_NAMES, Tri.YES)


def _assign(world, households, member):
    assignment_bulk(actor=world.users["team_leader"], team=world.team, households=households, member=member)


def test_work_list_is_ordered_by_need_with_a_reason_per_row(world, items, member):
    user = world.users["team_member"]
    never = f.make_household(world.village, "A-never")
    lacking = f.make_household(world.village, "B-lacking")
    lacking_resident = f.make_resident(lacking, indicators={**ALL_YES, "smartphone": Tri.NO})
    follow = f.make_household(world.village, "C-follow")
    follow_resident = f.make_resident(follow, indicators=ALL_YES)
    fine = f.make_household(world.village, "D-fine")
    fine_resident = f.make_resident(fine, indicators=ALL_YES)
    late = backdate(f.make_household(world.village, "E-late"))
    late_resident = f.make_resident(late, full_name="Lê Thị Muộn", indicators=ALL_YES)
    _assign(world, [fine, follow, lacking, never, late], member)
    record(user, lacking, [checked(lacking_resident)])
    record(user, follow, [checked(follow_resident, outcome(items["local_platforms"], "follow_up",
                                                           follow_up_on=timezone.localdate() + dt.timedelta(days=3)))])
    record(user, fine, [checked(fine_resident)])
    ten_days_ago = timezone.localdate() - dt.timedelta(days=10)
    record(user, late, [checked(late_resident, outcome(items["local_platforms"], "partly",
                                                       follow_up_on=ten_days_ago + dt.timedelta(days=3)))],
           visited_on=ten_days_ago)
    rows = selectors.work_rows(selectors.work_list_queryset(member))
    assert [(r.household.household_key, r.need) for r in rows] == [
        ("E-late", OVERDUE), ("C-follow", DUE_SOON), ("A-never", NEVER_VISITED), ("B-lacking", LACKING),
        ("D-fine", THE_REST),
    ]
    assert rows[0].reason.startswith("Follow-up overdue since")
    assert rows[0].come_back_to == ["Lê Thị Muộn"]
    assert rows[1].reason.startswith("Follow-up due on")
    assert rows[2].reason == "Never visited"
    assert "no smartphone (1)" in rows[3].reason
    assert rows[4].reason.startswith("Last visit on")


def test_a_later_visit_without_a_follow_up_settles_the_earlier_one(world, items, member):
    household = backdate(f.make_household(world.village))
    resident = f.make_resident(household, indicators=ALL_YES)
    _assign(world, [household], member)
    user = world.users["team_member"]
    week_ago = timezone.localdate() - dt.timedelta(days=7)
    record(user, household, [checked(resident, outcome(items["local_platforms"], "follow_up",
                                                       follow_up_on=week_ago + dt.timedelta(days=3)))],
           visited_on=week_ago)
    assert selectors.work_rows(selectors.work_list_queryset(member))[0].need == OVERDUE
    record(user, household, [checked(resident, outcome(items["local_platforms"], "done"))])
    row = selectors.work_rows(selectors.work_list_queryset(member))[0]
    assert row.need == THE_REST and row.come_back_to == []


def test_a_household_without_anyone_proficient_in_five_skills_lacks_essentials(world, items, member):
    household = f.make_household(world.village)
    resident = f.make_resident(household, indicators={**ALL_YES, "skill_safety": Tri.UNKNOWN})
    _assign(world, [household], member)
    record(world.users["team_member"], household, [checked(resident)])
    row = selectors.work_rows(selectors.work_list_queryset(member))[0]
    assert row.need == LACKING and "no one proficient in all five basic skills" in row.reason


def test_children_do_not_make_a_household_lack_essentials(world, items, member):
    household = f.make_household(world.village)
    adult = f.make_resident(household, indicators=ALL_YES)
    f.make_resident(household, full_name="Bé Na", relation="child", birth_year=f.today().year - 8,
                    indicators={"smartphone": Tri.NO})
    _assign(world, [household], member)
    record(world.users["team_member"], household, [checked(adult)])
    assert selectors.work_rows(selectors.work_list_queryset(member))[0].need == THE_REST


def test_a_deleted_visit_does_not_count(world, items, member):
    resident = f.make_resident(household := f.make_household(world.village), indicators=ALL_YES)
    _assign(world, [household], member)
    visit = record(world.users["team_member"], household, [checked(resident)])
    visit_delete(actor=world.users["team_member"], visit=visit, reason="wrong house")
    assert selectors.work_rows(selectors.work_list_queryset(member))[0].need == NEVER_VISITED


# --- left behind ---------------------------------------------------------------------------------


@pytest.fixture
def commune(world, items):
    """Households across the two villages of Xã Đan Phượng in known situations."""
    officer = world.users["commune_officer"]
    h1 = f.make_household(world.village, "H1")
    f.make_resident(h1, full_name="Trần Văn Một", birth_year=f.today().year - 45, indicators={"smartphone": Tri.NO})
    f.make_resident(h1, full_name="Bé Hai", relation="child", birth_year=f.today().year - 10,
                    indicators={"smartphone": Tri.NO})
    h2 = f.make_household(world.village2, "H2")
    f.make_resident(h2, full_name="Cụ Ba", birth_year=f.today().year - 70, indicators={"vneid_level2": Tri.NO})
    h3 = f.make_household(world.village, "H3")
    f.make_resident(h3, full_name="Giỏi Giang", indicators=ALL_YES)
    h4 = backdate(f.make_household(world.village, "H4"))
    r4 = f.make_resident(h4, full_name="Bốn", indicators={"payment_account": Tri.NO})
    visit = record(world.users["team_member"], h4, [checked(r4)], visited_on=timezone.localdate() - dt.timedelta(40))
    return {"officer": officer, "h1": h1, "h2": h2, "h3": h3, "h4": h4, "visit": visit}


def _left(user, unit, **kw):
    filters = LeftBehindFilters(unit=unit, **kw)
    households = selectors.left_behind_queryset(user, filters)
    return sorted(h.household_key for h in households), selectors.left_behind_counts(households, filters)


def test_left_behind_lists_households_lacking_essentials_not_visited_recently(world, commune):
    keys, counts = _left(commune["officer"], f.unit("09784"))
    assert keys == ["H1", "H2", "H4", "TT-001"]  # TT-001: nobody proficient; H3 fine
    assert counts["households"] == 4 and counts["no_five_skills"] == 4
    assert counts["residents"] == 3  # H1's child does not count
    assert (counts["smartphone"], counts["vneid_level2"], counts["payment_account"]) == (1, 1, 1)
    assert {v["village__name"]: v["n"] for v in counts["by_village"]} == {"Thôn Tháp Thượng": 3, "Thôn Tháp Hạ": 1}


def test_left_behind_filters(world, commune, member):
    officer, unit = commune["officer"], f.unit("09784")
    assert _left(officer, unit, indicator="smartphone")[0] == ["H1"]
    assert _left(officer, unit, indicator="five_skills")[0] == ["H1", "H2", "H4", "TT-001"]
    assert _left(officer, unit, age_band="60+")[0] == ["H2"]
    assert _left(officer, unit, village=world.village2)[0] == ["H2"]
    _assign(world, [commune["h1"]], member)
    assert _left(officer, unit, member=member)[0] == ["H1"]
    assert _left(officer, unit, days=60)[0] == ["H1", "H2", "TT-001"]  # H4 was visited 40 days ago
    keys, counts = _left(officer, unit, indicator="vneid_level2")
    assert keys == ["H2"] and counts["residents"] == 1


def test_left_behind_stays_inside_the_users_scope(world, commune):
    keys, _counts = _left(world.users["team_member"], world.users["team_member"].scope_unit)
    assert "H2" not in keys and "AL-001" not in keys
    assert _left(world.users["other_commune_officer"], f.unit("09784"))[0] == []


# --- team progress -------------------------------------------------------------------------------


def test_week_starts_on_monday():
    assert selectors.week_start(dt.date(2025, 7, 6)) == dt.date(2025, 6, 30)  # a Sunday
    assert selectors.week_start(dt.date(2025, 6, 30)) == dt.date(2025, 6, 30)


def test_team_progress_numbers(world, items, member, leader):
    user, today = world.users["team_member"], timezone.localdate()
    backdate(world.household)
    wife = f.make_resident(world.household, full_name="Vợ", gender="female", relation="wife")
    other = f.make_household(world.village, "T-2")
    f.make_resident(other)
    f.make_household(world.village2, "elsewhere")  # another village: not the team's
    old = record(user, world.household, [checked(world.resident, outcome(items["vneid"], "follow_up"))],
                 visited_on=today - dt.timedelta(days=40))
    record(user, world.household, [checked(world.resident)], visited_on=today - dt.timedelta(days=45))
    deleted = record(user, other, [checked(other.residents.get())], members=[leader.pk])
    visit_delete(actor=user, visit=deleted, reason="mistake")
    assignment_bulk(actor=world.users["team_leader"], team=world.team, households=[world.household], member=member)
    figures = selectors.team_progress(world.team)
    assert (figures["households"], figures["covered"], figures["unassigned"]) == (2, 1, 1)
    assert (figures["residents"], figures["residents_checked"]) == (3, 1)
    assert figures["overdue"] == 1 and figures["overdue_households"] == [world.household]
    by_name = {m.full_name: m for m in figures["members"]}
    assert by_name["Trần Thu Hà"].visits_month == 0 and by_name["Bùi Văn Trường"].visits_week == 0
    assert by_name["Trần Thu Hà"].households_assigned == 1
    assert old.visited_on < figures["month_start"]
    recent = record(user, other, [checked(other.residents.get())], members=[member.pk, leader.pk])
    figures = selectors.team_progress(world.team)
    by_name = {m.full_name: m for m in figures["members"]}
    assert by_name["Trần Thu Hà"].visits_week == 1 and by_name["Trần Thu Hà"].visits_month == 1
    assert by_name["Bùi Văn Trường"].visits_week == 1
    assert figures["covered"] == 2 and recent.visited_on >= figures["week_start"]
    assert wife.pk  # checked nowhere: residents_checked counts people, not visits


def test_village_coverage_says_who_covers_what(world, member, households):
    made = households(3)
    _assign(world, made[:2], member)
    coverage = selectors.village_coverage(world.village)
    assert [(m["member__full_name"], m["households"]) for m in coverage["members"]] == [("Trần Thu Hà", 2)]
    assert coverage["unassigned"] == 2  # TT-001 and the third one


def test_the_demo_assigns_everything_and_records_visits_once(world, items, households):
    from gocua.outreach.demo import demo_outreach
    from gocua.outreach.models import Visit

    households(5)
    first = demo_outreach(leader_user=world.users["team_leader"], team=world.team)
    again = demo_outreach(leader_user=world.users["team_leader"], team=world.team)
    assert first["assigned"] == 6 and first["visits"] == 2
    assert again == {"assigned": 0, "visits": 0} and Visit.objects.count() == 2
    assert selectors.team_progress(world.team)["unassigned"] == 0


def test_the_demo_history_writes_a_year_of_visits_once_and_keeps_the_rollups_exact(world, items, households):
    from gocua.indicators.models import UnitActivity
    from gocua.indicators.recompute import visits as recomputed_visits
    from gocua.outreach.demo import demo_history
    from gocua.outreach.models import Visit

    made = households(4)
    before = {r.pk: [getattr(r, n) for n in INDICATOR_NAMES] for r in made[0].residents.all()}
    written = demo_history(team=world.team, entered_by=world.users["team_leader"])
    assert written >= 2 * 5 and Visit.objects.count() == written  # 5 households, 2 to 6 visits each
    assert demo_history(team=world.team, entered_by=world.users["team_leader"]) == 0
    days = set(Visit.objects.values_list("visited_on", flat=True))
    assert min(days) < timezone.localdate() - dt.timedelta(days=60)  # spread over the past year
    assert {r.pk: [getattr(r, n) for n in INDICATOR_NAMES] for r in made[0].residents.all()} == before
    stored = {(a.code, a.day): a.visits for a in UnitActivity.objects.filter(code=world.village.code) if a.visits}
    assert stored == recomputed_visits("village_code", village_codes=[world.village.code])
