"""Domain errors shared by every app, and how the API reports them.

Services raise these (or Django's ValidationError / PermissionDenied); views never translate
errors by hand, so the web pages, the admin and the API all see the same rule.
"""

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler


class StateConflict(Exception):
    """The record's current state does not allow this action (HTTP 409)."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class KeyReused(Exception):
    """An idempotency key sent again with a different body (HTTP 422, as the IETF draft on
    the Idempotency-Key header says)."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class Unprocessable(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("The request cannot be processed as sent.")
    default_code = "unprocessable"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "payload_too_large"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with the current state of the resource.")
    default_code = "conflict"


def exception_handler(exc, context):
    """DRF's handler, plus 409 for StateConflict, 422 for KeyReused, 400 for Django's
    ValidationError, 413 for a body over DATA_UPLOAD_MAX_MEMORY_SIZE and 400 for other
    suspicious input (too many form fields or files): DRF leaves those to Django, whose
    answer is an HTML page."""
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, SuspiciousOperation):
        exc = exceptions.ParseError(str(exc) or None)
    elif isinstance(exc, StateConflict):
        exc = Conflict(exc.detail)
    elif isinstance(exc, KeyReused):
        exc = Unprocessable(exc.detail)
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


def bad_request(request, exception):
    """handler400: JSON under /api/ (e.g. a body too large for a view DRF does not run)."""
    if request.path.startswith("/api/"):
        if isinstance(exception, RequestDataTooBig):
            detail, code = PayloadTooLarge.default_detail, PayloadTooLarge.status_code
        else:
            detail, code = exceptions.ParseError.default_detail, status.HTTP_400_BAD_REQUEST
        return JsonResponse({"detail": str(detail)}, status=code)
    return defaults.bad_request(request, exception)


def server_error(request):
    """handler500: JSON under /api/, the site's page elsewhere. Says nothing of the cause."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": str(_("Something went wrong on our side. Please try again later."))},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    return defaults.server_error(request)
