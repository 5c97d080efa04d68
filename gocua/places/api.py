"""Unit endpoints under /api/v1/: a unit, its children, village creation and renaming."""

from typing import Literal

from ninja import Field, Query, Router, Status

from gocua.api.auth import api_user
from gocua.api.pagination import PageParams, paged, paginate
from gocua.api.schemas import Code, StrictIn, UnitChildOut, UnitDetailOut, responses, text
from gocua.places import selectors
from gocua.places import services as place_services
from gocua.places.models import VILLAGE_KINDS, Level

router = Router(tags=["units"])


@router.get("/units/{code}", response=responses(200, UnitDetailOut), summary="A unit and its children")
def unit_detail(request, code: Code):
    return selectors.unit_detail(api_user(request), code)


@router.get(
    "/units/{code}/children",
    response=responses(200, paged(UnitChildOut)),
    summary="Children of a unit",
)
def unit_children(request, code: Code, paging: Query[PageParams]):
    user = api_user(request)
    return paginate(
        selectors.current_children(user, selectors.visible_unit(user, code)), paging, order=("code",)
    )


class VillageIn(StrictIn):
    name: text(150)
    kind: Literal[tuple(k.value for k in VILLAGE_KINDS)] = Field(description="thon, ap, ban or to_dan_pho.")


class VillageRenameIn(StrictIn):
    name: text(150)


@router.post("/units/{code}/villages", response=responses(201, UnitDetailOut), summary="Create a village")
def village_create(request, code: Code, payload: VillageIn):
    user = api_user(request)
    commune = selectors.visible_unit(user, code, level=Level.COMMUNE)
    village = place_services.village_create(actor=user, commune=commune, name=payload.name, kind=payload.kind)
    return Status(201, selectors.unit_detail(user, village.code))


@router.patch("/units/{code}", response=responses(200, UnitDetailOut), summary="Rename a village")
def village_rename(request, code: Code, payload: VillageRenameIn):
    user = api_user(request)
    village = selectors.visible_unit(user, code, level=Level.VILLAGE)
    place_services.village_rename(actor=user, village=village, name=payload.name)
    return selectors.unit_detail(user, code)
