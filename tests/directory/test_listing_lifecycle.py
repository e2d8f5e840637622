"""A consultant's listing from registration to the public directory, through the API."""

from django.core import mail

from directory.models import Consultant, ListingDecision

LISTING = {
    "display_name": "Maria Lopez, LCSW",
    "bio": "Bilingual consultant for infant and toddler rooms.",
    "license_type": "lcsw",
    "license_state": "WI",
    "languages": ["en", "es"],
    "base_zip": "53703",
    "travel_radius_miles": 50,
    "modalities": ["on_site", "virtual"],
    "setting_types": ["child_care_center", "family_child_care"],
    "specialties": ["challenging_behavior", "trauma_informed_care"],
    "max_caseload": 10,
    "public_email": "maria@example.org",
}


def test_register_create_submit_approve_then_listed(
    world, anon_client, django_capture_on_commit_callbacks
):
    response = anon_client.post(
        "/api/v1/auth/register/",
        {
            "username": "maria",
            "email": "maria@example.org",
            "password": "Tall-oak-trees-42",
            "role": "consultant",
        },
    )
    assert response.status_code == 201, response.json()
    token = anon_client.post(
        "/api/v1/auth/token/", {"username": "maria", "password": "Tall-oak-trees-42"}
    ).json()["token"]
    anon_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    dane = world.program.county
    response = anon_client.post("/api/v1/consultants/", {**LISTING, "counties_served": [dane.pk]})
    assert response.status_code == 201, response.json()
    listing_id = response.json()["id"]
    assert response.json()["listing_status"] == "draft"
    assert anon_client.get("/api/v1/me/").json()["consultant"] == listing_id

    with django_capture_on_commit_callbacks(execute=True):
        response = anon_client.post(f"/api/v1/consultants/{listing_id}/submit/")
    assert response.status_code == 200, response.json()
    assert response.json()["listing_status"] == "pending"
    assert APIClientAnon().get(f"/api/v1/consultants/{listing_id}/").status_code == 404

    admin = world.client("admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(f"/api/v1/consultants/{listing_id}/approve/")
    assert response.status_code == 200
    assert response.json()["listing_status"] == "approved"
    assert [m.to for m in mail.outbox] == [["alliance@iecmhc.example.org"], ["maria@example.org"]]

    public = APIClientAnon().get("/api/v1/consultants/", {"language": "es"}).json()
    assert [c["id"] for c in public["results"]] == [listing_id]
    assert "contact_email" not in public["results"][0]
    assert list(
        ListingDecision.objects.filter(consultant_id=listing_id).values_list("action", flat=True)
    ) == ["submitted", "approved"]
    assert Consultant.objects.get(pk=listing_id).base_state == "WI"


def APIClientAnon():
    from rest_framework.test import APIClient

    return APIClient()
