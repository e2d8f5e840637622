"""Who may call each consultation-request endpoint (docs/api.md, "Consultation requests",
"Caseload"): every role on every endpoint. Every denied call is checked to have changed
nothing: the request's status and consultant, every caseload counter, the number of requests,
events and contacts, and the outbox (on-commit callbacks are executed, so an email queued by
mistake would show)."""

import pytest
from django.core import mail

from tests.conftest import ROLES
from tests.consultations.api_helpers import (
    CLASSROOM_REQUEST,
    REASON,
    contact_body,
    last_event,
    make,
    send,
    snapshot,
    status_of,
    url,
)

pytestmark = pytest.mark.django_db


R = "/api/v1/requests/"


# endpoint: (status of the request it is tried on, method, path, body)
ENDPOINTS = {
    "create": (None, "post", R, lambda w: {**CLASSROOM_REQUEST, "program": w.program.pk}),
    "list": ("offered", "get", R, None),
    "detail": ("offered", "get", R + "{id}/", None),
    "offer": ("submitted", "post", R + "{id}/offer/", lambda w: {"consultant": w.listing.pk}),
    "accept": ("offered", "post", R + "{id}/accept/", None),
    "decline": ("offered", "post", R + "{id}/decline/", lambda w: {"reason": REASON}),
    "withdraw": ("offered", "post", R + "{id}/withdraw/", lambda w: {"reason": "Found help."}),
    "close": ("active", "post", R + "{id}/close/", lambda w: {"closure_reason": "goals_met"}),
    "contacts_get": ("active", "get", R + "{id}/contacts/", None),
    "contacts_post": ("active", "post", R + "{id}/contacts/", lambda w: contact_body()),
    "caseload": ("offered", "get", "/api/v1/caseload/", None),
}


# Expected status code per role, in ROLES order:
#                  anonymous program other_program consultant other_consultant admin
MATRIX = {
    "create":        (401, 201, 400, 403, 403, 403),
    "list":          (401, 200, 200, 200, 200, 200),
    "detail":        (401, 200, 404, 200, 404, 200),
    "offer":         (401, 403, 404, 404, 404, 200),
    "accept":        (401, 403, 404, 200, 404, 403),
    "decline":       (401, 403, 404, 200, 404, 403),
    "withdraw":      (401, 200, 404, 403, 404, 403),
    "close":         (401, 403, 404, 200, 404, 200),
    "contacts_get":  (401, 200, 404, 200, 404, 200),
    "contacts_post": (401, 403, 404, 201, 404, 403),
    "caseload":      (401, 403, 403, 200, 200, 403),
}  # fmt: skip


# What an allowed state-changing call leaves behind: (status afterwards, extra requests,
# extra events, extra contacts, change of world.listing's caseload counter).
EFFECTS = {
    "create": ("submitted", 1, 1, 0, 0),
    "offer": ("offered", 0, 1, 0, 0),
    "accept": ("active", 0, 1, 0, 1),
    "decline": ("submitted", 0, 1, 0, 0),
    "withdraw": ("withdrawn", 0, 1, 0, 0),
    "close": ("closed", 0, 1, 0, -1),
    "contacts_post": ("active", 0, 0, 1, 0),
}


# The roles whose successful list shows the one (offered) request of world.program.
LIST_SEES_IT = {"program", "consultant", "admin"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_role_matrix(world, endpoint, role, django_capture_on_commit_callbacks):
    status, method, path, body = ENDPOINTS[endpoint]
    request_obj = make(world, status) if status else None
    request_id = request_obj.pk if request_obj else None
    before = snapshot(request_id)
    expected = MATRIX[endpoint][ROLES.index(role)]

    response = send(
        world,
        role,
        method,
        path.format(id=request_id),
        body(world) if body else None,
        capture=django_capture_on_commit_callbacks,
    )

    assert response.status_code == expected, response.content
    after = snapshot(request_id)
    if expected >= 400 or method == "get":
        assert after == before
        assert mail.outbox == []
        if expected == 404:
            assert "detail" in response.json()
        return
    new_status, requests, events, contacts, caseload = EFFECTS[endpoint]
    if endpoint == "create":
        request_id = response.json()["id"]
    assert status_of(request_id) == new_status
    assert after["requests"] - before["requests"] == requests
    assert after["events"] - before["events"] == events
    assert after["contacts"] - before["contacts"] == contacts
    assert after["caseloads"][world.listing.pk] - before["caseloads"][world.listing.pk] == caseload
    if events:
        assert last_event(request_id).actor == world.users[role]


@pytest.mark.parametrize("role", ROLES[1:])
def test_list_and_caseload_bodies_per_role(world, role):
    """The successful reads of the matrix return the right things for each caller."""
    offered = make(world, "offered")
    listing = world.client(role).get(url())
    assert listing.status_code == 200
    ids = [r["id"] for r in listing.json()["results"]]
    assert ids == ([offered.pk] if role in LIST_SEES_IT else [])
    assert listing.json()["count"] == len(ids)
    if role in ("consultant", "other_consultant"):
        caseload = world.client(role).get("/api/v1/caseload/").json()
        mine = role == "consultant"
        assert caseload["open_offers"] == (1 if mine else 0)
        assert caseload["active_caseload"] == 0
        assert caseload["max_caseload"] == 12
        assert caseload["engagements"] == []
        assert caseload["hours_this_month"] == 0
