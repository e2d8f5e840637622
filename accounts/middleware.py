from django.utils import translation

from accounts.i18n import supported_language


class PreferredLanguageMiddleware:
    """A signed-in user's pages are in their preferred language (set by the switcher), on
    every device, whatever the browser asks for. After AuthenticationMiddleware and
    LocaleMiddleware, which has already picked a language for everyone else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            preferred = supported_language(user.preferred_language)
            if preferred and preferred != translation.get_language():
                translation.activate(preferred)
                request.LANGUAGE_CODE = preferred
        return self.get_response(request)
