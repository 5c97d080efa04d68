"""Who may change what. Visibility is accounts.scope; this module adds the role rules."""

from gocua.accounts.models import ROLE_RANK, Role
from gocua.accounts.scope import in_scope, scope_of
from gocua.places.models import Level

OFFICERS = (Role.NATIONAL_ADMIN, Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER)
MANAGERS = (*OFFICERS, Role.TEAM_LEADER)

# Roles that see a citizen ID unmasked, on an explicit, audited "show" action. Commune
# officers verify identities against their paper rosters; national admins handle support
# requests. Team members and leaders enter IDs but never read them back; province
# analysts work with figures, not people (Decree 13/2023: the minimum that the role needs).
CITIZEN_ID_ROLES = (Role.COMMUNE_OFFICER, Role.NATIONAL_ADMIN)
# Roles that see residents' phone numbers in full: the people who call residents.
PHONE_ROLES = (Role.COMMUNE_OFFICER, Role.TEAM_LEADER, Role.TEAM_MEMBER)
# Roles that see (and set) which priority group a resident belongs to: sensitive data under
# Decree 13/2023 (disability, ethnicity, poverty). The commune officer decides the collection and
# keeps the lists; the team leader plans who is visited first in their own village. Members only
# learn that a household is a priority ("ưu tiên"), enough to go there first; province officers and
# national admins work with the counts per unit, never with people.
PRIORITY_GROUP_ROLES = (Role.COMMUNE_OFFICER, Role.TEAM_LEADER)


def can_edit_registry(user, obj) -> bool:
    """Return whether `user` may create or change households and residents at `obj`."""
    return in_scope(user, obj)


def can_manage_villages(user, commune) -> bool:
    return getattr(user, "role", None) in OFFICERS and in_scope(user, commune)


def can_manage_team(user, team_or_unit) -> bool:
    """Return whether `user` may create or edit a team (or its members) at this team/unit."""
    if getattr(user, "role", None) not in MANAGERS or not in_scope(user, team_or_unit):
        return False
    if user.role == Role.TEAM_LEADER:
        member = getattr(user, "member", None)
        team = team_or_unit if hasattr(team_or_unit, "founded_on") else None
        return member is not None and team is not None and member.team_id == team.pk
    return True


def can_see_citizen_id(user) -> bool:
    return getattr(user, "role", None) in CITIZEN_ID_ROLES


def can_see_phone(user) -> bool:
    return getattr(user, "role", None) in PHONE_ROLES


def can_see_priority_groups(user, obj=None) -> bool:
    """Return whether `user` may see (and set) the priority groups of residents at `obj`."""
    return getattr(user, "role", None) in PRIORITY_GROUP_ROLES and (obj is None or in_scope(user, obj))


def can_decide_priority_collection(user, commune) -> bool:
    """Return whether `user` may switch the collection of a priority group on or off in `commune`."""
    return getattr(user, "role", None) == Role.COMMUNE_OFFICER and in_scope(user, commune)


def can_browse_audit(user) -> bool:
    return getattr(user, "role", None) == Role.NATIONAL_ADMIN and user.is_active


def manageable_roles(user) -> list[str]:
    """Return the roles `user` may create accounts for (always below their own)."""
    role = getattr(user, "role", None)
    if role is None or scope_of(user) is None:
        return []
    if role == Role.NATIONAL_ADMIN:
        return [r for r in Role]
    return [r for r in Role if ROLE_RANK[r] < ROLE_RANK[role]]


# The level of scope unit each role works at.
LEVELS_OF_ROLE = {
    Role.NATIONAL_ADMIN: (Level.NATION,),
    Role.PROVINCE_OFFICER: (Level.PROVINCE,),
    Role.COMMUNE_OFFICER: (Level.COMMUNE,),
    Role.TEAM_LEADER: (Level.COMMUNE, Level.VILLAGE),
    Role.TEAM_MEMBER: (Level.COMMUNE, Level.VILLAGE),
}


def leader_team(user):
    """Return the team a team leader leads (through their Member record), or None."""
    if getattr(user, "role", None) != Role.TEAM_LEADER:
        return None
    member = getattr(user, "member", None)
    return member.team if member is not None and member.is_current else None


def can_manage_account(user, *, role: str, scope_unit) -> bool:
    """Return whether `user` may create/deactivate/reset an account with this role and scope."""
    if role not in manageable_roles(user) or scope_unit is None or not in_scope(user, scope_unit):
        return False
    if scope_unit.level not in LEVELS_OF_ROLE[role]:
        return False
    if user.role == Role.TEAM_LEADER:
        # Leaders manage their own team's accounts only, never the whole village's.
        team = leader_team(user)
        return team is not None and team.unit_id == scope_unit.pk
    return True


def can_manage_user(user, target) -> bool:
    """Return whether `user` may deactivate, reset or re-scope the account `target`."""
    if getattr(user, "pk", None) is None or user.pk == target.pk:
        return False
    if target.scope_unit is None:
        # e.g. made by `createsuperuser`: only a national admin can give it an area.
        return user.role == Role.NATIONAL_ADMIN and scope_of(user) is not None
    if not can_manage_account(user, role=target.role, scope_unit=target.scope_unit):
        return False
    if user.role == Role.TEAM_LEADER:
        member = getattr(target, "member", None)
        team = leader_team(user)
        return member is not None and team is not None and member.team_id == team.pk
    return True
