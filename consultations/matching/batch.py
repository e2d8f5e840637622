"""Every open consultation at once: the feasible options and their scores in array form
(`options.option_arrays`; `batch_options` gives them as mappings), then the best assignment
(`solve`, `solve_arrays`), and a greedy one for comparison when asked (`plan(compare=True)`).

`plan` keeps the options in arrays from the rules to the solver and the summary: at four times
national scale there are some 16 million of them, far too many for a Python object each.

The assignment is a maximum-weight b-matching solved exactly as a min-cost flow with Google
OR-Tools (source → consultation, capacity 1; consultation → consultant, cost −score;
consultant → sink, capacity = free places; consultation → sink, cost 0, so a consultation may
stay unmatched). Priority consultations are matched first lexicographically: each of their
edges carries a bonus larger than the sum of every consultation's best score, so no gain in
score can ever outweigh one more priority consultation. Independent parts of the network are
solved apart (`components`); a large one is solved a few options at a time and proved optimal
for all of them by a dual certificate (`pricing`).
"""

import gc
import time
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain

from consultations.matching.capacity import capacity_columns
from consultations.matching.options import SCORE_SCALE, batch_options, option_arrays
from consultations.matching.rules import ConsultantFacts, RequestFacts

__all__ = ["SCORE_SCALE", "batch_options"]  # re-exported: consultations.matching.options


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


@contextmanager
def gc_paused():
    """The cyclic garbage collector paused (as it was, after). A batch builds some 100,000
    objects (the facts, the options' reasons) that live until it ends, and the collector,
    which runs every few hundred new objects, would walk them all again and again: at four
    times national scale 0.5 s of the load and more of the rest. Reference counting still
    frees what is dropped; cycles wait for the collector's next run, after."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


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
    with `compare`, also the greedy assignment's total (its own time: seconds["greedy"]).
    The options stay in arrays throughout (options.OptionArrays)."""
    import numpy as np
    from django.conf import settings

    seconds = dict(seconds or {})
    clock = time.perf_counter()
    # The states' options in as many threads as the solver may use processes.
    threads = settings.MATCHING_BATCH_WORKERS
    options, reasons = option_arrays(consultations, consultants, weights, threads=threads)
    scored = time.perf_counter()
    capacity = capacity_columns(options, consultations, consultants)
    priority = {r.id for r in consultations if r.priority}
    # Each request's state as a number: the regions a large network may be halved along.
    state_of = {r.id: r.state for r in consultations}
    states = [state_of[r] for r in options.request_ids.tolist()]
    codes = {s: i for i, s in enumerate(sorted(set(states)))}
    used = solve_arrays(
        options.rows,
        options.columns,
        options.points,
        np.isin(options.request_ids, np.fromiter(priority, dtype=np.int64)),
        capacity,
        regions=np.fromiter((codes[s] for s in states), dtype=np.int64, count=len(states)),
    )
    # In request id order (the options are in state order).
    used = used[np.argsort(options.request_ids[options.rows[used]], kind="stable")]
    assignments = [
        Assignment(r, c, s)
        for r, c, s in zip(
            options.request_ids[options.rows[used]].tolist(),
            options.consultant_ids[options.columns[used]].tolist(),
            (options.points[used] / SCORE_SCALE).tolist(),
            strict=True,
        )
    ]
    seconds |= {"score": round(scored - clock, 3), "solve": round(time.perf_counter() - scored, 3)}
    greedy_total = None
    if compare:
        clock = time.perf_counter()
        places = dict(zip(options.consultant_ids.tolist(), capacity.tolist(), strict=True))
        chosen = greedy(options.as_mappings(), places, priority)
        greedy_total = round(sum(a.score for a in chosen), 4)
        seconds["greedy"] = round(time.perf_counter() - clock, 3)
    # The bound sums each consultation's best score state by state, as batch_options lists them.
    best = dict(zip(options.request_ids.tolist(), options.best_scores().tolist(), strict=True))
    has = dict(zip(options.request_ids.tolist(), (options.counts() > 0).tolist(), strict=True))
    in_order = sorted(consultations, key=lambda r: r.state)
    matched = {a.request_id for a in assignments}
    return result(
        assignments=assignments,
        unmatched=unmatched_of(sorted(has), matched, has, reasons),
        total_score=round(sum(a.score for a in assignments), 4),
        priority_matched=sum(1 for a in assignments if a.request_id in priority),
        upper_bound=round(sum(best[r.id] for r in in_order if has[r.id]), 4),
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
    regions: Mapping[int, int] | None = None,
) -> list[Assignment]:
    """The optimal assignment: each request to at most one of its options (consultant → score),
    each consultant to at most `capacity` requests, priority requests matched first, then the
    total score as high as possible. Exact and deterministic (see solve_arrays; regions: each
    request's region, an integer ≥ 0, 0 if absent)."""
    import numpy as np

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
    columns = np.minimum(np.searchsorted(consultants_a, option_ids), len(consultants_a) - 1)
    kept = consultants_a[columns] == option_ids  # a consultant without room takes no arc
    rows, columns, scores = rows[kept], columns[kept], scores[kept]
    priority = set(priority)
    used = solve_arrays(
        rows,
        columns,
        scores,
        np.array([r in priority for r in requests], dtype=bool),
        np.array([capacity[c] for c in consultants_a.tolist()], dtype=np.int64),
        split=split,
        workers=workers,
        min_parallel_arcs=min_parallel_arcs,
        regions=None if regions is None else [regions.get(r, 0) for r in requests],
    )
    result = []
    for i, c in zip(rows[used].tolist(), consultants_a[columns[used]].tolist(), strict=True):
        r = requests[i]
        result.append(Assignment(r, c, options[r][c]))
    return result  # in request order, as the options are


def solve_arrays(
    rows,
    columns,
    scores,
    priority,
    capacity,
    *,
    split: bool = True,
    workers: int | None = None,
    min_parallel_arcs: int | None = None,
    regions=None,
):
    """solve() on arrays: option i pairs request rows[i] with consultant columns[i] at
    scores[i] (a float; or integer points, score × SCORE_SCALE, as OptionArrays keeps them),
    the options in (rows, columns) order; priority[r]: request r is a priority;
    capacity[c]: consultant c's places. The indices of the options of the optimal assignment,
    sorted. Exact (a min-cost flow on each independent part of the network,
    `components.solve_split`, a large part proved optimal by a dual certificate,
    `pricing`) and deterministic. Workers: the processes that may share a large network's
    parts (settings.MATCHING_BATCH_WORKERS by default; 1: this one). regions: None, or each
    request's region (an integer ≥ 0), along which a large part may be solved as two halves
    at first (components.halves); they change the speed, never the answer's total."""
    import numpy as np

    from consultations.matching import components, pricing

    if workers is None:
        from django.conf import settings

        workers = settings.MATCHING_BATCH_WORKERS
    capacity = np.asarray(capacity, dtype=np.int64)
    # Only consultants with a place take arcs, numbered among themselves.
    with_room = np.flatnonzero(capacity > 0)
    if not len(rows) or not len(with_room):
        return np.zeros(0, dtype=np.int64)
    renumber = np.full(len(capacity), -1, dtype=np.int32)
    renumber[with_room] = np.arange(len(with_room), dtype=np.int32)
    n = len(rows)
    # Does any option go to a consultant without room? (Usually none: then nothing is copied
    # but the consultants' new numbers, if they change, and the points.)
    everyone = len(with_room) == len(capacity)
    filtered = False
    if not everyone:
        with_options = np.zeros(len(capacity), dtype=bool)
        with_options[columns] = True  # (a bincount would first copy the columns as int64)
        filtered = bool((capacity[with_options] == 0).any())
    # Every consultant with room: their numbers stay as they are.
    same = everyone and np.asarray(columns).dtype == np.int32
    new_columns = np.asarray(columns) if same else np.empty(n, dtype=np.int32)
    # Points given (int32): kept as they are.
    scores = np.asarray(scores)
    scaled = np.issubdtype(scores.dtype, np.integer)
    points = scores if scaled and scores.dtype == np.int32 else np.empty(n, dtype=np.int32)

    def part(a, b):
        # A chunk at a time: the consultants' new numbers, the points as integers.
        if not same:
            new_columns[a:b] = renumber[columns[a:b]]
        if not scaled:
            points[a:b] = np.rint(scores[a:b] * SCORE_SCALE)
        elif points is not scores:
            points[a:b] = scores[a:b]
        if filtered:
            kept = np.flatnonzero(new_columns[a:b] >= 0)
            return kept + a, rows[a:b][kept], new_columns[a:b][kept], points[a:b][kept]
        return None

    with pricing.Chunks(n, workers) as chunks:
        parts = chunks.map(part)
    if filtered:  # only the options of consultants with room
        kept, rows, new_columns, points = (np.concatenate([p[k] for p in parts]) for k in range(4))
    else:
        kept = None
    used = components.solve_split(
        rows,
        new_columns,
        points,
        np.asarray(priority, dtype=bool),
        capacity[with_room],
        split=split,
        workers=workers,
        min_parallel_arcs=components.MIN_PARALLEL_ARCS
        if min_parallel_arcs is None
        else min_parallel_arcs,
        regions=None if regions is None else np.asarray(regions, dtype=np.int64),
    )
    return used if kept is None else kept[used]


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
    has = {r: bool(o) for r, o in options.items()}
    return result(
        assignments=assignments,
        unmatched=unmatched_of(sorted(options), matched, has, reasons_unmatched),
        total_score=round(sum(a.score for a in assignments), 4),
        priority_matched=sum(1 for a in assignments if a.request_id in priority),
        upper_bound=round(sum(max(o.values()) for o in options.values() if o), 4),
        **extra,
    )


def unmatched_of(request_ids, matched, has_options, reasons_unmatched) -> dict[int, list[str]]:
    """Each request left unmatched, in order, with why."""
    unmatched = {}
    for r in request_ids:
        if r in matched:
            continue
        if has_options[r]:
            unmatched[r] = ["every feasible consultant's places went to better-fitting requests"]
        else:
            unmatched[r] = list(reasons_unmatched.get(r, ["no feasible consultant"]))
    return unmatched
