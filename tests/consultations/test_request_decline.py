"""Declining an offer (docs/api.md, "Consultation requests"): a reason is required, the page's
decline form, and the reason reaching the Alliance only."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.conftest import ROLES
from tests.consultations.api_helpers import REASON, make, send, snapshot, url
from tests.consultations.page_helpers import (
    ANSWER_EXPECTED,
    Status,
    assert_login_redirect,
    client_for,
    messages_of,
    offered_to_cora,
    state,
)

pytestmark = pytest.mark.django_db


REASON_ACTIONS = [("decline", "offered", "consultant"), ("withdraw", "submitted", "program")]


@pytest.mark.parametrize(("action", "status", "role"), REASON_ACTIONS)
@pytest.mark.parametrize(
    "body",
    [
        pytest.param({}, id="missing"),
        pytest.param({"reason": ""}, id="empty"),
        pytest.param({"reason": "   \n "}, id="blank"),
        pytest.param({"reason": None}, id="null"),
        pytest.param({"reason": ["busy"]}, id="list"),
        pytest.param({"reason": "x" * 2001}, id="too-long"),
        pytest.param({"reason": "busy\x00"}, id="nul-char"),
        pytest.param({"reason": "ok", "status": "closed"}, id="unknown-field"),
    ],
)
def test_decline_and_withdraw_need_a_reason(
    world, action, status, role, body, django_capture_on_commit_callbacks
):
    request_obj = make(world, status)
    before = snapshot(request_obj.pk)
    response = send(
        world, role, "post", url(request_obj.pk, action), body,
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip
    assert response.status_code == 400, response.content
    assert set(response.json()) & {"reason", "status"}
    assert snapshot(request_obj.pk) == before
    assert mail.outbox == []


def test_decline_emails_the_alliance_the_reason(
    world, settings, django_capture_on_commit_callbacks
):
    request_obj = make(world, "offered")
    with django_capture_on_commit_callbacks(execute=True):
        world.client("consultant").post(url(request_obj.pk, "decline"), {"reason": REASON})
    [message] = mail.outbox
    assert message.to == [settings.ALLIANCE_NOTIFY_EMAIL]
    assert message.subject == (
        f"Offer declined: request #{request_obj.pk} ({world.program.name}) is back in the queue"
    )
    assert "Cora Consultant" in message.body
    assert f"Their reason: {REASON}" in message.body


@pytest.mark.parametrize("role", ROLES)
def test_decline_by_role(world, role):
    request_obj = offered_to_cora(world)
    before = state(request_obj)
    url = reverse("consultations:request_decline", args=[request_obj.pk])
    data = {"decline-reason": "Caseload too heavy", "confirm": "yes"}  # the confirmed step
    response = client_for(world, role).post(url, data)
    expected = ANSWER_EXPECTED[role]
    if expected == "login":
        assert_login_redirect(response, url)
    else:
        assert response.status_code == expected
    if expected == 302:
        assert response.url == reverse("consultations:offers")
        assert messages_of(response) == [
            f"You declined request #{request_obj.pk}; it goes back to the Alliance."
        ]
        request_obj.refresh_from_db()
        assert (request_obj.status, request_obj.consultant_id) == (Status.SUBMITTED, None)
        assert request_obj.events.last().note == "Caseload too heavy"
        detail = reverse("consultations:request_detail", args=[request_obj.pk])
        assert client_for(world, role).get(detail).status_code == 404
    else:
        assert state(request_obj) == before


def test_decline_needs_a_reason(world):
    request_obj = offered_to_cora(world)
    before = state(request_obj)
    url = reverse("consultations:request_decline", args=[request_obj.pk])
    response = client_for(world, "consultant").post(url, {"decline-reason": "  "})
    assert response.status_code == 200
    assert 'id="id_decline-reason_error' in response.content.decode()
    assert state(request_obj) == before
