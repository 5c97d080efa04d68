"""The caller's own account and logged-in devices under /api/v1/: who am I, list your devices (or a member's), log one or all out."""

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from gocua.accounts.selectors import accounts_visible
from gocua.api.auth import api_user
from gocua.api.pagination import PageParams, paged, paginate
from gocua.api.schemas import ERROR_RESPONSES, Id, MeOut, StrictIn, responses
from gocua.field import tokens
from gocua.field.models import DeviceToken

router = Router(tags=["accounts"])


@router.get("/me", response=responses(200, MeOut), summary="The logged-in user")
def me(request):
    user = api_user(request)
    return {
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
        "scope_unit": user.scope_unit,
    }


class DeviceOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The first characters of the token, to tell devices apart.")
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class OwnerFilter(Schema):
    user: Id | None = Field(None, description="Whose devices (default: yours); an account you manage.")


class RevokeAllIn(StrictIn):
    user: Id | None = Field(None, description="Whose devices (default: yours); an account you manage.")


class RevokedOut(Schema):
    revoked: int = Field(description="How many devices were logged out now.")


def _owner(actor, user_id: int | None):
    if user_id in (None, actor.pk):
        return actor
    # Outside the caller's reach is a 404, the same as an id that does not exist.
    return get_object_or_404(accounts_visible(actor), pk=user_id)


@router.get("/accounts/devices", response={200: paged(DeviceOut), **ERROR_RESPONSES}, summary="Logged-in devices",
            operation_id="gocua_accounts_api_device_list")
def device_list(request, filters: Query[OwnerFilter], paging: Query[PageParams]):
    """Return the devices logged in with your account, or with an account you manage (name, last use)."""
    actor = api_user(request)
    owner = _owner(actor, filters.user)
    return paginate(tokens.tokens_of(actor=actor, owner=owner), paging, order=("-created_at", "-id"))


@router.post("/accounts/devices/{id}/revoke", response={200: DeviceOut, **ERROR_RESPONSES}, summary="Log a device out",
             operation_id="gocua_accounts_api_device_revoke")
def device_revoke(request, id: Id):
    """Revoke one device token (yours, or of someone you manage); the device wipes its data at its next contact."""
    token = get_object_or_404(DeviceToken.objects.select_related("user"), pk=id)
    return tokens.token_revoke(actor=api_user(request), token=token, request=request)


@router.post(
    "/accounts/devices/revoke-all", response={200: RevokedOut, **ERROR_RESPONSES}, summary="Log every device out",
    operation_id="gocua_accounts_api_device_revoke_all",
)
def device_revoke_all(request, payload: RevokeAllIn | None = None):
    """Revoke every device token of your account, or of an account you manage."""
    actor = api_user(request)
    owner = _owner(actor, payload.user if payload else None)
    return {"revoked": tokens.tokens_revoke_all_of(actor=actor, owner=owner, request=request)}
