"""A user's language: the one their pages are shown in and their emails are written in.

The languages are settings.LANGUAGES. A signed-in user's `preferred_language` is set by the
language switcher (accounts.views.set_language) and at sign-up; the page language for
everyone else is the switcher's cookie or the browser's Accept-Language (LocaleMiddleware).

For an email to a user, render it inside `translation.override(language_for(user))`.
"""

from django.conf import settings
from django.utils import translation


def supported_language(code: str | None) -> str | None:
    """`code` as one of settings.LANGUAGES (es-mx -> es), or None if it is not one."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def language_for(user) -> str:
    """The language to write to `user` in: their preferred one, else the site's default.
    Anonymous users, users with none and a code no longer offered all get the default."""
    preferred = getattr(user, "preferred_language", "") if user is not None else ""
    return supported_language(preferred) or supported_language(settings.LANGUAGE_CODE) or "en"
