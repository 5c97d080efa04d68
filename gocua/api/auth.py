"""Who is calling: the authentication callables every API router uses."""

from ninja.security import HttpBearer, SessionAuth


class SessionAuthFirst(SessionAuth):
    """Django session log-in; CSRF is checked on unsafe methods once the caller is logged in."""

    def __call__(self, request):
        # ninja's SessionAuth checks CSRF before it looks at the session, so an anonymous
        # POST would get "403 CSRF" instead of the 401 that tells a client to log in.
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


class DeviceTokenAuth(HttpBearer):
    """`Authorization: Bearer <token>` from POST /api/v1/auth/token (the offline field app, scripts)."""

    def __call__(self, request):
        # Not ninja's own __call__: in DEBUG it logs a header it does not understand, and
        # that header may be a password (Basic) or a token.
        value = request.headers.get(self.header) or ""
        scheme, _space, secret = value.partition(" ")
        if scheme.lower() != self.openapi_scheme or not secret.strip():
            return None
        return self.authenticate(request, secret.strip())

    def authenticate(self, request, token):
        from gocua.field.tokens import token_authenticate

        # A bad token raises Unauthenticated (401 with token_invalid / token_revoked /
        # token_expired / account_inactive), so the device knows to wipe its data.
        device = token_authenticate(token)
        request.device_token = device
        return device.user


# Tried in order; the first that returns a user wins and becomes `request.auth`. A bearer
# token comes first: a request that carries one is judged by it alone, even when the browser
# also sends a session cookie (the field app lives on the same site as the pages).
API_AUTH: list = [DeviceTokenAuth(), SessionAuthFirst()]


def api_user(request):
    """Return the authenticated user of an API request (whichever callable accepted it)."""
    return request.auth


def api_device(request):
    """Return the DeviceToken of a bearer-authenticated request, or None (session)."""
    return getattr(request, "device_token", None)
