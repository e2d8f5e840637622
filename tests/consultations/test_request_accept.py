"""Accepting an offer (docs/api.md, "Consultation requests"): the capacity rule (a full caseload
is a conflict), a listing no longer approved, the pages' accept button, and the email to the
program."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from consultations.models import ConsultationRequest, Contact
from directory.models import Consultant
from tests.conftest import ROLES
from tests.consultations.api_helpers import (
    CHILD,
    CONSULTANT_CONTACT_FIELDS,
    ROOM,
    _days_ago,
    contact_body,
    make,
    program_addresses,
    recipients,
    send,
    served_schemas,
    snapshot,
    url,
)
from tests.consultations.page_helpers import (
    ANSWER_EXPECTED,
    Status,
    active_with_cora,
    assert_login_redirect,
    client_for,
    messages_of,
    offered_to_cora,
    state,
)

pytestmark = pytest.mark.django_db


def patterns_in(schema) -> list[str]:
    if isinstance(schema, dict):
        return [schema.get("pattern"), *(p for v in schema.values() for p in patterns_in(v))]
    if isinstance(schema, list):
        return [p for v in schema for p in patterns_in(v)]
    return []


def test_accept_at_capacity_is_a_conflict(world, django_capture_on_commit_callbacks):
    # Two offers while there is room for both; then the consultant lowers the maximum to 1.
    first, second = make(world, "offered"), make(world, "offered")
    Consultant.objects.filter(pk=world.listing.pk).update(max_caseload=1)
    world.listing.refresh_from_db()
    assert world.client("consultant").post(url(first.pk, "accept")).status_code == 200
    before = snapshot(second.pk)

    response = send(
        world,
        "consultant",
        "post",
        url(second.pk, "accept"),
        capture=django_capture_on_commit_callbacks,
    )

    assert response.status_code == 409
    assert "full" in response.json()["detail"]
    assert snapshot(second.pk) == before
    assert mail.outbox == []


@pytest.mark.parametrize("listing_status", ["suspended", "pending"])
def test_accept_by_a_consultant_no_longer_approved_is_a_conflict(
    world, listing_status, django_capture_on_commit_callbacks
):
    request_obj = make(world, "offered")
    Consultant.objects.filter(pk=world.listing.pk).update(listing_status=listing_status)
    before = snapshot(request_obj.pk)
    response = send(
        world, "consultant", "post", url(request_obj.pk, "accept"),
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip
    assert response.status_code == 409
    assert "not approved" in response.json()["detail"]
    assert snapshot(request_obj.pk) == before
    assert mail.outbox == []


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({**CHILD, "child_age_months": 0}, id="newborn"),
        pytest.param({**CHILD, "child_age_months": 96}, id="eight-years"),
        pytest.param({**ROOM, "focus": "program"}, id="program-focus"),
        pytest.param({**ROOM, "parent_consent": False}, id="classroom-without-consent"),
    ],
)
def test_create_accepts_the_edges(world, body):
    response = world.client("program").post(url(), {**body, "program": world.program.pk})
    assert response.status_code == 201, response.content
    assert response.json()["child_age_months"] == body.get("child_age_months")


@pytest.mark.parametrize(("minutes", "days_ago"), [(1, 0), (720, 0), (45, 3)])
def test_contacts_accept_the_edges(world, minutes, days_ago):
    request_obj = make(world, "active")
    ConsultationRequest.objects.filter(pk=request_obj.pk).update(
        accepted_at=timezone.now() - timedelta(days=3)
    )
    response = world.client("consultant").post(
        url(request_obj.pk, "contacts"), contact_body(minutes=minutes, date=_days_ago(days_ago))
    )
    assert response.status_code == 201, response.content
    assert (response.json()["minutes"], response.json()["date"]) == (minutes, _days_ago(days_ago))
    contact = Contact.objects.get()
    assert (contact.consultant, contact.request_id) == (world.listing, request_obj.pk)


@pytest.mark.parametrize(
    ("status", "visible"), [("offered", False), ("active", True), ("closed", True)]
)
def test_consultant_contacts_reach_the_program_only_once_accepted(world, status, visible):
    Consultant.objects.filter(pk=world.listing.pk).update(contact_phone="608-555-0199")
    request_obj = make(world, status)
    client = world.client("program")
    detail = client.get(url(request_obj.pk)).json()["consultant_detail"]
    listed = client.get(url()).json()["results"][0]["consultant_detail"]
    for seen in (detail, listed):
        assert (seen["id"], seen["display_name"]) == (world.listing.pk, "Cora Consultant")
        if visible:
            assert (seen["contact_email"], seen["contact_phone"]) == (
                world.listing.contact_email,
                "608-555-0199",
            )
        else:
            assert not CONSULTANT_CONTACT_FIELDS & set(seen)


def test_accept_emails_the_program_the_consultants_contacts(
    world, django_capture_on_commit_callbacks
):
    request_obj = make(world, "offered")
    with django_capture_on_commit_callbacks(execute=True):
        world.client("consultant").post(url(request_obj.pk, "accept"))
    [message] = mail.outbox
    assert recipients(message) == program_addresses(world)
    assert (
        message.subject == f"Cora Consultant accepted your consultation request #{request_obj.pk}"
    )
    assert world.listing.contact_email in message.body


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("ProgramContact", "name"),
        ("ProgramContact", "city"),
        ("ProgramContact", "street"),
        ("ConsultantContact", "display_name"),
    ],
)
def test_the_schema_accepts_any_single_line_name(world, component, field):
    # drf-spectacular documents the models' inverse-match validator (no control characters)
    # as a pattern that a name must match: "Little Acorns" failed it.
    documented = served_schemas(world)[component]["properties"][field]
    for pattern in filter(None, patterns_in(documented)):
        assert re.search(pattern, "Little Acorns, 1 Main St"), pattern


@pytest.mark.parametrize("role", ROLES)
def test_accept_by_role(world, role):
    request_obj = offered_to_cora(world)
    before = state(request_obj)
    url = reverse("consultations:request_accept", args=[request_obj.pk])
    response = client_for(world, role).post(url)
    expected = ANSWER_EXPECTED[role]
    if expected == "login":
        assert_login_redirect(response, url)
    else:
        assert response.status_code == expected
    if expected == 302:
        assert response.url == reverse("consultations:request_detail", args=[request_obj.pk])
        assert messages_of(response)[0].startswith(f"You accepted request #{request_obj.pk}")
        request_obj.refresh_from_db()
        assert request_obj.status == Status.ACTIVE
        assert Consultant.objects.get(pk=world.listing.pk).active_caseload == 1
    else:
        assert state(request_obj) == before


def test_accept_with_a_full_caseload_is_an_error_message(world):
    request_obj = offered_to_cora(world)
    Consultant.objects.filter(pk=world.listing.pk).update(max_caseload=2, active_caseload=2)
    before = state(request_obj)
    client = client_for(world, "consultant")
    response = client.post(reverse("consultations:request_accept", args=[request_obj.pk]))
    assert response.status_code == 302
    assert response.url == reverse("consultations:offers")
    expected = (
        f"Request #{request_obj.pk} was not accepted: Your caseload is full (2 of 2); "
        "close an engagement or raise your maximum first."
    )
    assert messages_of(response) == [expected]
    assert state(request_obj) == before
    followed = client.get(response.url)
    assert '<p class="message error">' in followed.content.decode()


def test_accepting_an_active_request_is_a_conflict_message(world):
    request_obj = active_with_cora(world)
    before = state(request_obj)
    url = reverse("consultations:request_accept", args=[request_obj.pk])
    response = client_for(world, "consultant").post(url)
    assert response.status_code == 302
    assert messages_of(response) == [
        f"Request #{request_obj.pk} was not accepted: A request that is active cannot be accepted."
    ]
    assert state(request_obj) == before
