"""Every write of the learning app: framework versions, assessments, course participations."""

import datetime as dt
import uuid as uuid_lib

from django.db import IntegrityError, transaction
from django.utils import timezone

from gocua.accounts.models import Role
from gocua.accounts.permissions import can_edit_registry, can_manage_team
from gocua.accounts.services import audit_record
from gocua.errors import CommonErrorCode, Conflict, DomainError, Forbidden
from gocua.households.models import Resident
from gocua.learning import framework as framework_file
from gocua.learning import stats
from gocua.learning.errors import LearningErrorCode
from gocua.learning.models import Assessment, Enrolment, Framework, GroupResult, SkillGroup
from gocua.lib.text import fold
from gocua.teams.models import Member

# --- the framework ------------------------------------------------------------------------------


def framework_load(*, actor, data: bytes) -> tuple[Framework, bool]:
    """Load a framework file as a new version; return (framework, created). The same file again changes nothing.

    A version already loaded with other content is refused: a revision is a new version, and the
    assessments made under the old one keep pointing at it.
    """
    if actor is not None and getattr(actor, "role", None) != Role.NATIONAL_ADMIN:
        raise Forbidden(CommonErrorCode.FORBIDDEN)
    parsed = framework_file.parse(data)
    content = parsed.content
    existing = Framework.objects.filter(code=content["code"], version=content["version"]).first()
    if existing is not None:
        if existing.digest != parsed.digest:
            raise Conflict(LearningErrorCode.FRAMEWORK_VERSION_CHANGED,
                           LearningErrorCode.FRAMEWORK_VERSION_CHANGED.message % {"version": content["version"]})
        return existing, False
    share = content["pass_rule"]["group_pass_share"]
    with transaction.atomic():
        framework = Framework.objects.create(
            code=content["code"], version=content["version"], title=content["title"],
            document=content.get("document", {}), pass_rule=content["pass_rule"], content=content,
            digest=parsed.digest, loaded_by=actor,
        )
        SkillGroup.objects.bulk_create([
            SkillGroup(
                framework=framework, code=g["code"], position=i, title=g["title"], source=g["source"],
                provisional=g["provisional"], skills=g["skills"], questions=g["questions"],
                pass_min=int(g.get("pass_min") or framework_file.pass_min(share, len(g["questions"]))),
            )
            for i, g in enumerate(content["groups"], start=1)
        ])
        audit_record(actor=actor, action="framework_loaded", obj=framework,
                     detail={"code": framework.code, "version": framework.version, "groups": len(content["groups"])})
    return framework, True


def current_framework() -> Framework:
    """Return the framework version assessments are made against now: the last one loaded."""
    framework = Framework.objects.order_by("-loaded_at", "-id").first()
    if framework is None:
        raise DomainError(LearningErrorCode.FRAMEWORK_MISSING)
    return framework


# --- assessments -----------------------------------------------------------------------------------


def _score(framework: Framework, answers: dict) -> tuple[list[tuple[SkillGroup, int, int, bool]], bool, dict]:
    groups = list(framework.groups.all())
    known = {q["code"] for g in groups for q in g.questions}
    if not isinstance(answers, dict) or set(answers) - known:
        raise DomainError(LearningErrorCode.ANSWER_UNKNOWN, field="answers")
    clean = {code: bool(answers.get(code)) for code in sorted(known)}
    rows = []
    for group in groups:
        codes = [q["code"] for q in group.questions]
        shown = sum(clean[c] for c in codes)
        rows.append((group, shown, len(codes), shown >= group.pass_min))
    required = framework.pass_rule.get("required_groups", "all")
    needed = [r for r in rows if required == "all" or r[0].code in required]
    return rows, all(r[3] for r in needed), clean


def assessment_record(*, actor, resident: Resident, answers: dict, assessed_on: dt.date | None = None,
                      framework: Framework | None = None, member: Member | None = None,
                      uuid: uuid_lib.UUID | None = None) -> Assessment:
    """Record a resident's assessment against `framework` (default: the current one) and keep the counters exact."""
    if not can_edit_registry(actor, resident):
        raise Forbidden(CommonErrorCode.FORBIDDEN)
    if resident.status != Resident.Status.LIVING:
        raise DomainError(LearningErrorCode.RESIDENT_NOT_LIVING, field="resident")
    assessed_on = assessed_on or timezone.localdate()
    if assessed_on > timezone.localdate():
        raise DomainError(LearningErrorCode.ASSESSMENT_DATE_FUTURE, field="assessed_on")
    framework = framework or current_framework()
    rows, passed, clean = _score(framework, answers)
    if member is None:
        member = getattr(actor, "member", None)
    with transaction.atomic():
        previous = (Assessment.objects.select_for_update().filter(resident=resident, is_latest=True).first())
        newer = previous is not None and previous.assessed_on > assessed_on
        assessment = Assessment(
            uuid=uuid or uuid_lib.uuid4(), resident=resident, framework=framework, assessed_on=assessed_on,
            member=member, passed=passed, is_latest=not newer, answers=clean, recorded_by=actor,
            province_code=resident.province_code, commune_code=resident.commune_code,
            village_code=resident.village_code,
        )
        if not newer:
            if previous is not None:
                Assessment.objects.filter(pk=previous.pk).update(is_latest=False)
                stats.bump(previous.village_code, previous.commune_code,
                           {k: -v for k, v in stats.assessment_contribution(previous.passed).items()})
            stats.bump(resident.village_code, resident.commune_code, stats.assessment_contribution(passed))
        try:
            with transaction.atomic():
                assessment.save()
        except IntegrityError:  # the same UUID again, or another assessment of this resident at this moment
            if Assessment.objects.filter(uuid=assessment.uuid).exists():
                raise Conflict(CommonErrorCode.UUID_TAKEN) from None
            raise Conflict(LearningErrorCode.ASSESSMENT_CONCURRENT) from None
        GroupResult.objects.bulk_create([
            GroupResult(assessment=assessment, group=group, shown=shown, asked=asked, passed=ok)
            for group, shown, asked, ok in rows
        ])
        audit_record(actor=actor, action="skills_assessed", obj=assessment, detail={
            "resident": resident.pk, "framework": f"{framework.code} {framework.version}", "passed": passed,
            "groups_passed": sum(1 for r in rows if r[3]), "groups": len(rows),
        })
    return assessment


# --- courses (Bình dân học vụ số) ------------------------------------------------------------------


def _person_codes(resident: Resident | None, member: Member | None) -> dict:
    if resident is not None:
        return {"province_code": resident.province_code, "commune_code": resident.commune_code,
                "village_code": resident.village_code}
    team = member.team
    return {"province_code": team.province_code, "commune_code": team.commune_code, "village_code": team.village_code}


def enrolment_clean(data: dict) -> dict:
    """Return the course fields checked and normalised (course, status, dates, certificate)."""
    course = " ".join(str(data.get("course") or "").split())
    if not course:
        raise DomainError(LearningErrorCode.COURSE_REQUIRED, field="course")
    if len(course) > 200:
        course = course[:200]
    number = " ".join(str(data.get("certificate_number") or "").split())[:60]
    status = data.get("status") or Enrolment.Status.ENROLLED
    if status not in Enrolment.Status.values:
        raise DomainError(CommonErrorCode.INVALID_INPUT, field="status")
    enrolled_on, completed_on, certificate_on = (data.get(k) for k in ("enrolled_on", "completed_on", "certificate_on"))
    today = timezone.localdate()
    for name, value in (("enrolled_on", enrolled_on), ("completed_on", completed_on), ("certificate_on", certificate_on)):
        if value is not None and value > today:
            raise DomainError(CommonErrorCode.DATE_IN_FUTURE, field=name)
    if number or certificate_on:
        if status != Enrolment.Status.COMPLETED:
            raise DomainError(LearningErrorCode.CERTIFICATE_NEEDS_COMPLETION, field="status")
        if not number:
            raise DomainError(LearningErrorCode.CERTIFICATE_NUMBER_REQUIRED, field="certificate_number")
        if certificate_on is None:
            raise DomainError(LearningErrorCode.CERTIFICATE_DATE_REQUIRED, field="certificate_on")
    if enrolled_on and completed_on and completed_on < enrolled_on:
        raise DomainError(LearningErrorCode.DATES_OUT_OF_ORDER, field="completed_on")
    return {"course": course, "course_folded": fold(course), "status": status, "enrolled_on": enrolled_on,
            "completed_on": completed_on, "certificate_number": number, "certificate_on": certificate_on}


def _may_record(actor, resident: Resident | None, member: Member | None) -> bool:
    if resident is not None:
        return can_edit_registry(actor, resident)
    return can_manage_team(actor, member.team) or getattr(actor, "member", None) == member


def enrolment_save(*, actor, data: dict, resident: Resident | None = None, member: Member | None = None,
                   source: str = Enrolment.Source.MANUAL, audit: bool = True) -> tuple[Enrolment, bool]:
    """Create or update a person's participation in a course (one row per person and course); return (row, created)."""
    if (resident is None) == (member is None):
        raise DomainError(LearningErrorCode.PERSON_REQUIRED, field="person")
    if not _may_record(actor, resident, member):
        raise Forbidden(CommonErrorCode.FORBIDDEN)
    clean = enrolment_clean(data)
    with transaction.atomic():
        person = {"resident": resident} if resident is not None else {"member": member}
        row = Enrolment.objects.select_for_update().filter(course_folded=clean["course_folded"], **person).first()
        before = stats.enrolment_contribution(row)
        created = row is None
        if created:
            row = Enrolment(**person, source=source, recorded_by=actor, **_person_codes(resident, member))
        elif row.status == Enrolment.Status.COMPLETED and clean["status"] == Enrolment.Status.ENROLLED:
            clean["status"] = row.status  # an older export never takes a completion back
            clean["completed_on"] = clean["completed_on"] or row.completed_on
        if not created and not clean["certificate_number"] and row.certificate_number:
            clean["certificate_number"], clean["certificate_on"] = row.certificate_number, row.certificate_on
        for name, value in clean.items():
            if value is not None or created or name not in ("enrolled_on", "completed_on"):
                setattr(row, name, value)
        row.recorded_by = actor
        row.save()
        if not created:  # the codes are the row's own: a moved resident keeps the course where it was taken
            stats.bump(row.village_code, row.commune_code, {k: -v for k, v in before.items()})
        stats.bump(row.village_code, row.commune_code, stats.enrolment_contribution(row))
        if audit:
            audit_record(actor=actor, action="course_recorded", obj=row, detail={
                "person": f"resident {resident.pk}" if resident else f"member {member.pk}", "course": row.course,
                "status": row.status, "certified": bool(row.certificate_number), "created": created,
            })
    return row, created

