"""Who is calling: the authentication callables every API router uses."""

from ninja.security import SessionAuth


class SessionAuthFirst(SessionAuth):
    """Django session log-in; CSRF is checked on unsafe methods once the caller is logged in."""

    def __call__(self, request):
        # ninja's SessionAuth checks CSRF before it looks at the session, so an anonymous
        # POST would get "403 CSRF" instead of the 401 that tells a client to log in.
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


# Tried in order; the first that returns a user wins and becomes `request.auth`. The
# device-token issue adds a bearer-token callable here; routers inherit this list.
API_AUTH: list = [SessionAuthFirst()]


def api_user(request):
    """Return the authenticated user of an API request (whichever callable accepted it)."""
    return request.auth
