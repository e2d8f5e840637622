"""Reads for the Alliance's reports: what funders ask about, and where consultants are missing.

Selectors like those of consultations.selectors: keyword-only, scoped by the user where a user
is involved, returning querysets or plain data (lists of tuples, dicts) that a page or a CSV
export can show as they are. Date ranges are inclusive and compare local dates.
"""

import statistics
from datetime import date

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from consultations import matching
from consultations.models import ConsultationRequest, Contact, RequestEvent
from iecmhc.units import minutes_to_hours

Status = ConsultationRequest.Status
Urgency = ConsultationRequest.Urgency


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
        (_("Yes"), counts.get(True, 0)),
        (_("No"), counts.get(False, 0)),
        (_("Not recorded"), counts.get(None, 0)),
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
        "hours": minutes_to_hours(minutes),
    }


def priority_share(*, date_from: date | None = None, date_to: date | None = None) -> dict:
    """How many of the requests submitted in the range were priority (a child at risk)."""
    qs = _submitted_between(ConsultationRequest.objects.all(), date_from, date_to)
    return qs.aggregate(total=Count("id"), priority=Count("id", filter=Q(urgency=Urgency.PRIORITY)))


def unmet_demand() -> dict:
    """Open requests no consultant may take, counted by county and by language: where the
    Alliance is missing consultants. Uses the batch's own feasibility rules."""
    with matching.gc_paused():
        consultations = matching.open_requests_facts()
        options, reasons = matching.batch_options(
            consultations, matching.matchable_consultants_facts(), matching.score_weights()
        )
    unmet = [r for r in consultations if not options.get(r.id)]
    by_county: dict[tuple[str, str], int] = {}
    by_language: dict[str, int] = {}
    for r in unmet:
        key = (r.state, r.county_name)
        by_county[key] = by_county.get(key, 0) + 1
        language = r.preferred_language_name or r.preferred_language or _("No preference")
        if r.preferred_language and r.language_required:
            language = _("%(language)s (required)") % {"language": language}
        by_language[language] = by_language.get(language, 0) + 1
    return {
        "open_requests": len(consultations),
        "unmet": len(unmet),
        "by_county": sorted(by_county.items(), key=lambda item: (-item[1], item[0])),
        "by_language": sorted(by_language.items(), key=lambda item: (-item[1], item[0])),
        "requests": [(r, reasons.get(r.id, [])) for r in unmet],
    }
