"""Who may do what in outreach, on top of the scope rule (accounts.scope)."""

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from gocua.accounts.models import Role
from gocua.accounts.permissions import OFFICERS
from gocua.accounts.scope import in_scope
from gocua.teams.models import Member

# How long the author or the team leader may correct or delete a visit after recording it.
EDIT_WINDOW = dt.timedelta(days=7)


def actor_member(user) -> Member | None:
    """Return the user's current team membership, or None (officers, former members)."""
    member = getattr(user, "member", None)
    if member is None or member.left_on is not None:
        return None
    return member


def team_area_q(team, prefix: str = "") -> Q:
    """Return the filter for rows (households, residents, visits) in the team's village or commune."""
    if team.village_code:
        return Q(**{f"{prefix}village_code": team.village_code})
    return Q(**{f"{prefix}commune_code": team.commune_code})


def team_covers(team, obj) -> bool:
    """Return whether a row carrying the scope codes lies in the team's village or commune."""
    if team.village_code:
        return obj.village_code == team.village_code
    return obj.commune_code == team.commune_code


def is_team_leader(user, team) -> bool:
    me = actor_member(user)
    if me is None or me.team_id != team.pk:
        return False
    return user.role == Role.TEAM_LEADER or me.role == Member.Role.LEADER


def is_officer(user) -> bool:
    return getattr(user, "role", None) in OFFICERS


def can_manage_assignments(user, team) -> bool:
    """Return whether `user` may assign the team's households (its leader, or an officer over it)."""
    if not getattr(user, "is_authenticated", False) or not in_scope(user, team):
        return False
    return is_officer(user) or is_team_leader(user, team)


def is_visit_author(user, visit) -> bool:
    if visit.entered_by_id == user.pk:
        return True
    me = actor_member(user)
    return me is not None and any(m.pk == me.pk for m in visit.members.all())


def entered_on_behalf(visit) -> bool:
    """Return whether whoever typed the visit in was not one of the members who made it."""
    member = getattr(visit.entered_by, "member", None) if visit.entered_by_id else None
    return member is None or all(m.pk != member.pk for m in visit.members.all())


def visit_change_refusal(user, visit) -> str | None:
    """Return the error code why `user` may not correct or delete `visit`, or None when they may."""
    if visit.deleted_at is not None:
        return "visit_deleted"
    if not in_scope(user, visit):
        return "forbidden"
    if not (is_visit_author(user, visit) or is_team_leader(user, visit.team)):
        return "visit_not_yours"
    if timezone.now() - visit.created_at > EDIT_WINDOW:
        return "visit_locked"
    return None


def can_change_visit(user, visit) -> bool:
    return visit_change_refusal(user, visit) is None
