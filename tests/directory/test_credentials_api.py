"""A listing's credentials through the API: endorsements set and removed by category, the
renewal ledger and its status, who may see and change them, and bad input changing nothing."""

from datetime import date, timedelta

import pytest

from directory.credentials import ConsultantEndorsement
from directory.ledger import LedgerEntry

pytestmark = pytest.mark.django_db
YESTERDAY = (date.today() - timedelta(days=1)).isoformat()
RENEWAL = (date.today() + timedelta(days=100)).isoformat()


def endorsements(listing):
    return f"/api/v1/consultants/{listing.pk}/endorsements/"


def ledger(listing):
    return f"/api/v1/consultants/{listing.pk}/ledger/"


def state(listing):
    """Everything these calls may change."""
    listing.refresh_from_db()
    rows = ConsultantEndorsement.objects.filter(consultant=listing)
    return (
        listing.listing_status,
        sorted(rows.values_list("category", "status", "number", "renewal_date", "verified_at")),
        sorted(LedgerEntry.objects.filter(consultant=listing).values_list("kind", "hours")),
    )


def test_owner_adds_an_endorsement_and_the_approved_listing_goes_back_to_review(api, world):
    listing = world.listing
    assert listing.listing_status == "approved"
    body = {"category": "infant_family_specialist", "status": "endorsed"}
    body |= {"number": "WI-1234", "renewal_date": RENEWAL}
    response = api("consultant", "post", endorsements(listing), body)
    assert response.status_code == 201, response.content
    assert response.json() | {"verified_at": None} == {
        "category": "infant_family_specialist",
        "status": "endorsed",
        "number": "WI-1234",
        "renewal_date": RENEWAL,
        "verified": False,
        "verified_at": None,
    }
    listing.refresh_from_db()
    assert listing.listing_status == "pending"
    # The same category again is a change (200), not a second row.
    body["number"] = "WI-9999"
    response = api("consultant", "post", endorsements(listing), body)
    assert response.status_code == 200
    assert listing.endorsements.get().number == "WI-9999"
    listed = api("consultant", "get", endorsements(listing)).json()
    assert [e["category"] for e in listed] == ["infant_family_specialist"]


def test_an_alliance_admin_change_is_verified_at_once(api, world):
    body = {"category": "early_childhood_family_specialist", "status": "in_process"}
    response = api("admin", "post", endorsements(world.listing), body)
    assert response.status_code == 201
    assert response.json()["verified"] is True
    world.listing.refresh_from_db()
    assert world.listing.listing_status == "approved"


def test_removing_an_endorsement(api, world):
    world.listing.endorsements.create(category="infant_family_associate", status="in_process")
    url = endorsements(world.listing) + "infant_family_associate/"
    assert api("consultant", "delete", url).status_code == 204
    assert not world.listing.endorsements.exists()
    assert api("consultant", "delete", url).status_code == 404
    assert api("consultant", "delete", endorsements(world.listing) + "no_such/").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"category": "no_such_category", "status": "endorsed"}, "category"),
        ({"category": "none", "status": "in_process"}, "category"),
        ({"category": "infant_family_specialist", "status": "lapsed"}, "status"),
        ({"category": "infant_family_specialist", "status": "endorsed"}, "renewal_date"),
        (
            {"category": "infant_family_specialist", "status": "in_process", "number": "x" * 41},
            "number",
        ),
        (
            {"category": "infant_family_specialist", "status": "endorsed", "renewal_date": "soon"},
            "renewal_date",
        ),
        ({"category": ["infant_family_specialist"] * 3, "status": "endorsed"}, "category"),
        ({}, "category"),
    ],
)
def test_a_bad_endorsement_is_a_400_changing_nothing(api, world, body, field):
    before = state(world.listing)
    response = api("consultant", "post", endorsements(world.listing), body)
    assert response.status_code == 400
    assert field in response.json()
    assert state(world.listing) == before


def test_the_ledger_shows_progress_towards_each_endorsed_renewal(api, world):
    world.listing.endorsements.create(
        category="infant_mental_health_specialist", status="endorsed", renewal_date=RENEWAL
    )
    training = {"kind": "training", "date": YESTERDAY, "hours": "15", "title": "Pyramid Model"}
    assert api("consultant", "post", ledger(world.listing), training).status_code == 201
    rsc = {"kind": "rsc", "date": YESTERDAY, "hours": "11.75"}
    rsc |= {"supervision_format": "group", "supervisor_name": "Pa Vang"}
    created = api("consultant", "post", ledger(world.listing), rsc)
    assert created.status_code == 201
    (renewal,) = api("consultant", "get", ledger(world.listing)).json()["renewal"]
    assert renewal["category"] == "infant_mental_health_specialist"
    assert (renewal["training_hours"], renewal["training_needed"]) == ("15.00", "15.00")
    assert (renewal["rsc_hours"], renewal["rsc_needed"]) == ("11.75", "12.00")
    assert renewal["met"] is False
    # The Alliance reads it too; the entry is the consultant's to delete.
    assert len(api("admin", "get", ledger(world.listing)).json()["entries"]) == 2
    entry = ledger(world.listing) + f"{created.json()['id']}/"
    assert api("admin", "delete", entry).status_code == 403
    assert api("consultant", "delete", entry).status_code == 204
    assert api("consultant", "delete", entry).status_code == 404
    assert api("consultant", "delete", ledger(world.listing) + f"{2**70}/").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "rsc", "date": YESTERDAY, "hours": "1", "supervisor_name": "Pa"}, None),
        ({"kind": "rsc", "date": YESTERDAY, "hours": "1", "supervision_format": "group"}, None),
        ({"kind": "training", "date": YESTERDAY, "hours": "1"}, "title"),
        ({"kind": "training", "date": "2999-01-01", "hours": "1", "title": "T"}, "date"),
        ({"kind": "training", "date": YESTERDAY, "hours": "0.1", "title": "T"}, "hours"),
        ({"kind": "training", "date": YESTERDAY, "hours": "25", "title": "T"}, "hours"),
        ({"kind": "nap", "date": YESTERDAY, "hours": "1", "title": "T"}, "kind"),
        ({"kind": "training", "date": YESTERDAY, "hours": "1", "title": "T\nU"}, "title"),
    ],
)
def test_a_bad_ledger_entry_is_a_400_changing_nothing(api, world, body, field):
    before = state(world.listing)
    response = api("consultant", "post", ledger(world.listing), body)
    assert response.status_code == 400
    if field:
        assert field in response.json()
    assert state(world.listing) == before


@pytest.mark.parametrize("role", ["program", "other_program", "other_consultant"])
def test_nobody_else_sees_or_changes_the_credentials(api, world, role):
    world.listing.endorsements.create(category="infant_family_associate", status="in_process")
    world.listing.ledger_entries.create(kind="training", date=YESTERDAY, hours=1, title="T")
    before = state(world.listing)
    entry = world.listing.ledger_entries.get()
    calls = [
        ("get", endorsements(world.listing), None),
        ("post", endorsements(world.listing), {"category": "infant_family_associate"}),
        ("delete", endorsements(world.listing) + "infant_family_associate/", None),
        ("get", ledger(world.listing), None),
        ("post", ledger(world.listing), {"kind": "training", "date": YESTERDAY}),
        ("delete", ledger(world.listing) + f"{entry.pk}/", None),
    ]
    for method, url, data in calls:
        assert api(role, method, url, data).status_code == 404, (method, url)
    assert state(world.listing) == before
