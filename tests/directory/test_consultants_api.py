"""The consultant endpoints of the directory API (../shared/API.md, "Directory: consultants").

Who may call what (each of the six roles), every listing transition from every status, input
validation, visibility of listings and of private contacts, the filters, pagination with a
constant number of queries, and the emails each step sends. A refused call changes nothing:
the rows, the review history and the outbox are compared before and after.
"""

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory import geo
from directory.models import Consultant, ListingDecision
from tests.conftest import ROLES
from tests.factories import ConsultantFactory, UserFactory, county, language

BASE = "/api/v1/consultants/"
STATUSES = ("draft", "pending", "approved", "rejected", "suspended")
PRIVATE_FIELDS = ("contact_email", "contact_phone", "decisions")
CONTRACT_FIELDS = {
    "id",
    "display_name",
    "bio",
    "license_type",
    "imh_endorsement",
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

NEW_LISTING = {
    "display_name": "Nia Newcomer, LPC",
    "bio": "Play-based consultation for toddler rooms.",
    "license_type": "lpc",
    "imh_endorsement": "infant_family_specialist",
    "languages": ["en"],
    "base_zip": "53703",
    "travel_radius_miles": 30,
    "modalities": ["on_site"],
    "setting_types": ["child_care_center"],
    "specialties": ["social_emotional_development"],
    "max_caseload": 8,
    "public_email": "nia@consult.example.org",
}


# --- helpers -------------------------------------------------------------------------------


def url(consultant=None, action=None) -> str:
    if consultant is None:
        return BASE
    pk = consultant if isinstance(consultant, int | str) else consultant.pk
    return f"{BASE}{pk}/" + (f"{action}/" if action else "")


def make_listing(status="approved", zip_code="53703", **fields) -> Consultant:
    """A listing based at `zip_code` (its coordinates looked up like the service does)."""
    place = geo.zip_lookup(zip_code)
    return ConsultantFactory(
        listing_status=status,
        base_zip=zip_code,
        base_state=place.state,
        base_latitude=place.latitude,
        base_longitude=place.longitude,
        **fields,
    )


def set_status(consultant: Consultant, status: str) -> Consultant:
    Consultant.objects.filter(pk=consultant.pk).update(listing_status=status)
    consultant.refresh_from_db()
    return consultant


def db_state() -> dict:
    """Everything a consultant call could change: every listing's row and relations, the
    review history, the users' count and the emails sent."""
    listings = {}
    for row in Consultant.objects.order_by("pk"):
        data = {f.attname: getattr(row, f.attname) for f in Consultant._meta.concrete_fields}
        data["languages"] = sorted(row.languages.values_list("pk", flat=True))
        data["counties_served"] = sorted(row.counties_served.values_list("pk", flat=True))
        listings[row.pk] = data
    decisions = list(
        ListingDecision.objects.order_by("pk").values_list(
            "consultant_id", "action", "from_status", "to_status", "reason"
        )
    )
    return {"listings": listings, "decisions": decisions, "emails": len(mail.outbox)}


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [item["id"] for item in response.json()["results"]]


def status_of(consultant: Consultant) -> str:
    return Consultant.objects.values_list("listing_status", flat=True).get(pk=consultant.pk)


@pytest.fixture
def api(world, django_capture_on_commit_callbacks):
    """`api(role, method, path, data)`: one call as `role`, running its on-commit emails."""

    def call(role, method, path, data=None):
        client = world.client(role)
        with django_capture_on_commit_callbacks(execute=True):
            return getattr(client, method)(path, data)

    return call


@pytest.fixture
def newcomer(world):
    """A consultant user without a listing yet (the only role allowed to create one)."""
    user = UserFactory(username="nia_newcomer", role="consultant")
    world.users["newcomer"] = user
    return user


# --- role matrix ---------------------------------------------------------------------------


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


CREATE_BY_ROLE = {
    "anonymous": 401,
    "program": 403,
    "other_program": 403,
    "consultant": 409,  # already has a listing
    "other_consultant": 409,
    "admin": 403,
    "newcomer": 201,
}


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


def test_a_second_listing_is_a_conflict(world, api, newcomer):
    assert api("newcomer", "post", BASE, NEW_LISTING).status_code == 201
    before = db_state()
    response = api("newcomer", "post", BASE, {**NEW_LISTING, "display_name": "Again"})
    assert response.status_code == 409
    assert response.json()["detail"]
    assert db_state() == before


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


# --- every transition from every status ----------------------------------------------------

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


# --- bad input -----------------------------------------------------------------------------

BAD_LISTING_FIELDS = [
    # (field, value); the error is reported under `field`
    ("display_name", None),
    ("display_name", ""),
    ("display_name", "x" * 121),
    ("display_name", "Null\x00byte"),
    ("display_name", ["Cora"]),
    ("bio", "x" * 4001),
    ("bio", None),
    ("license_type", "LCSW"),
    ("license_type", ["lcsw"]),
    ("imh_endorsement", "gold_star"),
    ("languages", "en"),
    ("languages", ["xx"]),
    ("languages", ["en", "klingon"]),
    ("languages", [{"code": "en"}]),
    ("languages", [None]),
    ("counties_served", 13),
    ("counties_served", [999999]),
    ("counties_served", ["dane"]),
    ("counties_served", [10**20]),
    ("counties_served", [None]),
    ("base_zip", "5370"),
    ("base_zip", "abcde"),
    ("base_zip", "99999"),  # well formed, but no such ZIP code
    ("base_zip", "00000"),
    ("base_zip", None),
    ("travel_radius_miles", 501),
    ("travel_radius_miles", -1),
    ("travel_radius_miles", 10.5),
    ("travel_radius_miles", "far"),
    ("travel_radius_miles", "9" * 2000),
    ("modalities", "on_site"),
    ("modalities", ["on_site", "teleport"]),
    ("modalities", [["on_site"]]),
    ("modalities", {"on_site": True}),
    ("setting_types", ["daycare"]),
    ("specialties", ["Challenging behavior"]),
    ("max_caseload", 0),
    ("max_caseload", 101),
    ("max_caseload", 10**20),
    ("max_caseload", "lots"),
    ("accepting_new_requests", "maybe"),
    ("public_email", "not-an-email"),
    ("public_phone", "call me"),
    ("contact_email", "x@"),
    ("contact_phone", "555"),
    ("listing_status", "approved"),  # read-only
    ("active_caseload", 0),  # read-only
    ("id", 5),
    ("user", 1),
    ("colour", "blue"),  # unknown
]


def _bad_id(case):
    field, value = case
    return f"{field}={str(value)[:20]!r}"


@pytest.mark.parametrize("case", BAD_LISTING_FIELDS, ids=_bad_id)
def test_create_with_bad_input_is_a_400_with_field_errors(world, api, newcomer, case):
    field, value = case
    before = db_state()
    response = api("newcomer", "post", BASE, {**NEW_LISTING, field: value})
    assert response.status_code == 400, response.json()
    assert field in response.json(), response.json()
    assert db_state() == before
    assert not Consultant.objects.filter(user=newcomer).exists()


@pytest.mark.parametrize("role", ["consultant", "admin"])
@pytest.mark.parametrize("case", BAD_LISTING_FIELDS, ids=_bad_id)
def test_patch_with_bad_input_is_a_400_and_changes_nothing(world, api, case, role):
    field, value = case
    before = db_state()
    response = api(role, "patch", url(world.listing), {"display_name": "Renamed", field: value})
    assert response.status_code == 400, response.json()
    assert field in response.json(), response.json()
    assert db_state() == before  # still approved, not renamed, no review email


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


def test_patch_of_an_unknown_zip_leaves_an_approved_listing_public(world, api):
    before = db_state()
    response = api("consultant", "patch", url(world.listing), {"base_zip": "99999"})
    assert response.status_code == 400
    assert response.json() == {"base_zip": ["99999 is not a known US ZIP code."]}
    assert db_state() == before


@pytest.mark.parametrize("bad_pk", ["abc", "1.5", "99999999999999999999", "0", "-1"])
@pytest.mark.parametrize(
    "method, action", [("get", None), ("patch", None), ("post", "submit"), ("post", "approve")]
)
def test_a_malformed_or_unknown_id_is_a_404(world, api, bad_pk, method, action):
    before = db_state()
    response = api("admin", method, url(bad_pk, action), {})
    assert response.status_code == 404
    assert db_state() == before


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
    assert api("consultant", "post", url(listing, "submit")).status_code == 200


# --- permission comes before validation ---------------------------------------------------


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


# --- editing an approved listing -----------------------------------------------------------

PUBLIC_EDITS = [
    ("display_name", "Cora C. Consultant"),
    ("bio", "Now also reflective supervision."),
    ("license_type", "lpc"),
    ("imh_endorsement", "infant_mental_health_mentor"),
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


def test_create_stores_a_zip_plus_4_as_five_digits(world, api, newcomer):
    response = api("newcomer", "post", BASE, {**NEW_LISTING, "base_zip": "53202-1234"})
    assert response.status_code == 201, response.json()
    assert response.json()["base_zip"] == "53202"
    assert Consultant.objects.get(user=newcomer).base_latitude == 43.0506


def test_a_new_zip_moves_the_listing(world, api):
    response = api("admin", "patch", url(world.listing), {"base_zip": "53202"})
    assert response.status_code == 200
    listing = Consultant.objects.get(pk=world.listing.pk)
    assert (listing.base_zip, listing.base_state) == ("53202", "WI")
    assert (listing.base_latitude, listing.base_longitude) == (43.0506, -87.8968)


# --- visibility ----------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["draft", "pending", "rejected", "suspended"])
@pytest.mark.parametrize("role", ["anonymous", "program", "other_consultant"])
def test_a_listing_that_is_not_approved_is_hidden_from_others(world, api, role, status):
    listing = set_status(world.listing, status)
    assert listing.pk not in ids(api(role, "get", BASE))
    assert listing.pk not in ids(api(role, "get", BASE, {"listing_status": status}))
    assert listing.pk not in ids(api(role, "get", BASE, {"q": "Cora"}))
    assert api(role, "get", url(listing)).status_code == 404


@pytest.mark.parametrize("status", STATUSES)
def test_an_owner_sees_their_own_listing_in_any_status(world, api, status):
    listing = set_status(world.listing, status)
    response = api("consultant", "get", url(listing))
    assert response.status_code == 200
    assert response.json()["listing_status"] == status
    assert response.json()["contact_email"] == "cora_consultant@private.example.org"


@pytest.mark.parametrize("status", STATUSES)
def test_admins_list_and_filter_every_status(world, api, status):
    by_status = {s: make_listing(s) for s in STATUSES}
    response = api("admin", "get", BASE, {"listing_status": status})
    expected = [by_status[status]]
    if status == "approved":
        expected += [world.listing, world.other_listing]
    assert sorted(ids(response)) == sorted(c.pk for c in expected)
    assert {item["listing_status"] for item in response.json()["results"]} == {status}


def test_the_public_listing_status_filter_cannot_reveal_hidden_listings(world, api):
    make_listing("pending")
    assert ids(api("anonymous", "get", BASE, {"listing_status": "pending"})) == []


@pytest.mark.parametrize("role", ROLES)
def test_private_contacts_reach_only_the_owner_and_admins(world, api, role):
    Consultant.objects.filter(pk=world.other_listing.pk).update(contact_phone="608-555-0177")
    listing = world.other_listing  # owned by other_consultant
    detail = api(role, "get", url(listing))
    listed = api(role, "get", BASE)
    assert detail.status_code == 200
    may_see = role in ("other_consultant", "admin")
    assert ("contact_phone" in detail.json()) is may_see
    assert ("608-555-0177" in detail.content.decode()) is may_see
    assert ("cal_consultant@private.example.org" in detail.content.decode()) is may_see
    assert "608-555-0177" not in listed.content.decode()
    assert "private.example.org" not in listed.content.decode()


# --- filters -------------------------------------------------------------------------------


@pytest.fixture
def directory(world):
    """Four approved listings that differ in every filtered attribute, and a pending one."""
    set_status(world.listing, "draft")
    set_status(world.other_listing, "draft")
    dane = county()
    rock = county("Rock County", "WI", "55105")
    milwaukee = county("Milwaukee County", "WI", "55079")
    en, es, hmn = language(), language("es", "Spanish"), language("hmn", "Hmong")
    listings = {
        "ana": make_listing(
            zip_code="53590",  # Sun Prairie, 11.1 miles from Madison
            display_name="Ana Alvarez",
            bio="Trauma-informed work with Head Start classrooms.",
            languages=[en, es],
            counties_served=[dane],
            specialties=["trauma_informed_care"],
            setting_types=["head_start"],
            modalities=["virtual"],
        ),
        "ben": make_listing(
            zip_code="53545",  # Janesville, 29.3 miles
            display_name="Ben Brown",
            bio="Behavior support in child care centers.",
            languages=[en],
            counties_served=[rock],
            specialties=["challenging_behavior"],
            setting_types=["child_care_center"],
            modalities=["on_site"],
            accepting_new_requests=False,
        ),
        "chia": make_listing(
            zip_code="53202",  # Milwaukee, 75.0 miles
            display_name="Chia Vang",
            bio="Family child care homes; Hmong and English.",
            languages=[en, hmn],
            counties_served=[milwaukee],
            specialties=["challenging_behavior", "family_engagement"],
            setting_types=["family_child_care"],
            modalities=["on_site", "virtual"],
            max_caseload=4,
        ),
        "dee": make_listing(
            zip_code="53703",  # Madison
            display_name="Dee Diaz",
            bio="Reflective practice for preschool teachers.",
            languages=[en],
            counties_served=[dane],
            specialties=["reflective_practice"],
            setting_types=["public_preschool"],
            modalities=["on_site"],
        ),
        "eve": make_listing(
            "pending",
            zip_code="53703",
            display_name="Eve Pending",
            bio="Trauma-informed, bilingual, in Madison.",
            languages=[en, es, hmn],
            counties_served=[dane, rock, milwaukee],
            specialties=["challenging_behavior", "trauma_informed_care"],
            setting_types=["head_start", "child_care_center", "family_child_care"],
            modalities=["on_site", "virtual"],
        ),
    }
    Consultant.objects.filter(pk=listings["chia"].pk).update(active_caseload=4)  # full
    listings["counties"] = {"dane": dane, "rock": rock, "milwaukee": milwaukee}
    return listings


def names(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [item["display_name"].split()[0].lower() for item in response.json()["results"]]


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, ["ana", "ben", "chia", "dee"]),
        ({"county": "dane"}, ["ana", "dee"]),
        ({"county": "rock"}, ["ben"]),
        ({"language": "es"}, ["ana"]),
        ({"language": "hmn"}, ["chia"]),
        ({"language": "en"}, ["ana", "ben", "chia", "dee"]),
        ({"specialty": "challenging_behavior"}, ["ben", "chia"]),
        ({"specialty": "caregiver_mental_health"}, []),
        ({"setting_type": "head_start"}, ["ana"]),
        ({"setting_type": "family_child_care"}, ["chia"]),
        ({"modality": "virtual"}, ["ana", "chia"]),
        ({"modality": "on_site"}, ["ben", "chia", "dee"]),
        ({"accepting": "true"}, ["ana", "dee"]),  # ben is not accepting, chia is full
        ({"accepting": "false"}, ["ben", "chia"]),
        ({"q": "vang"}, ["chia"]),
        ({"q": "TRAUMA"}, ["ana"]),
        ({"q": "behavior centers"}, ["ben"]),  # every word, in name or bio
        ({"q": "behavior hmong"}, []),
        ({"q": "100%_"}, []),
        ({"county": "dane", "language": "es"}, ["ana"]),
        ({"county": "dane", "modality": "on_site", "accepting": "true"}, ["dee"]),
        ({"specialty": "challenging_behavior", "accepting": "true"}, []),
    ],
)
def test_filters(world, api, directory, params, expected):
    if "county" in params:
        params = {**params, "county": directory["counties"][params["county"]].pk}
    response = api("program", "get", BASE, params)
    assert names(response) == expected
    assert response.json()["count"] == len(expected)
    assert all(item["distance_miles"] is None for item in response.json()["results"])


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"near_zip": "53703"}, [("dee", 0.0), ("ana", 11.1)]),  # default radius 25 miles
        ({"near_zip": "53703", "radius_miles": "30"}, [("dee", 0.0), ("ana", 11.1), ("ben", 29.3)]),
        (
            {"near_zip": "53703-1234", "radius_miles": "100"},
            [("dee", 0.0), ("ana", 11.1), ("ben", 29.3), ("chia", 75.0)],
        ),
        ({"near_zip": "53202", "radius_miles": "5"}, [("chia", 0.0)]),
        ({"near_zip": "54701", "radius_miles": "50"}, []),  # Eau Claire
        (
            {"near_zip": "53703", "radius_miles": "100", "modality": "on_site"},
            [("dee", 0.0), ("ben", 29.3), ("chia", 75.0)],
        ),
        (
            {"near_zip": "53703", "radius_miles": "100", "page_size": "2"},
            [("dee", 0.0), ("ana", 11.1)],
        ),
    ],
)
def test_near_zip_orders_by_distance_and_reports_it(world, api, directory, params, expected):
    response = api("anonymous", "get", BASE, params)
    results = response.json()["results"]
    assert list(zip(names(response), [r["distance_miles"] for r in results], strict=True)) == (
        expected
    )


def test_distance_miles_agrees_with_the_great_circle_distance(world, api, directory):
    response = api("anonymous", "get", BASE, {"near_zip": "53703", "radius_miles": 100})
    madison = geo.zip_lookup("53703")
    for item in response.json()["results"]:
        listing = Consultant.objects.get(pk=item["id"])
        miles = geo.distance_miles(
            madison.latitude, madison.longitude, listing.base_latitude, listing.base_longitude
        )
        assert item["distance_miles"] == pytest.approx(miles, abs=0.05)


BAD_FILTERS = [
    ({"county": "dane"}, "county"),
    ({"county": "999999"}, "county"),
    ({"county": "1.5"}, "county"),
    ({"county": "99999999999999999999"}, "county"),
    ({"language": "xx"}, "language"),
    ({"language": "Spanish"}, "language"),
    ({"specialty": "behavior"}, "specialty"),
    ({"setting_type": "daycare"}, "setting_type"),
    ({"modality": "both"}, "modality"),
    ({"listing_status": "hidden"}, "listing_status"),
    ({"near_zip": "99999"}, "near_zip"),
    ({"near_zip": "abcde"}, "near_zip"),
    ({"near_zip": "537"}, "near_zip"),
    ({"near_zip": "53703-1234-99"}, "near_zip"),
    ({"near_zip": "537\x0003"}, "near_zip"),
    ({"radius_miles": "10"}, "near_zip"),  # a radius needs a ZIP code
    ({"near_zip": "53703", "radius_miles": "501"}, "radius_miles"),
    ({"near_zip": "53703", "radius_miles": "0"}, "radius_miles"),
    ({"near_zip": "53703", "radius_miles": "-5"}, "radius_miles"),
    ({"near_zip": "53703", "radius_miles": "far"}, "radius_miles"),
    ({"near_zip": "53703", "radius_miles": "NaN"}, "radius_miles"),
    ({"near_zip": "53703", "radius_miles": "Infinity"}, "radius_miles"),
    ({"near_zip": "53703", "radius_miles": "1e400"}, "radius_miles"),
    ({"q": "x" * 201}, "q"),
    ({"q": "nul\x00byte"}, "q"),
    pytest.param(
        {"accepting": "maybe"},
        "accepting",
    ),
]


@pytest.mark.parametrize("role", ["anonymous", "admin"])
@pytest.mark.parametrize("params, field", BAD_FILTERS, ids=lambda v: repr(v)[:40])
def test_an_invalid_filter_is_a_400_naming_it(world, api, directory, role, params, field):
    response = api(role, "get", BASE, params)
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()


# --- pagination and query counts -----------------------------------------------------------


def make_many(n: int) -> list[Consultant]:
    es, dane = language("es", "Spanish"), county()
    return [
        make_listing(
            display_name=f"Listing {i:03d}", languages=[language(), es], counties_served=[dane]
        )
        for i in range(n)
    ]


def test_pages_follow_the_contract(world, api):
    set_status(world.listing, "draft")
    set_status(world.other_listing, "draft")
    listings = make_many(45)

    first = api("anonymous", "get", BASE).json()
    assert set(first) == {"count", "next", "previous", "results"}
    assert first["count"] == 45
    assert len(first["results"]) == 20  # the default page size
    assert first["previous"] is None
    assert "page=2" in first["next"]

    page = api("anonymous", "get", BASE, {"page_size": 10, "page": 3}).json()
    assert [r["id"] for r in page["results"]] == [c.pk for c in listings[20:30]]
    assert "page=2" in page["previous"] and "page=4" in page["next"]

    last = api("anonymous", "get", BASE, {"page_size": 10, "page": 5}).json()
    assert [r["id"] for r in last["results"]] == [c.pk for c in listings[40:]]
    assert last["next"] is None


def test_the_page_size_is_capped(world, api):
    make_many(103)
    response = api("anonymous", "get", BASE, {"page_size": 1000})
    assert response.json()["count"] == 105
    assert len(response.json()["results"]) == 100


def test_a_page_past_the_end_is_a_404(world, api):
    assert api("anonymous", "get", BASE, {"page": 99}).status_code == 404
    assert api("anonymous", "get", BASE, {"page": "abc"}).status_code == 404


def count_queries(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(BASE, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "role, params",
    [
        ("anonymous", {}),
        ("program", {"language": "es"}),
        ("admin", {}),
        ("anonymous", {"near_zip": "53703", "radius_miles": 50}),
        ("anonymous", {"county": "dane", "specialty": "challenging_behavior", "q": "listing"}),
    ],
)
def test_the_list_costs_the_same_queries_for_5_or_40_listings(world, role, params):
    client = world.client(role)
    if "county" in params:
        params = {**params, "county": county().pk}
    client.get(BASE)  # warm up: the token lookup and any one-off caches
    make_many(3)  # with the world's two: 5
    small = count_queries(client, {**params, "page_size": 5})
    make_many(35)
    large = count_queries(client, {**params, "page_size": 40})
    assert large == small
    assert count_queries(client, {**params, "page_size": 100}) == small
    assert small <= 8  # token, user, count, page, two prefetches (+ admin's permissions)


def test_the_list_returns_every_listing_of_a_page_with_its_relations(world, api):
    make_many(38)
    response = api("anonymous", "get", BASE, {"page_size": 40})
    results = response.json()["results"]
    assert len(results) == 40
    dane = county().pk
    for item in results:
        assert "en" in item["languages"]
        assert dane in item["counties_served"]


# --- emails --------------------------------------------------------------------------------


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


# --- no existence oracle, detail cost --------------------------------------------------------


@pytest.mark.parametrize(
    "role, method, action, body",
    [
        ("anonymous", "get", None, None),
        ("program", "get", None, None),
        ("program", "patch", None, {"max_caseload": 0}),
        ("other_consultant", "post", "submit", None),
        ("program", "post", "approve", None),
        ("program", "post", "reject", {"bogus": 1}),
        ("other_consultant", "post", "suspend", {}),
    ],
)
def test_a_hidden_listing_answers_exactly_like_a_missing_one(
    world, api, role, method, action, body
):
    hidden = set_status(world.listing, "pending")
    missing_pk = Consultant.objects.order_by("-pk").first().pk + 1000
    before = db_state()
    for_hidden = api(role, method, url(hidden, action), body)
    for_missing = api(role, method, url(missing_pk, action), body)
    assert for_hidden.status_code == for_missing.status_code == 404
    assert for_hidden.json() == for_missing.json()
    assert db_state() == before


def count_detail_queries(client, listing) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(listing))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "role",
    [
        "consultant",
        "admin",
        "anonymous",
    ],
)
def test_a_listing_costs_the_same_queries_however_long_its_history(world, role):
    client = world.client(role)
    listing = world.listing
    admin = world.users["admin"]
    client.get(url(listing))  # warm up
    ListingDecision.objects.create(
        consultant=listing,
        actor=admin,
        action="approved",
        from_status="pending",
        to_status="approved",
    )
    short = count_detail_queries(client, listing)
    reviewers = [UserFactory(is_staff=True, role="") for _ in range(6)]
    for reviewer in reviewers:
        ListingDecision.objects.create(
            consultant=listing,
            actor=reviewer,
            action="approved",
            from_status="suspended",
            to_status="approved",
        )
    assert count_detail_queries(client, listing) == short


# --- the OpenAPI schema describes what each viewer gets (found by tests/test_fuzz_api.py) ---


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
