"""Priority-group endpoints under /api/v1/ (issue 18): sensitive, shown only to the roles with the right, audited.

A router of its own (added in `gocua/api/api.py`), so its operation ids take this module's name.
"""

from datetime import date, datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from gocua.accounts.permissions import can_decide_priority_collection, can_see_priority_groups
from gocua.api.auth import api_user
from gocua.api.schemas import Code, Id, StrictIn, responses, text
from gocua.errors import CommonErrorCode, Forbidden
from gocua.households import priority, selectors
from gocua.places.models import Level

router = Router(tags=["residents"])



class PriorityFlagIn(StrictIn):
    group: text(24) = Field(description="A priority group: " + ", ".join(priority.GROUPS) + ".")
    basis: text(300) = Field(description="Where the fact comes from (its lawful basis or source).")


class PriorityIn(StrictIn):
    groups: list[PriorityFlagIn] = Field(max_length=len(priority.GROUPS),
                                         description="The resident's groups; groups left out are removed.")


class PriorityFlagOut(Schema):
    group: str
    label: str
    basis: str
    set_at: datetime


class PriorityOut(Schema):
    resident: int
    groups: list[PriorityFlagOut]


class PrioritySettingIn(StrictIn):
    group: text(24)
    enabled: bool
    lawful_basis: text(300) = ""
    decided_by: text(200) = ""
    decided_on: date | None = None


class PrioritySettingOut(Schema):
    group: str
    label: str
    enabled: bool
    lawful_basis: str
    decided_by: str
    decided_on: date | None
    residents: int = Field(description="Residents of the commune flagged in the group (counted residents).")


def _priority_out(resident, flags) -> dict:
    return {"resident": resident.pk, "groups": [
        {"group": f.group, "label": str(priority.GROUP_LABELS[f.group]), "basis": f.basis, "set_at": f.set_at}
        for f in flags
    ]}


@router.get("/residents/{id}/priority", response=responses(200, PriorityOut), tags=["residents"],
            summary="A resident's priority groups (audited)")
def resident_priority(request, id: Id):
    """Return the resident's priority groups: commune officers and team leaders only; each read is audited."""
    user = api_user(request)
    resident = selectors.resident_detail(user, id)
    return _priority_out(resident, priority.resident_reveal_priority(actor=user, resident=resident, request=request))


@router.put("/residents/{id}/priority", response=responses(200, PriorityOut), tags=["residents"],
            summary="Set a resident's priority groups")
def resident_priority_set(request, id: Id, payload: PriorityIn):
    """Replace the resident's groups; each must be collected in the resident's commune (400 otherwise)."""
    user = api_user(request)
    resident = selectors.resident_detail(user, id)
    flags = priority.resident_set_priority(
        actor=user, resident=resident, groups=[g.model_dump() for g in payload.groups], request=request
    )
    return _priority_out(resident, flags)


def _priority_commune(user, code: str):
    commune = priority.visible_commune(user, code)
    if commune is None or commune.level != Level.COMMUNE:
        raise Http404
    if not (can_decide_priority_collection(user, commune) or can_see_priority_groups(user, commune)):
        raise Forbidden(CommonErrorCode.FORBIDDEN, _("Your role cannot see or change priority groups."))
    return commune


def _settings_out(commune) -> list[dict]:
    counts = {c.group: c.residents for c in priority.coverage(commune)}
    return [
        {"group": g, "label": str(label), "enabled": bool(s and s.enabled), "lawful_basis": s.lawful_basis if s else "",
         "decided_by": s.decided_by if s else "", "decided_on": s.decided_on if s else None,
         "residents": counts.get(g, 0)}
        for g, label, s in priority.commune_settings(commune)
    ]


@router.get("/priority-groups/{code}", response=responses(200, list[PrioritySettingOut]), tags=["residents"],
            summary="The priority groups a commune collects")
def priority_settings(request, code: Code):
    return _settings_out(_priority_commune(api_user(request), code))


@router.put("/priority-groups/{code}", response=responses(200, list[PrioritySettingOut]), tags=["residents"],
            summary="Switch the collection of a priority group on or off")
def priority_setting_set(request, code: Code, payload: PrioritySettingIn):
    """Commune officers only; switching a group on needs its lawful basis, who decided and when."""
    user = api_user(request)
    commune = _priority_commune(user, code)
    priority.priority_setting_set(actor=user, commune=commune, group=payload.group, enabled=payload.enabled,
                                  lawful_basis=payload.lawful_basis, decided_by=payload.decided_by,
                                  decided_on=payload.decided_on, request=request)
    return _settings_out(commune)
