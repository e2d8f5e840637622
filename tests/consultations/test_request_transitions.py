"""Every transition from every status, through the API (docs/api.md, "Consultation requests"; the
workflow in docs/domain.md): allowed ones change the status, the others are 409 and change
nothing."""

import pytest
from django.core import mail

from tests.consultations.api_helpers import (
    REASON,
    STATUSES,
    contact_body,
    last_event,
    make,
    send,
    snapshot,
    status_of,
    url,
)

pytestmark = pytest.mark.django_db


# action: (acting role, body builder, the statuses it is allowed from)
TRANSITIONS = {
    "offer": ("admin", lambda w: {"consultant": w.other_listing.pk}, {"submitted"}),
    "accept": ("consultant", lambda w: None, {"offered"}),
    "decline": ("consultant", lambda w: {"reason": REASON}, {"offered"}),
    "withdraw": ("program", lambda w: {"reason": "Found help."}, {"submitted", "offered"}),
    "close": ("consultant", lambda w: {"closure_reason": "goals_met"}, {"active"}),
    "close_by_admin": ("admin", lambda w: {"closure_reason": "goals_met"}, {"active"}),
    "contacts": ("consultant", lambda w: contact_body(), {"active"}),
}


# A consultant never sees a request that is not (or no longer) offered or assigned to them:
# there the answer is 404, not 409, so as not to confirm it exists.
HIDDEN_FROM_CONSULTANT = {"submitted", "withdrawn"}


# (action, to_status, note) of the event each allowed transition writes. A closure stores no
# sentence: its reason is named in the reader's language when read (selectors.event_note).
EVENTS = {
    "offer": ("offered", "offered", ""),
    "accept": ("accepted", "active", ""),
    "decline": ("declined", "submitted", REASON),
    "withdraw": ("withdrawn", "withdrawn", "Found help."),
    "close": ("closed", "closed", ""),
    "close_by_admin": ("closed", "closed", ""),
}


def _transition_cases():
    for action, (role, _, allowed) in TRANSITIONS.items():
        for status in STATUSES:
            if status in allowed:
                expected = 201 if action == "contacts" else 200
            elif role == "consultant" and status in HIDDEN_FROM_CONSULTANT:
                expected = 404
            else:
                expected = 409
            yield pytest.param(action, status, expected, id=f"{action}-from-{status}")


@pytest.mark.parametrize(("action", "status", "expected"), list(_transition_cases()))
def test_transition_from_every_status(
    world, action, status, expected, django_capture_on_commit_callbacks
):
    role, body, _ = TRANSITIONS[action]
    request_obj = make(world, status)
    before = snapshot(request_obj.pk)
    path = url(request_obj.pk, "close" if action == "close_by_admin" else action)

    response = send(
        world, role, "post", path, body(world), capture=django_capture_on_commit_callbacks
    )

    assert response.status_code == expected, response.content
    after = snapshot(request_obj.pk)
    if expected >= 400:
        assert after == before
        assert mail.outbox == []
        if expected == 409:
            assert status in response.json()["detail"]  # "A request that is <status> ..."
        return
    if action == "contacts":
        assert after["contacts"] == before["contacts"] + 1
        assert after["events"] == before["events"]
        assert status_of(request_obj.pk) == "active"
        return
    event_action, to_status, note = EVENTS[action]
    assert status_of(request_obj.pk) == to_status
    assert after["events"] == before["events"] + 1
    event = last_event(request_obj.pk)
    assert (event.action, event.actor, event.from_status, event.to_status, event.note) == (
        event_action,
        world.users[role],
        status,
        to_status,
        note,
    )
    if event_action == "closed":  # the reason, named when the history is read
        assert response.json()["events"][-1]["note"] == "Goals met"
