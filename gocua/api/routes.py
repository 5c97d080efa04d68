"""Registry endpoints (units, teams, households, residents) under /api/v1/."""

from ninja import Query, Router, Status

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
    MeOut,
    ResidentDetailOut,
    ResidentFilters,
    ResidentIn,
    ResidentOut,
    TeamDetailOut,
    TeamFilters,
    TeamOut,
    UnitChildOut,
    UnitDetailOut,
    indicator_values,
)
from gocua.households import services as household_services
from gocua.places.models import Level

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
