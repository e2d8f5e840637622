"""Places free, one rule in every place that reads it (docs/domain.md, "Matching"): a
consultant's engagements and the offers awaiting their answer each hold a place. The model
property, the queryset method, the directory's `accepting` filter (API and page) and matching
must agree; the filter once counted engagements only."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from consultations import matching
from directory.models import Consultant
from tests.consultations import factories
from tests.factories import ConsultantFactory, ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def listings():
    """Four approved listings of two places: free, half taken by an engagement, full of open
    offers (no engagement), and full of an engagement and an offer."""
    program = ProgramFactory()
    free = ConsultantFactory(display_name="Fay Free", max_caseload=2)
    half = ConsultantFactory(display_name="Hal Half", max_caseload=2)
    offers = ConsultantFactory(display_name="Ola Offers", max_caseload=2)
    mixed = ConsultantFactory(display_name="Mia Mixed", max_caseload=2)
    factories.active(program, half)
    factories.offered(program, offers)
    factories.offered(program, offers)
    factories.active(program, mixed)
    factories.offered(program, mixed)
    for listing in (free, half, offers, mixed):
        listing.refresh_from_db()
    return {"free": free, "half": half, "offers": offers, "mixed": mixed}


def test_the_property_counts_engagements_and_open_offers(listings):
    assert {k: c.places_free for k, c in listings.items()} == {
        "free": 2,
        "half": 1,
        "offers": 0,
        "mixed": 0,
    }


def test_the_queryset_method_agrees_with_the_property(listings):
    with_room = set(Consultant.objects.has_free_place().values_list("pk", flat=True))
    without = set(Consultant.objects.has_free_place(False).values_list("pk", flat=True))
    for listing in listings.values():
        assert (listing.pk in with_room) == (listing.places_free > 0)
        assert (listing.pk in without) == (listing.places_free == 0)


def _names(response) -> set[str]:
    assert response.status_code == 200
    return {item["display_name"] for item in response.json()["results"]}


def test_the_api_filter_counts_open_offers(listings):
    client = APIClient()
    taking = _names(client.get("/api/v1/consultants/", {"accepting": "true"}))
    assert taking == {"Fay Free", "Hal Half"}
    not_taking = _names(client.get("/api/v1/consultants/", {"accepting": "false"}))
    assert not_taking == {"Ola Offers", "Mia Mixed"}


def test_the_directory_page_filter_and_badge_agree(client, listings):
    response = client.get(reverse("directory:list"), {"accepting": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Fay Free" in body and "Hal Half" in body
    assert "Ola Offers" not in body and "Mia Mixed" not in body
    assert "Caseload full" not in body


def test_matching_counts_the_same_places(listings):
    facts = {c.id: c for c in matching.matchable_consultants_facts()}
    for listing in listings.values():
        assert facts[listing.pk].places_free == listing.places_free
