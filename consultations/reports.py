"""Reads for the Alliance's pages: the request queue and the reports funders ask about.

Selectors like those of consultations.selectors: keyword-only, scoped by the user where a user
is involved, returning querysets or plain data (lists of tuples, dicts) that a page or a CSV
export can show as they are. Date ranges are inclusive and compare local dates.
"""

import statistics
from datetime import date

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Sum, Value, When

from accounts.roles import is_alliance_admin
from consultations.models import ConsultationRequest, Contact, RequestEvent
from consultations.selectors import request_list
from directory.models import County

Status = ConsultationRequest.Status
Urgency = ConsultationRequest.Urgency

# The queue holds requests waiting on the Alliance (submitted) or on a consultant (offered).
QUEUE_STATUSES = (Status.SUBMITTED, Status.OFFERED)


def request_queue(*, user) -> QuerySet[ConsultationRequest]:
    """Open requests waiting for a consultant, in the order the Alliance works them: submitted
    before offered, then priority before routine, then oldest first. Admins only (else empty)."""
    if not is_alliance_admin(user):
        return ConsultationRequest.objects.none()
    return (
        request_list(user=user)
        .filter(status__in=QUEUE_STATUSES)
        .annotate(
            status_rank=Case(
                When(status=Status.SUBMITTED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            urgency_rank=Case(
                When(urgency=Urgency.PRIORITY, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .order_by("status_rank", "urgency_rank", "created_at", "id")
    )


def queue_counties() -> QuerySet[County]:
    """Counties of programs with a request in the queue: the only useful county filters."""
    return County.objects.filter(programs__requests__status__in=QUEUE_STATUSES).distinct()


def _submitted_between(qs, date_from: date | None, date_to: date | None, field="created_at"):
    if date_from:
        qs = qs.filter(**{f"{field}__date__gte": date_from})
    if date_to:
        qs = qs.filter(**{f"{field}__date__lte": date_to})
    return qs


def requests_by_status(
    *, date_from: date | None = None, date_to: date | None = None
) -> list[tuple[str, str, int]]:
    """(code, label, count) for every status, in workflow order, of the requests submitted in
    the range (zero counts included, so the table always has the same rows)."""
    qs = _submitted_between(ConsultationRequest.objects.all(), date_from, date_to)
    counts = dict(qs.values_list("status").annotate(n=Count("id")).order_by())
    return [(code, label, counts.get(code, 0)) for code, label in Status.choices]


def requests_by_county(
    *, date_from: date | None = None, date_to: date | None = None
) -> list[tuple[str, int]]:
    """("County, ST", count) of the requests submitted in the range, most requests first."""
    qs = _submitted_between(ConsultationRequest.objects.all(), date_from, date_to)
    rows = (
        qs.values("program__county__name", "program__county__state")
        .annotate(n=Count("id"))
        .order_by("-n", "program__county__state", "program__county__name")
    )
    return [
        (f"{row['program__county__name']}, {row['program__county__state']}", row["n"])
        for row in rows
    ]


def days_to_acceptance(
    *, date_from: date | None = None, date_to: date | None = None
) -> list[float]:
    """For each request submitted in the range and since accepted, the days (fractional) from
    its `submitted` event to its first `accepted` event, in request order."""
    events = RequestEvent.objects.filter(
        action__in=(RequestEvent.Action.SUBMITTED, RequestEvent.Action.ACCEPTED)
    )
    if date_from:
        events = events.filter(request__created_at__date__gte=date_from)
    if date_to:
        events = events.filter(request__created_at__date__lte=date_to)
    submitted: dict[int, object] = {}
    accepted: dict[int, object] = {}
    for request_id, action, at in events.order_by("at", "id").values_list(
        "request_id", "action", "at"
    ):
        first = submitted if action == RequestEvent.Action.SUBMITTED else accepted
        first.setdefault(request_id, at)
    return [
        (accepted[r] - submitted[r]).total_seconds() / 86400
        for r in sorted(accepted)
        if r in submitted
    ]


def median_days_to_acceptance(
    *, date_from: date | None = None, date_to: date | None = None
) -> dict:
    """The median days from request to acceptance (one decimal; None when nothing was accepted)
    and how many accepted requests it is the median of."""
    days = days_to_acceptance(date_from=date_from, date_to=date_to)
    return {
        "median": round(statistics.median(days), 1) if days else None,
        "accepted": len(days),
    }


def _yes_no_unknown(counts: dict) -> list[tuple[str, int]]:
    return [
        ("Yes", counts.get(True, 0)),
        ("No", counts.get(False, 0)),
        ("Not recorded", counts.get(None, 0)),
    ]


def closure_outcomes(*, date_from: date | None = None, date_to: date | None = None) -> dict:
    """Outcomes of the engagements closed in the range: how many, why (every closure reason,
    with zero counts), whether a suspension or expulsion was prevented, whether the goals were
    met, and the hours of consultation logged on them."""
    closed = _submitted_between(
        ConsultationRequest.objects.filter(status=Status.CLOSED), date_from, date_to, "closed_at"
    )
    reasons = dict(closed.values_list("closure_reason").annotate(n=Count("id")).order_by())
    prevented = dict(closed.values_list("suspension_prevented").annotate(n=Count("id")).order_by())
    goals = dict(closed.values_list("goals_met").annotate(n=Count("id")).order_by())
    minutes = Contact.objects.filter(request__in=closed).aggregate(total=Sum("minutes"))["total"]
    return {
        "closed": sum(reasons.values()),
        "by_reason": [
            (label, reasons.get(code, 0))
            for code, label in ConsultationRequest._meta.get_field("closure_reason").choices
        ],
        "suspension_prevented": _yes_no_unknown(prevented),
        "goals_met": _yes_no_unknown(goals),
        "hours": round((minutes or 0) / 60, 1),
    }


def priority_share(*, date_from: date | None = None, date_to: date | None = None) -> dict:
    """How many of the requests submitted in the range were priority (a child at risk)."""
    qs = _submitted_between(ConsultationRequest.objects.all(), date_from, date_to)
    return qs.aggregate(total=Count("id"), priority=Count("id", filter=Q(urgency=Urgency.PRIORITY)))
