"""Device endpoints under /api/v1/: log-in tokens, sync up and down, sync conflicts."""

from django.shortcuts import get_object_or_404
from django.views.decorators.gzip import gzip_page
from ninja import Field, Query, Router, Schema, Status
from ninja.decorators import decorate_view

from gocua.accounts.models import User
from gocua.api.auth import api_device, api_user
from gocua.api.pagination import PageParams, paged, paginate
from gocua.api.schemas import ERROR_RESPONSES, ErrorOut, Id, StrictIn
from gocua.field import conflicts as conflict_services
from gocua.field import download, tokens, upload
from gocua.field import schemas as s
from gocua.field.errors import FieldErrorCode
from gocua.field.models import DeviceToken, SyncConflict

router = Router(tags=["sync"])


def _responses(ok: int, schema, *more: int) -> dict:
    return {ok: schema, **ERROR_RESPONSES, **dict.fromkeys(more, ErrorOut)}


# --- tokens --------------------------------------------------------------------------------------------


def _issued_out(issued: tokens.Issued) -> dict:
    user = issued.token.user
    return {
        "token": issued.secret, "device": issued.token,
        "user": {"username": user.username, "full_name": user.full_name, "role": user.role},
    }


@router.post(
    "/auth/token", auth=None, response=_responses(201, s.TokenIssuedOut, 429), tags=["auth"],
    summary="Log a device in",
)
def token_create(request, payload: s.TokenIn):
    """Return a bearer token for a named device. Failed log-ins are throttled (429 with Retry-After) as on /login/."""
    issued = tokens.token_issue(
        username=payload.username, password=payload.password, device_name=payload.device_name,
        new_password=payload.new_password, otp=payload.otp, request=request,
    )
    return Status(201, _issued_out(issued))


class TokenFilters(Schema):
    user: Id | None = Field(None, description="Whose devices (default: yours); someone you manage.")


@router.get("/auth/tokens", response=_responses(200, paged(s.TokenOut)), tags=["auth"], summary="Logged-in devices")
def token_list(request, filters: Query[TokenFilters], paging: Query[PageParams]):
    actor = api_user(request)
    owner = actor if filters.user in (None, actor.pk) else get_object_or_404(User, pk=filters.user)
    return paginate(tokens.tokens_of(actor=actor, owner=owner), paging, order=("-created_at", "-id"))


@router.delete("/auth/tokens/{id}", response=_responses(200, s.TokenOut), tags=["auth"], summary="Log a device out")
def token_revoke(request, id: Id):
    """Revoke a token (yours, or of someone you manage); that device wipes its data on its next contact."""
    token = get_object_or_404(DeviceToken.objects.select_related("user"), pk=id)
    return tokens.token_revoke(actor=api_user(request), token=token, request=request)


@router.delete("/auth/token", response=_responses(200, s.TokenOut), tags=["auth"], summary="Log this device out")
def token_revoke_own(request):
    """Revoke the token the request was made with (log-out on the device)."""
    token = api_device(request)
    if token is None:
        raise tokens.Unauthenticated(FieldErrorCode.TOKEN_REQUIRED)
    return tokens.token_revoke(actor=api_user(request), token=token, request=request)


# --- sync ------------------------------------------------------------------------------------------------


@router.post(
    "/sync",
    response=_responses(200, s.SyncOut, 413),
    summary="Upload records made offline",
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": s.sync_request_schema()}}}
    },
)
def sync_up(request):
    """Apply up to 500 records (5 MB); answer one result per record: created, duplicate, conflict or rejected.

    Records are applied in order, each alone: a household created earlier in the batch can be
    named by the residents and visits after it. Replaying a batch changes nothing more.
    """
    records = upload.read_batch(request)
    return upload.sync_upload(actor=api_user(request), device=api_device(request), records=records)


class DownloadParams(StrictIn):
    since: str | None = Field(None, max_length=64, description="The `since` of your last complete download.")
    cursor: str | None = Field(None, max_length=80, description="The `next` of the previous page.")


@router.get("/sync", response=_responses(200, s.SyncDownloadOut), summary="Download what changed")
@decorate_view(gzip_page)
def sync_down(request, params: Query[DownloadParams]):
    """Return a page of the households (with residents) that changed in your scope, and those that left it."""
    return download.sync_download(
        user=api_user(request), device=api_device(request), since=params.since, cursor=params.cursor
    )


# --- conflicts ----------------------------------------------------------------------------------------------


def _conflict_out(conflict: SyncConflict, labels: dict) -> dict:
    return {
        "id": conflict.pk, "kind": conflict.kind, "record_uuid": conflict.record_uuid,
        "record_label": labels.get(conflict.record_uuid, ""), "village_code": conflict.village_code,
        "field": conflict.field, "server_value": conflict.server_value, "device_value": conflict.device_value,
        "winner": conflict.winner, "device_time": conflict.device_time, "other_time": conflict.other_time,
        "uploaded_by": conflict.user.username if conflict.user else None,
        "changed_by": conflict.other_user.username if conflict.other_user else None,
        "created_at": conflict.created_at, "settled_at": conflict.settled_at, "settled_value": conflict.settled_value,
    }


class ConflictFilters(Schema):
    settled: bool = Field(False, description="true: only settled conflicts.")


@router.get("/sync/conflicts", response=_responses(200, paged(s.ConflictOut)), summary="Sync conflicts to settle")
def conflict_list(request, filters: Query[ConflictFilters], paging: Query[PageParams]):
    rows = conflict_services.conflicts_for(api_user(request), open_only=not filters.settled)
    if filters.settled:
        rows = rows.filter(settled_at__isnull=False)
    page = paginate(rows, paging, order=("-created_at", "-id"))
    labels = conflict_services.record_labels(page["items"])
    page["items"] = [_conflict_out(c, labels) for c in page["items"]]
    return page


@router.post("/sync/conflicts/{id}/settle", response=_responses(200, s.ConflictOut), summary="Settle a conflict")
def conflict_settle(request, id: Id, payload: s.SettleIn):
    user = api_user(request)
    conflict = get_object_or_404(conflict_services.conflicts_for(user, open_only=False), pk=id)
    settled = conflict_services.conflict_settle(actor=user, conflict=conflict, keep=payload.keep)
    return _conflict_out(settled, conflict_services.record_labels([settled]))

