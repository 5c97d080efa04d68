import uuid

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from gocua import testing as f
from gocua.households.digital import Tri
from gocua.households.models import Assignment
from gocua.outreach.models import CommunitySession, ServiceItem, VisitRevision
from gocua.outreach.services.assignments import assignment_bulk
from gocua.outreach.tests.factories import checked, outcome, record


def login(client, world, role):
    client.force_login(world.users[role])
    return client


@pytest.mark.parametrize("role,target", [
    ("team_member", "outreach:work"),
    ("team_leader", "outreach:progress"),
    ("commune_officer", "outreach:left_behind"),
    ("province_officer", "outreach:left_behind"),
])
def test_home_sends_each_role_to_its_start(client, world, role, target):
    response = login(client, world, role).get(reverse("outreach:home"))
    assert response.status_code == 302 and response.url == reverse(target)


def test_the_leader_lands_on_team_progress(client, world):
    response = login(client, world, "team_leader").get(reverse("outreach:progress"), follow=True)
    body = response.content.decode()
    assert response.status_code == 200 and "Tổ CNSCĐ thôn Tháp Thượng" in body
    assert "0 / 1" in body  # households covered / total


def test_the_commune_officer_sees_the_left_behind_list_of_the_commune(client, world):
    response = login(client, world, "commune_officer").get(reverse("outreach:left_behind"))
    body = response.content.decode()
    assert response.status_code == 200 and "Xã Đan Phượng" in body and "TT-001" in body
    assert "AL-001" not in body


def test_the_left_behind_page_filters_by_indicator(client, world):
    f.make_resident(world.household, full_name="Không Điện Thoại", relation="child", birth_year=1995,
                    indicators={"smartphone": Tri.NO})
    other = f.make_household(world.village, "TT-002")
    f.make_resident(other, indicators={"vneid_level2": Tri.NO})
    body = login(client, world, "commune_officer").get(
        reverse("outreach:left_behind"), {"indicator": "smartphone"}).content.decode()
    assert "TT-001" in body and "TT-002" not in body and "Không Điện Thoại" in body


def test_an_area_outside_scope_falls_back_to_ones_own(client, world):
    response = login(client, world, "commune_officer").get(reverse("outreach:left_behind"), {"unit": "19774"})
    assert response.status_code == 200 and "AL-001" not in response.content.decode()


@pytest.mark.vietnamese
def test_the_paper_work_list_has_tick_boxes_and_print_css(client, world, member):
    assignment_bulk(actor=world.users["team_leader"], team=world.team, households=[world.household], member=member)
    body = login(client, world, "team_member").get(reverse("outreach:work_print")).content.decode()
    assert "TT-001" in body and 'class="box"' in body and "outreach/outreach.css" in body
    assert "Nguyễn Văn Trường" in body and "Đăng ký và kích hoạt định danh điện tử mức 2 (VNeID)" in body
    css = open(finders.find("outreach/outreach.css"), encoding="utf-8").read()
    assert "@media print" in css and "size:A4" in css


def test_a_leader_can_read_a_members_work_list_but_not_outside_scope(client, world, member):
    login(client, world, "team_leader")
    assert client.get(reverse("outreach:member_work", args=[member.pk])).status_code == 200
    far_team = f.make_team(world.other_province_village)
    far_member = f.make_member(far_team, full_name="Xa Lắm")
    assert client.get(reverse("outreach:member_work", args=[far_member.pk])).status_code == 404


def test_a_visit_outside_scope_is_404_and_absent_from_lists(client, world, items):
    far_team = f.make_team(world.other_province_village)
    far_user = f.make_user("team_member", world.other_province_village)
    f.make_member(far_team, full_name="Xa Lắm", user=far_user)
    visit = record(far_user, world.other_household, [checked(world.other_resident)])
    login(client, world, "team_member")
    assert client.get(reverse("outreach:visit", args=[visit.uuid])).status_code == 404
    assert client.get(reverse("outreach:visit_edit", args=[visit.uuid])).status_code == 404
    assert "AL-001" not in client.get(reverse("outreach:visits")).content.decode()


def test_team_pages_of_other_teams_are_404_and_members_cannot_assign(client, world):
    far_team = f.make_team(world.other_province_village)
    login(client, world, "commune_officer")
    assert client.get(reverse("outreach:team_progress", args=[far_team.pk])).status_code == 404
    login(client, world, "team_member")
    assert client.get(reverse("outreach:team_assignments", args=[world.team.pk])).status_code == 403


def test_the_leader_assigns_households_in_bulk_on_the_page(client, world, member, households):
    made = households(3)
    login(client, world, "team_leader")
    url = reverse("outreach:team_assignments", args=[world.team.pk])
    page = client.get(url, {"unassigned": "1"}).content.decode()
    assert all(h.household_key in page for h in made)
    response = client.post(url, {"action": "add", "member": member.pk, "households": [h.pk for h in made[:2]]})
    assert response.status_code == 302
    assert set(Assignment.objects.values_list("household_id", flat=True)) == {made[0].pk, made[1].pk}
    page = client.get(url).content.decode()
    assert "Trần Thu Hà" in page and "2 households" in page
    client.post(url, {"action": "clear", "households": [made[0].pk]})
    assert Assignment.objects.count() == 1


def test_the_assignment_page_reports_a_household_of_another_village(client, world, member):
    elsewhere = f.make_household(world.village2)
    login(client, world, "team_leader")
    response = client.post(reverse("outreach:team_assignments", args=[world.team.pk]),
                           {"action": "add", "member": member.pk, "households": [elsewhere.pk]})
    assert response.status_code == 200 and "outside the team" in response.content.decode()
    assert not Assignment.objects.exists()


def test_correcting_and_deleting_a_visit_on_the_pages(client, world, items):
    user = world.users["team_member"]
    visit = record(user, world.household, [checked(world.resident, outcome(items["vneid"]))])
    login(client, world, "team_member")
    edit = client.get(reverse("outreach:visit_edit", args=[visit.uuid]))
    assert edit.status_code == 200 and 'value="done" selected' in edit.content.decode()
    response = client.post(reverse("outreach:visit_edit", args=[visit.uuid]), {
        "visited_on": visit.visited_on.isoformat(), "members": [user.member.pk], "residents": [world.resident.pk],
        f"r{world.resident.pk}_i{items['vneid'].pk}": "partly", "reason": "typo",
    })
    assert response.status_code == 302
    assert VisitRevision.objects.get(visit=visit).reason == "typo"
    detail = client.get(reverse("outreach:visit", args=[visit.uuid])).content.decode()
    assert "typo" in detail and "vneid=done" in detail
    client.post(reverse("outreach:visit_delete", args=[visit.uuid]), {"reason": "duplicate"})
    visit.refresh_from_db()
    assert visit.deleted_at is not None and visit.delete_reason == "duplicate"


def test_another_member_cannot_open_the_correction_page(client, world, items, leader):
    visit = record(world.users["team_leader"], world.household, [checked(world.resident)], members=[leader.pk])
    login(client, world, "team_member")
    assert client.get(reverse("outreach:visit_edit", args=[visit.uuid])).status_code == 403


def test_the_session_form_finds_residents_without_accents_and_saves(client, world, items, member):
    login(client, world, "team_member")
    url = reverse("outreach:team_session_new", args=[world.team.pk])
    form_id = str(uuid.uuid4())
    base = {"uuid": form_id, "held_on": timezone.localdate().isoformat(), "place": "Nhà văn hoá",
            "topics": [items["scams"].pk], "members": [member.pk], "unregistered_count": "3"}
    found = client.post(url, {**base, "action": "search", "q": "nguyen van truong"})
    assert found.status_code == 200 and "Nguyễn Văn Trường" in found.content.decode()
    saved = client.post(url, {**base, "action": "save", "attendees": [world.resident.pk]})
    session = CommunitySession.objects.get()
    assert saved.status_code == 302 and list(session.attendees.all()) == [world.resident]
    assert "Nhà văn hoá" in client.get(reverse("outreach:sessions")).content.decode()


def test_national_admins_add_and_retire_catalogue_items_on_the_page(client, world, items):
    login(client, world, "national_admin")
    response = client.post(reverse("outreach:item_new"), {"code": "fibre", "name_vi": "Cáp quang",
                                                         "indicators": ["internet"]})
    assert response.status_code == 302 and ServiceItem.objects.filter(code="fibre").exists()
    client.post(reverse("outreach:item_retire", args=[items["ecommerce"].pk]))
    assert not ServiceItem.objects.get(code="ecommerce").is_active
    login(client, world, "team_member")
    body = client.get(reverse("outreach:catalogue")).content.decode()
    assert "Cáp quang" in body and "Mua bán trực tuyến" not in body
    assert client.get(reverse("outreach:item_new")).status_code == 403
