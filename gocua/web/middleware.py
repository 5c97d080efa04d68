"""Vietnamese first: pages ignore the browser's Accept-Language; the API honours it."""

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
