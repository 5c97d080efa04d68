"""Household and resident endpoints under /api/v1/ (the registry, with teams/ and places/api.py)."""

from datetime import date
from typing import Literal

from ninja import Field, Query, Router, Status

from gocua.api.auth import api_user
from gocua.api.pagination import PageParams, paged, paginate
from gocua.api.schemas import (
    Code,
    HouseholdDetailOut,
    HouseholdFilters,
    HouseholdIn,
    HouseholdOut,
    Id,
    IndicatorsIn,
    ResidentDetailOut,
    ResidentFilters,
    ResidentIn,
    ResidentOut,
    StrictIn,
    indicator_values,
    patched,
    responses,
    text,
)
from gocua.households import selectors
from gocua.households import services as household_services
from gocua.households.models import Resident
from gocua.places import selectors as place_selectors
from gocua.places.models import Level

router = Router(tags=["households"])


# --- households ----------------------------------------------------------------------------


@router.get("/households", response=responses(200, paged(HouseholdOut)), summary="Households")
def household_list(request, filters: Query[HouseholdFilters], paging: Query[PageParams]):
    qs = selectors.households(api_user(request), village=filters.village, unit=filters.unit, q=filters.q)
    return paginate(qs, paging, order=selectors.HOUSEHOLD_ORDER)


@router.get("/households/{id}", response=responses(200, HouseholdDetailOut), summary="A household")
def household_detail(request, id: Id):
    return selectors.household_detail(api_user(request), id)


@router.post("/households", response=responses(201, HouseholdDetailOut), summary="Register a household")
def household_create(request, payload: HouseholdIn):
    user = api_user(request)
    village = place_selectors.visible_unit(user, payload.village, field="village", level=Level.VILLAGE)
    household = household_services.household_create(
        actor=user, village=village, household_key=payload.household_key, address_line=payload.address_line
    )
    return Status(201, selectors.household_detail(user, household.pk))


# --- residents -----------------------------------------------------------------------------


@router.get(
    "/residents", response=responses(200, paged(ResidentOut)), tags=["residents"], summary="Residents"
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
    "/residents/{id}", response=responses(200, ResidentDetailOut), tags=["residents"], summary="A resident"
)
def resident_detail(request, id: Id):
    return selectors.resident_detail(api_user(request), id)


@router.post(
    "/residents",
    response=responses(201, ResidentDetailOut),
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
    response=responses(200, ResidentDetailOut),
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


# --- moves and edits (issue 5) ---------------------------------------------------------------
# Inputs are PATCH-style where the page edits an existing record: fields left out keep their value.


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


@router.patch("/households/{id}", response=responses(200, HouseholdDetailOut), summary="Change a household")
def household_update(request, id: Id, payload: HouseholdPatchIn):
    user = api_user(request)
    household = selectors.visible_household(user, id)
    data = patched({"household_key": household.household_key, "address_line": household.address_line}, payload)
    household_services.household_update(actor=user, household=household, **data)
    return selectors.household_detail(user, id)


@router.post(
    "/households/{id}/move", response=responses(200, HouseholdDetailOut),
    summary="Move a household to another village",
)
def household_move(request, id: Id, payload: HouseholdMoveIn):
    user = api_user(request)
    household = selectors.visible_household(user, id)
    village = place_selectors.visible_unit(user, payload.village, field="village", level=Level.VILLAGE)
    household_services.household_move(actor=user, household=household, to_village=village, moved_on=payload.moved_on)
    return selectors.household_detail(user, id)


@router.put(
    "/households/{id}/head", response=responses(200, HouseholdDetailOut),
    summary="Choose the head of a household",
)
def household_set_head(request, id: Id, payload: HouseholdHeadIn):
    user = api_user(request)
    household = selectors.visible_household(user, id)
    resident = selectors.resident_detail(user, payload.resident)
    household_services.household_set_head(actor=user, household=household, resident=resident)
    return selectors.household_detail(user, id)


@router.patch(
    "/residents/{id}", response=responses(200, ResidentDetailOut), tags=["residents"], summary="Change a resident"
)
def resident_update(request, id: Id, payload: ResidentPatchIn):
    """Change personal fields; the citizen ID changes only when `citizen_id` is sent ("" removes it)."""
    user = api_user(request)
    resident = selectors.resident_detail(user, id)
    current = {f: getattr(resident, f) for f in household_services.RESIDENT_FIELDS}
    data = patched(current, payload, nullable=("birth_date",))
    citizen_id = data.pop("citizen_id", None)
    household_services.resident_update(
        actor=user, resident=resident, data=data, citizen_id_number=citizen_id or None,
        keep_citizen_id=citizen_id is None,
    )
    return selectors.resident_detail(user, id)


@router.post(
    "/residents/{id}/move", response=responses(200, ResidentDetailOut), tags=["residents"],
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
