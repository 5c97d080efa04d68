"""Who may manage community projects, on top of the scope rule (accounts.scope)."""

from gocua.accounts.models import Role
from gocua.accounts.permissions import OFFICERS, leader_team
from gocua.accounts.scope import in_scope


def can_manage_projects_at(user, unit) -> bool:
    """Return whether `user` may create projects at `unit` (a village or commune).

    Officers may anywhere in their scope; a team leader only at the unit of the team they lead.
    """
    if not getattr(user, "is_authenticated", False) or not in_scope(user, unit):
        return False
    if user.role in OFFICERS:
        return True
    team = leader_team(user) if user.role == Role.TEAM_LEADER else None
    return team is not None and team.unit_id == unit.pk


def can_manage_project(user, project) -> bool:
    """Return whether `user` may change `project` and record entries in its ledger."""
    if not getattr(user, "is_authenticated", False) or not in_scope(user, project):
        return False
    if user.role in OFFICERS:
        return True
    team = leader_team(user) if user.role == Role.TEAM_LEADER else None
    return team is not None and team.unit_id == project.unit_id
