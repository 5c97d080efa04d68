"""The JSON API at /api/v1/ (django-ninja; see docs/ARCHITECTURE.md for why)."""

from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import django_auth

from gocua.errors import DomainError

api = NinjaAPI(
    title="GõCửa API",
    version="1",
    urls_namespace="api",
    auth=django_auth,
    openapi_url="/openapi.json",
    docs_url="/docs",
)


def _error(request, status: int, code: str, message: str, **extra):
    return api.create_response(request, {"code": code, "message": str(message), **extra}, status=status)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    extra = {"field": exc.field} if exc.field else {}
    return _error(request, exc.status, exc.code, exc.message, **extra)


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    return _error(request, 401, "unauthenticated", _("Log in first."))


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    return _error(request, 422, "invalid_input", _("Some fields are missing or invalid."), errors=exc.errors)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    codes = {404: "not_found", 403: "forbidden", 405: "method_not_allowed"}
    return _error(request, exc.status_code, codes.get(exc.status_code, "error"), str(exc))


api.add_router("/", "gocua.api.routes.router")
api.add_router("/", "gocua.outreach.api.router")
