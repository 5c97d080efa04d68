import datetime as dt

import pytest
from django.core.management import call_command

from gocua import testing as f
from gocua.errors import DomainError, Forbidden
from gocua.learning import selectors, stats
from gocua.learning.models import Assessment, Framework
from gocua.learning.services import assessment_record, framework_load
from gocua.learning.tests.helpers import SHIPPED, all_yes, as_bytes, revision

pytestmark = pytest.mark.django_db


@pytest.fixture
def v1(world):
    return framework_load(actor=None, data=SHIPPED.read_bytes())[0]


def _counts(code):
    return stats.counts([code])[code]


def test_a_member_records_an_assessment_and_the_result_per_group_is_kept(world, v1):
    member = world.users["team_member"]
    answers = all_yes(v1) | {"3.a": False, "3.b": False}  # group 3 (safety) not shown
    assessment = assessment_record(actor=member, resident=world.resident, answers=answers, assessed_on=f.today())
    assert assessment.passed is False and assessment.framework == v1 and assessment.member.full_name == "Trần Thu Hà"
    results = {r.group.code: (r.shown, r.asked, r.passed) for r in assessment.results.all()}
    assert results["0"] == (2, 2, True) and results["3"] == (0, 2, False)
    assert _counts(world.village.code)["assessed"] == _counts("09784")["assessed"] == 1
    assert _counts("09784")["skills_passed"] == 0


def test_a_later_assessment_replaces_the_counted_one_and_an_older_one_does_not(world, v1):
    actor = world.users["team_member"]
    assessment_record(actor=actor, resident=world.resident, answers={}, assessed_on=f.today() - dt.timedelta(days=10))
    assessment_record(actor=actor, resident=world.resident, answers=all_yes(v1), assessed_on=f.today())
    assert (_counts("09784")["assessed"], _counts("09784")["skills_passed"]) == (1, 1)
    late_entry = assessment_record(actor=actor, resident=world.resident, answers={},
                                   assessed_on=f.today() - dt.timedelta(days=30))
    assert late_entry.is_latest is False
    assert (_counts("01")["assessed"], _counts("01")["skills_passed"]) == (1, 1)  # province: summed on read
    assert (_counts("VN")["assessed"], _counts("VN")["skills_passed"]) == (1, 1)
    assert Assessment.objects.filter(resident=world.resident).count() == 3
    assert stats.differences() == []


def test_a_framework_revision_keeps_old_assessments_readable_under_the_old_version(world, v1):
    actor = world.users["team_member"]
    old = assessment_record(actor=actor, resident=world.resident, answers=all_yes(v1), assessed_on=f.today())
    v2 = framework_load(actor=None, data=as_bytes(revision()))[0]
    new = assessment_record(actor=actor, resident=world.resident, answers={"0.a": True}, assessed_on=f.today())
    assert new.framework == v2 and Framework.objects.count() == 2
    shown = {a.pk: a for a in selectors.assessments_of(world.resident)}
    old_groups = [(r.group.code, r.group.title) for r in shown[old.pk].results.all()]
    assert old.framework.version == "2025.1" and len(old_groups) == 6
    assert old_groups[5] == ("5", "Thanh toán và mua bán trực tuyến")  # the old title, not the revision's
    assert [r.group.code for r in shown[new.pk].results.all()] == ["0", "1", "2", "3", "4", "5", "6"]
    assert shown[old.pk].passed is True and shown[new.pk].passed is False
    assert _counts("09784")["skills_passed"] == 0 and stats.differences() == []


def test_an_answer_to_a_question_of_another_version_is_refused(world, v1):
    with pytest.raises(DomainError) as caught:
        assessment_record(actor=world.users["team_member"], resident=world.resident, answers={"9.z": True})
    assert caught.value.code == "answer_unknown"
    assert not Assessment.objects.exists() and _counts("09784")["assessed"] == 0


def test_a_future_date_is_refused(world, v1):
    with pytest.raises(DomainError, match="future"):
        assessment_record(actor=world.users["team_member"], resident=world.resident, answers={},
                          assessed_on=f.today() + dt.timedelta(days=1))


def test_a_resident_outside_the_area_cannot_be_assessed(world, v1):
    with pytest.raises(Forbidden):
        assessment_record(actor=world.users["team_member"], resident=world.other_resident, answers={})
    assert not Assessment.objects.exists()


def test_without_a_framework_loaded_the_member_is_told(world):
    with pytest.raises(DomainError) as caught:
        assessment_record(actor=world.users["team_member"], resident=world.resident, answers={})
    assert caught.value.code == "framework_missing"


def test_counts_stay_per_unit_and_the_check_command_is_exact(world, v1, capsys):
    h2 = f.make_household(world.village2, "TH-001")
    r2 = f.make_resident(h2, full_name="Phạm Thị Lan", gender="female", birth_year=1975)
    officer = world.users["commune_officer"]
    assessment_record(actor=officer, resident=r2, answers=all_yes(v1))
    assessment_record(actor=world.users["national_admin"], resident=world.other_resident, answers=all_yes(v1))
    assert _counts(world.village2.code)["skills_passed"] == 1 and _counts(world.village.code)["skills_passed"] == 0
    assert _counts("09784")["skills_passed"] == 1 and _counts("19774")["skills_passed"] == 1
    assert _counts("VN")["skills_passed"] == 2
    call_command("check_learning")
    assert "exact" in capsys.readouterr().out


def test_the_report_section_gives_the_units_figures_summed_above_the_commune(world, v1):
    assessment_record(actor=world.users["team_member"], resident=world.resident, answers=all_yes(v1))
    h2 = f.make_household(world.village2, "TH-009")
    assessment_record(actor=world.users["commune_officer"], answers={},
                      resident=f.make_resident(h2, full_name="Vũ Thị Bình", gender="female", birth_year=1950))
    section = selectors.report_section(f.unit("01"), None)
    assert (section["residents_assessed"], section["residents_passed_framework"], section["passed_percent"]) == (
        2, 1, 50.0)
    assert selectors.report_section(world.village2, None)["residents_passed_framework"] == 0


def test_the_audit_log_reads_an_assessment_as_a_sentence(world, v1):
    from gocua.accounts.audit_text import audit_rows
    from gocua.accounts.models import AuditEvent

    assessment_record(actor=world.users["team_member"], resident=world.resident, answers=all_yes(v1))
    event = AuditEvent.objects.select_related("actor").get(action="skills_assessed")
    assert "digital-skills assessment" in audit_rows([event])[0].line
    assert "Trường" not in str(event.detail)


def test_a_uuid_used_twice_is_a_conflict_and_the_counters_do_not_move(world, v1):
    import uuid

    from gocua.errors import Conflict

    uid = uuid.uuid4()
    assessment_record(actor=world.users["team_member"], resident=world.resident, answers=all_yes(v1), uuid=uid)
    with pytest.raises(Conflict) as caught:
        assessment_record(actor=world.users["team_member"], resident=world.resident, answers={}, uuid=uid)
    assert caught.value.code == "uuid_taken"
    assert (_counts("09784")["assessed"], _counts("09784")["skills_passed"]) == (1, 1)
    assert Assessment.objects.get().is_latest and stats.differences() == []
