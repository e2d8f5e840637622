import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy header: no page of ours needs a camera, a microphone, the
    user's location or payments, so no page (or anything injected into one) gets them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


# --- The database unreachable (issue 12) ---------------------------------------------------

# Seconds a client is asked to wait before trying again while the database is unreachable.
DATABASE_RETRY_AFTER = 30
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
FALLBACK_PAGE = (
    '<!doctype html><html lang="en"><meta charset="utf-8"><title>IECMHC Matching</title>'
    "<h1>The service is temporarily unavailable</h1>"
    '<p>Please try again in a minute. <a href="/">Back to the home page</a></p></html>'
)


def database_unavailable_response(request):
    """503 with Retry-After: JSON under /api/ (like every API error), a page elsewhere. The
    page is rendered without the request, so nothing in it touches the database (no user,
    no session)."""
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": str(_("The service is temporarily unavailable. Please try again shortly."))},
            status=503,
        )
    else:
        try:
            page = render_to_string("503.html")
        except Exception:  # e.g. static files not collected: still a page, still a 503
            logger.exception("The 503 page could not be rendered")
            page = FALLBACK_PAGE
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """A view that cannot reach the database (connection refused, dropped, timed out:
    OperationalError, InterfaceError) answers 503 with Retry-After instead of 500. Other
    database errors (an integrity error, a bad query) are bugs and stay 500s."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_UNAVAILABLE):
            logger.error("Database unavailable on %s: %s", request.path, exception)
            return database_unavailable_response(request)
        return None
