"""Team and member endpoints under /api/v1/."""

from datetime import date
from typing import Literal

from ninja import Field, Query, Router, Status

from gocua.accounts.scope import scoped
from gocua.api.auth import api_user
from gocua.api.pagination import PageParams, paged, paginate
from gocua.api.schemas import (
    Code,
    Id,
    MemberOut,
    StrictIn,
    TeamDetailOut,
    TeamFilters,
    TeamOut,
    patched,
    responses,
    text,
)
from gocua.places import selectors as place_selectors
from gocua.teams import selectors
from gocua.teams import services as team_services
from gocua.teams.models import Member, Team

router = Router(tags=["teams"])


@router.get("/teams", response=responses(200, paged(TeamOut)), summary="Teams")
def team_list(request, filters: Query[TeamFilters], paging: Query[PageParams]):
    qs = selectors.teams(api_user(request), unit_code=filters.unit)
    return paginate(qs, paging, order=selectors.TEAM_ORDER)


@router.get("/teams/{id}", response=responses(200, TeamDetailOut), summary="A team and its members")
def team_detail(request, id: Id):
    return selectors.team_detail(api_user(request), id)


# Inputs are PATCH-style where the page edits an existing record: fields left out keep their value.


class TeamIn(StrictIn):
    unit: Code = Field(description="Code of the village (or commune, for a commune-wide team).")
    name: text(150)
    founded_on: date
    is_active: bool = True


class TeamPatchIn(StrictIn):
    name: text(150) | None = None
    founded_on: date | None = None
    is_active: bool | None = None


Strength = Literal[tuple(Member.Strength.values)]


class MemberIn(StrictIn):
    full_name: text(120)
    role: Literal[tuple(Member.Role.values)] = Member.Role.MEMBER.value
    phone: text(32) = ""
    strengths: list[Strength] = Field(default_factory=list, max_length=10)
    joined_on: date
    left_on: date | None = None


class MemberPatchIn(StrictIn):
    full_name: text(120) | None = None
    role: Literal[tuple(Member.Role.values)] | None = None
    phone: text(32) | None = None
    strengths: list[Strength] | None = Field(None, max_length=10)
    joined_on: date | None = None
    left_on: date | None = Field(None, description="Set when the member leaves (members are never deleted).")


@router.post("/teams", response=responses(201, TeamDetailOut), summary="Create a team")
def team_create(request, payload: TeamIn):
    user = api_user(request)
    unit = place_selectors.visible_unit(user, payload.unit, field="unit")
    team = team_services.team_create(
        actor=user, unit=unit, name=payload.name, founded_on=payload.founded_on, is_active=payload.is_active
    )
    return Status(201, selectors.team_detail(user, team.pk))


@router.patch("/teams/{id}", response=responses(200, TeamDetailOut), summary="Change a team")
def team_update(request, id: Id, payload: TeamPatchIn):
    user = api_user(request)
    team = selectors.team_detail(user, id)
    data = patched({"name": team.name, "founded_on": team.founded_on, "is_active": team.is_active}, payload)
    team_services.team_update(actor=user, team=team, **data)
    return selectors.team_detail(user, id)


def _visible_member(user, member_id: int) -> Member:
    teams = scoped(user, Team.objects.all())
    member = Member.objects.select_related("team").filter(team__in=teams, pk=member_id).first()
    if member is None:
        raise place_selectors.not_found()
    return member


@router.post("/teams/{id}/members", response=responses(201, MemberOut), summary="Add a member to a team")
def member_create(request, id: Id, payload: MemberIn):
    user = api_user(request)
    team = selectors.team_detail(user, id)
    return Status(201, team_services.member_create(actor=user, team=team, data=payload.model_dump()))


@router.get("/members/{id}", response=responses(200, MemberOut), summary="A team member")
def member_detail(request, id: Id):
    return _visible_member(api_user(request), id)


@router.patch("/members/{id}", response=responses(200, MemberOut), summary="Change a member")
def member_update(request, id: Id, payload: MemberPatchIn):
    """Change a member's details; a member who leaves gets `left_on`, never a deletion."""
    user = api_user(request)
    member = _visible_member(user, id)
    current = {f: getattr(member, f) for f in team_services.MEMBER_FIELDS}
    data = patched(current, payload, nullable=("left_on",))
    return team_services.member_update(actor=user, member=member, data=data)
