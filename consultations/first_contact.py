"""The first-contact clock (docs/domain.md, "First contact").

A request's first contact is due a number of business days after the Alliance received it
(settings.FIRST_CONTACT_TARGET_BUSINESS_DAYS: 2 routine, 1 priority), counted in the program's
state: weekends and the state's public holidays (the `holidays` package) do not count. It is
due by the end of that business day, in the site's time zone. `first_contact_at` is the
consultant's first logged contact of any kind: a contact on the engagement, or a phone call
logged in one tap from the offer or the caseload (request_log_call). An overdue request
notifies the Alliance once (notify_overdue_first_contacts, a periodic job).
"""

from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.models import ConsultationRequest, RequestEvent
from consultations.notifications import notify_alliance
from consultations.permissions import is_assigned_consultant

Status = ConsultationRequest.Status


@lru_cache(maxsize=256)
def state_holidays(state: str, year: int) -> frozenset[date]:
    """The public holidays of a US state (or territory) in a year; the federal ones for a code
    the package does not know."""
    try:
        calendar = holidays.country_holidays("US", subdiv=state, years=year)
    except NotImplementedError:
        calendar = holidays.country_holidays("US", years=year)
    return frozenset(calendar)


def is_business_day(day: date, state: str) -> bool:
    return day.weekday() < 5 and day not in state_holidays(state, day.year)


def add_business_days(start: date, days: int, state: str) -> date:
    """The `days`-th business day after `start` (start itself never counts)."""
    day = start
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_business_day(day, state):
            counted += 1
    return day


def target_days(urgency: str) -> int:
    """Business days to first contact for a request of this urgency (settings)."""
    return settings.FIRST_CONTACT_TARGET_BUSINESS_DAYS[urgency]


def first_contact_due(received_at: datetime, urgency: str, state: str) -> datetime:
    """When first contact is due: the end of the target's last business day after the day of
    receipt (local time), i.e. midnight starting the next day."""
    received = timezone.localdate(received_at)
    last_day = add_business_days(received, target_days(urgency), state)
    return timezone.make_aware(datetime.combine(last_day + timedelta(days=1), time.min))


def due_for(consultation: ConsultationRequest) -> datetime:
    """first_contact_due for a request (its program read for its state)."""
    return first_contact_due(
        consultation.received_at, consultation.urgency, consultation.program.state
    )


def is_overdue(consultation: ConsultationRequest, now=None) -> bool:
    due = consultation.first_contact_due_at
    return (
        consultation.first_contact_at is None
        and due is not None
        and consultation.status in ConsultationRequest.OPEN
        and due <= (now or timezone.now())
    )


def clock(consultation: ConsultationRequest, now=None) -> dict:
    """What the queue and the caseload show: age since receipt, time left (negative when
    overdue), whether it is overdue, in whole hours."""
    now = now or timezone.now()
    due = consultation.first_contact_due_at
    left = None if due is None or consultation.first_contact_at else due - now
    return {
        "age_hours": int((now - consultation.received_at).total_seconds() // 3600),
        "age_days": (now - consultation.received_at).days,
        "due_at": due,
        "hours_left": None if left is None else int(left.total_seconds() // 3600),
        "hours_overdue": None if left is None else int(-left.total_seconds() // 3600),
        "overdue": is_overdue(consultation, now),
        "contacted_at": consultation.first_contact_at,
    }


def moment_of(contact_date: date, received_at: datetime, now=None) -> datetime:
    """The moment a contact logged for `contact_date` counts from: now for today's; for an
    earlier day, its noon (the log holds no hour), never before receipt."""
    now = now or timezone.now()
    if contact_date >= timezone.localdate(now):
        return now
    noon = timezone.make_aware(datetime.combine(contact_date, time(12)))
    return min(now, max(received_at, noon))


def record_first_contact(consultation: ConsultationRequest, at: datetime) -> bool:
    """Stop the clock at `at` unless an earlier contact stopped it (the caller holds the
    request's row locked). Returns whether first_contact_at changed."""
    if consultation.first_contact_at is not None and consultation.first_contact_at <= at:
        return False
    consultation.first_contact_at = at
    consultation.save(update_fields=["first_contact_at", "updated_at"])
    return True


@transaction.atomic
def request_log_call(*, actor, consultation: ConsultationRequest) -> ConsultationRequest:
    """One tap: the consultant the request is offered or assigned to called the program now.
    The first call stops the first-contact clock; a later one changes nothing."""
    from consultations.services import _check_transition, _event, _lock_request

    consultation = _lock_request(consultation)
    if not is_assigned_consultant(actor, consultation):
        raise PermissionDenied(_("Only the consultant it is offered or assigned to logs a call."))
    _check_transition(consultation, "log_call")
    if record_first_contact(consultation, timezone.now()):
        _event(
            consultation,
            action=RequestEvent.Action.FIRST_CONTACT,
            actor=actor,
            from_status=consultation.status,
            consultant=consultation.consultant,  # its note: selectors.event_note
        )
    return consultation


def overdue_queryset(now=None):
    return ConsultationRequest.objects.filter(
        status__in=ConsultationRequest.OPEN,
        first_contact_at__isnull=True,
        first_contact_due_at__lte=now or timezone.now(),
        overdue_notified_at__isnull=True,
    )


@transaction.atomic
def _notify_one(pk: int, now) -> bool:
    consultation = (
        ConsultationRequest.objects.select_for_update(of=("self",), no_key=True)
        .select_related("program__county")
        .get(pk=pk)
    )
    if not is_overdue(consultation, now) or consultation.overdue_notified_at is not None:
        return False  # contacted, closed or notified meanwhile
    consultation.overdue_notified_at = now
    consultation.save(update_fields=["overdue_notified_at", "updated_at"])
    notify_alliance(consultation, "first_contact_overdue", target=target_days(consultation.urgency))
    return True


def notify_overdue_first_contacts(*, now=None) -> int:
    """Tell the Alliance, once per request, of each request past its first-contact target;
    each in its own transaction, safe to run twice. Returns how many were notified."""
    now = now or timezone.now()
    pks = list(
        overdue_queryset(now).order_by("first_contact_due_at", "id").values_list("pk", flat=True)
    )
    return sum(_notify_one(pk, now) for pk in pks)
