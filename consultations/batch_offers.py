"""Batch matching: every submitted request assigned at once, optimally, then previewed (a dry
run) or offered one by one through services.request_offer."""

import time
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from consultations import matching
from consultations.models import ConsultationRequest
from consultations.permissions import can_offer_requests
from consultations.services import request_offer
from directory.models import Consultant
from iecmhc.exceptions import StateConflict


@dataclass
class MatchingRun(matching.BatchResult):
    """The outcome of a batch: what was (or, in a dry run, would be) offered, and what not."""

    dry_run: bool = True
    offered: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)  # request id -> why not offered


def matching_run(
    *, actor, dry_run: bool = True, weights=None, as_system: bool = False, compare: bool = False
) -> MatchingRun:
    """Assign every submitted request at once, optimally (consultations.matching.plan).

    A dry run only previews. Otherwise each assignment becomes an offer through
    `request_offer`, one transaction each, so the rules and emails are those of a single
    offer; an assignment the world overtook meanwhile (the request withdrawn, the consultant
    full) is skipped with the reason, and the others still go out. With `compare`, the run
    also carries the greedy assignment's total (greedy_total_score; None otherwise).
    """
    if not (as_system or can_offer_requests(actor)):
        raise PermissionDenied(_("Only Alliance admins may run matching."))
    clock = time.perf_counter()
    with matching.gc_paused():
        consultations = matching.open_requests_facts()
        consultants = matching.matchable_consultants_facts()
        run = matching.plan(
            consultations,
            consultants,
            weights or matching.score_weights(),
            result=MatchingRun,
            seconds={"load": round(time.perf_counter() - clock, 3)},
            compare=compare,
        )
    run.dry_run = dry_run
    assignments = run.assignments
    solved = time.perf_counter()
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
