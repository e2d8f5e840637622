"""The batch's large flow networks solved exactly on a few of their options at a time (arc
pricing, or column generation), each answer proved optimal for the whole network by a dual
certificate (consultations.matching.components; docs/domain.md, "The batch").

The batch is a maximum-weight b-matching; its linear programme and its dual are

    max Σ p[r,c] x[r,c]   s.t.  Σ_c x[r,c] ≤ 1 (each request),  Σ_r x[r,c] ≤ b[c],  x ≥ 0
    min Σ u[r] + Σ b[c] v[c]   s.t.  u[r] + v[c] ≥ p[r,c] for every option,  u, v ≥ 0

and its constraint matrix is totally unimodular, so an integral x (the flow solver's) and a
dual (u, v) prove each other optimal when they satisfy complementary slackness: u[r] + v[c] =
p[r,c] on every option used, u[r] = 0 for a request left unmatched, v[c] = 0 for a consultant
with a place left. Here p is the option's points plus the priority bonus (components._flow).

So the flow is first solved on a pruned network: each request's best few options and each
consultant's best few per place (`initial_options`). From its assignment come consultant prices
v that make it complementary (`prices`: the greatest v with v[c] ≥ p[r,c] for an unmatched
request's options, v[c] ≥ v[c'] + p[r,c] − p[r,c'] when r holds c', v[c] ≤ p[r,c'] for an
option held and v = 0 for a consultant with a place left; a system of difference constraints
solved by rounds of relaxation, which has a solution because the pruned assignment is optimal
on its own options) and u[r] = p[r,c'] − v[c'] (0 if unmatched). Every option of the whole
network is then checked: if u[r] + v[c] ≥ p[r,c] everywhere, (u, v) is a dual of the whole
network that proves the pruned assignment optimal for it. Otherwise the options that break it
(for each such request, the most broken few) are added and the pruned network solved again;
the options only grow, so this ends, at worst with every option in. Each round's flow starts
from the last round's prices: the solver is given reduced costs (an option's cost less its
request's and consultant's prices), which leave the optimal flows as they are and make the
solve quicker (2.3 to 1.8 s a round at four times national scale). The certificate is checked
in full before any answer is returned (`certificate_holds`); should that ever fail, the whole
network is solved at once. The answer is exact, not a heuristic.

The flow solver (cost scaling) is several times quicker when the priority bonus is small, so it
is given a bonus of one more than any score; the certificate is taken with the true bonus, and
if it refuses the answer (a priority request left out to keep two better routine ones in), the
solver gets the true bonus from then on.
"""

import numpy as np

# The first pruned network: each request's best FIRST_OPTIONS options by score, and each
# consultant's best PER_PLACE × places + EXTRA options (priority first, then by score), so each
# consultant sees enough competition for prices that mean something. Each round then adds, for
# each request with an option that breaks the certificate, its ADDED options most short of it
# among those within SLACK points of breaking it (the most broken first: at least one). At four
# times national scale this takes four rounds; fewer options a round (4 within 200 points)
# made smaller networks but five rounds, no quicker (bench/README.md).
FIRST_OPTIONS = 4
PER_PLACE, EXTRA = 3, 5
ADDED, SLACK = 12, 500
# The smallest network worth pruning (below it one flow over every option is as fast).
MIN_PRICED_ARCS = 200_000


def solve_priced(rows, columns, values, quick, scores, capacity, flow):
    """The options used by an optimal assignment (indices into the arrays), working on a few
    options at a time (see the module docstring).

    rows[i], columns[i]: option i's request and consultant (each pair once);
    values[i]: its value p, the points with the priority bonus (int64); quick[i]: the points
    with a small bonus, which the flow solver works faster with (the certificate, taken with
    `values`, decides whether its answer is optimal; if not, the solver gets `values`);
    scores[i]: the points alone; capacity[c] > 0. `flow(subset, weights, potentials)` solves
    the network of the options at `subset` (indices, sorted), each worth `weights`, and returns
    the positions in `subset` of the options used; `potentials`: None, or prices (v, u) from
    the last round for those weights, to start from (they do not change the answer)."""
    n_r = int(rows.max()) + 1
    by_consultant = ConsultantOrder(columns, quick, values, len(capacity))
    active = initial_options(rows, columns, scores, capacity, by_consultant)
    solver, potentials = quick, None
    while True:
        subset = np.flatnonzero(active)
        used = subset[flow(subset, solver[subset], potentials)]
        dual = prices(rows, columns, values, subset, used, n_r, capacity)
        if dual is None:
            # Not optimal on its own options for the true values: the quick weights misled
            # the solver; from now on it gets the true ones (with them, this cannot happen).
            if solver is values:
                break
            solver, potentials = values, None
            continue
        v, u = dual
        # Only an option worth more than its consultant's price less SLACK can break the
        # certificate or come within SLACK of it (u ≥ 0): each consultant's first few.
        near = by_consultant.above(v - SLACK)
        short = values[near] - v[columns[near]] - u[rows[near]]  # > 0: breaks the certificate
        if not (short > 0).any():
            if certificate_holds(rows, columns, values, capacity, used, u, v):
                return used
            break
        close = short > -SLACK
        near, short = near[close], short[close]
        clipped = np.minimum(short, 2**20) + SLACK
        active[near[best_of_groups(rows[near], clipped, ADDED)]] = True
        # The next flow starts from this one's prices for the solver's own weights (the
        # assignment is optimal on its options for them, so they exist).
        if solver is values:
            potentials = dual
        else:
            potentials = prices(rows, columns, solver, subset, used, n_r, capacity)
    return flow(np.arange(len(rows)), values, None)  # never expected: the whole network at once


class ConsultantOrder:
    """The options sorted by consultant, then by value (best first: priority, then points;
    ties by index), once per network: each consultant's best few for the first network, and
    each round the options worth more than their consultant's price (a prefix of each
    consultant's)."""

    def __init__(self, columns, quick, values, n_c: int):
        # `quick` orders each consultant's options as `values` does (either bonus puts every
        # priority option above every other) in smaller integers.
        self.index = group_order(columns, quick)
        self.starts = np.searchsorted(columns[self.index], np.arange(n_c + 1))
        # One ascending key over the whole order: the consultant, then minus the value.
        self.span = int(values.max()) + 1
        self.keys = columns[self.index].astype(np.int64) * self.span - values[self.index]

    def best(self, limit) -> np.ndarray:
        """Each consultant's `limit[c]` best options (indices)."""
        counts = np.minimum(np.diff(self.starts), limit)
        return self.index[_ranges(self.starts[:-1], counts)]

    def above(self, price) -> np.ndarray:
        """The options worth more than price[their consultant] (indices, by consultant)."""
        consultants = np.arange(len(self.starts) - 1, dtype=np.int64)
        # value > price ⟺ consultant·span − value < consultant·span − price; a price below 0
        # takes every option, one at or above the span none (clipped to the consultant's own).
        bound = np.clip(np.asarray(price, dtype=np.int64), -1, self.span)
        ends = np.searchsorted(self.keys, consultants * self.span - bound, side="left")
        ends = np.clip(ends, self.starts[:-1], self.starts[1:])
        return self.index[_ranges(self.starts[:-1], ends - self.starts[:-1])]


def _ranges(starts, counts) -> np.ndarray:
    """The concatenated ranges [starts[k], starts[k] + counts[k])."""
    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(np.asarray(starts, dtype=np.int64) - np.cumsum(counts) + counts, counts)
    return offsets + np.arange(total)


def initial_options(rows, columns, scores, capacity, by_consultant) -> np.ndarray:
    """The first pruned network, as a mask over the options (see FIRST_OPTIONS)."""
    mask = np.zeros(len(rows), dtype=bool)
    mask[best_per_request(rows, scores, FIRST_OPTIONS)] = True
    mask[by_consultant.best(PER_PLACE * capacity + EXTRA)] = True
    return mask


def best_per_request(rows, values, limit: int) -> np.ndarray:
    """best_of_groups(rows, values, limit) for a number `limit`; quicker when the options are
    grouped by request (rows sorted): `limit` passes of a maximum per request, on keys that
    break ties by the lower index, each taking the best option left."""
    n = len(rows)
    if n == 0 or not bool((rows[1:] >= rows[:-1]).all()):
        return best_of_groups(rows, values, limit)
    if int(values.min()) < 0 or (int(values.max()) + 1) * n >= 2**62:
        return best_of_groups(rows, values, limit)
    starts = np.r_[0, np.flatnonzero(rows[1:] != rows[:-1]) + 1]
    key = values.astype(np.int64) * n + (n - 1 - np.arange(n, dtype=np.int64))
    chosen = []
    for _ in range(limit):
        best = np.maximum.reduceat(key, starts)
        best = best[best >= 0]
        if not len(best):
            break
        taken = n - 1 - best % n
        chosen.append(taken)
        key[taken] = -1
    return np.sort(np.concatenate(chosen)) if chosen else np.zeros(0, dtype=np.int64)


def group_order(groups, values) -> np.ndarray:
    """The indices sorted by group, then by value (largest first), then by index. One sort of
    packed integer keys where they fit (an argsort or a lexsort is several times slower)."""
    n = len(groups)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    top = int(values.max())
    span = (top - min(int(values.min()), 0) + 1) * n
    if span * (int(groups.max()) + 1) < 2**63:
        key = np.sort(groups.astype(np.int64) * span + (top - values) * n + np.arange(n))
        return key % n
    return np.lexsort((np.arange(n), -values, groups))


def best_of_groups(groups, values, limit) -> np.ndarray:
    """The indices of the `limit` largest values of each group (ties: the lower index);
    `limit`: a number, or one per element (its group's). Values and groups: integers ≥ 0."""
    n = len(groups)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    index = group_order(groups, values)
    group = groups[index]
    starts = np.r_[0, np.flatnonzero(group[1:] != group[:-1]) + 1]
    rank = np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n]))
    limit = np.broadcast_to(limit, (n,))
    return index[rank < limit[index]]


def prices(rows, columns, points, subset, used, n_r: int, capacity, *, greatest=True):
    """Consultant prices v complementary to the assignment `used` on the options at `subset`
    (the greatest such prices, or the least), and the request values u they give (see the
    module docstring); None if there are none: the assignment is not optimal on those options.

    Complementary prices are those with v[c] ≥ p[r,c] for an unmatched request's options,
    v[c] ≥ v[c'] + p[r,c] − p[r,c'] when r holds c' (r prefers nothing to c' at these prices),
    v[c] ≤ p[r,c] for an option held (u ≥ 0), v[c] = 0 for a consultant with a place left,
    and v ≥ 0. A system of difference constraints: its greatest (least) solution is a longest
    path fixpoint, found by rounds of relaxation over the prices that moved."""
    n_c = len(capacity)
    held = np.full(n_r, -1, dtype=np.int64)  # each request's consultant, -1: unmatched
    held[rows[used]] = columns[used]
    value = np.zeros(n_r, dtype=np.int64)  # the points of the option it holds
    value[rows[used]] = points[used]
    r, c, p = rows[subset], columns[subset], points[subset]
    unmatched = held[r] < 0
    low = np.zeros(n_c, dtype=np.int64)
    np.maximum.at(low, c[unmatched], p[unmatched])
    load = np.bincount(columns[used], minlength=n_c)
    high = np.where(load < capacity, 0, np.iinfo(np.int64).max)
    np.minimum.at(high, columns[used], points[used])
    # Matched requests' other options: v[c] − v[held] ≥ p − value.
    other = ~unmatched & (c != held[r])
    gap = p[other] - value[r[other]]
    if greatest:  # on x = −v: x[held] ≥ x[c] + gap, −high ≤ x ≤ −low
        x = relax(-high, c[other], held[r[other]], gap, -low, n_c)
        v = None if x is None else -x
    else:  # on v: v[c] ≥ v[held] + gap, low ≤ v ≤ high
        v = relax(low, held[r[other]], c[other], gap, high, n_c)
    if v is None:
        return None
    u = np.where(held >= 0, value - v[np.maximum(held, 0)], 0)
    return v, u


def relax(start, source, target, gap, limit, n: int):
    """The least x ≥ start with x[target[i]] ≥ x[source[i]] + gap[i] for every i; None if it
    would exceed `limit` somewhere (or rise without end: a positive cycle)."""
    x = start.copy()
    if (x > limit).any():
        return None
    order = np.argsort(source, kind="stable")
    source, target, gap = source[order], target[order], gap[order]
    begin = np.searchsorted(source, np.arange(n))
    end = np.searchsorted(source, np.arange(n), side="right")
    changed = np.arange(n)  # every value is new
    for _ in range(n + 1):
        # The constraints out of the nodes whose value rose last round.
        arcs = _ranges(begin[changed], end[changed] - begin[changed])
        if not len(arcs):
            break
        before = x.copy()
        np.maximum.at(x, target[arcs], x[source[arcs]] + gap[arcs])
        changed = np.flatnonzero(x > before)
        if (x[changed] > limit[changed]).any():
            return None
    else:
        return None
    return x


def certificate_holds(rows, columns, points, capacity, used, u, v) -> bool:
    """Do (u, v) and the assignment `used` prove each other optimal for every option? Dual
    feasibility (u, v ≥ 0 and u[r] + v[c] ≥ p[r,c] on every option), the assignment's
    feasibility, and complementary slackness (tight on the options used, u = 0 for a request
    unmatched, v = 0 for a consultant with a place left)."""
    n_r = len(u)
    if (u < 0).any() or (v < 0).any():
        return False
    if (u[rows] + v[columns] < points).any():
        return False
    taken = np.bincount(rows[used], minlength=n_r)
    load = np.bincount(columns[used], minlength=len(capacity))
    if (taken > 1).any() or (load > capacity).any():
        return False
    if (u[rows[used]] + v[columns[used]] != points[used]).any():
        return False
    if (u[taken == 0] != 0).any():
        return False
    return not (v[load < capacity] != 0).any()
