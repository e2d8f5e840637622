"""Domain errors shared by every app, and how the API reports them.

Services raise these (or Django's ValidationError / PermissionDenied); views never translate
errors by hand, so the web pages, the admin and the API all see the same rule.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler


class StateConflict(Exception):
    """The record's current state does not allow this action (HTTP 409)."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"


def exception_handler(exc, context):
    """DRF's handler, plus 409 for StateConflict and 400 for Django's ValidationError."""
    if isinstance(exc, StateConflict):
        exc = Conflict(exc.detail)
    elif isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError(exc.message_dict)
        else:
            exc = exceptions.ValidationError({"non_field_errors": exc.messages})
    return drf_exception_handler(exc, context)


def page_not_found(request, exception):
    """Django's 404 handler (handler404 in the root URLconf): a URL that no route matches is
    JSON under /api/, like every other API error (e.g. /api/v1/consultants/1.5/, which the
    router's id pattern refuses), and the site's HTML page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": str(exceptions.NotFound.default_detail)}, status=status.HTTP_404_NOT_FOUND
        )
    return defaults.page_not_found(request, exception)
