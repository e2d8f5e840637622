"""Phone intake: an Alliance admin enters a request for a program (page and API), with its
referral source and when it was received; it records who entered it and emails the program's
contact person a copy with a link to follow it."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from consultations.models import ConsultationRequest, RequestEvent
from directory.models import ProgramMembership


def _body(world, **changes) -> dict:
    return {
        "program": world.program.pk,
        "contact_email": "director@acorns.example.org",
        "contact_first_name": "Dana",
        "contact_phone": "608-555-0123",
        "referral_source": "two_one_one",
        "received_at": (timezone.now() - timedelta(days=2)).isoformat(),
        "focus": "program",
        "concerns": ["staff_stress"],
        "urgency": "routine",
        "modality": "either",
        **changes,
    }


def test_an_admin_enters_a_request_by_api(world, django_capture_on_commit_callbacks):
    received = timezone.now() - timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client("admin").post(
            "/api/v1/phone-intake/",
            _body(world, received_at=received.isoformat()),
            format="json",
        )
    assert response.status_code == 201, response.content
    consultation = ConsultationRequest.objects.get(pk=response.data["id"])
    assert consultation.entered_by == world.users["admin"]
    assert consultation.referral_source == "two_one_one"
    assert response.data["referral_source"] == "two_one_one"
    assert abs((consultation.received_at - received).total_seconds()) < 1
    assert consultation.received_at < consultation.created_at
    assert consultation.contact_phone == "608-555-0123"
    # The clock runs from receipt, not from entry.
    from consultations.first_contact import first_contact_due

    assert consultation.first_contact_due_at == first_contact_due(received, "routine", "WI")
    # The contact person: an account without a password, a member of the program.
    person = consultation.created_by
    assert person.email == "director@acorns.example.org"
    assert ProgramMembership.objects.filter(program=world.program, user=person).exists()
    event = consultation.events.get(action=RequestEvent.Action.SUBMITTED)
    assert event.actor == world.users["admin"] and event.actor_role == "admin"
    # A copy, with a link to follow it.
    [copy] = [m for m in mail.outbox if m.to == ["director@acorns.example.org"]]
    assert f"#{consultation.pk}" in copy.subject
    follow = re.search(r"http\S+(/follow/\S+/)", copy.body).group(1)
    from django.test import Client

    page = Client().get(follow)
    assert page.status_code == 200
    assert world.program.name in page.content.decode()


def test_an_existing_member_is_the_contact_person(world):
    member = world.users["program"]
    response = world.client("admin").post(
        "/api/v1/phone-intake/", _body(world, contact_email=member.email), format="json"
    )
    assert response.status_code == 201
    assert ConsultationRequest.objects.get(pk=response.data["id"]).created_by == member


def test_an_admin_enters_a_request_on_the_page(client, world):
    client.force_login(world.users["admin"])
    assert client.get(reverse("alliance:phone_intake")).status_code == 200
    received = timezone.localtime() - timedelta(hours=3)
    body = _body(world, received_at=received.strftime("%Y-%m-%dT%H:%M"))
    response = client.post(reverse("alliance:phone_intake"), body)
    consultation = ConsultationRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("alliance:request", args=[consultation.pk])
    assert consultation.entered_by == world.users["admin"]
    detail = client.get(response["Location"]).content.decode()
    assert "2-1-1" in detail and "Entered by" in detail


@pytest.mark.parametrize("role", ["program", "other_program", "consultant", "other_consultant"])
def test_only_the_alliance_enters_requests(world, role):
    response = world.client(role).post("/api/v1/phone-intake/", _body(world), format="json")
    assert response.status_code == 403
    assert ConsultationRequest.objects.count() == 0


def test_anonymous_is_refused(world):
    response = world.client("anonymous").post("/api/v1/phone-intake/", _body(world), format="json")
    assert response.status_code == 401


BAD = [
    ("program", 0),
    ("program", "abc"),
    ("contact_email", "nope"),
    ("contact_email", ""),
    ("contact_first_name", "a\nb"),
    ("contact_phone", "soon"),
    ("referral_source", "a friend"),
    ("received_at", "yesterday"),
    ("received_at", "2999-01-01T09:00:00-06:00"),  # in the future
    ("received_at", "2001-01-01T09:00:00-06:00"),  # more than a year ago
    ("focus", "x"),
    ("concerns", []),
    ("urgency", "now"),
]


@pytest.mark.parametrize(("field", "value"), BAD)
def test_bad_input_is_a_400_that_changes_nothing(world, field, value):
    response = world.client("admin").post(
        "/api/v1/phone-intake/", _body(world, **{field: value}), format="json"
    )
    assert response.status_code == 400, response.content
    assert field in response.data
    assert ConsultationRequest.objects.count() == 0


@pytest.mark.parametrize(("field", "value"), BAD)
def test_bad_input_on_the_page_is_a_form_error(client, world, field, value):
    client.force_login(world.users["admin"])
    if field == "received_at" and "T" in str(value):
        value = timezone.localtime(timezone.datetime.fromisoformat(value)).strftime(
            "%Y-%m-%dT%H:%M"
        )
    body = _body(world, received_at=timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    body[field] = value
    response = client.post(reverse("alliance:phone_intake"), body)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert ConsultationRequest.objects.count() == 0
