"""A listing's review (docs/api.md, "Directory: consultants"): submit, approve, reject and
suspend from every status, what submitting needs, the reasons, the history and the emails."""

import pytest
from django.conf import settings
from django.core import mail

from directory.models import Consultant, ListingDecision
from tests.directory.consultant_helpers import (
    STATUSES,
    db_state,
    set_status,
    status_of,
    url,
)

# (action, from status) -> the status it moves to; every other pair is a 409.
ALLOWED = {
    ("submit", "draft"): "pending",
    ("submit", "rejected"): "pending",
    ("approve", "pending"): "approved",
    ("approve", "suspended"): "approved",  # reinstating a suspended listing
    ("reject", "pending"): "rejected",
    ("suspend", "pending"): "suspended",
    ("suspend", "approved"): "suspended",
}


ACTOR = {"submit": "consultant", "approve": "admin", "reject": "admin", "suspend": "admin"}


RECORDED_AS = {
    "submit": "submitted",
    "approve": "approved",
    "reject": "rejected",
    "suspend": "suspended",
}


REASON = {"reject": "Add your license number.", "suspend": "License lapsed."}


REASON_CASES = [
    (None, "reason"),  # no body at all
    ({}, "reason"),
    ({"reason": ""}, "reason"),
    ({"reason": "   \n\t"}, "reason"),
    ({"reason": None}, "reason"),
    ({"reason": {"text": "why"}}, "reason"),
    ({"reason": ["why"]}, "reason"),
    ({"reason": "x" * 2001}, "reason"),
    ({"reason": "Null\x00byte"}, "reason"),
    ({"reason": "Fine.", "note": "extra"}, "note"),
]


@pytest.mark.parametrize("from_status", STATUSES)
@pytest.mark.parametrize("action", ["submit", "approve", "reject", "suspend"])
def test_transition(world, api, action, from_status):
    listing = set_status(world.listing, from_status)
    body = {"reason": REASON[action]} if action in REASON else None
    before = db_state()

    response = api(ACTOR[action], "post", url(listing, action), body)

    to_status = ALLOWED.get((action, from_status))
    if to_status is None:
        assert response.status_code == 409, response.json()
        assert set(response.json()) == {"detail"}
        assert db_state() == before
        return
    assert response.status_code == 200, response.json()
    assert response.json()["listing_status"] == to_status
    listing.refresh_from_db()
    assert listing.listing_status == to_status
    decision = ListingDecision.objects.get(consultant=listing)
    assert decision.actor == world.users[ACTOR[action]]
    assert decision.action == RECORDED_AS[action]
    assert (decision.from_status, decision.to_status) == (from_status, to_status)
    assert decision.reason == REASON.get(action, "")
    assert response.json()["decisions"][-1] == {
        "at": response.json()["decisions"][-1]["at"],
        # The owner reads their listing's name for their own step; the Alliance, usernames.
        "actor": (
            listing.display_name
            if ACTOR[action] == "consultant"
            else world.users[ACTOR[action]].username
        ),
        "action": decision.action,
        "from_status": from_status,
        "to_status": to_status,
        "reason": decision.reason,
    }
    if action == "submit":
        assert listing.submitted_at is not None
    else:
        assert listing.reviewed_at is not None
    assert len(mail.outbox) == 1


def test_the_reason_is_stored_trimmed(world, api):
    listing = set_status(world.listing, "pending")
    response = api("admin", "post", url(listing, "reject"), {"reason": "  Add a bio.  "})
    assert response.status_code == 200
    assert ListingDecision.objects.get(consultant=listing).reason == "Add a bio."


def test_a_full_review_cycle_keeps_every_step_in_history(world, api):
    listing = set_status(world.listing, "draft")
    steps = [
        ("consultant", "submit", None),
        ("admin", "reject", {"reason": "Add a bio."}),
        ("consultant", "submit", None),
        ("admin", "approve", None),
        ("admin", "suspend", {"reason": "Complaint under review."}),
        ("admin", "approve", None),
    ]
    for role, action, body in steps:
        assert api(role, "post", url(listing, action), body).status_code == 200, action
    history = list(
        ListingDecision.objects.filter(consultant=listing).values_list(
            "action", "from_status", "to_status"
        )
    )
    assert history == [
        ("submitted", "draft", "pending"),
        ("rejected", "pending", "rejected"),
        ("submitted", "rejected", "pending"),
        ("approved", "pending", "approved"),
        ("suspended", "approved", "suspended"),
        ("approved", "suspended", "approved"),
    ]
    detail = api("consultant", "get", url(listing)).json()
    assert [d["action"] for d in detail["decisions"]] == [a for a, _, _ in history]


@pytest.mark.parametrize("body, field", REASON_CASES)
@pytest.mark.parametrize("action", ["reject", "suspend"])
def test_reject_and_suspend_need_a_reason(world, api, action, body, field):
    listing = set_status(world.listing, "pending")
    before = db_state()
    response = api("admin", "post", url(listing, action), body)
    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert db_state() == before


def test_submit_of_an_incomplete_listing_lists_what_is_missing(world, api):
    listing = set_status(world.listing, "draft")
    Consultant.objects.filter(pk=listing.pk).update(
        bio="  ",
        modalities=[],
        specialties=[],
        setting_types=[],
        public_email="",
        public_phone="",
    )
    listing.languages.clear()
    listing.counties_served.clear()
    before = db_state()

    response = api("consultant", "post", url(listing, "submit"))

    assert response.status_code == 400
    assert set(response.json()) == {
        "bio",
        "languages",
        "modalities",
        "specialties",
        "setting_types",
        "counties_served",
        "public_email",
    }
    assert db_state() == before


@pytest.mark.parametrize(
    "change, missing",
    [
        ({"bio": ""}, "bio"),
        ({"specialties": []}, "specialties"),
        ({"setting_types": []}, "setting_types"),
        ({"modalities": []}, "modalities"),
        ({"public_email": ""}, "public_email"),
        ({"languages": []}, "languages"),
        ({"counties_served": [], "modalities": ["on_site"]}, "counties_served"),
    ],
)
def test_submit_names_the_one_missing_field(world, api, change, missing):
    listing = set_status(world.listing, "draft")
    assert api("consultant", "patch", url(listing), change).status_code == 200
    before = db_state()
    response = api("consultant", "post", url(listing, "submit"))
    assert response.status_code == 400
    assert list(response.json()) == [missing]
    assert db_state() == before


def test_a_virtual_consultant_need_not_name_counties(world, api):
    listing = set_status(world.listing, "draft")
    listing.counties_served.clear()
    Consultant.objects.filter(pk=listing.pk).update(modalities=["virtual"])
    response = api("consultant", "post", url(listing, "submit"))
    assert response.status_code == 200, response.json()
    assert status_of(listing) == "pending"


def test_a_public_phone_is_enough_contact(world, api):
    listing = set_status(world.listing, "draft")
    Consultant.objects.filter(pk=listing.pk).update(public_email="", public_phone="608-555-0199")
    response = api("consultant", "post", url(listing, "submit"))
    assert response.status_code == 200
    assert response.json()["listing_status"] == "pending"
    assert status_of(listing) == "pending"  # waiting for review, not yet public


def test_submitting_emails_the_alliance(world, api):
    listing = set_status(world.listing, "draft")
    api("consultant", "post", url(listing, "submit"))
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [settings.ALLIANCE_NOTIFY_EMAIL]
    assert email.subject == "New listing to review: Cora Consultant"
    assert "Cora Consultant submitted a consultant listing for review." in email.body


def test_approving_emails_the_consultant(world, api):
    listing = set_status(world.listing, "pending")
    api("admin", "post", url(listing, "approve"))
    assert [m.to for m in mail.outbox] == [["cora_consultant@example.org"]]
    assert mail.outbox[0].subject == "Your listing is approved: Cora Consultant"
    assert "visible in the public directory" in mail.outbox[0].body


def test_rejecting_emails_the_consultant_the_reason(world, api):
    listing = set_status(world.listing, "pending")
    api("admin", "post", url(listing, "reject"), {"reason": "Please add your license number."})
    assert [m.to for m in mail.outbox] == [["cora_consultant@example.org"]]
    assert mail.outbox[0].subject == "Your listing needs changes: Cora Consultant"
    assert "Please add your license number." in mail.outbox[0].body


def test_suspending_emails_the_consultant_the_reason(world, api):
    api("admin", "post", url(world.listing, "suspend"), {"reason": "License lapsed in May."})
    assert [m.to for m in mail.outbox] == [["cora_consultant@example.org"]]
    assert mail.outbox[0].subject == "Your listing is suspended: Cora Consultant"
    assert "License lapsed in May." in mail.outbox[0].body


def test_emails_go_to_the_account_not_to_the_private_or_public_contact(world, api):
    listing = set_status(world.listing, "pending")
    api("admin", "post", url(listing, "approve"))
    sent_to = mail.outbox[0].to
    assert sent_to == [world.users["consultant"].email]
    assert listing.contact_email not in sent_to and listing.public_email not in sent_to


def test_a_newline_in_the_name_does_not_break_the_subject(world, api):
    listing = set_status(world.listing, "draft")
    response = api(
        "consultant", "patch", url(listing), {"display_name": "Cora\nBcc: x@evil.example"}
    )
    if response.status_code == 400:  # refusing such a name is also correct
        assert "display_name" in response.json()
        return
    api("consultant", "post", url(listing, "submit"))
    assert mail.outbox[0].subject == "New listing to review: Cora Bcc: x@evil.example"
    assert not mail.outbox[0].body.startswith("Bcc:")
