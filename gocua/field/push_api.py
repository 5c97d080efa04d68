"""Web Push endpoints under /api/v1/field/push: the server's key, and a phone's subscription."""

from ninja import Field, Router, Schema, Status

from gocua.api.auth import api_device, api_user
from gocua.api.schemas import Id, StrictIn, responses
from gocua.field import push

router = Router(tags=["sync"])


class PushKeyOut(Schema):
    public_key: str = Field(description="The VAPID application server key (base64url), for PushManager.subscribe.")


class PushKeysIn(StrictIn):
    p256dh: str = Field(max_length=200)
    auth: str = Field(max_length=100)


class PushSubscriptionIn(StrictIn):
    endpoint: str = Field(max_length=2000, description="PushSubscription.endpoint, as the browser gives it.")
    keys: PushKeysIn
    expirationTime: int | None = None  # noqa: N815 - the browser's own name (PushSubscription.toJSON)


class PushSubscriptionOut(Schema):
    id: int
    created: bool


@router.get("/field/push/key", response=responses(200, PushKeyOut), summary="Web Push key of this server")
def push_key(request):
    api_user(request)
    return {"public_key": push.public_key()}


@router.post("/field/push/subscriptions", response=responses(201, PushSubscriptionOut),
             summary="Turn daily reminders on for this phone")
def push_subscribe(request, payload: PushSubscriptionIn):
    """Store the phone's push subscription (a team member's own); the same endpoint again updates it."""
    user = api_user(request)
    # Checked before any query: a NUL or raw Unicode in the address must be a 400, and PostgreSQL
    # refuses NUL in a text parameter outright.
    endpoint = push.check_endpoint(payload.endpoint)
    before = push.PushSubscription.objects.filter(endpoint=endpoint).exists()
    subscription = push.subscription_save(actor=user, device=api_device(request),
                                          endpoint=endpoint, p256dh=payload.keys.p256dh, auth=payload.keys.auth)
    return Status(201, {"id": subscription.pk, "created": not before})


@router.delete("/field/push/subscriptions/{id}", response=responses(200, PushSubscriptionOut),
               summary="Turn daily reminders off for this phone")
def push_unsubscribe(request, id: Id):
    push.subscription_delete(actor=api_user(request), subscription_id=id)
    return {"id": id, "created": False}
