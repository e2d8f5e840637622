"""A request from submission to closure through the API, as each side sees it."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from consultations.models import ConsultationRequest, RequestEvent
from directory.models import Consultant

pytestmark = pytest.mark.django_db

CHILD_REQUEST = {
    "focus": "child",
    "concerns": ["challenging_behavior", "suspension_expulsion_risk"],
    "child_age_months": 30,
    "parent_consent": True,
    "preferred_language": "es",
    "language_required": True,
    "modality": "either",
    "urgency": "priority",
    "description": "A toddler bites when transitions are rushed; we are worried about expulsion.",
}


def test_from_request_to_closed_consultation(world, django_capture_on_commit_callbacks):
    program, admin, consultant = (
        world.client("program"),
        world.client("admin"),
        world.client("consultant"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = program.post(
            "/api/v1/requests/", {**CHILD_REQUEST, "program": world.program.pk}, format="json"
        )
    assert response.status_code == 201, response.json()
    request_id = response.json()["id"]
    assert response.json()["status"] == "submitted"
    assert mail.outbox[-1].to == ["alliance@iecmhc.example.org"]
    assert mail.outbox[-1].subject.startswith("PRIORITY")

    # Not yet offered: the consultant cannot see it.
    assert consultant.get(f"/api/v1/requests/{request_id}/").status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            f"/api/v1/requests/{request_id}/offer/",
            {"consultant": world.listing.pk},
            format="json",
        )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "offered"

    seen = consultant.get(f"/api/v1/requests/{request_id}/").json()
    assert seen["program_detail"]["phone"] == world.program.phone  # through the offer
    # The program sees who it is offered to, but not their private contacts yet.
    mine = program.get(f"/api/v1/requests/{request_id}/").json()
    assert mine["consultant_detail"]["display_name"] == "Cora Consultant"
    assert "contact_email" not in mine["consultant_detail"]

    with django_capture_on_commit_callbacks(execute=True):
        response = consultant.post(f"/api/v1/requests/{request_id}/accept/")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "active"
    world.listing.refresh_from_db()
    assert world.listing.active_caseload == 1
    mine = program.get(f"/api/v1/requests/{request_id}/").json()
    assert mine["consultant_detail"]["contact_email"] == world.listing.contact_email

    today = timezone.localdate()
    response = consultant.post(
        f"/api/v1/requests/{request_id}/contacts/",
        {"date": today, "minutes": 90, "activity": "classroom_observation", "modality": "on_site"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    response = consultant.post(
        f"/api/v1/requests/{request_id}/contacts/",
        {"date": today, "minutes": 45, "activity": "staff_meeting", "modality": "virtual"},
        format="json",
    )
    assert response.status_code == 201
    assert len(program.get(f"/api/v1/requests/{request_id}/contacts/").json()) == 2

    caseload = consultant.get("/api/v1/caseload/").json()
    assert caseload["active_caseload"] == 1
    assert caseload["hours_this_month"] == 2.25
    assert caseload["engagements"][0]["id"] == request_id

    with django_capture_on_commit_callbacks(execute=True):
        response = consultant.post(
            f"/api/v1/requests/{request_id}/close/",
            {
                "closure_reason": "goals_met",
                "suspension_prevented": True,
                "goals_met": True,
                "maintained_in_program": True,
                "exclusion": "none",
            },
            format="json",
        )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "closed"
    assert body["outcome"]["hours"] == 2.25
    assert body["outcome"]["suspension_prevented"] is True
    world.listing.refresh_from_db()
    assert world.listing.active_caseload == 0

    history = program.get(f"/api/v1/requests/{request_id}/").json()["events"]
    assert [(e["from_status"], e["to_status"]) for e in history] == [
        ("", "submitted"),
        ("submitted", "offered"),
        ("offered", "active"),
        ("active", "closed"),
    ]
    assert [e["actor_role"] for e in history] == ["program", "admin", "consultant", "consultant"]


def test_decline_returns_it_to_the_queue_and_hides_it(world, django_capture_on_commit_callbacks):
    admin, consultant = world.client("admin"), world.client("consultant")
    request_id = (
        world.client("program")
        .post("/api/v1/requests/", {**CHILD_REQUEST, "program": world.program.pk}, format="json")
        .json()["id"]
    )
    admin.post(f"/api/v1/requests/{request_id}/offer/", {"consultant": world.listing.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = consultant.post(
            f"/api/v1/requests/{request_id}/decline/", {"reason": "I do not speak Spanish."}
        )
    assert response.status_code == 200
    assert response.json() == {"id": request_id, "status": "submitted"}
    assert consultant.get(f"/api/v1/requests/{request_id}/").status_code == 404
    assert "I do not speak Spanish." in mail.outbox[-1].body
    again = admin.post(f"/api/v1/requests/{request_id}/offer/", {"consultant": world.listing.pk})
    assert again.status_code == 409
    # Only the Alliance reads the reason.
    events = world.client("program").get(f"/api/v1/requests/{request_id}/").json()["events"]
    assert events[-1]["action"] == "declined" and events[-1]["note"] == ""


def test_expiry_sends_old_offers_back(world):
    from consultations.services import expire_overdue_offers

    admin = world.client("admin")
    request_id = (
        world.client("program")
        .post("/api/v1/requests/", {**CHILD_REQUEST, "program": world.program.pk}, format="json")
        .json()["id"]
    )
    admin.post(f"/api/v1/requests/{request_id}/offer/", {"consultant": world.listing.pk})
    assert expire_overdue_offers() == 0
    ConsultationRequest.objects.filter(pk=request_id).update(
        offered_at=timezone.now() - timedelta(days=6)
    )
    assert expire_overdue_offers() == 1
    assert expire_overdue_offers() == 0
    expired = ConsultationRequest.objects.get(pk=request_id)
    assert (expired.status, expired.consultant) == ("submitted", None)
    event = expired.events.last()
    assert (event.action, event.actor, event.consultant) == (
        RequestEvent.Action.EXPIRED,
        None,
        Consultant.objects.get(pk=world.listing.pk),
    )


def test_an_open_offer_holds_a_place_on_the_caseload(world):
    request_id = (
        world.client("program")
        .post("/api/v1/requests/", {**CHILD_REQUEST, "program": world.program.pk}, format="json")
        .json()["id"]
    )
    world.client("admin").post(
        f"/api/v1/requests/{request_id}/offer/", {"consultant": world.listing.pk}
    )
    caseload = world.client("consultant").get("/api/v1/caseload/").json()
    assert (caseload["active_caseload"], caseload["open_offers"]) == (0, 1)
    assert caseload["places_free"] == world.listing.max_caseload - 1
