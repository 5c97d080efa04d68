"""Priority groups: collected only where the commune decided, shown only to the roles with the right, audited."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from gocua import testing as f
from gocua.accounts.models import AuditEvent, Role
from gocua.errors import DomainError, Forbidden
from gocua.households import priority
from gocua.households.digital import Tri
from gocua.households.models import PriorityFlag, PriorityGroup
from gocua.outreach import selectors
from gocua.outreach.services.assignments import assignment_set

pytestmark = pytest.mark.django_db
Action = AuditEvent.Action
DECIDED = dt.date(2026, 1, 15)
BASIS = "Quyết định 12/QĐ-UBND về hỗ trợ người khuyết tật"
ALL_YES = {"smartphone": Tri.YES, "vneid_level2": Tri.YES, "payment_account": Tri.YES}


def enable(world, *groups, officer="commune_officer"):
    for group in groups:
        priority.priority_setting_set(
            actor=world.users[officer], commune=f.unit("09784"), group=group, enabled=True,
            lawful_basis=BASIS, decided_by="UBND xã Đan Phượng", decided_on=DECIDED,
        )


def flag(world, resident, *groups, actor="commune_officer"):
    return priority.resident_set_priority(
        actor=world.users[actor], resident=resident,
        groups={g: "Danh sách hộ nghèo năm 2026 của UBND xã" for g in groups},
    )


def api(world, role):
    return f.ApiClient(world.users[role])


# --- the commune decides --------------------------------------------------------------------------


def test_a_flag_is_refused_in_a_commune_that_has_not_enabled_the_group(world):
    with pytest.raises(DomainError) as refused:
        flag(world, world.resident, PriorityGroup.DISABILITY)
    assert refused.value.code == "priority_not_enabled"
    assert "Person with a disability" in str(refused.value.message)
    enable(world, PriorityGroup.POOR)  # another group enabled does not open this one
    response = api(world, "commune_officer").put(
        f"/residents/{world.resident.pk}/priority", {"groups": [{"group": "disability", "basis": BASIS}]}
    )
    assert response.status_code == 400 and response.json()["code"] == "priority_not_enabled"
    page = f.logged_in(world.users["commune_officer"]).post(
        f"/residents/{world.resident.pk}/priority/", {"group": ["disability"], "basis_disability": BASIS}
    )
    assert page.status_code == 400 and b"has not decided to collect" in page.content
    assert PriorityFlag.objects.count() == 0


def test_the_officer_enables_a_group_with_its_lawful_basis_and_it_is_audited(world):
    enable(world, PriorityGroup.DISABILITY)
    event = AuditEvent.objects.get(action=Action.PRIORITY_SETTING)
    assert event.commune_code == "09784" and event.detail["changes"] == {"enabled": [False, True]}
    flags = flag(world, world.resident, PriorityGroup.DISABILITY)
    assert [f_.group for f_ in flags] == ["disability"]
    assert AuditEvent.objects.get(action=Action.PRIORITY_CHANGED).detail == {"added": 1, "changed": 0, "removed": 0}


@pytest.mark.parametrize("missing, code", [
    ({"lawful_basis": "  "}, "priority_basis_required"),
    ({"decided_by": ""}, "priority_decided_by_required"),
    ({"decided_on": None}, "priority_decided_on_required"),
    ({"decided_on": dt.date(2999, 1, 1)}, "priority_decided_on_required"),
    ({"group": "vip"}, "priority_group_unknown"),
])
def test_enabling_without_its_basis_is_refused(world, missing, code):
    body = {"group": "poor", "enabled": True, "lawful_basis": BASIS, "decided_by": "UBND xã",
            "decided_on": "2026-01-15", **missing}
    response = api(world, "commune_officer").put("/priority-groups/09784", body)
    assert response.status_code == 400 and response.json()["code"] == code
    assert not priority.enabled_groups("09784")


def test_only_the_commune_officer_decides_and_only_in_their_commune(world):
    body = {"group": "poor", "enabled": True, "lawful_basis": BASIS, "decided_by": "UBND xã", "decided_on": "2026-01-15"}
    # A leader or member works in a village: the commune's page is outside their area.
    assert api(world, "team_leader").put("/priority-groups/09784", body).status_code == 404
    assert api(world, "team_member").put("/priority-groups/09784", body).status_code == 404
    assert api(world, "province_officer").put("/priority-groups/09784", body).status_code == 403
    assert api(world, "other_commune_officer").put("/priority-groups/09784", body).status_code == 404
    assert api(world, "commune_officer").put("/priority-groups/09784", body).status_code == 200
    page = f.logged_in(world.users["province_officer"]).post("/units/09784/priority-groups/", {**body, "enabled": "on"})
    assert page.status_code == 403
    settings = api(world, "commune_officer").get("/priority-groups/09784").json()
    assert next(s for s in settings if s["group"] == "poor")["enabled"] is True


def test_switching_a_group_off_deletes_its_flags_in_the_commune(world):
    enable(world, PriorityGroup.DISABILITY, PriorityGroup.POOR)
    flag(world, world.resident, PriorityGroup.DISABILITY, PriorityGroup.POOR)
    priority.priority_setting_set(actor=world.users["commune_officer"], commune=f.unit("09784"),
                                  group=PriorityGroup.DISABILITY, enabled=False)
    assert list(PriorityFlag.objects.values_list("group", flat=True)) == ["poor"]
    assert AuditEvent.objects.filter(action=Action.PRIORITY_SETTING).first().detail["flags_removed"] == 1


# --- who sees what --------------------------------------------------------------------------------


def test_a_member_sees_only_priority_never_the_group(world):
    enable(world, PriorityGroup.DISABILITY)
    flag(world, world.resident, PriorityGroup.DISABILITY, actor="team_leader")
    member = f.logged_in(world.users["team_member"])
    page = member.get(f"/residents/{world.resident.pk}/")
    assert page.status_code == 200
    assert b"priority-mark" in page.content and b"disability" not in page.content.lower()
    assert member.get(f"/residents/{world.resident.pk}/priority/").status_code == 403
    response = api(world, "team_member").get(f"/residents/{world.resident.pk}/priority")
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert api(world, "province_officer").get(f"/residents/{world.resident.pk}/priority").status_code == 403
    assert api(world, "other_commune_officer").get(f"/residents/{world.resident.pk}/priority").status_code == 404
    with pytest.raises(Forbidden):
        priority.resident_set_priority(actor=world.users["team_member"], resident=world.resident, groups={})
    assert not AuditEvent.objects.filter(action=Action.PRIORITY_SHOWN).exists()


def test_the_groups_are_revealed_to_the_officer_and_leader_and_each_view_is_audited(world):
    enable(world, PriorityGroup.DISABILITY)
    flag(world, world.resident, PriorityGroup.DISABILITY)
    response = api(world, "team_leader").get(f"/residents/{world.resident.pk}/priority")
    assert response.status_code == 200
    assert response.json()["groups"][0] | {"set_at": None} == {
        "group": "disability", "label": "Person with a disability",
        "basis": "Danh sách hộ nghèo năm 2026 của UBND xã", "set_at": None,
    }
    page = f.logged_in(world.users["commune_officer"]).get(f"/residents/{world.resident.pk}/priority/")
    assert page.status_code == 200 and b"Person with a disability" in page.content
    shown = AuditEvent.objects.filter(action=Action.PRIORITY_SHOWN)
    assert shown.count() == 2 and {e.object_id for e in shown} == {str(world.resident.pk)}
    assert {e.actor_id for e in shown} == {world.users["team_leader"].pk, world.users["commune_officer"].pk}
    # The audit log keeps counts, never which group.
    assert all("disability" not in str(e.detail) for e in AuditEvent.objects.exclude(action=Action.PRIORITY_SETTING))


def test_the_web_form_sets_and_removes_groups(world):
    enable(world, PriorityGroup.ELDERLY_ALONE, PriorityGroup.NEAR_POOR)
    client = f.logged_in(world.users["team_leader"])
    url = f"/residents/{world.resident.pk}/priority/"
    saved = client.post(url, {"group": ["elderly_alone", "near_poor"], "basis_elderly_alone": "Khảo sát của tổ",
                              "basis_near_poor": "Danh sách cận nghèo 2026"})
    assert saved.status_code == 302
    assert set(PriorityFlag.objects.values_list("group", flat=True)) == {"elderly_alone", "near_poor"}
    assert client.post(url, {"group": ["near_poor"], "basis_near_poor": "Danh sách cận nghèo 2026"}).status_code == 302
    assert list(PriorityFlag.objects.values_list("group", flat=True)) == ["near_poor"]
    refused = client.post(url, {"group": ["near_poor"], "basis_near_poor": "   "})
    assert refused.status_code == 400 and b"comes from" in refused.content
    assert list(PriorityFlag.objects.values_list("basis", flat=True)) == ["Danh sách cận nghèo 2026"]


@pytest.mark.parametrize("groups, status, code", [
    ([{"group": "vip", "basis": BASIS}], 400, "priority_group_unknown"),
    ([{"group": "disability", "basis": ""}], 400, "priority_basis_required"),
    ([{"group": "disability", "basis": "x" * 301}], 422, "invalid_input"),
    ([{"group": "disability"}], 422, "invalid_input"),
    ("disability", 422, "invalid_input"),
])
def test_bad_flags_are_refused_with_a_clear_code(world, groups, status, code):
    enable(world, PriorityGroup.DISABILITY)
    response = api(world, "commune_officer").put(f"/residents/{world.resident.pk}/priority", {"groups": groups})
    assert response.status_code == status and response.json()["code"] == code
    assert PriorityFlag.objects.count() == 0


# --- export ---------------------------------------------------------------------------------------


def test_the_export_is_for_the_roles_with_the_right_and_is_audited(world):
    enable(world, PriorityGroup.ETHNIC_MINORITY)
    flag(world, world.resident, PriorityGroup.ETHNIC_MINORITY)
    response = f.logged_in(world.users["commune_officer"]).get("/units/09784/priority-groups/export.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][2] == "Nguyễn Văn Trường" and rows[1][4] == "Ethnic minority"
    event = AuditEvent.objects.get(action=Action.EXPORT)
    assert event.detail == {"kind": "priority_groups", "rows": 1, "format": "csv"} and event.unit_code == "09784"
    village_url = f"/units/{world.village.code}/priority-groups/export.csv"
    for role in ("team_member", "province_officer", "national_admin"):
        assert f.logged_in(world.users[role]).get(village_url).status_code == 403
    for role in ("team_member", "team_leader", "other_commune_officer"):  # the commune is outside their area
        assert f.logged_in(world.users[role]).get("/units/09784/priority-groups/export.csv").status_code == 404
    assert AuditEvent.objects.filter(action=Action.EXPORT).count() == 1
    assert f.logged_in(world.users["team_leader"]).get(village_url).status_code == 200
    assert AuditEvent.objects.filter(action=Action.EXPORT, actor=world.users["team_leader"]).count() == 1


# --- work list, left-behind list, dashboards ------------------------------------------------------------


def test_the_work_list_can_put_priority_households_first(world):
    member = world.users["team_member"].member
    first = f.make_household(world.village, "TT-000")  # sorts before TT-001 in the usual order
    f.make_resident(first, full_name="Phạm Văn Bình")
    for household in (first, world.household):
        assignment_set(actor=world.users["team_leader"], team=world.team, household=household, members=[member])
    enable(world, PriorityGroup.DISABILITY)
    flag(world, world.resident, PriorityGroup.DISABILITY)
    usual = [h.household_key for h in selectors.work_list_queryset(member)]
    assert usual == ["TT-000", "TT-001"]
    assert [h.household_key for h in selectors.work_list_queryset(member, priority_first=True)] == ["TT-001", "TT-000"]
    items = api(world, "team_member").get("/outreach/work-list", priority_first="true").json()["items"]
    assert [(i["household_key"], i["priority"]) for i in items] == [("TT-001", True), ("TT-000", False)]
    page = f.logged_in(world.users["team_member"]).get("/outreach/work/?priority=first")
    assert page.status_code == 200 and page.content.count(b"priority-mark") == 1
    assert b"disability" not in page.content.lower()


def test_the_left_behind_list_filters_by_group_for_the_roles_with_the_right(world):
    other = f.make_household(world.village2, "TH-001")
    f.make_resident(other, full_name="Đỗ Thị Lan", gender="female")
    poor = f.make_household(world.village2, "TH-002")
    poor_resident = f.make_resident(poor, full_name="Vũ Văn Nam")
    enable(world, PriorityGroup.DISABILITY, PriorityGroup.POOR)
    flag(world, world.resident, PriorityGroup.DISABILITY)
    flag(world, poor_resident, PriorityGroup.POOR)
    officer = api(world, "commune_officer")

    def keys(client, **params):
        response = client.get("/outreach/left-behind", unit="09784", **params)
        assert response.status_code == 200, response.content
        return sorted(i["household_key"] for i in response.json()["items"])

    assert keys(officer) == ["TH-001", "TH-002", "TT-001"]
    assert keys(officer, priority="any") == ["TH-002", "TT-001"]
    assert keys(officer, priority="disability") == ["TT-001"]
    assert keys(officer, priority="poor") == ["TH-002"]
    province = api(world, "province_officer")
    assert keys(province, priority="any") == ["TH-002", "TT-001"]
    refused = province.get("/outreach/left-behind", unit="09784", priority="disability")
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert officer.get("/outreach/left-behind", priority="vip").status_code == 422
    web = f.logged_in(world.users["province_officer"]).get("/outreach/left-behind/?unit=09784&priority=disability")
    assert web.status_code == 200 and b"cannot filter by priority group" in web.content
    assert b"TH-001" in web.content  # the group filter was not applied
    officer_page = f.logged_in(world.users["commune_officer"]).get("/outreach/left-behind/?priority=poor")
    assert b"TH-002" in officer_page.content and b"TH-001" not in officer_page.content


def test_the_dashboards_count_each_group_and_its_coverage_summed_on_read(world):
    enable(world, PriorityGroup.DISABILITY, PriorityGroup.CHILD)
    covered = f.make_resident(world.household, full_name="Nguyễn Thị Mai", gender="female", relation="wife",
                              indicators=ALL_YES)
    child = f.make_resident(world.household, full_name="Nguyễn Văn Tí", relation="child",
                            birth_year=timezone.localdate().year - 8)
    flag(world, world.resident, PriorityGroup.DISABILITY)
    flag(world, covered, PriorityGroup.DISABILITY)
    flag(world, child, PriorityGroup.CHILD)
    for code in ("09784", "01", "VN", world.village.code):
        rows = {r.group: r for r in priority.coverage(f.unit(code))}
        assert (rows["disability"].residents, rows["disability"].adults, rows["disability"].with_essentials) == (2, 2, 1)
        assert rows["disability"].percent == 50.0
        assert (rows["child"].residents, rows["child"].adults, rows["child"].percent) == (1, 0, None)
        assert rows["poor"].residents == 0
    assert priority.coverage(f.unit(world.village2.code))[0].residents == 0
    assert priority.coverage(f.unit("19774"))[1].residents == 0  # another province: nothing
    page = f.logged_in(world.users["province_officer"]).get("/dashboards/01/")
    assert page.status_code == 200 and b'id="priority-groups"' in page.content
    assert b'data-group="disability"><td>Person with a disability</td><td class="num">2</td>' in page.content
    member_page = f.logged_in(world.users["team_member"]).get(f"/dashboards/{world.village.code}/")
    assert member_page.status_code == 200 and b'id="priority-groups"' not in member_page.content


def test_a_flag_follows_its_resident_to_another_commune(world):
    from gocua.households import services

    enable(world, PriorityGroup.DISABILITY)
    flag(world, world.resident, PriorityGroup.DISABILITY)
    target = f.make_household(world.other_commune_village, "BD-001")
    services.resident_move(actor=f.admin(), resident=world.resident, to_household=target, moved_on=timezone.localdate())
    assert priority.coverage(f.unit("09784"))[1].residents == 0
    assert priority.coverage(f.unit("00004"))[1].residents == 1
    # The new commune has not enabled the group: the flag cannot be set again there.
    world.resident.refresh_from_db()
    officer = f.make_user(Role.COMMUNE_OFFICER, "00004")
    with pytest.raises(DomainError) as refused:
        priority.resident_set_priority(actor=officer, resident=world.resident, groups={"disability": BASIS})
    assert refused.value.code == "priority_not_enabled"
