"""Assessments made offline: downloaded framework, uploaded through POST /api/v1/sync as "assessment" records."""

import uuid

import pytest

from gocua import testing as f
from gocua.field.tests.conftest import DeviceClient, issue, record
from gocua.learning import stats
from gocua.learning.models import Assessment
from gocua.learning.services import framework_load
from gocua.learning.tests.helpers import SHIPPED, all_yes, as_bytes, revision

pytestmark = pytest.mark.django_db


@pytest.fixture
def v1(world):
    return framework_load(actor=None, data=SHIPPED.read_bytes())[0]


@pytest.fixture
def phone(world):
    return DeviceClient(issue(world.users["team_member"]).secret)


def _assessment(resident_uuid, answers, version="2025.1", on=None):
    on = on or f.today().isoformat()
    return {"resident": str(resident_uuid), "assessed_on": on, "framework": version, "answers": answers}


def test_the_download_carries_the_framework_in_use(world, v1, phone):
    answer = phone.get("/sync")
    assert answer.status_code == 200
    framework = answer.json()["skills_framework"]
    assert framework["version"] == "2025.1" and [g["code"] for g in framework["groups"]][:2] == ["0", "1"]
    assert framework["groups"][0]["questions"][0]["text"].startswith("Tự mở khóa điện thoại")


def test_an_assessment_made_offline_is_recorded_once_and_counted(world, v1, phone):
    uid = uuid.uuid4()
    rec = record("assessment", _assessment(world.resident.uuid, all_yes(v1)), uid)
    first = phone.sync(rec)
    assert first["results"][0]["status"] == "created"
    assessment = Assessment.objects.get(uuid=uid)
    assert assessment.passed and assessment.member.full_name == "Trần Thu Hà"
    assert phone.sync(rec)["results"][0]["status"] == "duplicate"
    assert Assessment.objects.count() == 1
    assert stats.counts(["09784"])["09784"]["skills_passed"] == 1 and stats.differences() == []


def test_an_assessment_queued_before_a_revision_is_kept_under_its_old_version(world, v1, phone):
    framework_load(actor=None, data=as_bytes(revision()))  # the revision arrives while the phone is offline
    phone.sync(record("assessment", _assessment(world.resident.uuid, all_yes(v1))))
    assert Assessment.objects.get().framework.version == "2025.1"


def test_bad_assessment_records_are_refused_one_by_one(world, v1, phone):
    answers = phone.sync(
        record("assessment", _assessment(world.other_resident.uuid, {})),  # outside the area
        record("assessment", _assessment(world.resident.uuid, {}, version="1999.9")),
        record("assessment", _assessment(world.resident.uuid, {"9.z": True})),
        record("assessment", _assessment(world.resident.uuid, {}, on="2999-01-01")),
        record("assessment", {"resident": "không-phải-uuid", "assessed_on": f.today().isoformat(), "framework": "2025.1"}),
    )["results"]
    assert [r["status"] for r in answers] == ["rejected"] * 5
    assert [r["code"] for r in answers][1:4] == ["framework_unknown", "answer_unknown", "assessment_date_future"]
    assert answers[0]["code"] in ("out_of_scope", "forbidden")
    assert not Assessment.objects.exists()
