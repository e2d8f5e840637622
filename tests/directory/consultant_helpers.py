"""Helpers of the tests of the consultant listings through the API."""

from django.core import mail

from directory import geo
from directory.models import Consultant, ListingDecision
from tests.factories import ConsultantFactory

BASE = "/api/v1/consultants/"


STATUSES = ("draft", "pending", "approved", "rejected", "suspended")


NEW_LISTING = {
    "display_name": "Nia Newcomer, LPC",
    "bio": "Play-based consultation for toddler rooms.",
    "license_type": "lpc",
    "license_state": "WI",
    "license_number": "1234-123",
    "license_expires": "2031-06-30",
    "hours_per_week": "12.0",
    "languages": ["en"],
    "base_zip": "53703",
    "travel_radius_miles": 30,
    "modalities": ["on_site"],
    "setting_types": ["child_care_center"],
    "specialties": ["social_emotional_development"],
    "max_caseload": 8,
    "public_email": "nia@consult.example.org",
}


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
    ("license_state", "Wisconsin"),
    ("license_expires", "next year"),
    ("hours_per_week", "0"),
    ("hours_per_week", "61"),
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
