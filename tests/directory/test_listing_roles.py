"""Who may call each consultant endpoint (docs/api.md, "Directory: consultants"): every role on
every endpoint; a role that may not act gets its 403 before any field errors, and nothing
changes."""

import pytest
from django.core import mail

from directory.models import Consultant, ListingDecision
from tests.conftest import ROLES
from tests.directory.consultant_helpers import (
    BASE,
    NEW_LISTING,
    STATUSES,
    db_state,
    ids,
    make_listing,
    set_status,
    status_of,
    url,
)
from tests.factories import county

PRIVATE_FIELDS = ("contact_email", "contact_phone", "decisions")


CONTRACT_FIELDS = {
    "id",
    "display_name",
    "bio",
    "license_type",
    "license_verified",
    "endorsements",
    "hours_per_week",
    "hours_free",
    "places_free",
    "languages",
    "counties_served",
    "base_zip",
    "travel_radius_miles",
    "modalities",
    "setting_types",
    "specialties",
    "max_caseload",
    "active_caseload",
    "accepting_new_requests",
    "listing_status",
    "public_email",
    "public_phone",
}


CREATE_BY_ROLE = {
    "anonymous": 401,
    "program": 403,
    "other_program": 403,
    "consultant": 409,  # already has a listing
    "other_consultant": 409,
    "admin": 403,
    "newcomer": 201,
}


# Who may take each action on a listing in the status the action starts from.
ACTION_MATRIX = {
    # action: (status of world.listing, body, {role: expected status code})
    "submit": (
        "draft",
        None,
        {
            "anonymous": 401,
            "program": 404,
            "other_program": 404,
            "consultant": 200,
            "other_consultant": 404,
            "admin": 403,  # admins see drafts but only the owner submits
        },
    ),
    "approve": (
        "pending",
        None,
        {
            "anonymous": 401,
            "program": 404,
            "other_program": 404,
            "consultant": 403,  # the owner sees it but may not approve it
            "other_consultant": 404,
            "admin": 200,
        },
    ),
    "reject": (
        "pending",
        {"reason": "Add your license number."},
        {
            "anonymous": 401,
            "program": 404,
            "other_program": 404,
            "consultant": 403,
            "other_consultant": 404,
            "admin": 200,
        },
    ),
    "suspend": (
        "approved",
        {"reason": "License lapsed."},
        {
            "anonymous": 401,
            "program": 403,  # an approved listing is public, so 403 reveals nothing
            "other_program": 403,
            "consultant": 403,
            "other_consultant": 403,
            "admin": 200,
        },
    ),
}


TO_STATUS = {
    "submit": "pending",
    "approve": "approved",
    "reject": "rejected",
    "suspend": "suspended",
}


@pytest.mark.parametrize("role", ROLES)
def test_list_is_open_to_everyone_and_shows_approved_listings_unless_admin(world, api, role):
    hidden = {status: make_listing(status) for status in STATUSES if status != "approved"}
    approved = sorted([world.listing, world.other_listing], key=lambda c: c.display_name)

    response = api(role, "get", BASE)

    if role == "admin":
        expected = sorted([*approved, *hidden.values()], key=lambda c: (c.display_name, c.pk))
    else:
        expected = approved
    assert ids(response) == [c.pk for c in expected]
    assert response.json()["count"] == len(expected)
    for item in response.json()["results"]:
        assert set(item) >= CONTRACT_FIELDS
        assert not set(PRIVATE_FIELDS) & set(item), "private contacts listed"


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("role", ROLES)
def test_retrieve_by_role_and_status(world, api, role, status):
    listing = set_status(world.listing, status)
    before = db_state()

    response = api(role, "get", url(listing))

    may_see = status == "approved" or role in ("consultant", "admin")
    if not may_see:
        assert response.status_code == 404
        assert set(response.json()) == {"detail"}
        assert world.listing.display_name not in response.content.decode()
    else:
        assert response.status_code == 200
        body = response.json()
        assert body["id"] == listing.pk
        assert body["listing_status"] == status
        assert set(body) >= CONTRACT_FIELDS
        if role in ("consultant", "admin"):
            assert body["contact_email"] == "cora_consultant@private.example.org"
            assert "decisions" in body
        else:
            assert not set(PRIVATE_FIELDS) & set(body), "private contacts shown"
            assert "private.example.org" not in response.content.decode()
    assert db_state() == before


@pytest.mark.parametrize("status", ["approved", "draft"])
@pytest.mark.parametrize("role", ROLES)
def test_patch_by_role(world, api, role, status):
    listing = set_status(world.listing, status)
    before = db_state()

    response = api(role, "patch", url(listing), {"max_caseload": 7})

    if role in ("consultant", "admin"):
        assert response.status_code == 200, response.json()
        assert response.json()["max_caseload"] == 7
        listing.refresh_from_db()
        assert listing.max_caseload == 7
        assert listing.listing_status == status  # capacity is not a public field
        assert ListingDecision.objects.count() == 0
        assert len(mail.outbox) == 0
        return
    expected = {"anonymous": 401}.get(role, 403 if status == "approved" else 404)
    assert response.status_code == expected
    assert db_state() == before


@pytest.mark.parametrize("method", ["put", "delete"])
@pytest.mark.parametrize("role", ROLES)
def test_put_and_delete_are_not_allowed(world, api, role, method):
    before = db_state()
    response = api(role, method, url(world.listing), {**NEW_LISTING, "counties_served": []})
    assert response.status_code == (401 if role == "anonymous" else 405)
    assert db_state() == before


@pytest.mark.parametrize("role", CREATE_BY_ROLE)
def test_create_by_role(world, api, newcomer, role):
    dane = county()
    before = db_state()

    response = api(role, "post", BASE, {**NEW_LISTING, "counties_served": [dane.pk]})

    assert response.status_code == CREATE_BY_ROLE[role], response.json()
    if role != "newcomer":
        assert db_state() == before
        if response.status_code == 409:
            assert "detail" in response.json()
        return
    body = response.json()
    assert body["listing_status"] == "draft"
    assert body["contact_email"] == ""  # the owner sees the private serializer
    created = Consultant.objects.get(user=newcomer)
    assert body["id"] == created.pk
    assert created.listing_status == "draft"
    assert created.display_name == "Nia Newcomer, LPC"
    assert created.base_state == "WI"
    assert (created.base_latitude, created.base_longitude) == (43.0775, -89.3831)
    assert list(created.languages.values_list("code", flat=True)) == ["en"]
    assert list(created.counties_served.all()) == [dane]
    assert created.specialties == ["social_emotional_development"]
    assert not created.decisions.exists()
    assert len(mail.outbox) == 0  # a draft is not sent to the Alliance


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTION_MATRIX)
def test_actions_by_role(world, api, action, role):
    from_status, body, expected = ACTION_MATRIX[action]
    listing = set_status(world.listing, from_status)
    before = db_state()

    response = api(role, "post", url(listing, action), body)

    assert response.status_code == expected[role], response.json()
    if expected[role] == 200:
        assert response.json()["listing_status"] == TO_STATUS[action]
        assert status_of(listing) == TO_STATUS[action]
        assert ListingDecision.objects.filter(consultant=listing).count() == 1
        assert len(mail.outbox) == 1
    else:
        assert db_state() == before


def test_a_role_that_may_not_create_gets_a_403_whatever_it_sends(world, api):
    """The contract's 403 for a role that may not act comes before any field errors."""
    before = db_state()
    response = api("program", "post", BASE, {"display_name": ""})
    assert response.status_code == 403, response.json()
    assert db_state() == before


def test_a_user_who_may_not_edit_gets_a_403_whatever_it_sends(world, api):
    before = db_state()
    response = api("other_consultant", "patch", url(world.listing), {"max_caseload": 0})
    assert response.status_code == 403, response.json()
    assert db_state() == before


def test_a_user_who_may_not_review_gets_a_403_even_without_a_reason(world, api):
    before = db_state()
    response = api("program", "post", url(world.listing, "suspend"), {})
    assert response.status_code == 403, response.json()
    assert db_state() == before
