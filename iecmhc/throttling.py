"""Rate limits on registration, token requests and consultation requests.

DRF's SimpleRateThrottle does the counting (in the shared cache); these classes read their
rates from settings.RATE_LIMITS when asked, so the limits can be switched off
(DJANGO_RATE_LIMITS=off) or changed per test. The pages use the same classes through
`page_throttled`, so a limit holds whichever way a person comes in.
"""

from django.conf import settings
from django.shortcuts import render
from rest_framework.throttling import SimpleRateThrottle

from iecmhc.security import client_ip


class _Throttle(SimpleRateThrottle):
    scope = ""

    def get_rate(self):
        return settings.RATE_LIMITS.get(self.scope)

    def allow_request(self, request, view):
        if not settings.RATE_LIMITS_ENABLED:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_ident(self, request):
        return client_ip(request)


class RegistrationThrottle(_Throttle):
    """New accounts, per address."""

    scope = "register"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenThrottle(RegistrationThrottle):
    """Token requests, per address (failed logins are also locked out per account)."""

    scope = "token"


class RequestCreationThrottle(_Throttle):
    """New consultation requests, per user."""

    scope = "request_create"

    def get_cache_key(self, request, view):
        user = request.user
        ident = user.pk if user and user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


def page_throttled(request, throttle_class):
    """For a page: None when the request may go on, else a 429 page saying when to retry."""
    throttle = throttle_class()
    if throttle.allow_request(request, None):
        return None
    wait = throttle.wait()
    minutes = max(1, round((wait or 60) / 60))
    response = render(request, "429.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(int(wait or 60))
    return response


class IntakeThrottle(RegistrationThrottle):
    """The public request form (page and API), per address."""

    scope = "intake"
