"""Error pages in the user's language; the API has its own JSON errors."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def _error(request, status: int, code: str, message: str):
    if request.path.startswith("/api/"):
        return JsonResponse({"code": code, "message": message}, status=status)
    return render(request, "web/error.html", {"status": status, "message": message}, status=status)


def bad_request(request, exception=None):
    return _error(request, 400, "bad_request", _("The request could not be understood."))


def permission_denied(request, exception=None):
    return _error(request, 403, "forbidden", _("You do not have access to this page."))


def page_not_found(request, exception=None):
    return _error(request, 404, "not_found", _("This page does not exist or is outside your area."))


def server_error(request):
    return _error(request, 500, "server_error", _("Something went wrong on our side. Please try again."))
