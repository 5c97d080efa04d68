"""Scoped reads of the learning app: framework versions, a resident's assessments, counts per unit."""

from django.db.models import Prefetch

from gocua.accounts.scope import scoped
from gocua.errors import CommonErrorCode, NotFound
from gocua.households.models import Resident
from gocua.learning import stats
from gocua.learning.models import Assessment, Enrolment, Framework, GroupResult
from gocua.teams.models import Member


def _pk(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound(CommonErrorCode.NOT_FOUND) from None


def resident_for(user, resident_id) -> Resident:
    """Return a resident `user` may see, or raise NotFound (an id outside the area is unknown)."""
    found = scoped(user, Resident.objects.select_related("household")).filter(pk=_pk(resident_id)).first()
    if found is None:
        raise NotFound(CommonErrorCode.NOT_FOUND)
    return found


def member_for(user, member_id) -> Member:
    found = scoped(user, Member.objects.select_related("team"), via="team__").filter(pk=_pk(member_id)).first()
    if found is None:
        raise NotFound(CommonErrorCode.NOT_FOUND)
    return found


def frameworks() -> list[Framework]:
    """Return every loaded version, the current (last loaded) first, with their groups."""
    return list(Framework.objects.order_by("-loaded_at", "-id").prefetch_related("groups"))


def current_framework_or_none() -> Framework | None:
    return Framework.objects.order_by("-loaded_at", "-id").first()


def framework_payload(framework: Framework | None) -> dict | None:
    """Return what the offline app needs to assess against `framework` (groups, questions, pass marks)."""
    if framework is None:
        return None
    return {
        "code": framework.code, "version": framework.version, "title": framework.title,
        "groups": [
            {"code": g.code, "title": g.title, "pass_min": g.pass_min,
             "questions": [{"code": q["code"], "text": q["text"]} for q in g.questions]}
            for g in framework.groups.all()
        ],
        "required_groups": framework.pass_rule.get("required_groups", "all"),
    }


def assessments_of(resident: Resident) -> list[Assessment]:
    """Return the resident's assessments, newest first, each with its results under its own framework version."""
    results = GroupResult.objects.select_related("group").order_by("group__position")
    return list(
        Assessment.objects.filter(resident=resident).select_related("framework", "member")
        .prefetch_related(Prefetch("results", queryset=results))
    )


def enrolments_of(*, resident: Resident | None = None, member: Member | None = None) -> list[Enrolment]:
    person = {"resident": resident} if resident is not None else {"member": member}
    return list(Enrolment.objects.filter(**person))


def enrolments_of_members(members) -> dict[int, list[Enrolment]]:
    """Return {member id: their courses} for a team page, one query."""
    found: dict[int, list[Enrolment]] = {}
    for row in Enrolment.objects.filter(member__in=list(members)):
        found.setdefault(row.member_id, []).append(row)
    return found


def unit_counts(codes) -> dict[str, dict]:
    """Return the learning counters of each unit code (see stats.counts)."""
    return stats.counts(codes)


def report_section(unit, period) -> dict:
    """Return the learning figures of `unit` for the monthly report (counters as they stand now).

    `period` is accepted for the report's section registry; the counters are current totals, the
    figures of a closed period are frozen by the report itself when it is accepted.
    """
    values = stats.counts([unit.code]).get(unit.code, {})
    assessed = values.get("assessed", 0)
    return {
        "title": "Bình dân học vụ số",
        "residents_assessed": assessed,
        "residents_passed_framework": values.get("skills_passed", 0),
        "passed_percent": round(100 * values.get("skills_passed", 0) / assessed, 1) if assessed else None,
        "course_enrolments": values.get("enrolments", 0),
        "courses_completed": values.get("completed", 0),
        "certificates": values.get("certified", 0),
        "member_courses": values.get("member_enrolments", 0),
        "member_certificates": values.get("member_certified", 0),
    }
