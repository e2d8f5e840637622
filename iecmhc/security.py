"""Who is asking (the client's address and the account a login names) and what must never
reach a log. Used by the login lockouts (django-axes), the rate limits and the logging."""

import ipaddress
import logging
import re
import unicodedata

from django.conf import settings
from django.shortcuts import render


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or behind DJANGO_TRUSTED_PROXY_COUNT proxies the
    address the outermost trusted proxy saw (so a client cannot pick its own by sending an
    X-Forwarded-For header). A hop that is not an IP address (a client's own garbage that
    a proxy passed on) is not trusted: the address the server saw is used instead."""
    proxies = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "") or ""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            hop = hops[-min(proxies, len(hops))]
            if _is_ip_address(hop):
                return hop
    return remote


def _is_ip_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def login_username(request, credentials=None) -> str:
    """The account a login attempt names, as the lockout counts it: usernames are unique
    regardless of case, so "Pat" and "pat" are one account's failures."""
    username = ""
    if credentials:
        username = credentials.get("username") or ""
    elif request is not None and hasattr(request, "POST"):
        username = request.POST.get("username", "")
    return unicodedata.normalize("NFKC", str(username)).strip().casefold()[:150]


def lockout_response(request, original_response=None, credentials=None):
    """What a locked-out login gets: the API's own JSON 429 (the token view explains it), or
    a page saying why and what to do."""
    api = request.path.startswith("/api/")
    if api and original_response is not None and original_response.status_code == 429:
        return original_response
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    response = render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


# A password-reset link's token, an API token, and key/password query parameters.
_SECRETS = [
    (re.compile(r"(/reset/[^/\s]+/)[^/\s]+(/)"), r"\1[redacted]\2"),
    (re.compile(r"\b(Token|Bearer)\s+[0-9a-fA-F]{20,}"), r"\1 [redacted]"),
    (re.compile(r"([?&](?:token|key|password)=)[^&\s\"]+", re.I), r"\1[redacted]"),
]


def redact(text: str) -> str:
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Masks secrets in a log record's message before any handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
