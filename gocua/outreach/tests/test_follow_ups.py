"""Follow-ups with due dates: the quick picks, who sees what is overdue, the household's history, the digest."""

import datetime as dt
import logging
import uuid

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from gocua import testing as f
from gocua.accounts.models import Role
from gocua.households.digital import INDICATOR_NAMES, Tri
from gocua.outreach import reminders, selectors
from gocua.outreach.models import VisitOutcome
from gocua.outreach.services.assignments import assignment_bulk
from gocua.outreach.tests.factories import backdate, checked, outcome, record

ALL_YES = dict.fromkeys(INDICATOR_NAMES, Tri.YES)
NEW = reverse("outreach:visit_new")


def _overdue_visit(world, items, household, resident, *, days_ago=10, due_after=3, user=None):
    visited_on = timezone.localdate() - dt.timedelta(days=days_ago)
    return record(user or world.users["team_member"], backdate(household), [
        checked(resident, outcome(items["payment"], "follow_up", follow_up_on=visited_on + dt.timedelta(days=due_after)))
    ], visited_on=visited_on)


def test_a_quick_pick_dates_the_follow_up_from_the_visit_day(client, world, items):
    client.force_login(world.users["team_member"])
    visited_on = timezone.localdate()
    rid, item = world.resident.pk, items["payment"].pk
    response = client.post(NEW, {
        "step": "3", "uuid": str(uuid.uuid4()), "household": world.household.pk, "visited_on": visited_on.isoformat(),
        "members": [world.users["team_member"].member.pk], "residents": [rid],
        f"r{rid}_i{item}": "follow_up", f"r{rid}_follow_up_in": "3", f"r{rid}_follow_up": "",
    })
    assert response.status_code == 302
    assert VisitOutcome.objects.get().follow_up_on == visited_on + dt.timedelta(days=3)


def test_on_a_date_takes_the_date_typed(client, world, items):
    client.force_login(world.users["team_member"])
    rid, item = world.resident.pk, items["payment"].pk
    chosen = timezone.localdate() + dt.timedelta(days=20)
    client.post(NEW, {
        "step": "3", "uuid": str(uuid.uuid4()), "household": world.household.pk,
        "visited_on": timezone.localdate().isoformat(), "members": [world.users["team_member"].member.pk],
        "residents": [rid], f"r{rid}_i{item}": "partly", f"r{rid}_follow_up_in": "date",
        f"r{rid}_follow_up": chosen.isoformat(),
    })
    assert VisitOutcome.objects.get().follow_up_on == chosen


def test_the_outcome_screen_offers_the_quick_picks_with_one_week_chosen(client, world, items):
    client.force_login(world.users["team_member"])
    response = client.post(NEW, {
        "step": "2", "uuid": str(uuid.uuid4()), "household": world.household.pk,
        "visited_on": timezone.localdate().isoformat(), "members": [world.users["team_member"].member.pk],
        "residents": [world.resident.pk],
    })
    body = response.content.decode()
    rid = world.resident.pk
    assert f'name="r{rid}_follow_up_in" value="7" checked' in body
    assert f'name="r{rid}_follow_up_in" value="3" >' in body or f'name="r{rid}_follow_up_in" value="3" ' in body


def test_the_leader_sees_overdue_follow_ups_per_member(client, world, items):
    member = world.users["team_member"].member
    late = f.make_household(world.village, "TT-LATE")
    late_resident = f.make_resident(late, full_name="Đỗ Văn Muộn", indicators=ALL_YES)
    assignment_bulk(actor=world.users["team_leader"], team=world.team, households=[late, world.household],
                    member=member)
    _overdue_visit(world, items, late, late_resident)
    figures = selectors.team_progress(world.team)
    assert figures["overdue"] == 1
    assert {m.full_name: m.overdue for m in figures["members"]} == {"Bùi Văn Trường": 0, "Trần Thu Hà": 1}
    client.force_login(world.users["team_leader"])
    body = client.get(reverse("outreach:team_progress", args=[world.team.pk])).content.decode()
    assert reverse("web:household", args=[late.pk]) in body  # the overdue card opens the household


def test_the_officer_sees_overdue_follow_ups_per_village(client, world, items):
    other = f.make_household(world.village2, "TH-001")
    other_resident = f.make_resident(other, full_name="Hà Văn Hai", indicators=ALL_YES)
    other_member = f.make_user(Role.TEAM_MEMBER, world.village2)
    f.make_member(f.make_team(world.village2), full_name="Vũ Văn Ba", user=other_member)
    _overdue_visit(world, items, other, other_resident, user=other_member)
    _overdue_visit(world, items, world.household, world.resident, days_ago=2, due_after=1)
    officer = world.users["commune_officer"]
    counts = selectors.overdue_by_village(officer, officer.scope_unit)
    assert sorted((v["village__name"], v["n"]) for v in counts) == [("Thôn Tháp Hạ", 1), ("Thôn Tháp Thượng", 1)]
    # Out of the other officer's scope: nothing.
    outsider = world.users["other_commune_officer"]
    assert selectors.overdue_by_village(outsider, outsider.scope_unit) == []
    client.force_login(officer)
    body = client.get(reverse("outreach:left_behind")).content.decode()
    assert "Thôn Tháp Hạ" in body


def test_a_follow_up_becomes_overdue_when_its_day_has_passed(world, items):
    member = world.users["team_member"].member
    assignment_bulk(actor=world.users["team_leader"], team=world.team, households=[world.household], member=member)
    record(world.users["team_member"], world.household, [
        checked(world.resident, outcome(items["payment"], "follow_up",
                                        follow_up_on=timezone.localdate() + dt.timedelta(days=3)))
    ])
    today = timezone.localdate()
    assert selectors.work_rows(selectors.work_list_queryset(member, today=today))[0].need == selectors.DUE_SOON
    later = today + dt.timedelta(days=4)
    [row] = selectors.work_rows(selectors.work_list_queryset(member, today=later), today=later)
    assert row.need == selectors.OVERDUE and row.come_back_to == ["Nguyễn Văn Trường"]


# --- the household page ---------------------------------------------------------------------------------


def test_the_household_page_offers_a_visit_and_lists_its_visits_newest_first(client, world, items):
    household = backdate(world.household)
    user = world.users["team_member"]
    record(user, household, [checked(world.resident, outcome(items["vneid"], "partly",
                                                             follow_up_on=timezone.localdate()))],
           visited_on=timezone.localdate() - dt.timedelta(days=40))
    record(user, household, [checked(world.resident, outcome(items["vneid"], "done"))])
    client.force_login(user)
    body = client.get(reverse("web:household", args=[household.pk])).content.decode()
    assert f'{NEW}?household={household.pk}' in body
    history = body[body.index('id="visits"'):]
    newest, older = history.index(timezone.localdate().strftime("%d/%m/%Y")), history.index(
        (timezone.localdate() - dt.timedelta(days=40)).strftime("%d/%m/%Y"))
    assert newest < older
    assert "Trần Thu Hà" in history and items["vneid"].name_en in history


def test_the_visit_form_opened_from_a_household_has_it_chosen(client, world, items):
    client.force_login(world.users["team_member"])
    body = client.get(NEW, {"household": world.household.pk}).content.decode()
    assert f'name="household" value="{world.household.pk}" checked' in body


def test_the_visit_form_does_not_offer_a_household_outside_the_area(client, world, items):
    client.force_login(world.users["team_member"])
    body = client.get(NEW, {"household": world.other_household.pk}).content.decode()
    assert "AL-001" not in body


def test_the_household_history_shows_only_visits_in_scope(world, items):
    record(world.users["team_member"], world.household, [checked(world.resident)])
    assert len(selectors.household_history(world.users["team_member"], world.household)) == 1
    assert selectors.household_history(world.users["other_commune_officer"], world.household) == []


# --- the digest and reminders ------------------------------------------------------------------------------


class _Outbox:
    """A channel that keeps what it was given, as a province's gateway would receive it."""

    def __init__(self):
        self.sent = []

    def send(self, *, member, text):
        self.sent.append((member.pk, text))


@pytest.fixture
def overdue_world(world, items):
    member = world.users["team_member"].member
    world.resident.phone = "0912345678"
    world.resident.save(update_fields=["phone"])
    assignment_bulk(actor=world.users["team_leader"], team=world.team, households=[world.household], member=member)
    _overdue_visit(world, items, world.household, world.resident)
    return world


def test_the_digest_lists_overdue_follow_ups(overdue_world):
    digest = reminders.digest_for(overdue_world.users["team_member"].member)
    assert [r.household.household_key for r in digest.overdue] == ["TT-001"] and digest.due == []


@pytest.mark.vietnamese
def test_a_reminder_is_vietnamese_and_carries_no_personal_data(overdue_world):
    outbox = _Outbox()
    members = [overdue_world.users["team_member"].member, overdue_world.users["team_leader"].member]
    assert reminders.reminders_send(members=members, via=outbox) == 1  # the leader has nothing due
    [(member_id, text)] = outbox.sent
    assert member_id == overdue_world.users["team_member"].member.pk
    assert "quá hạn" in text and "TT-001" in text
    for secret in ("Nguyễn Văn Trường", "0912345678", "345678", "001080012345"):
        assert secret not in text


def test_send_reminders_logs_through_the_default_channel(overdue_world, caplog):
    with caplog.at_level(logging.INFO, logger="gocua.outreach.reminders"):
        call_command("send_reminders")
    assert any("TT-001" in r.getMessage() for r in caplog.records)
    assert not any("Nguyễn" in r.getMessage() for r in caplog.records)


def test_the_digest_page_shows_the_members_overdue_households(client, overdue_world):
    client.force_login(overdue_world.users["team_member"])
    body = client.get(reverse("outreach:digest")).content.decode()
    assert "TT-001" in body and reverse("web:household", args=[overdue_world.household.pk]) in body


def test_the_web_form_offers_first_the_adults_who_lack_something_and_what_they_lack(client, world, items):
    almost = {**ALL_YES, "vneid_level2": Tri.NO}
    adult = f.make_resident(world.household, full_name="Phạm Thị Lan", gender="female", relation="wife",
                            birth_year=1983, indicators=almost)
    child = f.make_resident(world.household, full_name="Bé Na", gender="female", relation="child", birth_year=2020)
    client.force_login(world.users["team_member"])
    header = {"uuid": str(uuid.uuid4()), "household": world.household.pk,
              "visited_on": timezone.localdate().isoformat(), "members": [world.users["team_member"].member.pk]}
    body = client.post(NEW, {**header, "step": "1"}).content.decode()
    others = body.index("Others in the household")
    assert body.index(f'value="{adult.pk}"') < others < body.index(f'value="{child.pk}"')
    body = client.post(NEW, {**header, "step": "2", "residents": [adult.pk]}).content.decode()
    folded = body.index("Other services")
    assert body.index(f'name="r{adult.pk}_i{items["vneid"].pk}"') < folded
    assert body.index(f'name="r{adult.pk}_i{items["smartphone"].pk}"') > folded
