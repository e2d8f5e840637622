"""Helpers of the consultation-request tests that call the API: URLs, bodies, requests in any
status, and the snapshot every denied call must leave unchanged."""

from datetime import timedelta

from django.utils import timezone

from consultations.models import ConsultationRequest, Contact, RequestEvent
from directory.models import Consultant
from tests.consultations import factories

STATUSES = ("submitted", "offered", "active", "closed", "withdrawn")


CLASSROOM_REQUEST = {
    "focus": "classroom",
    "concerns": ["challenging_behavior", "transitions"],
    "modality": "either",
    "urgency": "routine",
    "description": "The toddler room struggles at nap time.",
}


CHILD_REQUEST = {
    "focus": "child",
    "concerns": ["suspension_expulsion_risk"],
    "child_age_months": 30,
    "parent_consent": True,
    "preferred_language": "es",
    "language_required": True,
    "modality": "on_site",
    "urgency": "priority",
    "description": "A toddler bites when transitions are rushed.",
}


REASON = "My caseload is full of infant rooms this month."


def url(request_id=None, action=None) -> str:
    path = "/api/v1/requests/"
    if request_id is not None:
        path += f"{request_id}/"
    if action is not None:
        path += f"{action}/"
    return path


def today_iso() -> str:
    return timezone.localdate().isoformat()


def contact_body(**overrides) -> dict:
    return {
        "date": today_iso(),
        "minutes": 60,
        "activity": "classroom_observation",
        "modality": "on_site",
        **overrides,
    }


def make(world, status, *, program=None, consultant=None) -> ConsultationRequest:
    """A request of `program` (default: world.program) in `status`, offered or assigned to
    `consultant` (default: world.listing) when the status has one."""
    return factories.in_status(
        status,
        program or world.program,
        consultant or world.listing,
        admin=world.users["admin"],
    )


def snapshot(request_id=None) -> dict:
    """Everything a denied call must leave alone."""
    row = (
        ConsultationRequest.objects.filter(pk=request_id)
        .values_list("status", "consultant_id", "offered_at", "accepted_at", "closed_at")
        .first()
    )
    return {
        "request": row,
        "requests": ConsultationRequest.objects.count(),
        "events": RequestEvent.objects.count(),
        "contacts": Contact.objects.count(),
        "caseloads": dict(Consultant.objects.values_list("pk", "active_caseload")),
    }


def send(world, role, method, path, data=None, *, capture):
    """One API call by `role`, with on-commit callbacks (emails) executed."""
    client = world.client(role)
    with capture(execute=True):
        if method == "get":
            return client.get(path)
        return client.post(path, data, format="json")


def status_of(request_id) -> str:
    return ConsultationRequest.objects.get(pk=request_id).status


def last_event(request_id) -> RequestEvent:
    return RequestEvent.objects.filter(request_id=request_id).order_by("at", "id").last()


CHILD, ROOM = CHILD_REQUEST, CLASSROOM_REQUEST


def _days_ago(days: int) -> str:
    return (timezone.localdate() - timedelta(days=days)).isoformat()


PROGRAM_CONTACT_FIELDS = {"street", "phone", "email"}


CONSULTANT_CONTACT_FIELDS = {"contact_email", "contact_phone"}


def list_ids(world, role, query="") -> set[int]:
    response = world.client(role).get(url() + query)
    assert response.status_code == 200, response.content
    return {r["id"] for r in response.json()["results"]}


def recipients(message) -> list[str]:
    return sorted(message.to)


def program_addresses(world) -> list[str]:
    return sorted([world.users["program"].email, world.program.email])


def served_schemas(world) -> dict:
    response = world.client("anonymous").get("/api/schema/", {"format": "json"}, secure=True)
    return response.json()["components"]["schemas"]
