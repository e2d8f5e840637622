"""Offering a request to a consultant (docs/api.md, "Consultation requests"): the API, the
Alliance's one-click offer, bad input, consultants who may not take it, and the emails."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.models import ConsultationRequest, RequestEvent
from directory.models import Consultant
from tests.consultations import factories
from tests.consultations.alliance_helpers import Status, db_snapshot
from tests.consultations.api_helpers import make, program_addresses, recipients, send, snapshot, url
from tests.factories import ConsultantFactory

pytestmark = pytest.mark.django_db


# Offer input: (name, body, field expected in the 400)
BAD_OFFER = [
    ("missing", {}, "consultant"),
    ("nonexistent", {"consultant": 987654}, "consultant"),
    ("huge", {"consultant": 2**70}, "consultant"),
    ("string", {"consultant": "cora"}, "consultant"),
    ("null", {"consultant": None}, "consultant"),
    ("list", {"consultant": [1]}, "consultant"),
    ("unknown-field", {"consultant": "LISTING", "note": "please"}, "note"),
]


def _offerable(world, kind) -> Consultant:
    """A consultant who may not be offered anything, for each reason the contract names."""
    if kind == "declined_before":
        return world.listing
    fields = {
        "pending": {"listing_status": "pending"},
        "suspended": {"listing_status": "suspended"},
        "draft": {"listing_status": "draft"},
        "not_accepting": {"accepting_new_requests": False},
        "at_capacity": {"max_caseload": 2},
    }[kind]
    consultant = ConsultantFactory(**fields)
    if kind == "at_capacity":
        Consultant.objects.filter(pk=consultant.pk).update(active_caseload=2)
    return consultant


def _declined_before(world):
    request = factories.offered(world.program, world.listing)
    return services.request_decline(
        actor=world.users["consultant"], consultation=request, reason="Caseload is full this month."
    )


@pytest.mark.parametrize(("body", "field"), [pytest.param(b, f, id=n) for n, b, f in BAD_OFFER])
def test_offer_rejects_bad_input(world, body, field, django_capture_on_commit_callbacks):
    request_obj = make(world, "submitted")
    body = {k: (world.listing.pk if v == "LISTING" else v) for k, v in body.items()}
    before = snapshot(request_obj.pk)
    response = send(
        world, "admin", "post", url(request_obj.pk, "offer"), body,
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert snapshot(request_obj.pk) == before
    assert mail.outbox == []


@pytest.mark.parametrize(
    "kind", ["pending", "suspended", "draft", "not_accepting", "at_capacity", "declined_before"]
)
def test_offer_to_an_unavailable_consultant_is_a_conflict(
    world, kind, django_capture_on_commit_callbacks
):
    request_obj = make(world, "submitted")
    if kind == "declined_before":
        request_obj = services.request_offer(
            actor=world.users["admin"], consultation=request_obj, consultant=world.listing
        )
        services.request_decline(
            actor=world.users["consultant"], consultation=request_obj, reason="No"
        )
    consultant = _offerable(world, kind)
    before = snapshot(request_obj.pk)
    response = send(
        world, "admin", "post", url(request_obj.pk, "offer"), {"consultant": consultant.pk},
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip
    assert response.status_code == 409, response.content
    assert consultant.display_name in response.json()["detail"]
    assert snapshot(request_obj.pk) == before
    assert mail.outbox == []


def test_offer_emails_the_consultant_and_the_program(world, django_capture_on_commit_callbacks):
    request_obj = make(world, "submitted")
    with django_capture_on_commit_callbacks(execute=True):
        world.client("admin").post(url(request_obj.pk, "offer"), {"consultant": world.listing.pk})
    to_consultant, to_program = mail.outbox
    assert to_consultant.to == [world.listing.contact_email]
    assert to_consultant.subject == (
        f"Consultation request #{request_obj.pk} offered to you: {world.program.name}"
    )
    for fact in (world.program.street, world.program.phone, world.program.email, "Dane County"):
        assert fact in to_consultant.body
    expires = timezone.localtime(
        ConsultationRequest.objects.get(pk=request_obj.pk).offered_at + timedelta(days=5)
    )
    assert expires.strftime("%B ") + str(expires.day) in to_consultant.body
    assert recipients(to_program) == program_addresses(world)
    assert f"#{request_obj.pk}" in to_program.subject
    assert "Cora Consultant" in to_program.body
    assert world.listing.contact_email not in to_program.body


def test_emails_fall_back_to_the_consultants_account_address(
    world, django_capture_on_commit_callbacks
):
    Consultant.objects.filter(pk=world.listing.pk).update(contact_email="")
    request_obj = make(world, "submitted")
    with django_capture_on_commit_callbacks(execute=True):
        world.client("admin").post(url(request_obj.pk, "offer"), {"consultant": world.listing.pk})
    assert mail.outbox[0].to == [world.users["consultant"].email]


def test_a_confirmed_offer_offers_and_emails_the_consultant(
    client, world, django_capture_on_commit_callbacks
):
    request = factories.submitted(world.program)
    mail.outbox.clear()
    client.force_login(world.users["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("alliance:offer", args=[request.pk]),
            {"consultant": world.listing.pk, "confirm": "yes"},
        )
    assert response.status_code == 302
    assert response.url == reverse("alliance:queue")
    request.refresh_from_db()
    assert (request.status, request.consultant_id) == (Status.OFFERED, world.listing.pk)
    event = request.events.get(action=RequestEvent.Action.OFFERED)
    assert (event.actor, event.consultant_id) == (world.users["admin"], world.listing.pk)
    recipients = [m.to for m in mail.outbox]
    assert [world.listing.contact_email] in recipients
    page = client.get(response.url)
    assert f"Request #{request.pk} from {world.program.name} was offered to Cora Consultant" in (
        page.content.decode()
    )


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        (_declined_before, "Cora Consultant declined this request before."),
        (
            lambda world: factories.offered(world.program, world.other_listing),
            "A request that is offered to a consultant cannot be offered.",
        ),
    ],
    ids=["declined-before", "already-offered"],
)
def test_an_offer_in_conflict_shows_an_error_and_changes_nothing(
    client, world, setup, expected, django_capture_on_commit_callbacks
):
    request = setup(world)
    mail.outbox.clear()
    before = db_snapshot()
    client.force_login(world.users["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("alliance:offer", args=[request.pk]),
            {"consultant": world.listing.pk, "confirm": "yes"},
            follow=True,
        )
    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("alliance:request", args=[request.pk]), 302)]
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [f"Not offered: {expected}"]
    assert expected in response.content.decode()
    assert db_snapshot() == before


@pytest.mark.parametrize("consultant", ["", "abc", "999999"])
def test_an_offer_without_a_valid_consultant_changes_nothing(client, world, consultant):
    request = factories.submitted(world.program)
    before = db_snapshot()
    client.force_login(world.users["admin"])
    response = client.post(
        reverse("alliance:offer", args=[request.pk]), {"consultant": consultant}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Choose one of the matching consultants to offer the request to."
    ]
    assert db_snapshot() == before
