"""Creating a listing (docs/api.md, "Directory: consultants"): one per consultant, bad input, and
what is stored."""

import pytest

from directory.models import Consultant
from tests.directory.consultant_helpers import (
    BAD_LISTING_FIELDS,
    BASE,
    NEW_LISTING,
    _bad_id,
    db_state,
)


def test_a_second_listing_is_a_conflict(world, api, newcomer):
    assert api("newcomer", "post", BASE, NEW_LISTING).status_code == 201
    before = db_state()
    response = api("newcomer", "post", BASE, {**NEW_LISTING, "display_name": "Again"})
    assert response.status_code == 409
    assert response.json()["detail"]
    assert db_state() == before


@pytest.mark.parametrize("case", BAD_LISTING_FIELDS, ids=_bad_id)
def test_create_with_bad_input_is_a_400_with_field_errors(world, api, newcomer, case):
    field, value = case
    before = db_state()
    response = api("newcomer", "post", BASE, {**NEW_LISTING, field: value})
    assert response.status_code == 400, response.json()
    assert field in response.json(), response.json()
    assert db_state() == before
    assert not Consultant.objects.filter(user=newcomer).exists()


@pytest.mark.parametrize(
    "body, fields",
    [
        ({}, {"display_name", "license_type", "base_zip"}),
        ([NEW_LISTING], {"non_field_errors"}),
        ("display_name=Nia", {"non_field_errors"}),
    ],
    ids=["empty", "a list", "a string"],
)
def test_create_without_an_object_or_required_fields_is_a_400(world, api, newcomer, body, fields):
    before = db_state()
    response = api("newcomer", "post", BASE, body)
    assert response.status_code == 400
    assert set(response.json()) == fields
    assert db_state() == before


def test_a_malformed_json_body_is_a_400(world, newcomer):
    before = db_state()
    response = world.client("newcomer").post(
        BASE, data=b'{"display_name": ', content_type="application/json"
    )
    assert response.status_code == 400
    assert db_state() == before


def test_create_stores_a_zip_plus_4_as_five_digits(world, api, newcomer):
    response = api("newcomer", "post", BASE, {**NEW_LISTING, "base_zip": "53202-1234"})
    assert response.status_code == 201, response.json()
    assert response.json()["base_zip"] == "53202"
    assert Consultant.objects.get(user=newcomer).base_latitude == 43.0506
