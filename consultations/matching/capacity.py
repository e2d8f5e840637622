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

import numpy as np

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


def capacity_columns(options, consultations: Iterable[RequestFacts], consultants) -> np.ndarray:
    """batch_capacity for the consultants of `options` (an options.OptionArrays), as an array
    over options.consultant_ids, worked out from the options without a Python loop over them:
    the weights of the consultations come in a few levels, so each consultant's heaviest-first
    list is a count of options per level."""
    weight = {r.id: weight_hundredths(r.weekly_hours) for r in consultations}
    weights = np.array([weight[r] for r in options.request_ids.tolist()], dtype=float)
    levels, level_of = np.unique(weights, return_inverse=True)
    levels, level_of = levels[::-1], len(levels) - 1 - level_of  # heaviest first
    n_c, n_l = len(options.consultant_ids), len(levels)
    from consultations.matching import kernels

    # counts[c, l]: consultant c's options at weight level l, in one compiled pass.
    counts = kernels.column_counts(
        options.rows, options.columns, level_of.astype(np.int64), n_c, n_l
    )
    by_id = {c.id: c for c in consultants}
    facts = [by_id[c] for c in options.consultant_ids.tolist()]
    places = np.array(
        [places_free(c.max_caseload, c.active_caseload, c.open_offers) for c in facts],
        dtype=np.int64,
    )
    free = np.array([hundredths(c.hours_free) for c in facts], dtype=float)
    # The heaviest `places` of each consultant's options, level by level, while they fit.
    left, total = places.copy(), np.zeros(n_c)
    fitting, stopped = np.zeros(n_c, dtype=np.int64), np.zeros(n_c, dtype=bool)
    for level in range(n_l):
        take = np.minimum(counts[:, level], left)
        with np.errstate(invalid="ignore"):
            room = np.floor((free - total) / levels[level])
        fit = np.where(stopped, 0, np.minimum(take, np.maximum(room, 0))).astype(np.int64)
        stopped |= fit < take
        fitting += fit
        total += take * levels[level]
        left -= take
    hours = np.array([c.hours_free is not None for c in facts], dtype=bool)
    none_to_take = (counts.sum(axis=1) == 0) | (places == 0)
    fallback = np.array([c.places_free for c in facts], dtype=np.int64)
    with_hours = np.where(none_to_take, np.minimum(places, fallback), fitting)
    accepting = np.array([c.accepting for c in facts], dtype=bool)
    return np.where(accepting, np.where(hours, with_hours, places), 0)


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
