"""Every open consultation at once: the feasible options and their scores in array form
(`batch_options`), then the best assignment (`solve`), with a greedy one for comparison.

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

from consultations.matching.arrays import ConsultantColumns, normalised_weights, pair_arrays
from consultations.matching.capacity import batch_capacity
from consultations.matching.prefilter import (
    Outside,
    circle_boxes,
    could_reach,
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
    greedy_total_score: float = 0.0
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
):
    """The best assignment, summarised as a `result` (BatchResult or a subclass), timed."""
    seconds = dict(seconds or {})
    clock = time.perf_counter()
    options, reasons = batch_options(consultations, consultants, weights)
    scored = time.perf_counter()
    capacity = batch_capacity(options, consultations, consultants)
    priority = {r.id for r in consultations if r.priority}
    assignments = solve(options, capacity, priority)
    seconds |= {"score": round(scored - clock, 3), "solve": round(time.perf_counter() - scored, 3)}
    greedy_total = sum(a.score for a in greedy(options, capacity, priority))
    return summarize(
        options,
        assignments,
        priority,
        reasons,
        result=result,
        greedy_total_score=round(greedy_total, 4),
        consultations={r.id: r for r in consultations},
        consultant_names={c.id: c.display_name for c in consultants},
        seconds=seconds,
    )


def solve(
    options: Mapping[int, Mapping[int, float]],
    capacity: Mapping[int, int],
    priority: Iterable[int] = (),
) -> list[Assignment]:
    """The optimal assignment: each request to at most one of its options (consultant → score),
    each consultant to at most `capacity` requests, priority requests matched first, then the
    total score as high as possible. Exact (a min-cost flow) and deterministic."""
    import numpy as np
    from ortools.graph.python import min_cost_flow

    priority = set(priority)
    requests = sorted(r for r, opts in options.items() if opts)
    # Every (request, consultant) option as flat arrays, in (request, consultant) order.
    lengths, option_ids, scores = [], [], []
    for r in requests:
        opts = options[r]
        ids = sorted(opts)
        lengths.append(len(ids))
        option_ids.extend(ids)
        scores.extend(map(opts.__getitem__, ids))
    option_ids_a = np.array(option_ids, dtype=np.int64)
    consultants_a = np.array(
        sorted(c for c in set(option_ids) if capacity.get(c, 0) > 0), dtype=np.int64
    )
    if not requests or not len(consultants_a):
        return []
    n_r, n_c = len(requests), len(consultants_a)
    source, sink = 0, 1  # requests are nodes 2.., consultants follow them
    rows = np.repeat(np.arange(n_r, dtype=np.int64), lengths)
    columns = np.minimum(np.searchsorted(consultants_a, option_ids_a), n_c - 1)
    kept = consultants_a[columns] == option_ids_a  # a consultant without room takes no arc
    rows, columns = rows[kept], columns[kept]
    tails_a, heads_a = rows + 2, columns + 2 + n_r
    points = np.rint(np.array(scores)[kept] * SCORE_SCALE).astype(np.int64)
    # One more priority request matched must outweigh any difference in scores, including
    # what other priority requests lose by moving to weaker consultants to make room: so the
    # bonus exceeds the best conceivable total of every request's best score.
    best = np.zeros(n_r, dtype=np.int64)
    np.maximum.at(best, rows, points)
    bonus = int(best.sum()) + 1
    is_priority = np.array([r in priority for r in requests])
    costs = -(points + np.where(is_priority[rows], bonus, 0))

    flow = min_cost_flow.SimpleMinCostFlow()
    request_nodes = np.arange(2, 2 + n_r, dtype=np.int64)
    consultant_nodes = np.arange(2 + n_r, 2 + n_r + n_c, dtype=np.int64)
    ones, zeros = np.ones(n_r, dtype=np.int64), np.zeros(n_r, dtype=np.int64)
    flow.add_arcs_with_capacity_and_unit_cost(np.full(n_r, source), request_nodes, ones, zeros)
    flow.add_arcs_with_capacity_and_unit_cost(request_nodes, np.full(n_r, sink), ones, zeros)
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        tails_a, heads_a, np.ones(len(tails_a), dtype=np.int64), costs
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        consultant_nodes,
        np.full(n_c, sink),
        np.array([capacity[c] for c in consultants_a.tolist()], dtype=np.int64),
        np.zeros(n_c, dtype=np.int64),
    )
    flow.set_node_supply(source, n_r)
    flow.set_node_supply(sink, -n_r)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"The min-cost flow solver failed (status {status}).")
    used = np.flatnonzero(flow.flows(arcs) > 0)
    result = []
    for i, c in zip(rows[used].tolist(), consultants_a[columns[used]].tolist(), strict=True):
        r = requests[i]
        result.append(Assignment(r, c, options[r][c]))
    return result  # in request order, as the arcs are


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
    circles = circle_boxes(available)
    by_state: dict[str, list[RequestFacts]] = {}
    for consultation in consultations:
        by_state.setdefault(consultation.state, []).append(consultation)

    w = normalised_weights(weights)

    for state, block in sorted(by_state.items()):
        counties = {r.county_id for r in block}
        lats = [r.latitude for r in block if r.latitude is not None]
        lngs = [r.longitude for r in block if r.longitude is not None]
        box = (min(lats), max(lats), min(lngs), max(lngs)) if lats else None

        cands = [c for c in available if could_reach(c, state, counties, box, circles.get(c.id))]
        # Those the pre-filter left out, for the reasons of a consultation nobody can take.
        outside = Outside(available, {c.id for c in cands})
        if not cands:
            for r in block:
                options[r.id] = {}
                reasons[r.id] = unmatched_reasons(r, [], outside, unavailable)
            continue
        # The rules in array form (consultations.matching.arrays, shared with the snapshot).
        cols = ConsultantColumns(cands)
        pairs = pair_arrays(block, cols, state, w)
        feasible = pairs.reach & pairs.hours_fit
        for i, r in enumerate(block):
            if r.language_required:
                feasible[i] &= pairs.speaks[i]
            for declined in r.declined:
                if declined in cols.col_of:
                    feasible[i, cols.col_of[declined]] = False
        for i, r in enumerate(block):
            js = np.flatnonzero(feasible[i])
            options[r.id] = dict(
                zip(cols.ids[js].tolist(), pairs.total[i, js].tolist(), strict=True)
            )
            if not options[r.id]:
                reasons[r.id] = unmatched_reasons(r, cands, outside, unavailable)
    return options, reasons
