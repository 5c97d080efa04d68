"""Communes split and moved to another province: what moves, what stays, figures then and now."""

import datetime as dt
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from gocua import testing as f
from gocua.accounts.models import AuditEvent, Role, User
from gocua.errors import DomainError, Forbidden
from gocua.households.models import Assignment, Household, IndicatorChange, Resident
from gocua.households.selectors import households_visible
from gocua.indicators.models import UnitStat
from gocua.indicators.services import rollups_check, snapshot_take
from gocua.indicators.stored import stat_values
from gocua.indicators.tests.conftest import client_for
from gocua.outreach.models import Visit
from gocua.outreach.services.visits import visit_record
from gocua.places import reorg
from gocua.places.models import Reorganisation, Unit, UnitSuccession
from gocua.places.tests.conftest import DECISION
from gocua.teams.models import Team


def _visit(world, household, *, on):
    leader = world.users["team_leader"]
    return visit_record(
        actor=leader, uuid=uuid.uuid4(), household=Household.objects.get(pk=household.pk), visited_on=on,
        member_ids=[leader.member.pk],
        residents=[{"resident_id": r.pk, "present": True, "note": "", "outcomes": []}
                   for r in Resident.objects.filter(household=household)],
    )


@pytest.fixture
def commune(aged):
    """Xã Đan Phượng last week: Tháp Thượng (team, 1 household, a done visit, an open follow-up, a project)
    and Tháp Hạ (2 households); a weekly snapshot was taken then."""
    from gocua.community.tests.helpers import give, make_project

    w = aged
    for key, name in (("TH-001", "Phạm Thị Em"), ("TH-002", "Lê Văn Dũng")):
        f.make_resident(f.make_household(w.village2, key), full_name=name, birth_year=1975)
    Household.objects.update(created_at=dt.datetime(2025, 8, 1, tzinfo=dt.UTC))
    Assignment.objects.create(household=w.household, member=w.users["team_member"].member)
    w.done = _visit(w, w.household, on=(f.today() - dt.timedelta(days=7)))
    w.follow = _visit(w, w.household, on=f.today())
    Visit.objects.filter(pk=w.follow.pk).update(follow_up_on=f.today() + dt.timedelta(days=3))
    w.project = make_project(w.users["team_leader"], w.village)
    give(w.users["team_leader"], w.project, money_vnd=200_000)
    snapshot_take(on=(f.today() - dt.timedelta(days=7)))
    return w


def _split(world, **kwargs):
    parts = kwargs.pop("parts", [
        {"code": "99901", "name": "Xã Đan Phượng Bắc", "villages": [world.village.code]},
        {"code": "99902", "name": "Xã Đan Phượng Nam", "villages": [world.village2.code]},
    ])
    return reorg.commune_split(actor=world.users["national_admin"], commune=f.unit("09784"), parts=parts,
                               decision=DECISION, effective_on=kwargs.pop("effective_on", f.today()), **kwargs)


def _move(world, **kwargs):
    return reorg.commune_move(actor=world.users["national_admin"], commune=f.unit("09784"),
                              to_province=kwargs.pop("to_province", None) or f.unit("19774").parent,
                              code=kwargs.pop("code", "99903"), decision=DECISION,
                              effective_on=kwargs.pop("effective_on", f.today()), **kwargs)


def _clean():
    assert rollups_check().differences == []
    call_command("check_rollups", "VN")  # exits 1 on drift


# --- split --------------------------------------------------------------------------------------------


def test_splitting_a_commune_sends_each_village_with_its_households_to_its_new_commune(commune):
    w = commune
    change = _split(w, teams_to=0)
    assert change.status == Reorganisation.Status.APPLIED
    north, south = Unit.objects.get(code="99901"), Unit.objects.get(code="99902")
    assert (north.parent.code, south.parent.code, north.valid_from) == ("01", "01", f.today())
    household = Household.objects.get(pk=w.household.pk)
    assert household.commune_code == "99901" and household.village.parent_id == north.pk
    assert household.village.name == "Thôn Tháp Thượng" and household.village_code.startswith("99901-")
    assert set(Household.objects.filter(village__parent=south).values_list("household_key", flat=True)) == {
        "TH-001", "TH-002"}
    assert not Household.objects.filter(commune_code="09784").exists()
    assert not Resident.objects.filter(commune_code="09784").exists()
    team = Team.objects.get(pk=w.team.pk)
    assert (team.commune_code, team.unit_id) == ("99901", household.village_id) and team.members.count() == 2
    assert Assignment.objects.filter(household=w.household, member=w.users["team_member"].member).exists()
    assert Visit.objects.get(pk=w.follow.pk).commune_code == "99901"  # open follow-up: work still to do
    assert Visit.objects.get(pk=w.done.pk).village_code == w.village.code  # done visit: history
    from gocua.community.models import Project

    assert Project.objects.get(pk=w.project.pk).commune_code == "99901"
    # The commune officer's area was the old commune: it is now the part chosen to keep the teams.
    assert User.objects.get(pk=w.users["commune_officer"].pk).scope_unit_id == north.pk
    old = Unit.objects.get(code="09784")
    assert old.valid_to == f.today() - dt.timedelta(days=1)
    assert set(UnitSuccession.objects.filter(predecessor=old, change="split").values_list(
        "successor__code", flat=True)) == {"99901", "99902"}
    assert UnitSuccession.objects.filter(predecessor=w.village, change="move").count() == 1
    assert change.result["moved"]["households"] == 3 and change.result["moved"]["follow_ups"] == 1
    assert AuditEvent.objects.filter(action="reorg.apply", object_id=str(change.pk)).exists()


def test_after_a_commune_split_every_level_of_the_rollups_is_exact(commune):
    w = commune
    before = stat_values(["01"])["01"]["households"]
    _split(w)
    assert (UnitStat.objects.get(code="99901").households, UnitStat.objects.get(code="99902").households) == (1, 2)
    assert UnitStat.objects.get(code="09784").households == 0
    assert stat_values(["01"])["01"]["households"] == before  # the province neither lost nor gained
    _clean()
    from gocua.community import rollups as community_rollups

    assert community_rollups.drift() == []


def test_a_commune_split_that_leaves_a_village_out_is_refused_and_writes_nothing(commune):
    w = commune
    with pytest.raises(DomainError) as err:
        _split(w, parts=[{"code": "99901", "name": "Xã A", "villages": [w.village.code]},
                         {"code": "99902", "name": "Xã B", "villages": []}])
    assert err.value.code == "split_incomplete_villages" and w.village2.code in str(err.value.message)
    assert not Reorganisation.objects.exists() and Unit.objects.get(code="09784").valid_to is None
    assert not Unit.objects.filter(code__in=["99901", "99902"]).exists()


@pytest.mark.parametrize(("parts", "code"), [
    ([{"code": "99901", "name": "Xã A", "villages": ["x"]}], "split_needs_two_communes"),
    ([{"code": "99901", "name": "Xã A", "villages": []}, {"code": "99901", "name": "Xã B", "villages": []}],
     "split_same_code"),
    ([{"code": "00004", "name": "Xã A", "villages": []}, {"code": "99902", "name": "Xã B", "villages": []}],
     "code_taken"),
    ([{"code": "9990", "name": "Xã A", "villages": []}, {"code": "99902", "name": "Xã B", "villages": []}],
     "code_invalid"),
    ([{"code": "99901", "name": "Xã A", "villages": []}, {"code": "99902", "name": "xa a", "villages": []}],
     "split_same_name_communes"),
])
def test_bad_commune_split_input_is_refused_with_its_code(commune, parts, code):
    with pytest.raises(DomainError) as err:
        _split(commune, parts=parts)
    assert err.value.code == code
    assert not Reorganisation.objects.exists()


def test_a_split_listing_a_village_of_another_commune_is_refused(commune):
    w = commune
    with pytest.raises(DomainError) as err:
        _split(w, parts=[{"code": "99901", "name": "Xã A", "villages": [w.village.code, w.other_commune_village.code]},
                         {"code": "99902", "name": "Xã B", "villages": [w.village2.code]}])
    assert err.value.code == "split_unknown_village"


@pytest.mark.parametrize("role", ["province_officer", "commune_officer", "team_leader"])
def test_only_a_national_administrator_splits_or_moves_a_commune(commune, role):
    with pytest.raises(Forbidden):
        reorg.commune_split(actor=commune.users[role], commune=f.unit("09784"), decision=DECISION,
                            effective_on=f.today(), parts=[{"code": "99901", "name": "A", "villages": []}] * 2)
    with pytest.raises(Forbidden):
        reorg.commune_move(actor=commune.users[role], commune=f.unit("09784"), to_province=f.unit("19774").parent,
                           code="99903", decision=DECISION, effective_on=f.today())


def test_a_split_commune_reads_as_it_was_then_and_its_villages_carry_their_history_on_todays_map(commune):
    w = commune
    _split(w)
    admin = client_for(w.users["national_admin"])
    then = admin.get(f"/api/v1/units/09784/children/indicators?date={(f.today() - dt.timedelta(days=7))}&map=then").json()
    assert sorted((c["unit"]["code"], c["figures"]["households"]) for c in then["children"]) == sorted(
        [(w.village.code, 1), (w.village2.code, 2)])
    old = admin.get(f"/api/v1/units/09784/indicators?date={(f.today() - dt.timedelta(days=7))}&map=then").json()
    assert old["figures"]["households"] == 3
    # On today's map each moved village carries its old figures, and a commune made by the split
    # carries the villages it received (a commune is split by whole villages, so its past adds up).
    moved = Unit.objects.get(parent__code="99902", valid_to__isnull=True)
    village_now = admin.get(f"/api/v1/units/{moved.code}/indicators?date={(f.today() - dt.timedelta(days=7))}&map=now").json()
    assert village_now["figures"]["households"] == 2 and village_now["merged_in"] == [w.village2.code]
    south = admin.get(f"/api/v1/units/99902/indicators?date={(f.today() - dt.timedelta(days=7))}&map=now").json()
    assert south["available"] is True and south["figures"]["households"] == 2
    north = admin.get(f"/api/v1/units/99901/indicators?date={(f.today() - dt.timedelta(days=7))}&map=now").json()
    assert north["figures"]["households"] == 1
    # On the map as it was, the new communes did not exist yet.
    part = admin.get(f"/api/v1/units/99902/indicators?date={(f.today() - dt.timedelta(days=7))}&map=then").json()
    assert part["available"] is False and part["notice"]["code"] == "before_unit_existed"
    # The province's children on today's map: the two new communes with their villages' past.
    now = admin.get(f"/api/v1/units/01/children/indicators?date={(f.today() - dt.timedelta(days=7))}&map=now").json()
    listed = {c["unit"]["code"]: c["figures"]["households"] for c in now["children"]}
    assert (listed.get("99901"), listed.get("99902")) == (1, 2) and "09784" not in listed
    province = admin.get(f"/api/v1/units/01/children/indicators?date={(f.today() - dt.timedelta(days=7))}&map=then").json()
    assert ("09784", 3) in [(c["unit"]["code"], c["figures"]["households"]) for c in province["children"]]


# --- move to another province ---------------------------------------------------------------------------


def test_moving_a_commune_to_another_province_rewrites_every_province_code_that_follows(commune):
    w = commune
    hue = f.unit("19774").parent
    change = _move(w)
    new = Unit.objects.get(code="99903")
    assert (new.parent_id, new.province_code, new.name) == (hue.pk, hue.code, "Xã Đan Phượng")
    household = Household.objects.get(pk=w.household.pk)
    assert (household.province_code, household.commune_code) == (hue.code, "99903")
    assert household.village.parent_id == new.pk and household.village_code.startswith("99903-")
    assert set(Resident.objects.filter(household__village__parent=new).values_list("province_code", flat=True)) == {
        hue.code}
    assert not Household.objects.filter(commune_code="09784").exists()
    assert set(IndicatorChange.objects.filter(resident__household=w.household).values_list(
        "province_code", flat=True)) <= {hue.code}
    assert Team.objects.get(pk=w.team.pk).province_code == hue.code
    assert Visit.objects.get(pk=w.follow.pk).province_code == hue.code  # open follow-up: moved
    assert Visit.objects.get(pk=w.done.pk).province_code == "01"  # done visit: kept where it happened
    old = Unit.objects.get(code="09784")
    assert old.valid_to == f.today() - dt.timedelta(days=1)
    assert UnitSuccession.objects.filter(predecessor=old, successor=new, change="move").exists()
    # Audit events are history (KEPT): the events recorded in Hà Nội keep Hà Nội's codes.
    assert AuditEvent.objects.filter(action="reorg.apply", object_id=str(change.pk)).exists()
    assert AuditEvent.objects.filter(commune_code="09784").exists()
    # Hà Nội's province officer no longer sees the households; Huế's users would.
    assert not households_visible(user=w.users["province_officer"]).filter(pk=w.household.pk).exists()
    assert households_visible(user=f.make_user(Role.PROVINCE_OFFICER, hue.code)).filter(pk=w.household.pk).exists()


def test_the_rows_under_a_moved_follow_up_carry_its_new_province(commune):
    from gocua.outreach.models import ServiceItem, VisitOutcome, VisitResident
    from gocua.outreach.tests.factories import copies_disagreeing

    w, leader = commune, commune.users["team_leader"]
    item = ServiceItem.objects.get(code="vneid")
    follow = visit_record(
        actor=leader, uuid=uuid.uuid4(), household=Household.objects.get(pk=w.household.pk), visited_on=f.today(),
        member_ids=[leader.member.pk],
        residents=[{"resident_id": w.resident.pk, "outcomes": [
            {"item_id": item.pk, "outcome": "follow_up", "follow_up_on": f.today() + dt.timedelta(days=5)}]}],
    )
    _move(w)
    hue = f.unit("19774").province_code
    assert Visit.objects.get(pk=follow.pk).province_code == hue
    assert set(VisitResident.objects.filter(visit=follow).values_list("province_code", flat=True)) == {hue}
    assert set(VisitOutcome.objects.filter(visit_resident__visit=follow).values_list("province_code", flat=True)) == {
        hue}
    assert set(VisitResident.objects.filter(visit=w.done).values_list("province_code", flat=True)) == {"01"}
    assert copies_disagreeing() == []


def test_after_a_commune_moves_the_rollups_are_exact_and_the_provinces_figures_follow(commune):
    w = commune
    hue = f.unit("19774").parent.code
    before = stat_values(["01", hue])
    _move(w)
    after = stat_values(["01", hue])
    assert after["01"]["households"] == before["01"]["households"] - 3
    assert after[hue]["households"] == before[hue]["households"] + 3
    _clean()


def test_a_moved_commune_reads_the_same_under_its_old_province_then_and_under_the_new_one_now(commune):
    w = commune
    hue = f.unit("19774").parent.code
    _move(w)
    admin = client_for(w.users["national_admin"])
    then = admin.get(f"/api/v1/units/01/children/indicators?date={(f.today() - dt.timedelta(days=7))}&map=then").json()
    assert ("09784", 3) in [(c["unit"]["code"], c["figures"]["households"]) for c in then["children"]]
    now_old = admin.get(f"/api/v1/units/01/children/indicators?date={(f.today() - dt.timedelta(days=7))}&map=now").json()
    assert "09784" not in [c["unit"]["code"] for c in now_old["children"]]
    now_new = admin.get(f"/api/v1/units/{hue}/children/indicators?date={(f.today() - dt.timedelta(days=7))}&map=now").json()
    assert ("99903", 3) in [(c["unit"]["code"], c["figures"]["households"]) for c in now_new["children"]]
    moved = admin.get(f"/api/v1/units/99903/indicators?date={(f.today() - dt.timedelta(days=7))}&map=now").json()
    assert moved["figures"]["households"] == 3 and moved["merged_in"] == ["09784"]
    assert admin.get(f"/api/v1/units/99903/indicators?date={(f.today() - dt.timedelta(days=7))}&map=then").json()["available"] is False


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"to_province": "same"}, "same_province"),
    ({"code": "09787"}, "code_taken"),
    ({"code": "abcde"}, "code_invalid"),
    ({"effective_on": dt.date(2025, 6, 1)}, "effective_before_unit"),
])
def test_bad_commune_move_input_is_refused_with_its_code(commune, kwargs, code):
    if kwargs.get("to_province") == "same":
        kwargs["to_province"] = f.unit("01")
    with pytest.raises(DomainError) as err:
        _move(commune, **kwargs)
    assert err.value.code == code
    assert not Reorganisation.objects.exists() and Unit.objects.get(code="09784").valid_to is None


def test_a_dry_run_of_a_move_reports_what_would_move_and_writes_nothing(commune):
    preview = _move(commune, dry_run=True)
    assert preview.result["moved"]["households"] == 3 and "99903" in preview.result["opened"]
    assert not Reorganisation.objects.exists() and not Unit.objects.filter(code="99903").exists()
    assert Household.objects.get(pk=commune.household.pk).province_code == "01"


def test_a_future_split_is_scheduled_and_applied_by_the_task_on_its_date(commune, monkeypatch,
                                                                          django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    from gocua.places.tasks import reorganisation_apply_task

    later = f.today() + dt.timedelta(days=4)
    with django_capture_on_commit_callbacks(execute=True):
        change = _split(commune, effective_on=later)
    assert change.status == Reorganisation.Status.SCHEDULED and not Unit.objects.filter(code="99901").exists()
    task = DBTaskResult.objects.get()
    assert timezone.localtime(task.run_after).date() == later
    assert reorganisation_apply_task.call(change.pk) == "scheduled"  # too early
    monkeypatch.setattr(reorg, "_today", lambda: later)
    assert reorganisation_apply_task.call(change.pk) == "applied"
    assert Household.objects.get(pk=commune.household.pk).commune_code == "99901"
    assert Unit.objects.get(code="09784").valid_to == later - dt.timedelta(days=1)
    _clean()


def test_a_future_move_is_applied_by_apply_due_once(commune, monkeypatch):
    later = f.today() + dt.timedelta(days=9)
    change = _move(commune, effective_on=later)
    monkeypatch.setattr(reorg, "_today", lambda: later)
    call_command("units", "apply-due")
    call_command("units", "apply-due")
    change.refresh_from_db()
    assert change.status == Reorganisation.Status.APPLIED
    assert UnitSuccession.objects.filter(reorganisation=change, change="move").count() == 3  # commune + 2 villages


# --- the command ------------------------------------------------------------------------------------------


def _decided(*args):
    return [*args, "--decision", "7/NQ-UBTVQH", "--decision-date", "2026-01-02", "--issuer", "Ủy ban Thường vụ Quốc hội",
            "--effective", f.today().isoformat()]


def test_the_command_splits_a_commune_from_a_list_of_village_names(commune, tmp_path, capsys):
    sheet = tmp_path / "tach-xa.csv"
    sheet.write_text("Thôn, Mã xã mới, Tên xã mới\nThôn Tháp Thượng, 99901, Xã Đan Phượng Bắc\n"
                     f"{commune.village2.code}, 99902, Xã Đan Phượng Nam\n", encoding="utf-8")
    call_command("units", *_decided("split", "09784", "--sheet", str(sheet), "--dry-run"))
    out = capsys.readouterr().out
    assert "DRY RUN" in out and "households 3" in out and "99901" in out
    assert not Unit.objects.filter(code="99901").exists()
    call_command("units", *_decided("split", "09784", "--sheet", str(sheet), "--teams-to", "2"))
    assert Team.objects.get(pk=commune.team.pk).commune_code == "99901"  # a village team follows its village
    assert User.objects.get(pk=commune.users["commune_officer"].pk).scope_unit.code == "99902"


def test_the_command_moves_a_commune_and_refuses_a_move_without_a_new_code(commune, capsys):
    hue = f.unit("19774").parent.code
    with pytest.raises(CommandError, match="code_invalid"):
        call_command("units", *_decided("move", "09784", "--to", hue))
    call_command("units", *_decided("move", "09784", "--to", hue, "--code", "99903", "--name", "Xã Đan Phượng Mới"))
    assert "Applied" in capsys.readouterr().out
    assert Unit.objects.get(code="99903").name == "Xã Đan Phượng Mới"


def test_a_split_sheet_line_without_a_commune_code_is_refused_with_its_line_number(commune, tmp_path):
    sheet = tmp_path / "tach.txt"
    sheet.write_text(f"{commune.village.code}, 99901, Xã A\n{commune.village2.code}\n", encoding="utf-8")
    with pytest.raises(CommandError, match="split_line_invalid"):
        call_command("units", *_decided("split", "09784", "--sheet", str(sheet)))
