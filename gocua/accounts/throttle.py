"""One limiter for every password entry point: django-axes with our limits per key.

Web log-in, the Django admin log-in, the device-token exchange and the password change all
check a password through `django.contrib.auth.authenticate`, where `AxesBackend` refuses a
locked-out caller and axes records each failure (`AccessAttempt`). Axes applies one failure
limit to every key; this handler gives each key its own (settings `GOCUA_LOGIN_*`):

- account + address (`["username", "ip_address"]`): a person who forgot their password;
- address (`["ip_address"]`): one machine guessing many accounts; stricter than
- account (`["username"]`): many machines guessing one account.

A *known device* (an address this account has logged in from before, recorded by axes'
`AccessLog`) is judged by the account + address key only, so nobody else's failures, from an
office behind the same address or from a botnet aiming at the account, lock its owner out.
"""

import datetime as dt

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.db.models import Max, Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

# The order of AXES_LOCKOUT_PARAMETERS in settings; each gets the limit named here.
KEYS = (("username", "ip_address"), ("ip_address",), ("username",))
KNOWN_DEVICE_DAYS = 90


def normalise_username(request, credentials=None) -> str:
    """Return the user name axes keys on: as typed, trimmed and lower-cased (as `token_issue` does)."""
    name = (credentials or {}).get("username")
    if name is None and request is not None and request.method == "POST":
        name = request.POST.get("username")
    return (name or "").strip().lower()[:150]


def limits() -> dict[tuple[str, ...], int]:
    return {
        ("username", "ip_address"): settings.GOCUA_LOGIN_FAILURES_PER_ACCOUNT_ADDRESS,
        ("ip_address",): settings.GOCUA_LOGIN_FAILURES_PER_ADDRESS,
        ("username",): settings.GOCUA_LOGIN_FAILURES_PER_ACCOUNT,
    }


def _is_known_device(username: str, ip: str | None) -> bool:
    if not username or not ip:
        return False
    since = timezone.now() - dt.timedelta(days=KNOWN_DEVICE_DAYS)
    return AccessLog.objects.filter(ip_address=ip, username__iexact=username, attempt_time__gte=since).exists()


class GocuaAxesHandler(AxesDatabaseHandler):
    """Axes' database handler with a failure limit per key and the known-device rule."""

    def retry_after(self, request, credentials=None) -> int:
        """Return the seconds until this caller may try a password again (0: now)."""
        username = get_client_username(request, credentials)
        ip = getattr(request, "axes_ip_address", None)
        keys = KEYS[:1] if _is_known_device(username, ip) else KEYS
        values = {"username": username, "ip_address": ip}
        cool_off = get_cool_off(request) or dt.timedelta(0)
        now = getattr(request, "axes_attempt_time", None) or timezone.now()
        waits = [0]
        for key in keys:
            rows = AccessAttempt.objects.filter(attempt_time__gte=now - cool_off, **{k: values[k] for k in key})
            found = rows.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            if (found["failures"] or 0) >= limits()[key]:
                waits.append(int((found["last"] + cool_off - now).total_seconds()) + 1)
        return max(waits)

    def is_locked(self, request, credentials=None) -> bool:
        return self.retry_after(request, credentials) > 0

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        # AXES_FAILURE_LIMIT is the largest of our limits, so axes itself only flags a lock-out
        # that ours would too; this adds the stricter keys.
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is not None and not getattr(request, "axes_locked_out", False):
            if self.is_locked(request, credentials):
                request.axes_locked_out = True
                request.axes_credentials = credentials


def lockout_message(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return _("Too many failed log-ins; wait %(minutes)s minutes and try again.") % {"minutes": minutes}


def lockout_seconds(request, credentials=None) -> int:
    """Return the wait for a locked-out caller (at least one second)."""
    return max(1, GocuaAxesHandler().retry_after(request, credentials))


def lockout_response(request, original_response=None, credentials=None):
    """Answer a locked-out caller: 429 with Retry-After, JSON on the API, the log-in page otherwise."""
    seconds = lockout_seconds(request, credentials)
    message = lockout_message(seconds)
    if request.path.startswith("/api/"):
        response = JsonResponse({"code": "too_many_attempts", "message": message}, status=429)
    elif original_response is not None and getattr(request, "user", None) and request.user.is_authenticated:
        # The password-change page already shows the message next to the field.
        response = original_response
        response.status_code = 429
    else:
        from django.contrib.auth.forms import AuthenticationForm

        form = AuthenticationForm(request, initial={"username": normalise_username(request, credentials)})
        response = render(
            request, "web/login.html", {"form": form, "lockout": message, "next": request.GET.get("next", "")},
            status=429,
        )
    response["Retry-After"] = str(seconds)
    return response
