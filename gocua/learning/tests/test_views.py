import datetime as dt

import pytest

from gocua import testing as f
from gocua.learning import stats
from gocua.learning.models import Assessment, Enrolment
from gocua.learning.services import assessment_record, enrolment_save, framework_load
from gocua.learning.tests.helpers import SHIPPED, all_yes

pytestmark = pytest.mark.django_db


@pytest.fixture
def v1(world):
    return framework_load(actor=None, data=SHIPPED.read_bytes())[0]


def test_a_member_assesses_a_resident_through_the_web_form(world, v1):
    client = f.logged_in(world.users["team_member"])
    page = client.get(f"/learning/residents/{world.resident.pk}/assess/")
    assert page.status_code == 200 and "Sử dụng thiết bị và phần mềm trên thiết bị" in page.text
    ticks = {f"q_{code}": "on" for code in all_yes(v1)}
    answer = client.post(f"/learning/residents/{world.resident.pk}/assess/",
                         {"assessed_on": f.today().strftime("%d/%m/%Y"), **ticks})
    assert answer.status_code == 302
    assessment = Assessment.objects.get()
    assert assessment.passed and assessment.recorded_by == world.users["team_member"]
    shown = client.get(f"/learning/residents/{world.resident.pk}/")
    assert "version 2025.1" in shown.text and "(2/2)" in shown.text
    assert stats.counts(["09784"])["09784"]["skills_passed"] == 1


def test_the_dashboard_shows_the_skills_and_course_counts(world, v1):
    assessment_record(actor=world.users["team_member"], resident=world.resident, answers=all_yes(v1))
    enrolment_save(actor=world.users["team_member"], resident=world.resident, data={
        "course": "Kỹ năng số cơ bản", "status": "completed", "completed_on": dt.date(2025, 6, 1),
        "certificate_number": "BDHVS-000123", "certificate_on": dt.date(2025, 6, 2)})
    for user, code in (("commune_officer", "09784"), ("province_officer", "01"), ("national_admin", "VN")):
        page = f.logged_in(world.users[user]).get(f"/dashboards/{code}/")
        assert page.status_code == 200
        block = page.text.split('id="learning-counts"')[1].split("</div>\n</div>")[0]
        assert '<div class="stat" data-key="skills_passed"><b>1</b>' in block
        assert '<div class="stat" data-key="certified"><b>1</b>' in block


def test_a_bad_date_is_a_400_with_the_message_and_nothing_recorded(world, v1):
    client = f.logged_in(world.users["team_member"])
    future = (f.today() + dt.timedelta(days=3)).isoformat()
    for value in ("32/13/2025", future):
        answer = client.post(f"/learning/residents/{world.resident.pk}/assess/", {"assessed_on": value})
        assert answer.status_code == 400
    assert "future" in answer.text
    assert not Assessment.objects.exists()


def test_a_resident_outside_the_area_is_a_404_and_a_province_analyst_cannot_import(world, v1):
    client = f.logged_in(world.users["team_member"])
    for url in (f"/learning/residents/{world.other_resident.pk}/", f"/learning/residents/{world.other_resident.pk}/assess/",
                f"/learning/residents/{world.other_resident.pk}/course/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/learning/residents/{world.other_resident.pk}/assess/", {}).status_code == 404
    assert client.get("/learning/import/").status_code == 403  # members do not import
    assert f.logged_in(world.users["commune_officer"]).get("/learning/import/").status_code == 200


def test_a_course_with_a_certificate_but_not_completed_is_refused_in_place(world, v1):
    client = f.logged_in(world.users["team_member"])
    answer = client.post(f"/learning/residents/{world.resident.pk}/course/", {
        "course": "Kỹ năng số cơ bản", "status": "enrolled", "certificate_number": "BDHVS-1",
        "certificate_on": "2025-06-02"})
    assert answer.status_code == 400 and "completed" in answer.text
    assert not Enrolment.objects.exists()


def test_a_leader_records_a_members_own_training_and_the_team_page_shows_it(world, v1):
    leader = f.logged_in(world.users["team_leader"])
    member = world.team.members.get(full_name="Trần Thu Hà")
    answer = leader.post(f"/learning/members/{member.pk}/course/", {
        "course": "Bồi dưỡng tổ công nghệ số cộng đồng", "status": "completed", "completed_on": "2025-05-20",
        "certificate_number": "CNSCĐ-77", "certificate_on": "2025-05-21"})
    assert answer.status_code == 302
    page = leader.get(f"/teams/{world.team.pk}/")
    assert "Bồi dưỡng tổ công nghệ số cộng đồng" in page.text and "CNSCĐ-77" in page.text
    assert stats.counts(["09784"])["09784"]["member_certified"] == 1
    other = f.make_member(f.make_team(world.other_province_village), full_name="Lê Văn Nam")
    assert leader.get(f"/learning/members/{other.pk}/course/").status_code == 404
    assert stats.differences() == []
