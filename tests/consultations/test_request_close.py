"""Closing an engagement with its outcomes (docs/api.md, "Consultation requests"): bad input, the
page's form, conflicts, and the email to the program."""

import pytest
from django.core import mail
from django.urls import reverse

from directory.models import Consultant
from tests.conftest import ROLES
from tests.consultations import factories as f
from tests.consultations.api_helpers import make, program_addresses, recipients, send, snapshot, url
from tests.consultations.page_helpers import (
    CLOSE_DATA,
    CONTACT_EXPECTED,
    Status,
    active_with_cora,
    assert_login_redirect,
    client_for,
    messages_of,
    state,
)

pytestmark = pytest.mark.django_db


CLOSE_EXPECTED = {**CONTACT_EXPECTED, "admin": 302}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({}, "closure_reason", id="missing-reason"),
        pytest.param({"closure_reason": "bored"}, "closure_reason", id="unknown-reason"),
        pytest.param({"closure_reason": "Goals met"}, "closure_reason", id="label-not-code"),
        pytest.param({"closure_reason": None}, "closure_reason", id="null-reason"),
        pytest.param(
            {"closure_reason": "goals_met", "goals_met": "maybe"}, "goals_met", id="goals-not-bool"
        ),
        pytest.param(
            {"closure_reason": "goals_met", "suspension_prevented": [True]},
            "suspension_prevented",
            id="prevented-a-list",
        ),
        pytest.param({"closure_reason": "other", "note": "x" * 2001}, "note", id="note-too-long"),
        pytest.param({"closure_reason": "other", "hours": 3}, "hours", id="unknown-field"),
    ],
)
def test_close_rejects_bad_input(world, body, field, django_capture_on_commit_callbacks):
    request_obj = make(world, "active")
    before = snapshot(request_obj.pk)
    response = send(
        world, "consultant", "post", url(request_obj.pk, "close"), body,
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert snapshot(request_obj.pk) == before
    assert mail.outbox == []


def test_close_emails_the_program(world, django_capture_on_commit_callbacks):
    request_obj = make(world, "active")
    with django_capture_on_commit_callbacks(execute=True):
        world.client("consultant").post(
            url(request_obj.pk, "close"), {"closure_reason": "referred_elsewhere"}
        )
    [message] = mail.outbox
    assert recipients(message) == program_addresses(world)
    assert message.subject == f"Consultation request #{request_obj.pk} is closed"
    assert "Referred elsewhere" in message.body
    assert "Cora Consultant" in message.body


@pytest.mark.parametrize("role", ROLES)
def test_close_by_role(world, role):
    request_obj = active_with_cora(world)
    before = state(request_obj)
    url = reverse("consultations:request_close", args=[request_obj.pk])
    response = client_for(world, role).post(url, {**CLOSE_DATA, "confirm": "yes"})
    expected = CLOSE_EXPECTED[role]
    if expected == "login":
        assert_login_redirect(response, url)
    else:
        assert response.status_code == expected
    if expected == 302:
        assert response.url == reverse("consultations:request_detail", args=[request_obj.pk])
        assert messages_of(response) == [
            f"Request #{request_obj.pk} is closed; its place on the caseload is free."
        ]
        request_obj.refresh_from_db()
        assert request_obj.status == Status.CLOSED
        assert (request_obj.suspension_prevented, request_obj.goals_met) == (True, False)
        assert request_obj.closure_note == "Routines are calmer."
        assert Consultant.objects.get(pk=world.listing.pk).active_caseload == 0
    else:
        assert state(request_obj) == before


def test_close_with_unknown_outcomes_stores_none(world):
    request_obj = active_with_cora(world)
    url = reverse("consultations:request_close", args=[request_obj.pk])
    data = {
        **CLOSE_DATA,
        "close-suspension_prevented": "unknown",
        "close-goals_met": "unknown",
    }
    client_for(world, "consultant").post(url, data)
    request_obj.refresh_from_db()
    assert (request_obj.suspension_prevented, request_obj.goals_met) == (None, None)


def test_close_needs_a_reason(world):
    request_obj = active_with_cora(world)
    before = state(request_obj)
    url = reverse("consultations:request_close", args=[request_obj.pk])
    response = client_for(world, "consultant").post(url, {**CLOSE_DATA, "close-closure_reason": ""})
    assert response.status_code == 200
    assert 'id="id_close-closure_reason_error' in response.content.decode()
    assert state(request_obj) == before


def test_closing_twice_is_a_conflict_message(world):
    request_obj = f.closed(world.program, world.listing, admin=world.users["admin"])
    before = state(request_obj)
    url = reverse("consultations:request_close", args=[request_obj.pk])
    response = client_for(world, "consultant").post(url, CLOSE_DATA)
    assert response.status_code == 302
    assert messages_of(response) == ["A request that is closed cannot be closed."]
    assert state(request_obj) == before
