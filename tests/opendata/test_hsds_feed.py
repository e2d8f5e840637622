"""The HSDS 3.0 feed at /api/hsds/: every response valid against HSDS's schemas, only what the
public directory shows, stable ids, paging, delta sync and bad parameters."""

import json
from datetime import datetime, timedelta

import pytest
from django.db.models import F
from django.utils import timezone
from rest_framework.test import APIClient

from directory.models import Consultant
from opendata import hsds
from tests.factories import ConsultantFactory, county, language
from tests.opendata.schemas import validate, validate_full_service, validate_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return APIClient()


@pytest.fixture
def listings():
    """Two approved listings (one full, one not accepting) and one in each hidden status."""
    hmong, dane = language("hmn", "Hmong"), county()
    marathon = county("Marathon County", "WI", "55073")
    full = ConsultantFactory(
        display_name="Mai Vang",
        languages=[language(), hmong],
        counties_served=[dane, marathon],
        endorsements=["infant_family_specialist"],
        contact_phone="608-555-0199",
        public_phone="608-555-0100",
        reviewed_at=timezone.now(),
    )
    paused = ConsultantFactory(
        display_name="Paused Person", accepting_new_requests=False, modalities=["virtual"]
    )
    hidden = [
        ConsultantFactory(display_name=f"Hidden {status}", listing_status=status)
        for status in ("draft", "pending", "rejected", "suspended")
    ]
    return full, paused, hidden


def get(client, path, **params):
    response = client.get(f"/api/hsds/{path}", params)
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return response, json.loads(response.content)


def test_root_names_the_version_and_the_openapi_document(client):
    response, body = get(client, "")
    assert response.status_code == 200
    assert body["version"] == "3.0"
    assert body["openapi_url"].endswith("/3.0/schema/openapi.json")
    assert body["profile"].startswith("https://")


def test_services_page_is_valid_hsds_and_shows_approved_listings_only(client, listings):
    full, paused, _hidden = listings
    response, body = get(client, "services")
    assert response.status_code == 200
    validate_page(body, "compiled/service_list.json")
    ids = {s["id"] for s in body["contents"]}
    assert ids == {hsds.hsds_id("service", full.pk), hsds.hsds_id("service", paused.pk)}
    assert body["total_items"] == 2 and body["size"] == 2 and body["empty"] is False
    by_id = {s["id"]: s for s in body["contents"]}
    mine = by_id[hsds.hsds_id("service", full.pk)]
    assert mine["organization"]["name"] == "Mai Vang"
    assert mine["status"] == "active" and mine["x_places_free"] == 12
    assert mine["assured_date"] == timezone.localdate(full.reviewed_at).isoformat()
    assert (mine["minimum_age"], mine["maximum_age"]) == (0, 6)
    datetime.fromisoformat(mine["last_modified"])  # HSDS's date-time, to the millisecond
    closed = by_id[hsds.hsds_id("service", paused.pk)]
    assert closed["status"] == "temporarily closed" and closed["x_places_free"] == 0


def test_full_service_is_valid_hsds_with_its_areas_languages_locations_and_terms(client, listings):
    full, _, _ = listings
    response, body = get(client, f"services/{hsds.hsds_id('service', full.pk)}")
    assert response.status_code == 200
    validate_full_service(body)
    assert {lang["code"] for lang in body["languages"]} == {"en", "hmn"}
    assert {a["description"] for a in body["service_areas"]} == {
        "County FIPS code 55025",
        "County FIPS code 55073",
    }
    assert sorted(s["location"]["location_type"] for s in body["service_at_locations"]) == [
        "physical",
        "virtual",
    ]
    codes = {a["taxonomy_term"]["code"] for a in body["attributes"]}
    assert codes == {
        "specialty.challenging_behavior",
        "setting_type.child_care_center",
        "endorsement.infant_family_specialist",
    }


def test_private_fields_never_leave_the_service(client, listings):
    """Private contacts, the open offers and the review history are in no response."""
    full, _, hidden = listings
    Consultant.objects.filter(pk=full.pk).update(open_offers=3, active_caseload=2)
    full.refresh_from_db()
    bodies = [
        get(client, path)[1]
        for path in (
            "services",
            f"services/{hsds.hsds_id('service', full.pk)}",
            "organizations",
            f"organizations/{hsds.hsds_id('organization', full.pk)}",
            "service_at_locations",
        )
    ]
    text = json.dumps(bodies)
    assert full.contact_email not in text and "555-0199" not in text
    for listing in hidden:
        assert listing.display_name not in text
        assert hsds.hsds_id("service", listing.pk) not in text
    # Places free as the public may know them: max caseload less engagements (12 - 2), not
    # less the offers waiting for an answer (which are private).
    assert bodies[1]["x_places_free"] == 10


@pytest.mark.parametrize("status", ["draft", "pending", "rejected", "suspended"])
def test_hidden_listing_details_are_404(client, listings, status):
    _, _, hidden = listings
    listing = next(h for h in hidden if h.listing_status == status)
    for kind, path in (("service", "services"), ("organization", "organizations")):
        response, _body = get(client, f"{path}/{hsds.hsds_id(kind, listing.pk)}")
        assert response.status_code == 404


@pytest.mark.parametrize("record_id", ["nope", "00000000-0000-0000-0000-000000000000", "1"])
def test_unknown_ids_are_404(client, listings, record_id):
    assert get(client, f"services/{record_id}")[0].status_code == 404
    assert get(client, f"organizations/{record_id}")[0].status_code == 404


def test_ids_are_stable_and_distinct():
    assert hsds.hsds_id("service", 7) == hsds.hsds_id("service", 7)
    assert hsds.hsds_id("service", 7) != hsds.hsds_id("organization", 7)
    assert hsds.hsds_id("service", 7) != hsds.hsds_id("service", 8)


def test_organizations_and_service_at_locations_are_valid_hsds(client, listings):
    full, _paused, _ = listings
    _, orgs = get(client, "organizations")
    validate_page(orgs, "compiled/organization_list.json")
    assert orgs["total_items"] == 2
    _response, org = get(client, f"organizations/{hsds.hsds_id('organization', full.pk)}")
    validate("compiled/organization_list.json", org)
    _, sals = get(client, "service_at_locations", per_page=2)
    validate_page(sals, "compiled/service_at_location_list.json")
    # Three pairs: the full listing on site and virtual, the paused one virtual only.
    assert (sals["total_items"], sals["total_pages"], sals["size"]) == (3, 2, 2)
    _, last = get(client, "service_at_locations", per_page=2, page=2)
    assert last["size"] == 1 and last["last_page"] is True
    seen = {s["id"] for s in sals["contents"] + last["contents"]}
    assert len(seen) == 3


def test_taxonomy_and_its_terms_are_valid_hsds(client):
    _, taxonomies = get(client, "taxonomies")
    validate_page(taxonomies, "taxonomy.json")
    _, terms = get(client, "taxonomy_terms", per_page=100)
    validate_page(terms, "taxonomy_term.json")
    taxonomy_id = taxonomies["contents"][0]["id"]
    assert all(t["taxonomy_id"] == taxonomy_id for t in terms["contents"])
    codes = [t["code"] for t in terms["contents"]]
    assert len(codes) == len(set(codes)) == terms["total_items"]
    parents = {t["id"] for t in terms["contents"] if "parent_id" not in t}
    assert {t["parent_id"] for t in terms["contents"] if "parent_id" in t} == parents


def test_paging(client, listings):
    ConsultantFactory.create_batch(3)
    _, first = get(client, "services", per_page=2)
    assert (first["total_items"], first["total_pages"], first["page_number"]) == (5, 3, 1)
    assert first["first_page"] is True and first["last_page"] is False
    _, third = get(client, "services", per_page=2, page=3)
    assert third["size"] == 1 and third["last_page"] is True
    _, beyond = get(client, "services", per_page=2, page=9)
    assert beyond["empty"] is True and beyond["contents"] == []
    validate_page(beyond, "compiled/service_list.json")


def test_modified_after_returns_only_listings_changed_since(client, listings):
    full, paused, _ = listings
    earlier = timezone.now() - timedelta(days=3)
    Consultant.objects.exclude(pk=full.pk).update(updated_at=earlier)
    since = (timezone.now() - timedelta(days=1)).isoformat()
    _, body = get(client, "services", modified_after=since)
    assert [s["id"] for s in body["contents"]] == [hsds.hsds_id("service", full.pk)]
    _, orgs = get(client, "organizations", modified_after=since)
    assert orgs["total_items"] == 1
    # A change to the caseload (an offer, an answer) moves updated_at: the feed shows it.
    Consultant.objects.filter(pk=paused.pk).update(
        active_caseload=F("active_caseload") + 1, updated_at=timezone.now()
    )
    _, again = get(client, "services", modified_after=since)
    assert again["total_items"] == 2
    _, by_date = get(client, "services", modified_after=earlier.date().isoformat())
    assert by_date["total_items"] == 2


@pytest.mark.parametrize(
    "params",
    [
        {"page": "0"},
        {"page": "x"},
        {"page": "-1"},
        {"page": "99999999999"},
        {"per_page": "0"},
        {"per_page": "101"},
        {"per_page": "1e3"},
        {"modified_after": "yesterday"},
        {"modified_after": "2025-13-45"},
        {"modified_after": "0001-01-01"},
        {"modified_after": "2025-01-01T25:00:00"},
    ],
)
@pytest.mark.parametrize("path", ["services", "organizations", "service_at_locations"])
def test_bad_parameters_are_400_json(client, listings, path, params):
    response, body = get(client, path, **params)
    assert response.status_code == 400
    assert set(body) == set(params)


@pytest.mark.parametrize("path", ["", "services", "taxonomies", "datapackage.zip"])
def test_the_feed_is_read_only(client, path):
    assert client.post(f"/api/hsds/{path}", {}).status_code == 405


def test_a_bad_token_does_not_lock_anyone_out_of_the_public_feed(client, listings):
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get("/api/hsds/services").status_code == 200


def test_the_project_schema_leaves_the_hsds_feed_out(client):
    """HSDS's own OpenAPI document describes the feed; /api/schema/ describes /api/v1/."""
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert not [p for p in json.loads(response.content)["paths"] if p.startswith("/api/hsds")]


@pytest.mark.parametrize("path", ["services", "organizations", "service_at_locations"])
def test_list_pages_take_as_many_queries_whatever_the_number_of_listings(client, listings, path):
    """No query per listing: the endorsements a service's accreditations read come prefetched."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert get(client, path)[0].status_code == 200
        return len(captured)

    few = queries()
    for i in range(6):
        ConsultantFactory(display_name=f"More {i}", endorsements=["infant_family_associate"])
    assert queries() == few
