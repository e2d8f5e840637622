"""Destructive or binding actions act only once confirmed (issue 17): the first POST shows a
page that says what will happen and changes nothing; the same fields posted again with
`confirm=yes` act. The step is a plain form, so it needs no script (iecmhc.pages.confirm_page).
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from consultations.models import ConsultationRequest
from directory.models import Consultant
from tests.consultations import factories as f
from tests.consultations.page_helpers import CLOSE_DATA, client_for, state

pytestmark = pytest.mark.django_db


@dataclass
class Action:
    role: str
    make: Callable  # world -> the record
    url: Callable  # record -> the action's address
    data: dict
    title: str  # the confirmation page's question
    done: Callable  # record -> whether it acted
    snapshot: Callable = state


def _listing(status):
    def make(world):
        Consultant.objects.filter(pk=world.listing.pk).update(listing_status=status)
        return Consultant.objects.get(pk=world.listing.pk)

    return make


def _listing_state(listing):
    fresh = Consultant.objects.get(pk=listing.pk)
    return (fresh.listing_status, fresh.decisions.count())


def _status(record):
    return ConsultationRequest.objects.get(pk=record.pk).status


def _request_url(name):
    return lambda record: reverse(f"consultations:{name}", args=[record.pk])


ACTIONS = {
    "withdraw": Action(
        role="program",
        make=lambda w: f.offered(w.program, w.listing, admin=w.users["admin"]),
        url=_request_url("request_withdraw"),
        data={"withdraw-reason": "We found help nearby."},
        title="Withdraw request #{pk}?",
        done=lambda r: _status(r) == "withdrawn",
    ),
    "decline": Action(
        role="consultant",
        make=lambda w: f.offered(w.program, w.listing, admin=w.users["admin"]),
        url=_request_url("request_decline"),
        data={"decline-reason": "My caseload is full."},
        title="Decline request #{pk}?",
        done=lambda r: _status(r) == "submitted",
    ),
    "close": Action(
        role="consultant",
        make=lambda w: f.active(w.program, w.listing, admin=w.users["admin"]),
        url=_request_url("request_close"),
        data=CLOSE_DATA,
        title="Close request #{pk}?",
        done=lambda r: _status(r) == "closed",
    ),
    "close-by-the-alliance": Action(
        role="admin",
        make=lambda w: f.active(w.program, w.listing, admin=w.users["admin"]),
        url=_request_url("request_close"),
        data=CLOSE_DATA,
        title="Close request #{pk}?",
        done=lambda r: _status(r) == "closed",
    ),
    "offer": Action(
        role="admin",
        make=lambda w: f.submitted(w.program),
        url=lambda r: reverse("alliance:offer", args=[r.pk]),
        data={},  # the consultant is added below (the world's listing)
        title="Offer request #{pk} to Cora Consultant?",
        done=lambda r: _status(r) == "offered",
    ),
    "reject-listing": Action(
        role="admin",
        make=_listing("pending"),
        url=lambda r: reverse("directory:listing_review", args=[r.pk]),
        data={"action": "reject", "reason": "Add your licence number."},
        title="Reject Cora Consultant's listing?",
        done=lambda r: Consultant.objects.get(pk=r.pk).listing_status == "rejected",
        snapshot=_listing_state,
    ),
    "suspend-listing": Action(
        role="admin",
        make=_listing("approved"),
        url=lambda r: reverse("directory:listing_review", args=[r.pk]),
        data={"action": "suspend", "reason": "Your licence lapsed."},
        title="Suspend Cora Consultant's listing?",
        done=lambda r: Consultant.objects.get(pk=r.pk).listing_status == "suspended",
        snapshot=_listing_state,
    ),
}


def _data(world, action):
    return {"consultant": world.listing.pk} if action.data == {} else dict(action.data)


@pytest.mark.parametrize("name", ACTIONS)
def test_the_first_post_asks_and_changes_nothing_the_confirmed_one_acts(
    world, name, django_capture_on_commit_callbacks
):
    action = ACTIONS[name]
    record = action.make(world)
    client = client_for(world, action.role)
    data = _data(world, action)
    before, emails = action.snapshot(record), len(mail.outbox)

    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(action.url(record), data)

    assert asked.status_code == 200
    page = asked.content.decode()
    assert f"<h1>{escape(action.title.format(pk=record.pk))}</h1>" in page
    assert '<input type="hidden" name="confirm" value="yes">' in page
    assert f'action="{action.url(record)}"' in page
    for field, value in data.items():  # the same fields go again, escaped
        assert f'<input type="hidden" name="{field}" value="{value}">' in page
    assert 'class="button secondary">No, go back</a>' in page
    assert (action.snapshot(record), len(mail.outbox)) == (before, emails)
    assert not action.done(record)

    with django_capture_on_commit_callbacks(execute=True):
        acted = client.post(action.url(record), {**data, "confirm": "yes"})

    assert acted.status_code == 302
    assert action.done(record)
    assert len(mail.outbox) > emails  # the other side is told


@pytest.mark.parametrize("confirm", ["", "no", "YES", "1"])
def test_only_confirm_yes_acts(world, confirm):
    record = f.submitted(world.program)
    url = reverse("consultations:request_withdraw", args=[record.pk])
    data = {"withdraw-reason": "We found help.", "confirm": confirm}
    response = client_for(world, "program").post(url, data)
    assert response.status_code == 200
    assert _status(record) == "submitted"


def test_a_form_with_errors_is_shown_again_not_confirmed(world):
    record = f.submitted(world.program)
    url = reverse("consultations:request_withdraw", args=[record.pk])
    page = client_for(world, "program").post(url, {"withdraw-reason": ""}).content.decode()
    assert "Give a reason." in page and 'name="confirm"' not in page
    assert _status(record) == "submitted"


def test_an_action_the_state_refuses_is_not_asked_about(world):
    """Withdrawing a request already withdrawn: the service's refusal, no question first."""
    record = f.submitted(world.program)
    url = reverse("consultations:request_withdraw", args=[record.pk])
    client = client_for(world, "program")
    client.post(url, {"withdraw-reason": "x", "confirm": "yes"})
    assert _status(record) == "withdrawn"
    response = client.post(url, {"withdraw-reason": "Again."}, follow=True)
    assert 'name="confirm"' not in response.content.decode()
    assert "cannot be withdrawn" in response.content.decode()


def test_the_confirmation_page_escapes_what_it_repeats(world):
    record = f.submitted(world.program)
    url = reverse("consultations:request_withdraw", args=[record.pk])
    reason = '"><script>alert(1)</script>'
    page = client_for(world, "program").post(url, {"withdraw-reason": reason}).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_confirmed_withdrawal_keeps_the_reason(world):
    record = f.submitted(world.program)
    url = reverse("consultations:request_withdraw", args=[record.pk])
    client = client_for(world, "program")
    client.post(url, {"withdraw-reason": "Found help nearby."})
    client.post(url, {"withdraw-reason": "Found help nearby.", "confirm": "yes"})
    assert record.events.last().note == "Found help nearby."
