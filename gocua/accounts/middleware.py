"""Request gates after log-in: idle sessions end, temporary passwords change, two-factor comes first."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from gocua.accounts.models import Role

LAST_SEEN_KEY = "gocua_last_seen"
NO_SECOND_FACTOR_KEY = "gocua_no_2fa"
# Writing the session on every request would cost a write per page; a minute of slack is enough.
LAST_SEEN_STEP = 60


def idle_limit_seconds(user) -> int:
    """Return how long a session of `user` may stay unused (members longer: see settings)."""
    minutes = (
        settings.GOCUA_MEMBER_SESSION_IDLE_MINUTES if user.role == Role.TEAM_MEMBER else settings.GOCUA_SESSION_IDLE_MINUTES
    )
    return minutes * 60


def session_started(sender, request, user, **kwargs) -> None:
    """Start a new session's idle clock and note whether it needs a second factor (user_logged_in).

    Done at log-in rather than on the first request so ordinary requests do not write the session.
    """
    from gocua.accounts.two_factor import has_two_factor

    session = getattr(request, "session", None)
    if session is None or request.path.startswith("/api/"):  # a device-token log-in: no session
        return
    session[LAST_SEEN_KEY] = int(time.time())
    if not has_two_factor(user) and not two_factor_required(user):
        session[NO_SECOND_FACTOR_KEY] = user.pk


def _bearer(request) -> bool:
    # A bearer-token call is judged by its token alone (gocua/api/auth.py), not by the session.
    return request.headers.get("Authorization", "").lower().startswith("bearer ")


def _refuse(request, code: str, message: str, target: str):
    if request.path.startswith("/api/"):
        return JsonResponse({"code": code, "message": message}, status=403 if code != "session_expired" else 401)
    return redirect(target)


class SessionIdleMiddleware:
    """End a session that has not been used for the user's idle limit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not _bearer(request):
            now = int(time.time())
            last = request.session.get(LAST_SEEN_KEY)
            if last is not None and now - last > idle_limit_seconds(user):
                from gocua.accounts.services import logout_record

                logout_record(user=user, request=request, reason="idle")
                logout(request)
                return _refuse(
                    request, "session_expired", _("Your session expired; log in again."),
                    f"{reverse('web:login')}?{urlencode({'next': request.path})}",
                )
            if last is None or now - last >= LAST_SEEN_STEP:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """Send users with a temporary password to the change-password page before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # No session cookie, no logged-in user: skip the session and user queries that reading
        # request.user costs (device-token API calls, public pages, health checks).
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            # The code page comes first for an account with two-factor (see TwoFactorRequiredMiddleware).
            allowed = (
                reverse("accounts:password_change"), reverse("accounts:otp_verify"), reverse("web:logout"),
                "/static/", "/i18n/",
            )
            if not request.path.startswith(allowed):
                return _refuse(
                    request, "password_change_required", _("Change your password first."),
                    reverse("accounts:password_change"),
                )
        return self.get_response(request)


def two_factor_required(user) -> bool:
    """Return whether `user`'s role must sign in with a one-time code (GOCUA_2FA_REQUIRED_ROLES)."""
    return user.role in settings.GOCUA_2FA_REQUIRED_ROLES


class TwoFactorRequiredMiddleware:
    """Hold a password-only session at the code page (enrolled) or the enrolment page (role requires it).

    Bearer-token API calls are judged by their token (issued only after the code, see field/tokens.py).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not _bearer(request)
        ):
            from gocua.accounts.two_factor import has_two_factor

            if request.session.get(NO_SECOND_FACTOR_KEY) == user.pk:
                return self.get_response(request)
            allowed = (reverse("web:logout"), "/static/", "/i18n/")
            if has_two_factor(user):
                # Not even the password-change page: a stolen password alone must not lock the owner out.
                target = reverse("accounts:otp_verify")
                if not request.path.startswith((target, *allowed)):
                    return _refuse(request, "otp_required", _("Enter the code from your authenticator app."), target)
            elif two_factor_required(user):
                target = reverse("accounts:otp_enrol")
                if not request.path.startswith((target, reverse("accounts:password_change"), *allowed)):
                    return _refuse(request, "otp_enrolment_required", _("Set up two-factor sign-in first."), target)
            else:
                # Remember for this session that there is no second factor to ask, so ordinary
                # requests do not look for devices every time. Enrolling elsewhere ends this session.
                request.session[NO_SECOND_FACTOR_KEY] = user.pk
        return self.get_response(request)
