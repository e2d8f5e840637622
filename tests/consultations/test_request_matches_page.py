"""The Alliance's page of one request: facts, history, and the ranked matches with reasons."""

import pytest
from django.urls import reverse

from consultations import matching
from directory.models import Consultant
from tests.consultations import factories
from tests.factories import ConsultantFactory, language

pytestmark = pytest.mark.django_db


def test_request_page_shows_facts_history_and_ranked_matches_with_reasons(client, world):
    ConsultantFactory(display_name="Nora Notaccepting", accepting_new_requests=False)
    ConsultantFactory(display_name="Pam Pending", listing_status=Consultant.ListingStatus.PENDING)
    world.listing.specialties = ["challenging_behavior", "family_engagement"]
    world.listing.save()
    world.listing.endorsements.create(
        category="infant_mental_health_mentor", status="endorsed", renewal_date=None
    )
    world.other_listing.specialties = ["reflective_practice"]
    world.other_listing.save()
    request = factories.submitted(
        world.program,
        urgency="priority",
        concerns=["challenging_behavior", "family_stress"],
        preferred_language=language("es", "Spanish"),
    )
    client.force_login(world.users["admin"])
    response = client.get(reverse("alliance:request", args=[request.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<title>Request #{request.pk} ·" in html
    assert world.program.name in html and "Priority" in html
    assert "Challenging behavior, Family stress" in html
    assert "Spanish (preferred)" in html
    # History: the submission, by the program's member.
    assert [e.action for e in response.context["events"]] == ["submitted"]
    assert "Program staff" in html
    # Ranked: Cora answers both concerns and is endorsed; Cal answers none.
    matches = response.context["matches"]
    assert [m["name"] for m in matches] == ["Cora Consultant", "Cal Consultant"]
    assert matches[0]["match"].score > matches[1]["match"].score
    assert "covers 2 of 2 concerns (challenging behavior, family stress)" in html
    assert "serves Dane County" in html
    assert "does not speak Spanish (preferred, not required)" in html
    assert "no specialty matches the concerns" in html
    assert "12 of 12 places free" in html
    assert {c["name"]: c["percent"] for c in matches[0]["components"]} == {
        "specialty": 100,
        "setting": 100,
        "language": 0,
        "distance": 100,
        "room": 100,
        "continuity": 0,
        "endorsement": 100,
    }
    assert "Specialties answer the concerns" in html and "<meter" in html
    # Excluded, counted by reason with their labels.
    assert response.context["excluded"] == [
        ("listing not approved", 1),
        ("not accepting new requests", 1),
    ]
    assert "Listing not approved" in html and "Not accepting new requests" in html
    # One offer form per match, with the consultant's id.
    assert html.count(f'action="{reverse("alliance:offer", args=[request.pk])}"') == 2
    assert f'name="consultant" value="{world.listing.pk}"' in html


def test_request_page_without_matches_says_so(client, world, vilas_program):
    request = factories.submitted(vilas_program, modality="on_site")
    client.force_login(world.users["admin"])
    response = client.get(reverse("alliance:request", args=[request.pk]))
    html = response.content.decode()
    assert response.context["matches"] == []
    assert "No consultant may take this request now" in html
    assert response.context["excluded"] == [(matching.EXCLUSIONS["out_of_area"], 2)]
    assert "Does not serve the program&#x27;s county" in html


def test_an_offered_request_shows_its_consultant_not_matches(client, world):
    request = factories.offered(world.program, world.listing)
    client.force_login(world.users["admin"])
    response = client.get(reverse("alliance:request", args=[request.pk]))
    assert "matches" not in response.context
    html = response.content.decode()
    assert "Offered to Cora Consultant, waiting for their answer" in html
    assert [e.action for e in response.context["events"]] == ["submitted", "offered"]
    assert "Alliance admin" in html
