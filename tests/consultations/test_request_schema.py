"""The OpenAPI schema describes what each viewer gets (found by tests/test_fuzz_api.py)."""

import pytest

from tests.consultations.api_helpers import (
    CONSULTANT_CONTACT_FIELDS,
    PROGRAM_CONTACT_FIELDS,
    make,
    served_schemas,
    url,
)

pytestmark = pytest.mark.django_db


def test_the_schema_allows_a_request_without_consultant_or_language(world):
    request_obj = make(world, "submitted")
    body = world.client("program").get(url(request_obj.pk)).json()
    assert (body["consultant"], body["preferred_language"]) == (None, None)
    properties = served_schemas(world)["Request"]["properties"]
    assert properties["consultant"]["nullable"] is True
    assert properties["preferred_language"]["nullable"] is True


def test_the_schema_leaves_out_the_contacts_a_viewer_may_not_see(world):
    schemas = served_schemas(world)
    assert set(schemas["ProgramContact"]["properties"]) >= PROGRAM_CONTACT_FIELDS
    assert PROGRAM_CONTACT_FIELDS.isdisjoint(schemas["ProgramContact"]["required"])
    assert set(schemas["ConsultantContact"]["properties"]) >= CONSULTANT_CONTACT_FIELDS
    assert CONSULTANT_CONTACT_FIELDS.isdisjoint(schemas["ConsultantContact"]["required"])


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("ProgramContact", "email"),
        ("ConsultantContact", "public_email"),
        ("ConsultantContact", "contact_email"),
    ],
)
def test_the_schema_allows_contacts_without_an_email(world, component, field):
    schema = served_schemas(world)[component]["properties"][field]
    assert {"type": "string", "maxLength": 0} in schema["oneOf"]
