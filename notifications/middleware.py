"""Signed-in users see the handbook in the language saved on their account (User.language)."""

from django.conf import settings
from django.utils import translation


class UserLanguageMiddleware:
    """After authentication: the account's language wins over the cookie and the browser's."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = dict(settings.LANGUAGES)

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language in self.languages:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)
