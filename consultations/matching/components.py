"""The batch's flow network cut into its independent parts, each solved exactly, in parallel
when the network is large (consultations.matching.batch.solve; docs/domain.md, "Matching").

Two consultations that share no feasible consultant, directly or through a chain of other
consultations and consultants, cannot interact: a place one of them takes is never a place the
other could use. So the network's connected components (consultations and consultants joined
by their options) are solved one by one, and the union of their optimal assignments is optimal
for the whole. That holds for the priority rule too: each component matches as many priority
consultations as it can and then scores as high as it can, so the sum of the components does
both. Each component gets its own priority bonus (larger than the sum of its own best scores).

Components of one consultation (take its best option) and of one consultant (their places go
to priority consultations first, then to the best scores) are solved exactly with array
operations; the others with OR-Tools' min-cost flow. When the flow components together have at
least `min_parallel_arcs` options and `workers` > 1, they are shared out between this process
and `workers - 1` forked ones (OR-Tools holds the GIL, so threads would not help); each is
handed plain numpy arrays, never a solver object.

A network of more than MAX_SPLIT_ARCS options is not split (at national scale it is one part,
and finding that out costs seconds); a flow component of at least pricing.MIN_PRICED_ARCS
options is solved a few options at a time, proved optimal by a dual certificate (`pricing`).
Given each request's region (the batch gives its state), such a component that nearly falls
apart along region lines is cut in two (`halves`) for the first of those flows, the second
half solved in a forked helper process while this one solves the first.

This module reads no Django setting and no model: the caller passes everything in.
"""

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import numpy as np

# Below this many options in the flow components, forking costs more than it saves.
MIN_PARALLEL_ARCS = 200_000
# Above this many options the parts are not looked for: finding them takes longer than they
# save. At national scale the network is one part but for a few hundred options, and the
# search and the processes for the parts cost more than the parts themselves: solved whole
# (priced, in halves), the batch's solve took 0.55 s against 0.86 s at 1x national, 2.2 s
# against 3.8–4.2 s at 2x.
MAX_SPLIT_ARCS = 500_000
# A large network that is one part is still solved as two halves of regions (`halves`) when
# at most MAX_CUT of its options cross between them, each half about half the requests
# (within BALANCE) and in its own process (pricing.solve_priced).
MAX_CUT = 0.02
BALANCE = 0.05


def component_labels(rows: np.ndarray, columns: np.ndarray, n_rows: int, n_columns: int):
    """The connected component of every node of the bipartite graph whose edges are
    (rows[i], columns[i]): an array over the n_rows + n_columns nodes (rows first, then the
    columns), each labelled by the smallest node of its component. Hooking and pointer
    jumping in numpy: each round hooks every edge's larger root under its smaller one."""
    parent = np.arange(n_rows + n_columns, dtype=np.int64)
    tails = rows.astype(np.int64, copy=False)
    heads = columns.astype(np.int64, copy=False) + n_rows
    while True:
        low = np.minimum(parent[tails], parent[heads])
        high = np.maximum(parent[tails], parent[heads])
        apart = low != high
        if not apart.any():
            return parent
        # Joined ends stay joined: the next round looks only at the edges still apart.
        tails, heads = tails[apart], heads[apart]
        np.minimum.at(parent, high[apart], low[apart])
        while True:  # every node straight to its root
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            parent = grand


def solve_split(
    rows: np.ndarray,
    columns: np.ndarray,
    points: np.ndarray,
    priority: np.ndarray,
    capacity: np.ndarray,
    *,
    split: bool = True,
    workers: int = 1,
    min_parallel_arcs: int = MIN_PARALLEL_ARCS,
    regions: np.ndarray | None = None,
) -> np.ndarray:
    """The options (indices into the arrays) of the optimal assignment, sorted.

    rows[i], columns[i], points[i]: option i's request index, consultant index and score in
    integer points (>= 0); priority[r]: request r is a priority; capacity[c] (> 0): consultant
    c's places. Priority requests are matched first, then the total points are as high as
    possible. With split=False the whole network is one flow problem (for comparison).
    regions[r]: None, or request r's region (an integer ≥ 0, the batch gives its state), along
    which a large network that is one part may be cut in two for its first flows (`halves`)."""
    n_r, n_c = len(priority), len(capacity)
    if not len(rows):
        return np.zeros(0, dtype=np.int64)

    def one_flow(rows, columns, points):
        # One flow over these options, with this call's settings: the positions of those used.
        return _flow(
            rows,
            columns,
            points,
            priority,
            capacity,
            threads=workers,
            regions=regions,
            min_parallel_arcs=min_parallel_arcs,
        )

    if not split or len(rows) > MAX_SPLIT_ARCS:
        return np.sort(one_flow(rows, columns, points))
    labels = component_labels(rows, columns, n_r, n_c)
    request_label, consultant_label = labels[:n_r], labels[n_r:]
    size = n_r + n_c
    with_options = np.zeros(n_r, dtype=bool)
    with_options[rows] = True
    requests_in = np.bincount(request_label[with_options], minlength=size)
    with_options = np.zeros(n_c, dtype=bool)
    with_options[columns] = True
    consultants_in = np.bincount(consultant_label[with_options], minlength=size)
    arc_label = request_label[rows]
    one_request = requests_in[arc_label] == 1
    one_consultant = (consultants_in[arc_label] == 1) & ~one_request
    chosen = [
        _best_option(np.flatnonzero(one_request), rows, columns, points),
        _best_requests(np.flatnonzero(one_consultant), rows, columns, points, priority, capacity),
    ]
    rest = np.flatnonzero(~(one_request | one_consultant))
    if len(rest) == len(rows) and (arc_label == arc_label[0]).all():
        # All one component.
        return np.sort(one_flow(rows, columns, points))
    if len(rest) and (arc_label[rest] == arc_label[rest[0]]).all():
        # One flow component: solved as it is (nodes outside it have no arc and take none).
        chosen.append(rest[one_flow(rows[rest], columns[rest], points[rest])])
    elif len(rest):
        # The remaining components' options, component by component, largest first.
        order = rest[np.argsort(arc_label[rest], kind="stable")]
        bounds = np.flatnonzero(np.diff(arc_label[order])) + 1
        parts = sorted(np.split(order, bounds), key=lambda arcs: (-len(arcs), int(arcs[0])))
        jobs = [
            (rows[arcs], columns[arcs], points[arcs], priority, capacity, arcs) for arcs in parts
        ]
        chosen.extend(_run(jobs, workers if len(rest) >= min_parallel_arcs else 1))
    return np.sort(np.concatenate(chosen))


def _best_option(arcs, rows, columns, points) -> np.ndarray:
    """Components of one request: its best option (ties: the lowest consultant index)."""
    if not len(arcs):
        return arcs
    ordered = arcs[np.lexsort((columns[arcs], -points[arcs], rows[arcs]))]
    first = np.r_[True, rows[ordered][1:] != rows[ordered][:-1]]
    return ordered[first]


def _best_requests(arcs, rows, columns, points, priority, capacity) -> np.ndarray:
    """Components of one consultant (each request there has that one option): the places go
    to the priority requests, best scores first, then to the others, best scores first (ties:
    the lowest request index)."""
    if not len(arcs):
        return arcs
    ordered = arcs[np.lexsort((rows[arcs], -points[arcs], ~priority[rows[arcs]], columns[arcs]))]
    consultant = columns[ordered]
    starts = np.r_[0, np.flatnonzero(consultant[1:] != consultant[:-1]) + 1]
    rank = np.arange(len(ordered)) - np.repeat(starts, np.diff(np.r_[starts, len(ordered)]))
    return ordered[rank < capacity[consultant]]


def _run(jobs, workers: int) -> list[np.ndarray]:
    """Solve the flow components: in this process, or shared with workers - 1 forked ones
    (the largest first, each to the least loaded; this process takes the first share)."""
    if workers <= 1 or len(jobs) < 2:
        return [_solve_jobs(jobs)]
    shares: list[list] = [[] for _ in range(min(workers, len(jobs)))]
    loads = [0] * len(shares)
    for job in jobs:
        i = loads.index(min(loads))
        shares[i].append(job)
        loads[i] += len(job[0])
    context = multiprocessing.get_context("fork")  # the parent's modules, no Django set-up
    with ProcessPoolExecutor(max_workers=len(shares) - 1, mp_context=context) as pool:
        futures = [pool.submit(_solve_jobs, share) for share in shares[1:]]
        here = _solve_jobs(shares[0])
        return [here, *(future.result() for future in futures)]


def _solve_jobs(jobs) -> np.ndarray:
    """The chosen options (global indices) of several flow components."""
    chosen = [np.zeros(0, dtype=np.int64)]
    for rows, columns, points, priority, capacity, arcs in jobs:
        local_rows, rows = np.unique(rows, return_inverse=True)
        local_columns, columns = np.unique(columns, return_inverse=True)
        used = _flow(rows, columns, points, priority[local_rows], capacity[local_columns])
        chosen.append(arcs[used])
    return np.concatenate(chosen)


def _flow(
    rows,
    columns,
    points,
    priority,
    capacity,
    *,
    threads: int = 1,
    regions=None,
    min_parallel_arcs: int = MIN_PARALLEL_ARCS,
) -> np.ndarray:
    """One min-cost flow (source → request, capacity 1; request → consultant, cost −points,
    minus a bonus for a priority request; consultant → sink, capacity = places; request →
    sink, cost 0, so a request may stay unmatched): the indices of the options used. A large
    network is solved a few options at a time, proved optimal by a dual certificate
    (consultations.matching.pricing); `rows` are then grouped by request (sorted).

    regions: None, or each request's region (an integer ≥ 0): a large network that nearly
    falls apart along them is solved as two halves in its first rounds (`halves`), the
    second in a forked process when `threads` > 1 and there are at least min_parallel_arcs
    options."""
    from consultations.matching import pricing

    n_r = len(priority)
    # One more priority request matched must outweigh any difference in scores, including
    # what other priority requests lose by moving to weaker consultants to make room: so the
    # bonus exceeds the best conceivable total of every request's best score.
    bonus = int(_best_per_request(rows, points, n_r).sum()) + 1
    capacity = capacity.astype(np.int64)
    priced = len(rows) >= pricing.MIN_PRICED_ARCS
    # The solver is quicker with a smaller bonus (one above any single score); the certificate
    # is taken with the true one (pricing.solve_priced).
    bonuses = (bonus, int(points.max()) + 1) if priced else (bonus,)
    with pricing.Chunks(len(rows), threads if priced else 1) as chunks:
        values, *quick = pricing.with_bonus(points, priority, rows, bonuses, chunks)
        if not priced:
            return _network(rows, columns, values[:], n_r, capacity)

        split = None if regions is None else halves(rows, columns, regions, len(capacity))
        parallel = split is not None and threads > 1 and len(rows) >= min_parallel_arcs
        if split is not None:  # each half's consultants (the second half first)
            split_columns = [np.flatnonzero(split[1]), np.flatnonzero(~split[1])]
        with _Helper(parallel) as helper:

            def flow(subset, weights, potentials, second=None):
                if second is None:
                    local = _local(rows[subset], columns[subset], weights, capacity, potentials)
                    return _network(*local)
                # Two networks with nothing between them: the second half in the helper
                # process (if any) while this one solves the first.
                halves_at = [np.flatnonzero(second), np.flatnonzero(~second)]
                networks = []
                for at, mine in zip(halves_at, split_columns, strict=True):
                    renumber = np.zeros(len(capacity), dtype=np.int64)
                    renumber[mine] = np.arange(len(mine))
                    own = None if potentials is None else (potentials[0][mine], potentials[1])
                    options = subset[at]
                    networks.append(
                        _local(
                            rows[options],
                            renumber[columns[options]],
                            weights[at],
                            capacity[mine],
                            own,
                        )
                    )
                later = helper.submit(_network, *networks[0])
                used = [halves_at[1][_network(*networks[1])], halves_at[0][later.result()]]
                return np.sort(np.concatenate(used))

            return pricing.solve_priced(
                rows, columns, values, quick[0], points, capacity, flow, chunks, split
            )


def _local(rows, columns, weights, capacity, potentials):
    """_network's arguments for the options given: only the requests with an option among
    them (the others stay unmatched), numbered in order (unsorted when the options are
    grouped by request, as the batch's are); potentials (v, u) with u for every request."""
    if not len(rows):
        present, local = rows, rows
    elif bool((rows[1:] >= rows[:-1]).all()):
        first = np.r_[True, rows[1:] != rows[:-1]]
        present, local = rows[first], np.cumsum(first) - 1
    else:
        present, local = np.unique(rows, return_inverse=True)
    if potentials is not None:
        v, u = potentials
        potentials = (v, u[present])
    return local, columns, weights, len(present), capacity, potentials


class _Helper:
    """Where the second half of a split flow is solved: a forked process (one, kept for the
    whole batch) when `parallel`, otherwise here and now. Should the process not start, or
    die (the machine out of memory, say), the halves are solved here, one after the other:
    slower, the same answer. A context manager."""

    def __init__(self, parallel: bool):
        self.pool = None
        if parallel:
            from ortools.graph.python import min_cost_flow  # noqa: F401  (loaded before forking)

            context = multiprocessing.get_context("fork")  # the parent's modules
            try:
                self.pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
                self.pool.submit(int).result()  # forked now, before the rounds' arrays
            except (OSError, BrokenProcessPool):
                self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()
            self.pool = None

    def submit(self, fn, *args):
        """fn(*args) in the helper process, or here and now without one: something whose
        result() is its answer."""
        if self.pool is not None:
            return _Later(self, self.pool.submit(fn, *args), fn, args)
        done = Future()
        done.set_result(fn(*args))
        return done


class _Later:
    """An answer from the helper process; if the process died, worked out here instead."""

    def __init__(self, helper: _Helper, future: Future, fn, args):
        self.helper, self.future, self.fn, self.args = helper, future, fn, args

    def result(self):
        try:
            return self.future.result()
        except BrokenProcessPool:
            self.helper.close()
            return self.fn(*self.args)


def _best_per_request(rows, points, n_r: int) -> np.ndarray:
    """Each request's best points (0 without options)."""
    best = np.zeros(n_r, dtype=np.int64)
    if len(rows) and bool((rows[1:] >= rows[:-1]).all()):  # grouped: no scatter needed
        starts = np.r_[0, np.flatnonzero(rows[1:] != rows[:-1]) + 1]
        best[rows[starts]] = np.maximum.reduceat(points, starts)
    else:
        np.maximum.at(best, rows, points)
    return best


def _network(rows, columns, values, n_r: int, capacity, potentials=None) -> np.ndarray:
    """The min-cost flow itself (OR-Tools), every option's cost being −values.

    potentials: None, or prices (v per consultant, u per request, in pricing.prices' order)
    to start from. The solver is then given reduced costs: an option's −values + u + v, a
    request's way to the sink u and a consultant's −v (the source's arcs carry one unit each
    in every feasible flow, so their cost is left at 0). Every feasible flow's cost changes by
    the same amount, so the optimal flows are the same; with prices near the optimum's, most
    options cost well above zero and the cost scaling has less to do."""
    from ortools.graph.python import min_cost_flow

    n_c = len(capacity)
    source, sink = 0, 1  # requests are nodes 2.., consultants follow them
    flow = min_cost_flow.SimpleMinCostFlow()
    request_nodes = np.arange(2, 2 + n_r, dtype=np.int64)
    consultant_nodes = np.arange(2 + n_r, 2 + n_r + n_c, dtype=np.int64)
    ones, zeros = np.ones(n_r, dtype=np.int64), np.zeros(n_r, dtype=np.int64)
    costs, unmatched, places = -values, zeros, np.zeros(n_c, dtype=np.int64)
    if potentials is not None:
        v, u = (np.asarray(p, dtype=np.int64) for p in potentials)
        costs, unmatched, places = costs + u[rows] + v[columns], u, -v
    flow.add_arcs_with_capacity_and_unit_cost(np.full(n_r, source), request_nodes, ones, zeros)
    flow.add_arcs_with_capacity_and_unit_cost(request_nodes, np.full(n_r, sink), ones, unmatched)
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        rows.astype(np.int64) + 2,
        columns.astype(np.int64) + 2 + n_r,
        np.ones(len(rows), dtype=np.int64),
        costs,
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        consultant_nodes, np.full(n_c, sink), capacity, places
    )
    flow.set_node_supply(source, n_r)
    flow.set_node_supply(sink, -n_r)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"The min-cost flow solver failed (status {status}).")
    return np.flatnonzero(flow.flows(arcs) > 0)


def halves(rows, columns, regions, n_columns: int):
    """Two halves of a network that is one part but nearly falls apart along region lines, for
    a flow solved as two (pricing.solve_priced): (side of each request, side of each
    consultant), booleans; None when the network is not worth cutting (fewer than two regions,
    or more than MAX_CUT of the options would cross).

    regions[r]: request r's region (an integer ≥ 0; the batch gives its state). A consultant
    goes with the region where most of their options are; the regions are then cut in two of
    about equal size (requests with options, within BALANCE) with as few options between the
    halves as a local search from a few fixed starts finds. Which halves these are changes
    only the speed, never the answer: the options between them are mended or solved whole
    afterwards."""
    from consultations.matching import kernels

    regions = np.ascontiguousarray(regions, dtype=np.int64)
    n_regions = int(regions.max()) + 1 if len(regions) else 0
    if n_regions < 2 or not len(rows):
        return None
    counts = kernels.column_counts(rows, columns, regions, n_columns, n_regions)
    home = counts.argmax(axis=1)
    # between[h, g]: the options of the consultants at home in h whose requests are in g.
    between = np.zeros((n_regions, n_regions), dtype=np.int64)
    np.add.at(between, home, counts)
    # The halves' sizes are counted in requests with options: the flow's work follows them
    # more closely than it follows the options (at four times national scale, halves equal
    # in options took 1.0 and 0.66 s; equal in requests, 1.0 and 1.0 s).
    with_options = np.zeros(len(regions), dtype=bool)
    with_options[rows] = True
    size = np.bincount(regions[with_options], minlength=n_regions)
    side = _cut_in_two(between + between.T, size)
    if side is None:
        return None
    crossing = int(between[side][:, ~side].sum() + between[~side][:, side].sum())
    if crossing > MAX_CUT * len(rows):
        return None
    return side[regions], side[home]


def _cut_in_two(joined, size, starts: int = 16):
    """Regions in two sides (a boolean per region), each with BALANCE of `size` (a total per
    region) around half, the weight of `joined` (symmetric) between the sides as small as a
    local search finds: from `starts` fixed random starts, a region moves to the other side
    while that lowers the weight between them (or brings the sides nearer balance), the best
    balanced cut kept. None if no start reaches balance (one region outweighs the rest)."""
    n = len(size)
    total = int(size.sum())
    low, high = (0.5 - BALANCE) * total, (0.5 + BALANCE) * total
    np.fill_diagonal(joined := joined.copy(), 0)
    best, best_cut = None, None
    random = np.random.default_rng(19)
    for _ in range(starts):
        side = random.random(n) < 0.5
        moved = True
        while moved:
            moved = False
            for g in random.permutation(n):
                heavy = int(size[side].sum())
                balanced = low <= heavy <= high
                after = heavy - size[g] if side[g] else heavy + size[g]
                # Moving g cuts its joins on its own side and mends those with the other.
                gain = int(joined[g][side != side[g]].sum() - joined[g][side == side[g]].sum())
                if (low <= after <= high and gain > 0) or (
                    not balanced and abs(after - total / 2) < abs(heavy - total / 2)
                ):
                    side[g] = not side[g]
                    moved = True
        heavy = int(size[side].sum())
        if low <= heavy <= high:
            cut = int(joined[side][:, ~side].sum())
            if best_cut is None or cut < best_cut:
                best, best_cut = side.copy(), cut
    return best
