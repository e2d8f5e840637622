"""Helpers of the consultation-request tests that use the pages of programs and consultants."""

from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consultations.models import ConsultationRequest
from directory.models import Consultant
from tests.consultations import factories as f

Status = ConsultationRequest.Status


LOGIN = reverse("accounts:login")


def client_for(world, role: str) -> Client:
    client = Client()
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def assert_login_redirect(response, url: str) -> None:
    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next={url}"


def offered_to_cora(world) -> ConsultationRequest:
    return f.offered(world.program, world.listing, admin=world.users["admin"])


def active_with_cora(world) -> ConsultationRequest:
    return f.active(world.program, world.listing, admin=world.users["admin"])


def state(request_obj) -> tuple:
    """What a denied action must leave untouched."""
    fresh = ConsultationRequest.objects.get(pk=request_obj.pk)
    return (
        fresh.status,
        fresh.consultant_id,
        fresh.events.count(),
        fresh.contacts.count(),
        Consultant.objects.get(pk=fresh.consultant_id).active_caseload
        if fresh.consultant_id
        else None,
    )


ANSWER_EXPECTED = {  # a request offered to `consultant`
    "anonymous": "login",
    "program": 403,
    "other_program": 404,
    "consultant": 302,
    "other_consultant": 404,
    "admin": 403,
}


CONTACT_EXPECTED = {  # an active request of `consultant`
    "anonymous": "login",
    "program": 403,
    "other_program": 404,
    "consultant": 302,
    "other_consultant": 404,
    "admin": 403,
}


def contact_data(**changes) -> dict:
    data = {
        "date": timezone.localdate().isoformat(),
        "minutes": "60",
        "activity": "staff_meeting",
        "modality": "virtual",
        "note": "Planned the transitions.",
        **changes,
    }
    return {f"contact-{name}": value for name, value in data.items()}


CLOSE_DATA = {
    "close-closure_reason": "goals_met",
    "close-suspension_prevented": "yes",
    "close-goals_met": "no",
    "close-note": "Routines are calmer.",
}
