"""What the other side's contacts reveal, and when (docs/domain.md, privacy): program contacts
reach the consultant only through the offer, consultant contacts reach the program only once
accepted, a decline reason is for the Alliance, and nothing identifies a child."""

import pytest
from django.urls import reverse

from consultations import services
from consultations.api.serializers import RequestInputSerializer, RequestSerializer
from tests.consultations.api_helpers import PROGRAM_CONTACT_FIELDS, REASON, make, url
from tests.consultations.page_helpers import client_for, offered_to_cora

pytestmark = pytest.mark.django_db


IDENTIFYING = ("name", "birth", "dob", "surname", "family")


@pytest.mark.parametrize(
    ("status", "visible"), [("offered", True), ("active", True), ("closed", False)]
)
def test_program_contacts_reach_the_consultant_only_through_the_offer(world, status, visible):
    request_obj = make(world, status)
    client = world.client("consultant")
    detail = client.get(url(request_obj.pk)).json()["program_detail"]
    listed = client.get(url()).json()["results"][0]["program_detail"]
    for seen in (detail, listed):
        assert seen["name"] == world.program.name
        assert set(seen) & PROGRAM_CONTACT_FIELDS == (PROGRAM_CONTACT_FIELDS if visible else set())
    if visible:
        assert (detail["street"], detail["phone"], detail["email"]) == (
            world.program.street,
            world.program.phone,
            world.program.email,
        )


@pytest.mark.parametrize("role", ["program", "admin"])
def test_program_staff_and_admins_always_see_the_program_contacts(world, role):
    request_obj = make(world, "submitted")
    detail = world.client(role).get(url(request_obj.pk)).json()["program_detail"]
    assert detail["phone"] == world.program.phone


def test_a_decline_reason_is_for_the_alliance_only(world):
    request_obj = make(world, "offered")
    world.client("consultant").post(url(request_obj.pk, "decline"), {"reason": REASON})
    notes = {
        role: world.client(role).get(url(request_obj.pk)).json()["events"][-1]["note"]
        for role in ("program", "admin")
    }
    assert notes == {"program": "", "admin": REASON}


def test_no_field_can_identify_a_child():
    for fields in (RequestSerializer().fields, RequestInputSerializer().fields):
        assert not [f for f in fields if any(word in f for word in IDENTIFYING)]


def test_the_openapi_schema_has_no_identifying_request_fields(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    components = schema["components"]["schemas"]
    post = schema["paths"]["/api/v1/requests/"]["post"]
    input_ref = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    output_ref = post["responses"]["201"]["content"]["application/json"]["schema"]["$ref"]
    for ref in (input_ref, output_ref):
        properties = components[ref.rsplit("/", 1)[1]]["properties"]
        assert {"focus", "child_age_months", "parent_consent"} <= set(properties)
        assert not [p for p in properties if any(word in p for word in IDENTIFYING)]
    for path in (
        "/api/v1/requests/{id}/offer/",
        "/api/v1/requests/{id}/accept/",
        "/api/v1/requests/{id}/decline/",
        "/api/v1/requests/{id}/withdraw/",
        "/api/v1/requests/{id}/close/",
        "/api/v1/requests/{id}/contacts/",
        "/api/v1/caseload/",
    ):
        assert path in schema["paths"]


def test_the_schema_documents_what_decline_returns(world, client):
    schema = client.get("/api/schema/?format=json").json()
    documented = schema["paths"]["/api/v1/requests/{id}/decline/"]["post"]["responses"]["200"]
    ref = documented["content"]["application/json"]["schema"]["$ref"]
    required = set(schema["components"]["schemas"][ref.rsplit("/", 1)[1]].get("required", []))
    request_obj = make(world, "offered")
    body = world.client("consultant").post(url(request_obj.pk, "decline"), {"reason": REASON})
    assert body.status_code == 200
    assert required <= set(body.json())


def test_program_sees_consultant_private_contacts_only_once_accepted(world):
    request_obj = offered_to_cora(world)
    url = reverse("consultations:request_detail", args=[request_obj.pk])
    client = client_for(world, "program")
    private = world.listing.contact_email
    body = client.get(url).content.decode()
    assert "Cora Consultant" in body
    assert world.listing.public_email in body
    assert private not in body
    assert "direct contact details reach you once they accept" in body

    services.request_accept(actor=world.users["consultant"], consultation=request_obj)
    body = client.get(url).content.decode()
    assert private in body


def test_consultant_sees_program_contacts_through_the_offer_only(world):
    world.program.phone = "608-555-0199"
    world.program.save()
    request_obj = offered_to_cora(world)
    client = client_for(world, "consultant")
    for page in (
        reverse("consultations:offers"),
        reverse("consultations:request_detail", args=[request_obj.pk]),
    ):
        body = client.get(page).content.decode()
        assert "608-555-0199" in body
        assert world.program.email in body

    services.request_accept(actor=world.users["consultant"], consultation=request_obj)
    services.request_close(
        actor=world.users["consultant"], consultation=request_obj, closure_reason="goals_met"
    )
    body = client.get(reverse("consultations:request_detail", args=[request_obj.pk]))
    assert "608-555-0199" not in body.content.decode()
