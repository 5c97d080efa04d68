"""The JSON API at /api/v1/ (django-ninja; see docs/ARCHITECTURE.md for why).

Every error answers `{"code", "message"}` (plus `field` / `errors` when they apply): a stable
code for programs and a message in the caller's language (Accept-Language: vi or en).
"""

import functools

from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpResponseNotAllowed, JsonResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from gocua.api.auth import API_AUTH
from gocua.errors import DomainError


def _json_not_allowed(view):
    """Wrap a ninja view so a wrong HTTP method answers JSON like every other error."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            message = _("This address does not accept the %(method)s method.") % {"method": request.method}
            allowed = response["Allow"]
            response = JsonResponse({"code": "method_not_allowed", "message": message}, status=405)
            response["Allow"] = allowed
        return response

    return wrapper


# The registry endpoints lived in gocua/api/routes.py until issue 20 moved them to their apps;
# clients generated from the OpenAPI document keep the operation ids they were built with.
_FORMER_ROUTES = {"gocua.accounts.api", "gocua.places.api", "gocua.teams.api", "gocua.households.api"}


class GocuaAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        if operation.view_func.__module__ in _FORMER_ROUTES:
            return f"gocua_api_routes_{operation.view_func.__name__}"
        return super().get_openapi_operation_id(operation)

    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            pattern.callback = _json_not_allowed(pattern.callback)
        return patterns, app_name, namespace


api = GocuaAPI(
    title="GõCửa API",
    version="1",
    description="The registry of households, residents and teams, scoped to the caller's area.",
    urls_namespace="api",
    auth=API_AUTH,
    openapi_url="/openapi.json",
    docs_url="/docs",
    # The validator badge would call validator.swagger.io; nothing here may leave the server.
    docs=Swagger(settings={"validatorUrl": None}),
)


def _error(request, status: int, code: str, message, **extra):
    return api.create_response(request, {"code": code, "message": str(message), **extra}, status=status)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    extra = {"field": exc.field} if exc.field else {}
    return _error(request, exc.status, exc.code, exc.message, **extra)


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, "not_found", _("Not found, or outside your area."))


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    return _error(request, 401, "unauthenticated", _("Log in first."))


def _field_of(loc) -> str | None:
    # loc is ("query", "page") or ("body", <body parameter>, "indicators", "smartphone"): the
    # innermost name is the field; a body's own parameter name is not one.
    names = [part for part in loc[2 if loc[:1] == ("body",) else 1 :] if isinstance(part, str)]
    return names[-1] if names else None


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    # Only where and what: pydantic's context may echo the submitted value (a citizen ID).
    errors = [
        {
            "loc": [str(p) if not isinstance(p, int) else p for p in e.get("loc", ())],
            "type": e.get("type", ""),
            "message": e.get("msg", ""),
        }
        for e in exc.errors
    ]
    field = _field_of(exc.errors[0].get("loc", ())) if exc.errors else None
    extra = {"field": field} if field else {}
    return _error(
        request, 422, "invalid_input", _("Some fields are missing or invalid."), errors=errors, **extra
    )


@api.exception_handler(Throttled)
def throttled(request, exc: Throttled):
    return _error(request, 429, "throttled", _("Too many requests; wait a moment and try again."))


def malformed_body(request, exc):
    # Django answers these with a 400 page, but django-ninja in DEBUG turns any exception it has no
    # handler for into a 500 with a traceback: name them so every malformed body is a JSON 400.
    if isinstance(exc, RequestDataTooBig):
        return _error(request, 400, "body_too_large", _("The request body is too large."))
    return _error(request, 400, "bad_request", _("The request body could not be read; send JSON."))


for _malformed in (MultiPartParserError, UnreadablePostError, RequestDataTooBig, SuspiciousOperation, BadRequest):
    api.add_exception_handler(_malformed, malformed_body)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    if exc.status_code == 403 and "CSRF" in str(exc):
        return _error(
            request, 403, "csrf_failed", _("Your session form token is missing or stale; reload the page.")
        )
    known = {
        400: ("bad_request", _("The request body could not be read; send JSON.")),
        403: ("forbidden", _("You may not do this.")),
        404: ("not_found", _("Not found, or outside your area.")),
        405: ("method_not_allowed", _("This address does not accept this method.")),
    }
    code, message = known.get(exc.status_code, ("error", _("The request could not be completed.")))
    return _error(request, exc.status_code, code, message)


# Each app serves its own endpoints from <app>/api.py; the registry ones come first, as before.
api.add_router("/", "gocua.accounts.api.router")
api.add_router("/", "gocua.places.api.router")
api.add_router("/", "gocua.teams.api.router")
api.add_router("/", "gocua.households.api.router")
api.add_router("/", "gocua.households.priority_api.router")
api.add_router("/", "gocua.outreach.api.router")
api.add_router("/", "gocua.indicators.api.router")
api.add_router("/", "gocua.imports.api.router")
api.add_router("/", "gocua.community.api.router")
api.add_router("/", "gocua.field.api.router")
api.add_router("/", "gocua.field.push_api.router")
