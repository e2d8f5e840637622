"""Every open consultation at once: the feasible options and their scores in array form
(`batch_options`), then the best assignment (`solve`), and a greedy one for comparison when
asked (`plan(compare=True)`).

`batch_options` applies the rules of `rules.exclusion` and `rules.score` with numpy, one state
at a time over the consultants who could reach that state, so national scale (20,000
consultations, 5,000 consultants) takes seconds rather than minutes; tests hold it to them.

The assignment is a maximum-weight b-matching solved exactly as a min-cost flow with Google
OR-Tools (source → consultation, capacity 1; consultation → consultant, cost −score;
consultant → sink, capacity = free places; consultation → sink, cost 0, so a consultation may
stay unmatched). Priority consultations are matched first lexicographically: each of their
edges carries a bonus larger than the sum of every consultation's best score, so no gain in
score can ever outweigh one more priority consultation.
"""

import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import chain, islice

from consultations.matching.arrays import ConsultantColumns, normalised_weights, pair_arrays
from consultations.matching.capacity import batch_capacity
from consultations.matching.prefilter import (
    Outside,
    Roster,
    unmatched_reasons,
)
from consultations.matching.rules import (
    ConsultantFacts,
    RequestFacts,
    score_weights,
    unavailability,
)

SCORE_SCALE = 10_000  # scores become integers (0..10,000) for the flow solver


@dataclass(frozen=True, slots=True)
class Assignment:
    request_id: int
    consultant_id: int
    score: float


@dataclass
class BatchResult:
    """A batch's assignment and what the pages show of it: the consultations' facts (program,
    county, priority) and the consultants' names, as matching read them."""

    assignments: list[Assignment]
    unmatched: dict[int, list[str]]  # consultation id -> reasons
    total_score: float
    priority_matched: int
    upper_bound: float  # every consultation with its best option, ignoring capacity
    greedy_total_score: float | None = None  # only when asked (compare=True)
    consultations: Mapping[int, RequestFacts] = field(default_factory=dict)
    consultant_names: Mapping[int, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def ratio_to_bound(self) -> float:
        return self.total_score / self.upper_bound if self.upper_bound else 1.0


def plan(
    consultations: list[RequestFacts],
    consultants: list[ConsultantFacts],
    weights: Mapping[str, float],
    *,
    result=BatchResult,
    seconds: dict[str, float] | None = None,
    compare: bool = False,
):
    """The best assignment, summarised as a `result` (BatchResult or a subclass), timed;
    with `compare`, also the greedy assignment's total (its own time: seconds["greedy"])."""
    seconds = dict(seconds or {})
    clock = time.perf_counter()
    options, reasons = batch_options(consultations, consultants, weights)
    scored = time.perf_counter()
    capacity = batch_capacity(options, consultations, consultants)
    priority = {r.id for r in consultations if r.priority}
    assignments = solve(options, capacity, priority)
    seconds |= {"score": round(scored - clock, 3), "solve": round(time.perf_counter() - scored, 3)}
    greedy_total = None
    if compare:
        clock = time.perf_counter()
        greedy_total = round(sum(a.score for a in greedy(options, capacity, priority)), 4)
        seconds["greedy"] = round(time.perf_counter() - clock, 3)
    return summarize(
        options,
        assignments,
        priority,
        reasons,
        result=result,
        greedy_total_score=greedy_total,
        consultations={r.id: r for r in consultations},
        consultant_names={c.id: c.display_name for c in consultants},
        seconds=seconds,
    )


def solve(
    options: Mapping[int, Mapping[int, float]],
    capacity: Mapping[int, int],
    priority: Iterable[int] = (),
    *,
    split: bool = True,
    workers: int | None = None,
    min_parallel_arcs: int | None = None,
) -> list[Assignment]:
    """The optimal assignment: each request to at most one of its options (consultant → score),
    each consultant to at most `capacity` requests, priority requests matched first, then the
    total score as high as possible. Exact (a min-cost flow on each independent part of the
    network, `components.solve_split`) and deterministic. Workers: the processes that may
    share a large network's parts (settings.MATCHING_BATCH_WORKERS by default; 1: this one)."""
    import numpy as np

    from consultations.matching import components

    if workers is None:
        from django.conf import settings

        workers = settings.MATCHING_BATCH_WORKERS
    requests = sorted(r for r, opts in options.items() if opts)
    # Every (request, consultant) option as flat arrays, put in (request, consultant) order
    # whatever the order of the mappings, so the network, and so the solution, is the same.
    lengths = np.fromiter((len(options[r]) for r in requests), dtype=np.int64, count=len(requests))
    count = int(lengths.sum())
    option_ids = np.fromiter(
        chain.from_iterable(options[r] for r in requests), dtype=np.int64, count=count
    )
    scores = np.fromiter(
        chain.from_iterable(options[r].values() for r in requests), dtype=float, count=count
    )
    rows = np.repeat(np.arange(len(requests), dtype=np.int64), lengths)
    order = np.lexsort((option_ids, rows))
    rows, option_ids, scores = rows[order], option_ids[order], scores[order]
    consultants_a = np.array(sorted(c for c, n in capacity.items() if n > 0), dtype=np.int64)
    if not requests or not len(consultants_a):
        return []
    n_c = len(consultants_a)
    columns = np.minimum(np.searchsorted(consultants_a, option_ids), n_c - 1)
    kept = consultants_a[columns] == option_ids  # a consultant without room takes no arc
    rows, columns = rows[kept], columns[kept]
    points = np.rint(scores[kept] * SCORE_SCALE).astype(np.int64)
    priority = set(priority)
    used = components.solve_split(
        rows,
        columns,
        points,
        np.array([r in priority for r in requests], dtype=bool),
        np.array([capacity[c] for c in consultants_a.tolist()], dtype=np.int64),
        split=split,
        workers=workers,
        min_parallel_arcs=components.MIN_PARALLEL_ARCS
        if min_parallel_arcs is None
        else min_parallel_arcs,
    )
    result = []
    for i, c in zip(rows[used].tolist(), consultants_a[columns[used]].tolist(), strict=True):
        r = requests[i]
        result.append(Assignment(r, c, options[r][c]))
    return result  # in request order, as the options are


def greedy(
    options: Mapping[int, Mapping[int, float]],
    capacity: Mapping[int, int],
    priority: Iterable[int] = (),
) -> list[Assignment]:
    """The obvious alternative, for comparison: priority requests first, then each request
    in turn takes its best consultant with room."""
    priority = set(priority)
    left = dict(capacity)
    result = []
    for r in sorted(options, key=lambda r: (r not in priority, r)):
        best = sorted(options[r].items(), key=lambda item: (-item[1], item[0]))
        for c, s in best:
            if left.get(c, 0) > 0:
                left[c] -= 1
                result.append(Assignment(r, c, s))
                break
    return sorted(result, key=lambda a: a.request_id)


def summarize(
    options: Mapping[int, Mapping[int, float]],
    assignments: list[Assignment],
    priority: Iterable[int],
    reasons_unmatched: Mapping[int, list[str]],
    *,
    result=BatchResult,
    **extra,
) -> BatchResult:
    priority = set(priority)
    matched = {a.request_id for a in assignments}
    unmatched = {}
    for r in sorted(options):
        if r in matched:
            continue
        if options[r]:
            unmatched[r] = ["every feasible consultant's places went to better-fitting requests"]
        else:
            unmatched[r] = list(reasons_unmatched.get(r, ["no feasible consultant"]))
    return result(
        assignments=assignments,
        unmatched=unmatched,
        total_score=round(sum(a.score for a in assignments), 4),
        priority_matched=sum(1 for a in assignments if a.request_id in priority),
        upper_bound=round(sum(max(o.values()) for o in options.values() if o), 4),
        **extra,
    )


# --- the rules in array form -------------------------------------------------------------------


def batch_options(
    consultations: list[RequestFacts],
    consultants: list[ConsultantFacts],
    weights: Mapping[str, float] | None = None,
) -> tuple[dict[int, dict[int, float]], dict[int, list[str]]]:
    """The feasible consultants of every consultation with their scores, and for those with
    none the hard constraints that ruled everyone out (most common first): the rules of
    `exclusion` and `score` in array form (see the module's docstring). Weights:
    score_weights() by default."""
    import numpy as np

    weights = score_weights() if weights is None else weights
    options: dict[int, dict[int, float]] = {}
    reasons: dict[int, list[str]] = {}
    # The constraints on the consultant alone (not approved, not accepting, at capacity).
    available, unavailable = [], Counter()
    for c in consultants:
        code = unavailability(c)
        if code is None:
            available.append(c)
        else:
            unavailable[code] += 1
    unavailable = dict(unavailable)
    roster = Roster(available)
    by_state: dict[str, list[RequestFacts]] = {}
    for consultation in consultations:
        by_state.setdefault(consultation.state, []).append(consultation)

    w = normalised_weights(weights)

    # Consultant columns, once for everyone available; each state takes its candidates' slice.
    everyone = ConsultantColumns(available)

    for state, block in sorted(by_state.items()):
        counties = {r.county_id for r in block}
        lats = [r.latitude for r in block if r.latitude is not None]
        lngs = [r.longitude for r in block if r.longitude is not None]
        box = (min(lats), max(lats), min(lngs), max(lngs)) if lats else None

        idx = roster.reach(state, counties, box)
        # Those the pre-filter left out, for the reasons of a consultation nobody can take.
        outside = Outside(roster, idx)
        if not len(idx):
            for r in block:
                options[r.id] = {}
                reasons[r.id] = unmatched_reasons(r, {}, outside, unavailable)
            continue
        # The rules in array form (consultations.matching.arrays, shared with the snapshot).
        cols = everyone.take(idx)
        pairs = pair_arrays(block, cols, state, w)
        feasible = pairs.reach & pairs.hours_fit
        declined = np.zeros_like(feasible)
        for i, r in enumerate(block):
            if r.language_required:
                feasible[i] &= pairs.speaks[i]
            for pk in r.declined:
                if pk in cols.col_of:
                    declined[i, cols.col_of[pk]] = True
        feasible &= ~declined
        # Every feasible pair at once, request by request; then one dict per request.
        rows, found = np.nonzero(feasible)
        ids, scores = cols.ids[found].tolist(), pairs.total[rows, found].tolist()
        counts = np.bincount(rows, minlength=len(block)).tolist()
        taken = iter(zip(ids, scores, strict=True))
        for i, (r, count) in enumerate(zip(block, counts, strict=True)):
            options[r.id] = dict(islice(taken, count))
            if count:
                continue
            # Nobody: each candidate under the first constraint it fails, in exclusion()'s
            # order (the consultants themselves are available: see `unavailable`).
            modality = (r.accepts_on_site & cols.onsite) | (r.accepts_virtual & cols.virtual)
            left, first = np.ones(len(cols), dtype=bool), {}
            for code, fails in (
                ("at_capacity", ~pairs.hours_fit[i]),
                ("declined_before", declined[i]),
                ("modality", ~modality),
                ("out_of_area", ~pairs.reach[i]),
                ("language", r.language_required & ~pairs.speaks[i]),
            ):
                hit = left & fails
                left &= ~hit
                if hit.any():
                    first[code] = int(hit.sum())
            reasons[r.id] = unmatched_reasons(r, first, outside, unavailable)
    return options, reasons
