"""Assign households to team members (team leaders and officers only)."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from gocua.accounts.models import AuditEvent
from gocua.accounts.services import audit_record
from gocua.errors import DomainError, Forbidden
from gocua.households.models import Assignment, Household
from gocua.outreach import rules
from gocua.teams.models import Member, Team


def _require_manager(actor, team: Team) -> None:
    if not rules.can_manage_assignments(actor, team):
        raise Forbidden("forbidden", _("Only the team leader or an officer can assign households."))


def _check_members(team: Team, members: list[Member]) -> None:
    for member in members:
        if member.team_id != team.pk or member.left_on is not None:
            raise DomainError(
                "member_not_in_team", _("%(name)s is not a current member of this team.") % {"name": member.full_name},
                field="member",
            )


def _check_households(team: Team, households: list[Household]) -> None:
    if not households:
        raise DomainError("no_households", _("Select at least one household."), field="households")
    for household in households:
        if not rules.team_covers(team, household):
            raise DomainError(
                "team_area", _("Household %(key)s is outside the team's area.") % {"key": household.household_key},
                field="households",
            )


def assignment_set(*, actor, team: Team, household: Household, members: list[Member]) -> list[Assignment]:
    """Make `members` exactly the team members who cover `household` (none: unassigned)."""
    _require_manager(actor, team)
    _check_households(team, [household])
    _check_members(team, members)
    wanted = {m.pk for m in members}
    with transaction.atomic():
        removed, _detail = (
            Assignment.objects.filter(household=household, member__team=team).exclude(member_id__in=wanted).delete()
        )
        have = set(Assignment.objects.filter(household=household, member_id__in=wanted).values_list("member_id", flat=True))
        Assignment.objects.bulk_create(
            [Assignment(household=household, member_id=pk, assigned_by=actor) for pk in wanted - have]
        )
        if removed or wanted - have:
            audit_record(actor=actor, action=AuditEvent.Action.ASSIGNMENT_SET, obj=household,
                         detail={"team": team.pk, "members": sorted(wanted), "households": 1,
                                 "added": len(wanted - have), "removed": removed})
    return list(Assignment.objects.filter(household=household, member__team=team).select_related("member"))


def assignment_bulk(
    *, actor, team: Team, households: list[Household], member: Member, replace: bool = False
) -> int:
    """Assign every household in `households` to `member`; with `replace`, they become its only member.

    Return the number of new assignments.
    """
    _require_manager(actor, team)
    _check_households(team, households)
    _check_members(team, [member])
    ids = [h.pk for h in households]
    with transaction.atomic():
        removed = 0
        if replace:
            removed, _detail = (
                Assignment.objects.filter(household_id__in=ids, member__team=team).exclude(member=member).delete()
            )
        have = set(Assignment.objects.filter(household_id__in=ids, member=member).values_list("household_id", flat=True))
        new = [Assignment(household_id=pk, member=member, assigned_by=actor) for pk in ids if pk not in have]
        Assignment.objects.bulk_create(new)
        if not (new or removed):
            return 0  # nothing changed: nothing to record (a second run of the demo writes no event)
        audit_record(actor=actor, action=AuditEvent.Action.ASSIGNMENT_SET, obj=team,
                     detail={"team": team.pk, "members": [member.pk], "households": len(ids), "added": len(new),
                             "replace": replace})
    return len(new)


def assignment_remove(*, actor, team: Team, households: list[Household], member: Member | None = None) -> int:
    """Take `member` (or, with None, every team member) off these households; return how many were removed."""
    _require_manager(actor, team)
    _check_households(team, households)
    rows = Assignment.objects.filter(household_id__in=[h.pk for h in households], member__team=team)
    if member is not None:
        # A member who has left may still hold households: removing them must stay possible.
        if member.team_id != team.pk:
            raise DomainError("member_not_in_team", _("This person is not a member of this team."), field="member")
        rows = rows.filter(member=member)
    with transaction.atomic():
        removed, _detail = rows.delete()
        audit_record(actor=actor, action=AuditEvent.Action.ASSIGNMENT_REMOVED, obj=team,
                     detail={"team": team.pk, "members": [member.pk] if member else [], "households": len(households),
                             "removed": removed})
    return removed
