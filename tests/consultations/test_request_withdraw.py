"""Withdrawing a request (docs/api.md, "Consultation requests"): only the program's staff, only
before it is accepted, with a reason; the consultant it was offered to is told."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.conftest import ROLES
from tests.consultations import factories as f
from tests.consultations.api_helpers import make, url
from tests.consultations.page_helpers import (
    Status,
    active_with_cora,
    assert_login_redirect,
    client_for,
    messages_of,
    offered_to_cora,
    state,
)

pytestmark = pytest.mark.django_db


WITHDRAW_EXPECTED = {  # a submitted request
    "anonymous": "login",
    "program": 302,
    "other_program": 404,
    "consultant": 404,
    "other_consultant": 404,
    "admin": 403,
}


def test_withdrawing_an_offered_request_emails_the_consultant(
    world, django_capture_on_commit_callbacks
):
    request_obj = make(world, "offered")
    with django_capture_on_commit_callbacks(execute=True):
        world.client("program").post(url(request_obj.pk, "withdraw"), {"reason": "Found help."})
    [message] = mail.outbox
    assert message.to == [world.listing.contact_email]
    assert message.subject == f"Consultation request #{request_obj.pk} was withdrawn"
    assert "Their reason: Found help." in message.body
    assert world.program.name in message.body


def test_withdrawing_a_submitted_request_emails_nobody(world, django_capture_on_commit_callbacks):
    request_obj = make(world, "submitted")
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client("program").post(
            url(request_obj.pk, "withdraw"), {"reason": "Found help."}
        )
    assert response.status_code == 200
    assert mail.outbox == []


@pytest.mark.parametrize("role", ROLES)
def test_withdraw_by_role(world, role):
    request_obj = f.submitted(world.program)
    before = state(request_obj)
    url = reverse("consultations:request_withdraw", args=[request_obj.pk])
    data = {"withdraw-reason": "Found help nearby.", "confirm": "yes"}  # the confirmed step
    response = client_for(world, role).post(url, data)
    expected = WITHDRAW_EXPECTED[role]
    if expected == "login":
        assert_login_redirect(response, url)
    else:
        assert response.status_code == expected
    if expected == 302:
        assert response.url == reverse("consultations:request_detail", args=[request_obj.pk])
        assert messages_of(response) == [f"Request #{request_obj.pk} is withdrawn."]
        request_obj.refresh_from_db()
        assert request_obj.status == Status.WITHDRAWN
        assert request_obj.events.last().note == "Found help nearby."
    else:
        assert state(request_obj) == before


def test_the_offered_consultant_may_not_withdraw(world):
    request_obj = offered_to_cora(world)
    before = state(request_obj)
    url = reverse("consultations:request_withdraw", args=[request_obj.pk])
    response = client_for(world, "consultant").post(url, {"withdraw-reason": "No"})
    assert response.status_code == 403
    assert state(request_obj) == before


def test_withdraw_needs_a_reason(world):
    request_obj = f.submitted(world.program)
    url = reverse("consultations:request_withdraw", args=[request_obj.pk])
    response = client_for(world, "program").post(url, {"withdraw-reason": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="field-errors"' in body
    assert "Give a reason." in body
    request_obj.refresh_from_db()
    assert request_obj.status == Status.SUBMITTED


def test_withdraw_an_active_request_is_a_conflict_message(world):
    request_obj = active_with_cora(world)
    before = state(request_obj)
    url = reverse("consultations:request_withdraw", args=[request_obj.pk])
    client = client_for(world, "program")
    response = client.post(url, {"withdraw-reason": "Changed our mind"}, follow=True)
    detail = reverse("consultations:request_detail", args=[request_obj.pk])
    assert response.redirect_chain == [(detail, 302)]
    assert state(request_obj) == before
    assert (
        '<p class="message error">A request that is active cannot be withdrawn.</p>'
        in response.content.decode()
    )
