"""Requests in any status, built through the services so their history is real."""

from consultations import services
from consultations.models import ConsultationRequest
from tests.factories import UserFactory, make_admin

BASE = {
    "focus": "classroom",
    "concerns": ["challenging_behavior"],
    "modality": "either",
    "urgency": "routine",
    "description": "The toddler room struggles at nap time.",
}


def submitted(program, *, by=None, **fields) -> ConsultationRequest:
    member = by or program.members.first()
    if member is None:
        member = UserFactory(role="program")
        program.memberships.create(user=member)
    return services.request_submit(actor=member, program=program, **{**BASE, **fields})


def _admin(admin):
    return admin or make_admin()


def offered(program, consultant, *, admin=None, **fields) -> ConsultationRequest:
    request = submitted(program, **fields)
    return services.request_offer(actor=_admin(admin), consultation=request, consultant=consultant)


def active(program, consultant, *, admin=None, **fields) -> ConsultationRequest:
    request = offered(program, consultant, admin=admin, **fields)
    return services.request_accept(actor=consultant.user, consultation=request)


def closed(program, consultant, *, admin=None, **fields) -> ConsultationRequest:
    request = active(program, consultant, admin=admin, **fields)
    child = {"maintained_in_program": True, "exclusion": "none"} if request.focus == "child" else {}
    return services.request_close(
        actor=consultant.user,
        consultation=request,
        closure_reason="goals_met",
        goals_met=True,
        **child,
    )


def withdrawn(program, *, reason="We found help elsewhere.", **fields) -> ConsultationRequest:
    request = submitted(program, **fields)
    return services.request_withdraw(
        actor=program.members.first(), consultation=request, reason=reason
    )


def in_status(status: str, program, consultant, *, admin=None) -> ConsultationRequest:
    """A request in `status`, reached by the workflow's own transitions."""
    if status == "submitted":
        return submitted(program)
    if status == "withdrawn":
        return withdrawn(program)
    return {"offered": offered, "active": active, "closed": closed}[status](
        program, consultant, admin=admin
    )
