"""How many consultations the batch may give each consultant, by both limits of their caseload
(docs/domain.md, "Capacity"): places and hours a week.

The min-cost flow counts places, not hours, and a caseload's hours are a knapsack the flow
cannot hold exactly. So the batch turns hours into places by a conservative rule: a consultant
may take m consultations where m is at most their places free and the m *heaviest* of the
consultations they could take fit in their hours free. Then any m of those fit, so every
assignment the solver makes keeps both limits, and the solver stays exact and optimal for
these capacities. The rule gives away nothing when a consultant states no hours or when the
consultations they could take weigh the same; otherwise it may leave a light consultation to
the next run (the Alliance can still offer it by hand: an offer checks the exact hours).
"""

from collections.abc import Iterable, Mapping
from itertools import accumulate

from consultations.matching.prefilter import hundredths, weight_hundredths
from consultations.matching.rules import ConsultantFacts, RequestFacts
from directory.models import places_free


def batch_capacity(
    options: Mapping[int, Mapping[int, float]],
    consultations: Iterable[RequestFacts],
    consultants: Iterable[ConsultantFacts],
) -> dict[int, int]:
    """Places each accepting consultant may take in this batch (see the module's docstring)."""
    weight = {r.id: weight_hundredths(r.weekly_hours) for r in consultations}
    weights_of: dict[int, list[float]] = {}
    for request_id, opts in options.items():
        for consultant_id in opts:
            weights_of.setdefault(consultant_id, []).append(weight[request_id])
    capacity = {}
    for c in consultants:
        if not c.accepting:
            continue
        places = places_free(c.max_caseload, c.active_caseload, c.open_offers)
        if c.hours_free is not None:
            heaviest_first = sorted(weights_of.get(c.id, ()), reverse=True)[:places]
            free = hundredths(c.hours_free)
            fitting = sum(1 for total in accumulate(heaviest_first) if total <= free)
            places = fitting if heaviest_first else min(places, c.places_free)
        capacity[c.id] = places
    return capacity


def fits_both_limits(
    assignments, consultations: Iterable[RequestFacts], consultants: Iterable[ConsultantFacts]
) -> bool:
    """Do these assignments keep every consultant within their places and hours free?"""
    weight = {r.id: weight_hundredths(r.weekly_hours) for r in consultations}
    taken: dict[int, list[float]] = {}
    for a in assignments:
        taken.setdefault(a.consultant_id, []).append(weight[a.request_id])
    for c in consultants:
        loads = taken.get(c.id, [])
        if not loads:
            continue
        if len(loads) > places_free(c.max_caseload, c.active_caseload, c.open_offers):
            return False
        if sum(loads) > hundredths(c.hours_free):
            return False
    return True
