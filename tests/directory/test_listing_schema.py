"""The OpenAPI schema describes what each viewer gets (found by tests/test_fuzz_api.py)."""

import pytest

from tests.directory.consultant_helpers import (
    BASE,
)


def served_schema(client) -> dict:
    return client.get("/api/schema/", {"format": "json"}, secure=True).json()


def test_the_schema_lets_anyone_read_the_directory(client, db):
    paths = served_schema(client)["paths"]
    assert {} in paths[BASE]["get"]["security"]
    assert {} in paths[f"{BASE}{{id}}/"]["get"]["security"]
    assert {} not in paths[f"{BASE}{{id}}/"]["patch"]["security"]


def test_the_schema_gives_a_listing_public_or_private_by_viewer(client, db):
    response = served_schema(client)["paths"][f"{BASE}{{id}}/"]["get"]["responses"]["200"]
    assert response["content"]["application/json"]["schema"] == {
        "anyOf": [
            {"$ref": "#/components/schemas/ConsultantPrivate"},
            {"$ref": "#/components/schemas/Consultant"},
        ]
    }


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("Consultant", "public_email"),
        ("ConsultantPrivate", "public_email"),
        ("ConsultantPrivate", "contact_email"),
    ],
)
def test_the_schema_allows_a_listing_without_an_email(client, db, component, field):
    schema = served_schema(client)["components"]["schemas"][component]["properties"][field]
    assert {"type": "string", "maxLength": 0} in schema["oneOf"]
