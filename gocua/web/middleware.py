"""Request middleware of the pages: Vietnamese first, and the privacy headers of every answer."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Pick the page language from the user's choice (cookie) or Vietnamese, never from the browser.

    Many cheap phones in Vietnam ship with an English system language; a member who never chose
    English must still get Vietnamese. API clients state their language with Accept-Language.
    """

    def process_request(self, request):
        if request.path.startswith("/api/"):
            return super().process_request(request)
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class SecurityHeadersMiddleware:
    """Keep answers that may carry personal data out of every cache; set the privacy headers.

    Every API answer and every answer to a logged-in user gets `Cache-Control: no-store` unless the
    view set its own Cache-Control (a public page, a service worker): a shared phone or a proxy
    must not keep a resident's name. Static files never reach here (WhiteNoise answers first).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        personal = request.path.startswith("/api/") or getattr(getattr(request, "user", None), "is_authenticated", False)
        if personal and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store, private"
        if settings.GOCUA_PERMISSIONS_POLICY and not response.has_header("Permissions-Policy"):
            response["Permissions-Policy"] = settings.GOCUA_PERMISSIONS_POLICY
        return response
