"""Batch matching: every submitted request assigned at once, optimally, then previewed (a dry
run) or offered one by one through services.request_offer."""

import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied

from consultations import matching
from consultations.models import ConsultationRequest
from consultations.permissions import can_offer_requests
from consultations.selectors import matchable_consultants_facts, open_requests_facts
from consultations.services import request_offer
from directory.models import Consultant
from iecmhc.exceptions import StateConflict


@dataclass
class MatchingRun:
    """The outcome of a batch: what was (or, in a dry run, would be) offered, and what not."""

    dry_run: bool
    assignments: list[matching.Assignment]
    unmatched: dict[int, list[str]]
    total_score: float
    greedy_total_score: float
    upper_bound: float
    priority_matched: int
    offered: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)  # request id -> why not offered
    seconds: dict[str, float] = field(default_factory=dict)


def matching_run(
    *, actor, dry_run: bool = True, weights=None, as_system: bool = False
) -> MatchingRun:
    """Assign every submitted request at once, optimally (consultations.matching.solve).

    A dry run only previews. Otherwise each assignment becomes an offer through
    `request_offer`, one transaction each, so the rules and emails are those of a single
    offer; an assignment the world overtook meanwhile (the request withdrawn, the consultant
    full) is skipped with the reason, and the others still go out.
    """
    if not (as_system or can_offer_requests(actor)):
        raise PermissionDenied("Only Alliance admins may run matching.")
    clock = time.perf_counter()
    requests = open_requests_facts()
    consultants = matchable_consultants_facts()
    loaded = time.perf_counter()
    options, reasons = matching.batch_options(
        requests, consultants, weights or settings.MATCHING_WEIGHTS
    )
    scored = time.perf_counter()
    capacity = {c.id: c.places_free for c in consultants if c.accepting}
    priority = {r.id for r in requests if r.priority}
    assignments = matching.solve(options, capacity, priority)
    solved = time.perf_counter()
    summary = matching.summarize(options, assignments, priority, reasons)
    greedy_total = sum(a.score for a in matching.greedy(options, capacity, priority))
    run = MatchingRun(
        dry_run=dry_run,
        assignments=assignments,
        unmatched=summary.unmatched,
        total_score=summary.total_score,
        greedy_total_score=round(greedy_total, 4),
        upper_bound=summary.upper_bound,
        priority_matched=summary.priority_matched,
        seconds={
            "load": round(loaded - clock, 3),
            "score": round(scored - loaded, 3),
            "solve": round(solved - scored, 3),
        },
    )
    if dry_run:
        return run
    by_id = {
        r.pk: r
        for r in ConsultationRequest.objects.filter(pk__in=[a.request_id for a in assignments])
    }
    consultants_by_id = {
        c.pk: c for c in Consultant.objects.filter(pk__in={a.consultant_id for a in assignments})
    }
    for assignment in assignments:
        try:
            request_offer(
                actor=actor,
                consultation=by_id[assignment.request_id],
                consultant=consultants_by_id[assignment.consultant_id],
                as_system=as_system,
            )
        except StateConflict as exc:
            run.skipped[assignment.request_id] = exc.detail
        else:
            run.offered.append(assignment.request_id)
    run.seconds["offer"] = round(time.perf_counter() - solved, 3)
    return run
