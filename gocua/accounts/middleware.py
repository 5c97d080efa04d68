"""Send users with a temporary password to the change-password page before anything else."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # No session cookie, no logged-in user: skip the session and user queries that reading
        # request.user costs (device-token API calls, public pages, health checks).
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = (reverse("accounts:password_change"), reverse("web:logout"), "/static/", "/i18n/")
            if not request.path.startswith(allowed):
                if request.path.startswith("/api/"):
                    from django.http import JsonResponse
                    from django.utils.translation import gettext as _

                    return JsonResponse(
                        {"code": "password_change_required", "message": _("Change your password first.")},
                        status=403,
                    )
                return redirect("accounts:password_change")
        return self.get_response(request)
