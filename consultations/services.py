"""Every write to a consultation request: one service per transition of the workflow.

    submitted ──offer──▶ offered ──accept──▶ active ──close──▶ closed
        ▲                   │
        └──decline/expire───┘
    submitted | offered ──withdraw──▶ withdrawn

Each service receives the request its caller fetched (consultations.permissions.
access_consultation, or the admin's queryset) or, from the API, its key alone (consultations.
locks.unread_request), checks the actor's right, then locks and reads the rows it changes (once,
under the lock: consultations.locks), checks the status against ConsultationRequest.TRANSITIONS
(StateConflict → 409 otherwise), writes the change, and queues an event, the request's audit row
and the emails to the other side: these are written together when the service ends
(iecmhc.db.written_together; one statement on PostgreSQL), in its transaction, and the emails
go out once it commits.
"""

import functools
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.roles import is_consultant_user, is_program_user, user_role
from consultations import capacity, first_contact
from consultations import messages as M
from consultations.followup import check_child_outcome, schedule_follow_up
from consultations.locks import lock_consultant, lock_request, refuse
from consultations.models import ConsultationRequest, Contact, RequestEvent
from consultations.notifications import notify_alliance, notify_consultant, notify_program
from consultations.permissions import (
    can_close_request,
    can_log_contact,
    can_offer_requests,
    can_withdraw_request,
)
from consultations.privacy import check_privacy_rules
from directory.credentials import license_lapsed
from directory.models import Consultant, Program
from directory.permissions import is_program_member
from directory.vocabularies import ContactActivity
from iecmhc.db import add_rows, audit_row, written_together
from iecmhc.exceptions import StateConflict

Status = ConsultationRequest.Status
Action = RequestEvent.Action
RELATIONS = [f.name for f in ConsultationRequest._meta.concrete_fields if f.is_relation]


def _service(function):
    """A service: one transaction, and the rows it queues (event, audit row, emails) written
    together at its end, inside that transaction."""

    @functools.wraps(function)
    def service(*args, **kwargs):
        with transaction.atomic(), written_together():
            return function(*args, **kwargs)

    return service


def _event(consultation, *, action, actor, from_status, note="", consultant=None) -> RequestEvent:
    """The event of a step: written with the service's other rows (not read back, no id)."""
    event = RequestEvent(
        request=consultation,
        action=action,
        actor=actor,
        actor_role=user_role(actor) if actor is not None else RequestEvent.ActorRole.SYSTEM,
        consultant=consultant,
        from_status=from_status,
        to_status=consultation.status,
        note=note,
        at=timezone.now(),
    )
    add_rows(event)
    return event


def _save_request(consultation: ConsultationRequest, fields: list[str] | None = None) -> None:
    """UPDATE the request (`fields`, or every field); its audit row is written with the
    service's other rows."""
    consultation.skip_history_when_saving = True
    try:
        consultation.save(update_fields=fields)
    finally:
        del consultation.skip_history_when_saving
    add_rows(audit_row(consultation))


_lock_request = lock_request
_lock_consultant = lock_consultant


def _save_counters(consultant: Consultant) -> None:
    """Save the caseload counters (the consultant's row is locked by the caller), the hours
    recounted by the UPDATE itself. They are not in the listing's audit trail: the requests'
    events and history record each move."""
    capacity.recount_hours(consultant)
    consultant.skip_history_when_saving = True
    try:
        consultant.save(
            update_fields=["active_caseload", "open_offers", "hours_committed", "updated_at"]
        )
    finally:
        del consultant.skip_history_when_saving
        # The recount was an expression: read its value back only if someone asks.
        del consultant.hours_committed


def _require_text(value: str | None, *, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: [message]})
    return value


def _check_transition(consultation: ConsultationRequest, transition: str) -> None:
    """StateConflict unless the workflow allows `transition` (ConsultationRequest.TRANSITIONS)."""
    if not consultation.allows(transition):
        status = consultation.get_status_display().lower()
        raise StateConflict(M.TRANSITION_REFUSED[transition] % {"status": status})


# --- submit ----------------------------------------------------------------------------------


@_service
def request_submit(*, actor, program: Program, **fields) -> ConsultationRequest:
    """A member of the program asks for consultation: a new request in `submitted`."""
    if not (is_program_user(actor) and is_program_member(actor, program)):
        raise PermissionDenied(M.ONLY_PROGRAM_SUBMITS)
    fields.setdefault("parent_consent", False)
    check_privacy_rules(fields)
    consultation = ConsultationRequest(
        program=program, created_by=actor, status=Status.SUBMITTED, **fields
    )
    consultation.first_contact_due_at = first_contact.due_for(consultation)
    consultation.full_clean(validate_unique=False)
    consultation.save()
    _event(consultation, action=Action.SUBMITTED, actor=actor, from_status="")
    notify_alliance(consultation, "request_submitted")
    return consultation


# --- offer, accept, decline, expire ----------------------------------------------------------


@_service
def request_offer(
    *, actor, consultation: ConsultationRequest, consultant: Consultant, as_system: bool = False
):
    """An Alliance admin (or, with as_system, a scheduled matching run, recorded as the
    system) offers a submitted request to one consultant."""
    if as_system:
        actor = None
    elif not can_offer_requests(actor):
        refuse(actor, consultation, M.ONLY_ADMIN_OFFERS)
    try:  # read once, under its lock (the API hands over the key it was sent)
        consultant = _lock_consultant(getattr(consultant, "pk", consultant))
    except Consultant.DoesNotExist:
        raise ValidationError({"consultant": [M.NO_SUCH_CONSULTANT]}) from None
    consultation = _lock_request(consultation, declined_by=consultant.pk, staff=True)
    _check_transition(consultation, "offer")
    if consultant.listing_status != Consultant.ListingStatus.APPROVED:
        raise StateConflict(M.NOT_APPROVED % {"name": consultant.display_name})
    if not consultant.accepting_new_requests:
        raise StateConflict(M.NOT_ACCEPTING % {"name": consultant.display_name})
    if license_lapsed(consultant.license_expires, timezone.localdate()):
        raise StateConflict(M.LICENCE_LAPSED % {"name": consultant.display_name})
    capacity.check_room_for_offer(consultant, consultation)
    if consultation.declined_before:
        raise StateConflict(M.DECLINED_BEFORE % {"name": consultant.display_name})
    consultation.status = Status.OFFERED
    consultation.consultant = consultant
    consultation.offered_at = timezone.now()
    _save_request(consultation, ["status", "consultant", "offered_at", "updated_at"])
    consultant.open_offers += 1
    _save_counters(consultant)  # after the request, so its hours are counted
    _event(
        consultation,
        action=Action.OFFERED,
        actor=actor,
        from_status=Status.SUBMITTED,
        consultant=consultant,
    )
    expires = consultation.offered_at + timedelta(days=settings.OFFER_EXPIRY_DAYS)
    notify_consultant(consultant, consultation, "request_offered_consultant", expires=expires)
    notify_program(consultation, "request_offered_program", consultant=consultant)
    return consultation


@_service
def request_accept(*, actor, consultation: ConsultationRequest) -> ConsultationRequest:
    """The offered consultant accepts: the request becomes an engagement on their caseload.

    The capacity check: the consultant's row is locked, so concurrent accepts queue behind
    each other and each sees the caseload the previous one left.
    """
    try:  # the actor's listing, read once, under its lock
        consultant = _lock_consultant(user=actor) if is_consultant_user(actor) else None
    except Consultant.DoesNotExist:
        consultant = None
    if consultant is None:
        refuse(actor, consultation, M.ONLY_OFFERED_ACCEPTS)
    # With a weekly limit, the hours under way are read with the request (capacity).
    hours = {"active_hours": capacity.active_hours_expression(consultant)}
    hours = {} if consultant.hours_per_week is None else hours
    consultation = _lock_request(consultation, staff=True, **hours)
    if consultation.consultant_id != consultant.pk:
        raise StateConflict(M.NO_LONGER_OFFERED)
    _check_transition(consultation, "accept")
    if consultant.listing_status != Consultant.ListingStatus.APPROVED:
        raise StateConflict(M.MY_LISTING_NOT_APPROVED)
    capacity.check_room_for_accept(consultant, consultation)
    consultant.active_caseload += 1
    consultant.open_offers = max(consultant.open_offers - 1, 0)
    _save_counters(consultant)
    consultation.status = Status.ACTIVE
    consultation.accepted_at = timezone.now()
    _save_request(consultation, ["status", "accepted_at", "updated_at"])
    _event(
        consultation,
        action=Action.ACCEPTED,
        actor=actor,
        from_status=Status.OFFERED,
        consultant=consultant,
    )
    notify_program(consultation, "request_accepted", consultant=consultant)
    return consultation


def _lock_with_consultant(consultation: ConsultationRequest, **read):
    """Lock the consultant the caller saw on the request (if any) and then the request, in the
    services' order, and re-read both. Returns (consultant or None, request)."""
    consultant_id = consultation.consultant_id
    consultant = _lock_consultant(consultant_id) if consultant_id else None
    consultation = _lock_request(consultation, **read)
    if consultation.consultant_id != consultant_id:  # reassigned since the caller read it
        raise StateConflict(M.CHANGED_MEANWHILE)
    return consultant, consultation


def _release_offer(consultant: Consultant) -> None:
    consultant.open_offers = max(consultant.open_offers - 1, 0)
    _save_counters(consultant)


def _back_to_queue(consultation: ConsultationRequest, consultant: Consultant) -> Consultant:
    """An offer ends unanswered or declined: the request waits again, the place is freed."""
    consultation.status = Status.SUBMITTED
    consultation.consultant = None
    consultation.offered_at = None
    _save_request(consultation, ["status", "consultant", "offered_at", "updated_at"])
    _release_offer(consultant)
    return consultant


@_service
def request_decline(
    *, actor, consultation: ConsultationRequest, reason: str
) -> ConsultationRequest:
    """The offered consultant declines with a reason; the request goes back to the queue and
    is never offered to (or shown to) them again."""
    try:  # the actor's listing, read once, under its lock (the consultant's lock first)
        consultant = _lock_consultant(user=actor) if is_consultant_user(actor) else None
    except Consultant.DoesNotExist:
        consultant = None
    if consultant is None:
        refuse(actor, consultation, M.ONLY_OFFERED_DECLINES)
    reason = _require_text(reason, field="reason", message=M.SAY_WHY_DECLINE)
    consultation = _lock_request(consultation)
    if consultation.consultant_id != consultant.pk:
        raise StateConflict(M.NO_LONGER_OFFERED)
    _check_transition(consultation, "decline")
    _back_to_queue(consultation, consultant)
    _event(
        consultation,
        action=Action.DECLINED,
        actor=actor,
        from_status=Status.OFFERED,
        consultant=consultant,
        note=reason,
    )
    notify_alliance(consultation, "request_declined", consultant=consultant, reason=reason)
    return consultation


def offer_expiry_cutoff(now=None):
    return (now or timezone.now()) - timedelta(days=settings.OFFER_EXPIRY_DAYS)


@_service
def request_expire(*, consultation: ConsultationRequest, now=None) -> bool:
    """An offer left unanswered for OFFER_EXPIRY_DAYS goes back to the queue. Returns False
    (and changes nothing) when the offer was answered or is not overdue: safe to repeat."""
    try:
        consultant, consultation = _lock_with_consultant(consultation)
    except StateConflict:  # offered again since the caller read it: not this offer any more
        return False
    if not consultation.can_expire() or consultation.offered_at > offer_expiry_cutoff(now):
        return False
    _back_to_queue(consultation, consultant)
    _event(
        consultation,
        action=Action.EXPIRED,
        actor=None,
        from_status=Status.OFFERED,
        consultant=consultant,
        # The days it waited: selectors.event_note writes the sentence in the reader's language.
        note=str(settings.OFFER_EXPIRY_DAYS),
    )
    notify_alliance(consultation, "request_expired", consultant=consultant)
    notify_consultant(consultant, consultation, "request_expired_consultant")
    return True


def expire_overdue_offers(*, now=None) -> int:
    """Expire every overdue offer, each in its own transaction; returns how many expired."""
    overdue = ConsultationRequest.objects.filter(
        status__in=ConsultationRequest.TRANSITIONS["expire"],
        offered_at__lte=offer_expiry_cutoff(now),
    ).order_by("offered_at", "id")
    return sum(
        request_expire(consultation=consultation, now=now) for consultation in overdue.iterator()
    )


# --- withdraw, close -------------------------------------------------------------------------


@_service
def request_withdraw(*, actor, consultation: ConsultationRequest, reason: str):
    """A member of the program withdraws a request not yet accepted."""
    if not can_withdraw_request(actor, consultation):
        raise PermissionDenied(M.ONLY_PROGRAM_WITHDRAWS)
    reason = _require_text(reason, field="reason", message=M.SAY_WHY_WITHDRAW)
    consultant, consultation = _lock_with_consultant(consultation)
    _check_transition(consultation, "withdraw")
    from_status = consultation.status
    consultation.status = Status.WITHDRAWN
    consultation.consultant = None
    _save_request(consultation, ["status", "consultant", "updated_at"])
    if consultant is not None:
        _release_offer(consultant)
    _event(
        consultation,
        action=Action.WITHDRAWN,
        actor=actor,
        from_status=from_status,
        consultant=consultant,
        note=reason,
    )
    if consultant is not None:
        notify_consultant(consultant, consultation, "request_withdrawn", reason=reason)
    return consultation


@_service
def request_close(
    *,
    actor,
    consultation: ConsultationRequest,
    closure_reason: str,
    suspension_prevented: bool | None = None,
    goals_met: bool | None = None,
    note: str = "",
    maintained_in_program: bool | None = None,
    exclusion: str = "",
) -> ConsultationRequest:
    """The assigned consultant (or an admin) closes an engagement with its outcomes; the
    place on the consultant's caseload is freed."""
    if not can_close_request(actor, consultation):
        raise PermissionDenied(M.ONLY_ASSIGNED_CLOSES)
    consultant, consultation = _lock_with_consultant(consultation, staff=True, minutes=True)
    _check_transition(consultation, "close")
    consultation.status = Status.CLOSED
    consultation.closed_at = timezone.now()
    consultation.closure_reason = closure_reason
    consultation.suspension_prevented = suspension_prevented
    consultation.goals_met = goals_met
    consultation.closure_note = (note or "").strip()
    check_child_outcome(consultation, maintained_in_program, exclusion)
    # Its relations are the locked row's, unchanged: not checked again (a query each).
    consultation.full_clean(exclude=RELATIONS, validate_unique=False, validate_constraints=False)
    _save_request(consultation)
    schedule_follow_up(consultation)
    consultant.active_caseload = max(consultant.active_caseload - 1, 0)
    _save_counters(consultant)
    _event(
        consultation,
        action=Action.CLOSED,
        actor=actor,
        from_status=Status.ACTIVE,
        consultant=consultant,  # its note, the reason, in the reader's language (event_note)
    )
    notify_program(consultation, "request_closed", consultant=consultant)
    return consultation


# --- contacts --------------------------------------------------------------------------------


@_service
def contact_log(
    *,
    actor,
    consultation: ConsultationRequest,
    date: date,
    minutes: int,
    activity: str,
    modality: str,
    note: str = "",
    shared_with_program: bool = False,
) -> Contact:
    """The assigned consultant logs a piece of work on an active engagement; its note stays
    theirs (and the Alliance's) unless `shared_with_program`."""
    # Checked against the current assignment, under the lock, not the caller's copy.
    consultation = _lock_request(consultation)
    if not can_log_contact(actor, consultation):
        raise PermissionDenied(M.ONLY_ASSIGNED_LOGS)
    _check_transition(consultation, "log_contact")
    errors = {}
    today = timezone.localdate()
    if date > today:
        errors["date"] = [M.CONTACT_IN_FUTURE]
    elif consultation.accepted_at and date < timezone.localdate(consultation.accepted_at):
        errors["date"] = [M.CONTACT_BEFORE_ACCEPTED]
    if activity not in ContactActivity.values:
        errors["activity"] = [M.CHOOSE_ACTIVITY]
    if errors:
        raise ValidationError(errors)
    contact = Contact(
        request=consultation,
        consultant=consultation.consultant,
        date=date,
        minutes=minutes,
        activity=activity,
        modality=modality,
        note=(note or "").strip(),
        shared_with_program=bool(shared_with_program),
    )
    contact.full_clean(validate_unique=False)
    contact.save()
    first_contact.record_first_contact(
        consultation, first_contact.moment_of(date, consultation.received_at)
    )
    return contact
