"""Send dashboard, list and report reads to a read replica, with read-your-writes.

Configured by `GOCUA_DATABASE_REPLICA_URL` (a PostgreSQL streaming standby). Without it the router
is not installed and every query goes to `default`, as before.

Which reads may go to the replica is decided per request, not per model: a request is *eligible*
when it is a GET/HEAD to one of `GOCUA_REPLICA_PATHS` (dashboards, reports, the left-behind list,
progress, the read-only API lists) and the user has not written recently. Model-based routing
would send a household read inside a visit form to a lagging standby; path-based routing keeps
every page that writes, and every read that decides a write, on the primary.

Read-your-writes: any request that may write (POST, PUT, PATCH, DELETE) sets a signed cookie
"primary until T" (`GOCUA_REPLICA_STICKY_SECONDS`, default 15 s), and while it is valid that
browser's reads stay on the primary, so an officer who saves a household and opens the dashboard
sees the new figure even when the standby is seconds behind. API clients with a device token send
no cookie; their reads are sync downloads, which are not replica paths.
"""

import contextvars
import time

from django.conf import settings
from django.core import signing
from django.db import transaction

_eligible: contextvars.ContextVar[bool] = contextvars.ContextVar("gocua_replica_eligible", default=False)

REPLICA = "replica"
COOKIE = "gocua_primary_until"
SALT = "gocua.ops.replica"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Sessions, users, log-in throttling, two-factor devices and tasks are read where they are
# written: a session created a moment ago on the primary must not look missing on the standby.
PRIMARY_ONLY_APPS = frozenset({"sessions", "auth", "accounts", "axes", "otp_totp", "otp_static", "django_otp",
                               "django_tasks_db", "contenttypes"})
DEFAULT_PATHS = (
    "/dashboards/",
    "/outreach/left-behind/",
    "/outreach/progress/",
    "/api/v1/units/",
    "/api/v1/outreach/left-behind",
)


def configured() -> bool:
    return REPLICA in settings.DATABASES


def replica_paths() -> tuple[str, ...]:
    return tuple(getattr(settings, "GOCUA_REPLICA_PATHS", DEFAULT_PATHS))


def sticky_seconds() -> int:
    return int(getattr(settings, "GOCUA_REPLICA_STICKY_SECONDS", 15))


def pinned_until(request) -> float:
    """Return until when (epoch seconds) this client's reads must stay on the primary."""
    raw = request.COOKIES.get(COOKIE)
    if not raw:
        return 0.0
    try:
        return float(signing.loads(raw, salt=SALT, max_age=max(sticky_seconds(), 1) * 4))
    except (signing.BadSignature, TypeError, ValueError):
        return 0.0


def is_eligible(request, *, now: float | None = None) -> bool:
    """Return whether this request's reads may be served by the replica."""
    if request.method not in ("GET", "HEAD") or not request.path.startswith(replica_paths()):
        return False
    return pinned_until(request) <= (time.time() if now is None else now)


class ReplicaMiddleware:
    """Mark eligible requests for the router and pin a client to the primary after it writes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _eligible.set(configured() and is_eligible(request))
        try:
            response = self.get_response(request)
        finally:
            _eligible.reset(token)
        if configured() and request.method in UNSAFE_METHODS:
            until = time.time() + sticky_seconds()
            response.set_cookie(
                COOKIE,
                signing.dumps(until, salt=SALT),
                max_age=sticky_seconds(),
                httponly=True,
                samesite="Lax",
                secure=getattr(settings, "SESSION_COOKIE_SECURE", False),
            )
        return response


class ReplicaRouter:
    """Route reads of eligible requests to the replica; everything else to the primary."""

    def db_for_read(self, model, **hints):
        if not _eligible.get() or model._meta.app_label in PRIMARY_ONLY_APPS:
            return "default"
        # Inside a transaction on the primary (a service that reads then writes) stay there.
        if transaction.get_connection("default").in_atomic_block:
            return "default"
        return REPLICA

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both: a replica row may point at a primary row

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class eligible_reads:  # noqa: N801 — used like a function: `with eligible_reads(): ...`
    """Mark the block's reads as replica-eligible (tests and management commands)."""

    def __enter__(self):
        self._token = _eligible.set(configured())
        return self

    def __exit__(self, *exc):
        _eligible.reset(self._token)
        return False
