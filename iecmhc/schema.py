"""The API's error responses in the OpenAPI schema (drf-spectacular).

Every error the API returns has one of two bodies (see iecmhc.exceptions): field errors for
invalid input (400), or `{"detail": ...}` for everything else. `document_error_responses`
adds the errors that follow from an operation's shape to every operation: 400 where it writes
(its service validates) or takes filters, 401 where it takes credentials, 403 where it writes
with credentials (a role the service refuses, or a session without its CSRF token), 404 where
it names a record or a page. An error that depends on the domain (a 409 from a state machine,
a 403 for a role on a read, a 429 from a rate limit) is declared on the view with
`extend_schema(responses={..., 409: CONFLICT})`.
"""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


# Explicit responses for views' extend_schema, one per error the domain can cause.
FORBIDDEN = OpenApiResponse(ErrorDetailSerializer, "The caller's role may not do this.")
CONFLICT = OpenApiResponse(
    ErrorDetailSerializer, "The record's current state does not allow this (see `detail`)."
)
UNPROCESSABLE = OpenApiResponse(
    ErrorDetailSerializer, "An Idempotency-Key sent again with a different body."
)
TOO_MANY_REQUESTS = OpenApiResponse(
    ErrorDetailSerializer, "Rate limited: retry after the `Retry-After` header's seconds."
)

ERROR_DETAIL = "ErrorDetail"
VALIDATION_ERRORS = "ValidationErrors"

COMPONENTS = {
    # The same schema drf-spectacular derives from ErrorDetailSerializer.
    ERROR_DETAIL: {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    VALIDATION_ERRORS: {
        "type": "object",
        "description": (
            "Each invalid field maps to its messages (a list field's or nested field's errors "
            "are keyed by index or name); `non_field_errors` holds errors of the input as a "
            "whole; a body that cannot be parsed gives `detail`."
        ),
        "properties": {
            "detail": {"type": "string"},
            "non_field_errors": {"type": "array", "items": {"type": "string"}},
        },
        "additionalProperties": {
            "oneOf": [
                {"type": "array", "items": {"type": "string"}},
                {"type": "object"},
            ]
        },
    },
}

SAFE_METHODS = {"get", "head", "options"}
PAGINATION_PARAMETERS = {"page", "page_size"}


def _response(description: str, component: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
    }


def _error_responses(method: str, operation: dict) -> dict[str, dict]:
    """The errors an operation can return because of its shape alone."""
    parameters = operation.get("parameters", [])
    query = {p["name"] for p in parameters if p["in"] == "query"}
    in_path = any(p["in"] == "path" for p in parameters)
    security = operation.get("security", [])
    takes_credentials = any(requirement for requirement in security)

    errors = {}
    writes = method not in SAFE_METHODS
    if writes or query - PAGINATION_PARAMETERS:
        errors["400"] = _response("Invalid input: the errors of each field.", VALIDATION_ERRORS)
    if takes_credentials:
        errors["401"] = _response(
            "No credentials, or a token that is invalid or expired.", ERROR_DETAIL
        )
    if takes_credentials and writes:
        errors["403"] = _response(
            "The caller's role may not do this (or a session request lacks its CSRF token).",
            ERROR_DETAIL,
        )
    if in_path or "page" in query:
        errors["404"] = _response(
            "No such record, or not one the caller may see; or no such page.", ERROR_DETAIL
        )
    return errors


def document_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: document each operation's error responses."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in COMPONENTS.items():
        schemas.setdefault(name, schema)
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status_code, response in _error_responses(method, operation).items():
                responses.setdefault(status_code, response)
            operation["responses"] = dict(sorted(responses.items()))
    return result
