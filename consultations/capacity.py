"""A caseload's two limits in the services (docs/domain.md, "Capacity"): places and hours a week.

The rule is directory.models.places_free; this module holds what the services add to it: the
weekly hours of a consultant's engagements and open offers read from the requests themselves
(`committed_hours`, so a plan's new hours count at the next transition), and the checks an
offer and an accept make under the lock on the consultant's row.
"""

from decimal import Decimal

from django.conf import settings
from django.db.models import Case, DecimalField, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from consultations import messages as M
from consultations.models import ConsultationRequest
from directory.models import Consultant, places_free
from iecmhc.exceptions import StateConflict

Status = ConsultationRequest.Status
HOLDING = (Status.OFFERED, Status.ACTIVE)  # the statuses that hold a place and its hours


def _h(hours) -> str:
    """Hours as people write them: 5, 2.5, 0."""
    return f"{Decimal(str(hours)).normalize():f}"


def weekly_hours_expression():
    """ConsultationRequest.weekly_hours in SQL: the plan's hours, else the level's default."""
    output = DecimalField(max_digits=6, decimal_places=2)
    defaults = Case(
        *[
            When(focus=focus, then=Value(Decimal(str(hours))))
            for focus, hours in settings.ENGAGEMENT_DEFAULT_WEEKLY_HOURS.items()
        ],
        default=Value(Decimal("0")),
        output_field=output,
    )
    return Coalesce("planned_hours_per_week", defaults, output_field=output)


def _holding(consultant: Consultant, statuses):
    return ConsultationRequest.objects.filter(consultant_id=consultant.pk, status__in=statuses)


def committed_hours(consultant: Consultant, statuses=HOLDING) -> Decimal:
    """The weekly hours of the consultant's requests in `statuses` (offers and engagements)."""
    total = _holding(consultant, statuses).aggregate(hours=Sum(weekly_hours_expression()))
    return Decimal(total["hours"] or 0).quantize(Decimal("0.01"))


def hours_expression(consultant: Consultant, statuses=HOLDING):
    """committed_hours as a SQL expression, for a statement that computes it with others."""
    hours = (
        _holding(consultant, statuses)
        .order_by()
        .values("consultant_id")
        .annotate(hours=Sum(weekly_hours_expression()))
        .values("hours")
    )
    return Coalesce(
        Subquery(hours),
        Value(Decimal("0")),
        output_field=DecimalField(max_digits=6, decimal_places=2),
    )


def recount_hours(consultant: Consultant) -> None:
    """Set the consultant's hours_committed from their requests, as a SQL expression that the
    caller's save computes in its UPDATE (one statement, under the caller's lock). The value
    is read again only if something asks for it after the save."""
    consultant.hours_committed = hours_expression(consultant)


def check_room_for_offer(consultant: Consultant, consultation: ConsultationRequest) -> None:
    """StateConflict unless the consultant has a place and the hours for this request."""
    if consultant.places_free_for(consultation.weekly_hours) > 0:
        return
    if (
        places_free(consultant.max_caseload, consultant.active_caseload, consultant.open_offers)
        <= 0
    ):
        raise StateConflict(
            M.NO_FREE_PLACE
            % {
                "name": consultant.display_name,
                "active": consultant.active_caseload,
                "offers": consultant.open_offers,
                "max": consultant.max_caseload,
            }
        )
    raise StateConflict(
        M.NO_FREE_HOURS
        % {
            "name": consultant.display_name,
            "free": _h(consultant.hours_free),
            "hours": _h(consultant.hours_per_week),
            "needs": _h(consultation.weekly_hours),
        }
    )


def active_hours_expression(consultant: Consultant):
    """The weekly hours of the consultant's engagements under way, for the accept service to
    read with the request under its lock (`active_hours`): the consultant's row is locked
    before that statement starts, and every change to those hours takes that lock first."""
    return hours_expression(consultant, (Status.ACTIVE,))


def check_room_for_accept(consultant: Consultant, consultation: ConsultationRequest) -> None:
    """StateConflict unless the engagements already under way leave a place and the hours
    for this one (its offer held them, but the limits may have fallen since). The hours under
    way are `consultation.active_hours` when the request was read with them, else read now."""
    if consultant.active_caseload >= consultant.max_caseload:
        raise StateConflict(
            M.CASELOAD_FULL % {"active": consultant.active_caseload, "max": consultant.max_caseload}
        )
    if consultant.hours_per_week is None:
        return
    active = getattr(consultation, "active_hours", None)
    if active is None:
        active = committed_hours(consultant, (Status.ACTIVE,))
    if active + consultation.weekly_hours > consultant.hours_per_week:
        raise StateConflict(
            M.HOURS_FULL
            % {
                "taken": _h(active),
                "hours": _h(consultant.hours_per_week),
                "needs": _h(consultation.weekly_hours),
            }
        )
