"""Registry endpoints (units, teams, households, residents) under /api/v1/."""

from datetime import date
from typing import Literal

from ninja import Field, Query, Router, Status

from gocua.accounts.scope import scoped
from gocua.api import selectors
from gocua.api.auth import api_user
from gocua.api.pagination import PageParams, paged, paginate
from gocua.api.schemas import (
    ERROR_RESPONSES,
    Code,
    HouseholdDetailOut,
    HouseholdFilters,
    HouseholdIn,
    HouseholdOut,
    Id,
    IndicatorsIn,
    MemberOut,
    MeOut,
    ResidentDetailOut,
    ResidentFilters,
    ResidentIn,
    ResidentOut,
    StrictIn,
    TeamDetailOut,
    TeamFilters,
    TeamOut,
    UnitChildOut,
    UnitDetailOut,
    indicator_values,
    text,
)
from gocua.households import services as household_services
from gocua.households.models import Resident
from gocua.places import services as place_services
from gocua.places.models import VILLAGE_KINDS, Level
from gocua.teams import services as team_services
from gocua.teams.models import Member, Team

router = Router(tags=["registry"])


def _responses(ok: int, schema) -> dict:
    return {ok: schema, **ERROR_RESPONSES}


# --- the caller and units ------------------------------------------------------------------


@router.get("/me", response=_responses(200, MeOut), tags=["accounts"], summary="The logged-in user")
def me(request):
    user = api_user(request)
    return {
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
        "scope_unit": user.scope_unit,
    }


@router.get(
    "/units/{code}",
    response=_responses(200, UnitDetailOut),
    tags=["units"],
    summary="A unit and its children",
)
def unit_detail(request, code: Code):
    return selectors.unit_detail(api_user(request), code)


@router.get(
    "/units/{code}/children",
    response=_responses(200, paged(UnitChildOut)),
    tags=["units"],
    summary="Children of a unit",
)
def unit_children(request, code: Code, paging: Query[PageParams]):
    user = api_user(request)
    return paginate(
        selectors.current_children(user, selectors.visible_unit(user, code)), paging, order=("code",)
    )


# --- teams ---------------------------------------------------------------------------------


@router.get("/teams", response=_responses(200, paged(TeamOut)), tags=["teams"], summary="Teams")
def team_list(request, filters: Query[TeamFilters], paging: Query[PageParams]):
    qs = selectors.teams(api_user(request), unit_code=filters.unit)
    return paginate(qs, paging, order=selectors.TEAM_ORDER)


@router.get(
    "/teams/{id}", response=_responses(200, TeamDetailOut), tags=["teams"], summary="A team and its members"
)
def team_detail(request, id: Id):
    return selectors.team_detail(api_user(request), id)


# --- households ----------------------------------------------------------------------------


@router.get(
    "/households", response=_responses(200, paged(HouseholdOut)), tags=["households"], summary="Households"
)
def household_list(request, filters: Query[HouseholdFilters], paging: Query[PageParams]):
    qs = selectors.households(api_user(request), village=filters.village, unit=filters.unit, q=filters.q)
    return paginate(qs, paging, order=selectors.HOUSEHOLD_ORDER)


@router.get(
    "/households/{id}",
    response=_responses(200, HouseholdDetailOut),
    tags=["households"],
    summary="A household",
)
def household_detail(request, id: Id):
    return selectors.household_detail(api_user(request), id)


@router.post(
    "/households",
    response=_responses(201, HouseholdDetailOut),
    tags=["households"],
    summary="Register a household",
)
def household_create(request, payload: HouseholdIn):
    user = api_user(request)
    village = selectors.visible_unit(user, payload.village, field="village", level=Level.VILLAGE)
    household = household_services.household_create(
        actor=user, village=village, household_key=payload.household_key, address_line=payload.address_line
    )
    return Status(201, selectors.household_detail(user, household.pk))


# --- residents -----------------------------------------------------------------------------


@router.get(
    "/residents", response=_responses(200, paged(ResidentOut)), tags=["residents"], summary="Residents"
)
def resident_list(request, filters: Query[ResidentFilters], paging: Query[PageParams]):
    qs = selectors.residents(
        api_user(request),
        household=filters.household,
        village=filters.village,
        unit=filters.unit,
        q=filters.q,
    )
    return paginate(qs, paging, order=selectors.RESIDENT_ORDER)


@router.get(
    "/residents/{id}", response=_responses(200, ResidentDetailOut), tags=["residents"], summary="A resident"
)
def resident_detail(request, id: Id):
    return selectors.resident_detail(api_user(request), id)


@router.post(
    "/residents",
    response=_responses(201, ResidentDetailOut),
    tags=["residents"],
    summary="Register a resident",
)
def resident_create(request, payload: ResidentIn):
    user = api_user(request)
    household = selectors.visible_household(user, payload.household, field="household")
    data = payload.model_dump(
        include={"full_name", "birth_year", "birth_date", "gender", "relation", "phone", "status"}
    )
    resident = household_services.resident_create(
        actor=user,
        household=household,
        data=data,
        citizen_id_number=payload.citizen_id,
        indicators=indicator_values(payload.indicators),
    )
    return Status(201, selectors.resident_detail(user, resident.pk))


@router.patch(
    "/residents/{id}/indicators",
    response=_responses(200, ResidentDetailOut),
    tags=["residents"],
    summary="Set a resident's indicators",
)
def resident_set_indicators(request, id: Id, payload: IndicatorsIn):
    user = api_user(request)
    resident = selectors.resident_detail(user, id)
    household_services.resident_set_indicators(
        actor=user, resident=resident, values=indicator_values(payload)
    )
    return selectors.resident_detail(user, id)  # re-read: the database changed updated_at


# --- the rest of what the pages do (issue 5): villages, teams and members, moves and edits ------------
# Inputs are PATCH-style where the page edits an existing record: fields left out keep their value.


class VillageIn(StrictIn):
    name: text(150)
    kind: Literal[tuple(k.value for k in VILLAGE_KINDS)] = Field(description="thon, ap, ban or to_dan_pho.")


class VillageRenameIn(StrictIn):
    name: text(150)


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


class HouseholdPatchIn(StrictIn):
    household_key: text(32) | None = None
    address_line: text(200) | None = None


class HouseholdMoveIn(StrictIn):
    village: Code = Field(description="Code of the village the household moved to.")
    moved_on: date


class HouseholdHeadIn(StrictIn):
    resident: Id = Field(description="A resident of this household.")


class ResidentPatchIn(StrictIn):
    full_name: text(120) | None = None
    birth_year: int | None = Field(None, ge=0, le=9999)
    birth_date: date | None = None
    gender: Literal[tuple(Resident.Gender.values)] | None = None
    relation: Literal[tuple(Resident.Relation.values)] | None = None
    status: Literal[tuple(Resident.Status.values)] | None = None
    phone: text(32) | None = None
    citizen_id: text(32) | None = Field(None, description="A new number replaces the old; \"\" removes it.")


class ResidentMoveIn(StrictIn):
    household: Id = Field(description="The household the resident moved to.")
    moved_on: date


def _patched(current: dict, payload: StrictIn, *, nullable: tuple[str, ...] = ()) -> dict:
    """Return `current` with the fields the payload sent; null keeps a value unless the field may be empty."""
    sent = payload.model_dump(exclude_unset=True)
    return {**current, **{k: v for k, v in sent.items() if v is not None or k in nullable}}


@router.post(
    "/units/{code}/villages", response=_responses(201, UnitDetailOut), tags=["units"], summary="Create a village"
)
def village_create(request, code: Code, payload: VillageIn):
    user = api_user(request)
    commune = selectors.visible_unit(user, code, level=Level.COMMUNE)
    village = place_services.village_create(actor=user, commune=commune, name=payload.name, kind=payload.kind)
    return Status(201, selectors.unit_detail(user, village.code))


@router.patch("/units/{code}", response=_responses(200, UnitDetailOut), tags=["units"], summary="Rename a village")
def village_rename(request, code: Code, payload: VillageRenameIn):
    user = api_user(request)
    village = selectors.visible_unit(user, code, level=Level.VILLAGE)
    place_services.village_rename(actor=user, village=village, name=payload.name)
    return selectors.unit_detail(user, code)


@router.post("/teams", response=_responses(201, TeamDetailOut), tags=["teams"], summary="Create a team")
def team_create(request, payload: TeamIn):
    user = api_user(request)
    unit = selectors.visible_unit(user, payload.unit, field="unit")
    team = team_services.team_create(
        actor=user, unit=unit, name=payload.name, founded_on=payload.founded_on, is_active=payload.is_active
    )
    return Status(201, selectors.team_detail(user, team.pk))


@router.patch("/teams/{id}", response=_responses(200, TeamDetailOut), tags=["teams"], summary="Change a team")
def team_update(request, id: Id, payload: TeamPatchIn):
    user = api_user(request)
    team = selectors.team_detail(user, id)
    data = _patched({"name": team.name, "founded_on": team.founded_on, "is_active": team.is_active}, payload)
    team_services.team_update(actor=user, team=team, **data)
    return selectors.team_detail(user, id)


def _visible_member(user, member_id: int) -> Member:
    teams = scoped(user, Team.objects.all())
    member = Member.objects.select_related("team").filter(team__in=teams, pk=member_id).first()
    if member is None:
        raise selectors.not_found()
    return member


@router.post(
    "/teams/{id}/members", response=_responses(201, MemberOut), tags=["teams"], summary="Add a member to a team"
)
def member_create(request, id: Id, payload: MemberIn):
    user = api_user(request)
    team = selectors.team_detail(user, id)
    return Status(201, team_services.member_create(actor=user, team=team, data=payload.model_dump()))


@router.get("/members/{id}", response=_responses(200, MemberOut), tags=["teams"], summary="A team member")
def member_detail(request, id: Id):
    return _visible_member(api_user(request), id)


@router.patch("/members/{id}", response=_responses(200, MemberOut), tags=["teams"], summary="Change a member")
def member_update(request, id: Id, payload: MemberPatchIn):
    """Change a member's details; a member who leaves gets `left_on`, never a deletion."""
    user = api_user(request)
    member = _visible_member(user, id)
    current = {f: getattr(member, f) for f in team_services.MEMBER_FIELDS}
    data = _patched(current, payload, nullable=("left_on",))
    return team_services.member_update(actor=user, member=member, data=data)


@router.patch(
    "/households/{id}", response=_responses(200, HouseholdDetailOut), tags=["households"], summary="Change a household"
)
def household_update(request, id: Id, payload: HouseholdPatchIn):
    user = api_user(request)
    household = selectors.visible_household(user, id)
    data = _patched({"household_key": household.household_key, "address_line": household.address_line}, payload)
    household_services.household_update(actor=user, household=household, **data)
    return selectors.household_detail(user, id)


@router.post(
    "/households/{id}/move", response=_responses(200, HouseholdDetailOut), tags=["households"],
    summary="Move a household to another village",
)
def household_move(request, id: Id, payload: HouseholdMoveIn):
    user = api_user(request)
    household = selectors.visible_household(user, id)
    village = selectors.visible_unit(user, payload.village, field="village", level=Level.VILLAGE)
    household_services.household_move(actor=user, household=household, to_village=village, moved_on=payload.moved_on)
    return selectors.household_detail(user, id)


@router.put(
    "/households/{id}/head", response=_responses(200, HouseholdDetailOut), tags=["households"],
    summary="Choose the head of a household",
)
def household_set_head(request, id: Id, payload: HouseholdHeadIn):
    user = api_user(request)
    household = selectors.visible_household(user, id)
    resident = selectors.resident_detail(user, payload.resident)
    household_services.household_set_head(actor=user, household=household, resident=resident)
    return selectors.household_detail(user, id)


@router.patch(
    "/residents/{id}", response=_responses(200, ResidentDetailOut), tags=["residents"], summary="Change a resident"
)
def resident_update(request, id: Id, payload: ResidentPatchIn):
    """Change personal fields; the citizen ID changes only when `citizen_id` is sent ("" removes it)."""
    user = api_user(request)
    resident = selectors.resident_detail(user, id)
    current = {f: getattr(resident, f) for f in household_services.RESIDENT_FIELDS}
    data = _patched(current, payload, nullable=("birth_date",))
    citizen_id = data.pop("citizen_id", None)
    household_services.resident_update(
        actor=user, resident=resident, data=data, citizen_id_number=citizen_id or None,
        keep_citizen_id=citizen_id is None,
    )
    return selectors.resident_detail(user, id)


@router.post(
    "/residents/{id}/move", response=_responses(200, ResidentDetailOut), tags=["residents"],
    summary="Move a resident to another household",
)
def resident_move(request, id: Id, payload: ResidentMoveIn):
    user = api_user(request)
    resident = selectors.resident_detail(user, id)
    to_household = selectors.visible_household(user, payload.household, field="household")
    household_services.resident_move(
        actor=user, resident=resident, to_household=to_household, moved_on=payload.moved_on
    )
    return selectors.resident_detail(user, id)
