import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from gocua import testing as f
from gocua.households.digital import Tri
from gocua.households.models import IndicatorChange
from gocua.outreach.models import Visit, VisitOutcome
from gocua.outreach.services.assignments import assignment_bulk

PHONE = {"HTTP_USER_AGENT": "Mozilla/5.0 (Linux; Android 10; SM-A105F) Mobile", "HTTP_VIEWPORT_WIDTH": "360"}
NEW = reverse("outreach:visit_new")


@pytest.fixture
def member_client(client, world):
    client.force_login(world.users["team_member"])
    return client


@pytest.fixture
def wife(world):
    return f.make_resident(world.household, full_name="Phạm Thị Lan", gender="female", relation="wife",
                           birth_year=1983)


def _step1(client, world, **extra):
    data = {"step": "1", "uuid": str(uuid.uuid4()), "household": world.household.pk,
            "visited_on": timezone.localdate().isoformat(), "members": [world.users["team_member"].member.pk]}
    data.update(extra)
    return client.post(NEW, data, **PHONE), data


def _carried(response) -> dict:
    """Return the hidden fields a step page carries to the next one."""
    html = response.content.decode()
    fields = {}
    for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html):
        fields.setdefault(name, []).append(value)
    fields.pop("csrfmiddlewaretoken", None)
    return fields


def test_a_member_records_a_visit_in_three_screens_on_a_phone(member_client, world, items, wife):
    assignment_bulk(actor=world.users["team_leader"], team=world.team, households=[world.household],
                    member=world.users["team_member"].member)
    first = member_client.get(NEW, **PHONE)
    assert first.status_code == 200
    assert 'name="viewport" content="width=device-width' in first.content.decode()
    assert "TT-001" in first.content.decode()  # the member's household is offered
    step2, _ = _step1(member_client, world)
    assert step2.status_code == 200 and "Phạm Thị Lan" in step2.content.decode()
    data = {**_carried(step2), "step": "2", "residents": [world.resident.pk, wife.pk]}
    step3 = member_client.post(NEW, data, **PHONE)
    body = step3.content.decode()
    assert step3.status_code == 200 and f'name="r{wife.pk}_i{items["vneid"].pk}"' in body
    data = {**_carried(step3), "step": "3",
            f"r{wife.pk}_i{items['vneid'].pk}": "done",
            f"r{wife.pk}_i{items['payment'].pk}": "follow_up",
            f"r{wife.pk}_follow_up": timezone.localdate().isoformat(),
            f"r{world.resident.pk}_i{items['scams'].pk}": "refused"}
    saved = member_client.post(NEW, data, **PHONE)
    visit = Visit.objects.get()
    assert saved.status_code == 302 and saved.url == reverse("outreach:visit", args=[visit.uuid])
    wife.refresh_from_db()
    assert wife.vneid_level2 == Tri.YES and wife.payment_account == Tri.UNKNOWN
    assert IndicatorChange.objects.filter(resident=wife, source="visit", source_ref=str(visit.uuid)).count() == 1
    assert {(o.visit_resident.resident_id, o.outcome) for o in VisitOutcome.objects.select_related("visit_resident")} \
        == {(wife.pk, "done"), (wife.pk, "follow_up"), (world.resident.pk, "refused")}
    assert visit.follow_up_on == timezone.localdate()
    page = member_client.get(saved.url)
    assert "Phạm Thị Lan" in page.content.decode()


def test_submitting_the_last_screen_twice_records_one_visit(member_client, world, items):
    step2, _ = _step1(member_client, world)
    step3 = member_client.post(NEW, {**_carried(step2), "step": "2", "residents": [world.resident.pk]})
    data = {**_carried(step3), "step": "3", f"r{world.resident.pk}_i{items['smartphone'].pk}": "done"}
    member_client.post(NEW, data)
    again = member_client.post(NEW, data, follow=True)
    assert Visit.objects.count() == 1 and VisitOutcome.objects.count() == 1
    assert "already saved" in again.content.decode()


def test_a_foreign_household_gives_403(member_client, world):
    response, _ = _step1(member_client, world, household=world.other_household.pk)
    assert response.status_code == 403
    assert not Visit.objects.exists()


def test_a_future_date_is_shown_on_the_first_screen(member_client, world):
    tomorrow = (timezone.localdate() + timezone.timedelta(days=1)).isoformat()
    response, _ = _step1(member_client, world, visited_on=tomorrow)
    assert response.status_code == 200 and "cannot be in the future" in response.content.decode()


def test_no_resident_ticked_stays_on_the_second_screen(member_client, world):
    step2, _ = _step1(member_client, world)
    response = member_client.post(NEW, {**_carried(step2), "step": "2"})
    assert response.status_code == 200 and "Tick at least one resident" in response.content.decode()


def test_a_resident_of_another_household_is_refused_in_place(member_client, world, items):
    stranger = f.make_resident(f.make_household(world.village), full_name="Người Lạ")
    step2, _ = _step1(member_client, world)
    data = {**_carried(step2), "step": "3", "residents": [stranger.pk]}
    response = member_client.post(NEW, data)
    assert response.status_code == 200 and not Visit.objects.exists()


def test_the_work_list_button_starts_a_visit_on_the_residents_screen(member_client, world):
    assignment_bulk(actor=world.users["team_leader"], team=world.team, households=[world.household],
                    member=world.users["team_member"].member)
    page = member_client.get(reverse("outreach:work"))
    assert "TT-001" in page.content.decode()
    response = member_client.post(NEW, {"step": "1", "uuid": "", "household": world.household.pk,
                                        "visited_on": timezone.localdate().isoformat(),
                                        "members": [world.users["team_member"].member.pk]})
    carried = _carried(response)
    assert response.status_code == 200 and uuid.UUID(carried["uuid"][0])
    assert "Nguyễn Văn Trường" in response.content.decode()


def test_a_paper_list_entered_by_a_team_mate_shows_on_behalf(client, world, items):
    elder = f.make_member(world.team, full_name="Cụ Đỗ Văn Lão")
    client.force_login(world.users["team_leader"])
    step2, _ = _step1(client, world, members=[elder.pk], from_paper="1")
    step3 = client.post(NEW, {**_carried(step2), "step": "2", "residents": [world.resident.pk]})
    saved = client.post(NEW, {**_carried(step3), "step": "3"}, follow=True)
    visit = Visit.objects.get()
    assert visit.from_paper and visit.entered_by == world.users["team_leader"]
    assert list(visit.members.all()) == [elder]
    assert "on behalf of" in saved.content.decode()
