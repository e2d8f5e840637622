"""Editing a listing (docs/api.md, "Directory: consultants"): bad input, and which edits send an
approved listing back to review."""

import pytest
from django.conf import settings
from django.core import mail

from directory.models import Consultant, ListingDecision
from tests.directory.consultant_helpers import (
    BAD_LISTING_FIELDS,
    BASE,
    _bad_id,
    db_state,
    ids,
    set_status,
    status_of,
    url,
)
from tests.factories import language

PUBLIC_EDITS = [
    ("display_name", "Cora C. Consultant"),
    ("bio", "Now also reflective supervision."),
    ("license_type", "lpc"),
    ("license_number", "5555-123"),
    ("license_expires", "2032-01-31"),
    ("languages", ["en", "es"]),
    ("counties_served", []),
    ("base_zip", "53202"),
    ("travel_radius_miles", 60),
    ("modalities", ["virtual"]),
    ("setting_types", ["child_care_center", "head_start"]),
    ("specialties", ["trauma_informed_care"]),
    ("public_email", "cora@new.example.org"),
    ("public_phone", "608-555-0142"),
]


@pytest.mark.parametrize("role", ["consultant", "admin"])
@pytest.mark.parametrize("case", BAD_LISTING_FIELDS, ids=_bad_id)
def test_patch_with_bad_input_is_a_400_and_changes_nothing(world, api, case, role):
    field, value = case
    before = db_state()
    response = api(role, "patch", url(world.listing), {"display_name": "Renamed", field: value})
    assert response.status_code == 400, response.json()
    assert field in response.json(), response.json()
    assert db_state() == before  # still approved, not renamed, no review email


def test_patch_of_an_unknown_zip_leaves_an_approved_listing_public(world, api):
    before = db_state()
    response = api("consultant", "patch", url(world.listing), {"base_zip": "99999"})
    assert response.status_code == 400
    assert response.json() == {"base_zip": ["99999 is not a known US ZIP code."]}
    assert db_state() == before


@pytest.mark.parametrize("field, value", PUBLIC_EDITS)
def test_an_owner_editing_a_public_field_sends_the_listing_back_to_review(world, api, field, value):
    language("es", "Spanish")
    response = api("consultant", "patch", url(world.listing), {field: value})

    assert response.status_code == 200, response.json()
    assert response.json()["listing_status"] == "pending"
    assert response.json()[field] == value
    listing = Consultant.objects.get(pk=world.listing.pk)
    assert listing.listing_status == "pending"
    assert listing.submitted_at is not None
    decision = ListingDecision.objects.get(consultant=listing)
    assert decision.action == "returned_to_review"
    assert decision.actor == world.users["consultant"]
    assert (decision.from_status, decision.to_status) == ("approved", "pending")
    assert decision.reason == f"Changed: {field}"
    assert [m.to for m in mail.outbox] == [[settings.ALLIANCE_NOTIFY_EMAIL]]
    assert mail.outbox[0].subject == "Listing changed and back in review: " + (listing.display_name)
    # Hidden from the directory until approved again.
    assert api("anonymous", "get", url(listing)).status_code == 404
    assert listing.pk not in ids(api("anonymous", "get", BASE))


def test_the_review_reason_names_every_public_field_changed(world, api):
    response = api(
        "consultant",
        "patch",
        url(world.listing),
        {"bio": "New bio.", "display_name": "Cora B.", "max_caseload": 3},
    )
    assert response.status_code == 200
    decision = ListingDecision.objects.get(consultant=world.listing)
    assert decision.reason == "Changed: bio, display_name"


@pytest.mark.parametrize(
    "change",
    [
        {"max_caseload": 3},
        {"accepting_new_requests": False},
        {"contact_email": "cora@home.example.org"},
        {"contact_phone": "608-555-0111"},
        {"max_caseload": 20, "accepting_new_requests": False},
    ],
)
def test_an_owner_editing_capacity_or_private_contacts_stays_approved(world, api, change):
    response = api("consultant", "patch", url(world.listing), change)
    assert response.status_code == 200, response.json()
    listing = Consultant.objects.get(pk=world.listing.pk)
    assert listing.listing_status == "approved"
    for field, value in change.items():
        assert getattr(listing, field) == value
    assert not ListingDecision.objects.exists()
    assert len(mail.outbox) == 0


@pytest.mark.parametrize(
    "same",
    [
        {},
        {"display_name": "Cora Consultant"},
        {"base_zip": "53703"},
        {"base_zip": "53703-1234"},  # the same ZIP code written as ZIP+4
        {"languages": ["en"]},
        {"specialties": ["challenging_behavior"]},
        {"modalities": ["on_site", "virtual"]},
    ],
)
def test_an_owner_saving_unchanged_public_fields_stays_approved(world, api, same):
    response = api("consultant", "patch", url(world.listing), same)
    assert response.status_code == 200, response.json()
    assert status_of(world.listing) == "approved"
    assert not ListingDecision.objects.exists()
    assert len(mail.outbox) == 0


def test_an_owner_reordering_a_code_list_is_not_an_edit(world, api):
    response = api(
        "consultant", "patch", url(world.listing), {"modalities": ["virtual", "on_site"]}
    )
    assert response.status_code == 200, response.json()
    assert status_of(world.listing) == "approved"
    assert not ListingDecision.objects.exists()
    assert len(mail.outbox) == 0


@pytest.mark.parametrize("field, value", PUBLIC_EDITS)
def test_an_admin_editing_a_public_field_leaves_it_approved(world, api, field, value):
    language("es", "Spanish")
    response = api("admin", "patch", url(world.listing), {field: value})
    assert response.status_code == 200, response.json()
    assert response.json()[field] == value
    assert status_of(world.listing) == "approved"
    assert not ListingDecision.objects.exists()
    assert len(mail.outbox) == 0


@pytest.mark.parametrize("status", ["draft", "pending", "rejected", "suspended"])
def test_an_owner_editing_a_listing_that_is_not_approved_keeps_its_status(world, api, status):
    listing = set_status(world.listing, status)
    response = api("consultant", "patch", url(listing), {"bio": "Rewritten."})
    assert response.status_code == 200, response.json()
    listing.refresh_from_db()
    assert (listing.listing_status, listing.bio) == (status, "Rewritten.")
    assert not ListingDecision.objects.exists()
    assert len(mail.outbox) == 0


def test_a_listing_back_in_review_waits_in_the_admins_pending_list(world, api):
    api("consultant", "patch", url(world.listing), {"bio": "Updated."})
    assert ids(api("admin", "get", BASE, {"listing_status": "pending"})) == [world.listing.pk]
    assert ids(api("anonymous", "get", BASE)) == [world.other_listing.pk]


def test_a_new_zip_moves_the_listing(world, api):
    response = api("admin", "patch", url(world.listing), {"base_zip": "53202"})
    assert response.status_code == 200
    listing = Consultant.objects.get(pk=world.listing.pk)
    assert (listing.base_zip, listing.base_state) == ("53202", "WI")
    assert (listing.base_latitude, listing.base_longitude) == (43.0506, -87.8968)
