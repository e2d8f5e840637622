"""A request's page: who may open it, its timeline, its contacts, hours and outcome."""

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.models import RequestEvent
from tests.conftest import ROLES
from tests.consultations import factories as f
from tests.consultations.page_helpers import (
    active_with_cora,
    assert_login_redirect,
    client_for,
    offered_to_cora,
)

DETAIL_EXPECTED = {  # a request offered to `consultant`
    "anonymous": "login",
    "program": 200,
    "other_program": 404,
    "consultant": 200,
    "other_consultant": 404,
    "admin": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_request_page_by_role(world, role):
    request_obj = offered_to_cora(world)
    url = reverse("consultations:request_detail", args=[request_obj.pk])
    response = client_for(world, role).get(url)
    expected = DETAIL_EXPECTED[role]
    if expected == "login":
        assert_login_redirect(response, url)
        return
    assert response.status_code == expected
    if expected == 200:
        body = response.content.decode()
        assert f"<title>Request #{request_obj.pk} · " in body
        assert '<span class="badge offered">' in body
        # Each side sees only its own actions.
        assert ("Withdraw the request" in body) == (role == "program")
        assert ("Accept this request" in body) == (role == "consultant")
        assert "Log a contact" not in body


def test_a_submitted_request_is_not_shown_to_consultants(world):
    request_obj = f.submitted(world.program)
    url = reverse("consultations:request_detail", args=[request_obj.pk])
    assert client_for(world, "consultant").get(url).status_code == 404


def test_timeline_in_order_with_decline_reason_for_admins_only(world):
    admin = world.users["admin"]
    request_obj = f.offered(world.program, world.other_listing, admin=admin)
    services.request_decline(
        actor=world.users["other_consultant"], consultation=request_obj, reason="Too far to drive"
    )
    services.request_offer(actor=admin, consultation=request_obj, consultant=world.listing)
    services.request_accept(actor=world.users["consultant"], consultation=request_obj)
    url = reverse("consultations:request_detail", args=[request_obj.pk])

    body = client_for(world, "program").get(url).content.decode()
    timeline = body[body.index('<ol class="timeline">') :]
    order = ["Submitted", "Offered", "Declined", "Offered", "Accepted"]
    positions, start = [], 0
    for action in order:
        start = timeline.index(f"<strong>{action}</strong>", start + 1)
        positions.append(start)
    assert positions == sorted(positions)
    # Usernames are for the Alliance (issue 13): who declined is not named at all.
    assert f"by {world.program.name} (Program staff) · Submitted" in timeline
    assert "by the Alliance (Alliance admin) · Submitted → Offered to a consultant" in timeline
    assert "by a consultant (Consultant) · Offered to a consultant → Submitted" in timeline
    assert "by Cora Consultant (Consultant) · Offered to a consultant → Active" in timeline
    assert "alex_admin" not in timeline and "cal_consultant" not in timeline
    assert "Too far to drive" not in body
    assert "Too far to drive" in client_for(world, "admin").get(url).content.decode()
    assert "Too far to drive" not in client_for(world, "consultant").get(url).content.decode()


def test_closed_request_shows_contacts_hours_and_outcome(world):
    request_obj = active_with_cora(world)
    services.contact_log(
        actor=world.users["consultant"],
        consultation=request_obj,
        date=timezone.localdate(),
        minutes=90,
        activity="classroom_observation",
        modality="on_site",
        note="Watched the morning routine.",
        shared_with_program=True,  # an unshared note is the consultant's only
    )
    services.request_close(
        actor=world.users["consultant"],
        consultation=request_obj,
        closure_reason="goals_met",
        suspension_prevented=True,
        goals_met=None,
    )
    url = reverse("consultations:request_detail", args=[request_obj.pk])
    body = client_for(world, "program").get(url).content.decode()
    assert "Watched the morning routine." in body
    assert "(1.5 hours)" in body
    assert "<dt>Reason</dt><dd>Goals met</dd>" in body
    assert "<dt>Suspension or expulsion prevented</dt><dd>Yes</dd>" in body
    assert "<dt>Goals met</dt><dd>Don&#x27;t know</dd>" in body
    assert "Withdraw the request" not in body


def test_event_count_matches_the_timeline(world):
    request_obj = active_with_cora(world)
    url = reverse("consultations:request_detail", args=[request_obj.pk])
    body = client_for(world, "admin").get(url).content.decode()
    timeline = body[body.index('<ol class="timeline">') : body.index("</ol>")]
    assert timeline.count("<li>") == RequestEvent.objects.filter(request=request_obj).count() == 3
