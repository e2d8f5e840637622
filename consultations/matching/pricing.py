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

When at most MEND_REQUESTS requests break the certificate, the last answer is mended instead
(`repair`: each of them gives up its unit and finds its cheapest chain of exchanges by a
shortest-path search over the prices): exact, and held to the same certificate. At four times
national scale the third round names 24 requests: two mends (0.3 s) replace the fourth flow and
any after it.

A network that is one part only through a thin seam (at four times national scale, 0.2 % of
the options cross between eastern and western states) is solved in its first rounds as two
halves (components.halves): the options between them are left out of the flow, so it falls
into two networks solved side by side, one in a forked process (OR-Tools holds the
interpreter), and the answer's prices check the options left out like any other; those that
break the certificate come back in. Once a round adds fewer than SPLIT_GROWTH times the
options in play, or after a mend, every option in play goes into one flow. At four times
national scale: two rounds in halves (0.45 and 0.86 s, side by side, against 1.14 and 1.90 s
for the same rounds whole), then one whole flow (2.0 s) and two mends.

The flow solver (cost scaling) is several times quicker when the priority bonus is small, so it
is given a bonus of one more than any score; the certificate is taken with the true bonus, and
if it refuses the answer (a priority request left out to keep two better routine ones in), the
solver gets the true bonus from then on.
"""

from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

# The first pruned network: each request's best FIRST_OPTIONS options by score, and each
# consultant's best PER_PLACE × places + EXTRA options (priority first, then by score), so each
# consultant sees enough competition for prices that mean something. Each round then adds, for
# each request with an option that breaks the certificate, its ADDED options most short of it
# among those within SLACK points of breaking it (the most broken first: at least one). At four
# times national scale this takes three flows, then two mends; fewer options a round (4
# within 200 points) made smaller networks but more rounds, no quicker (bench/README.md).
FIRST_OPTIONS = 4
PER_PLACE, EXTRA = 3, 5
ADDED, SLACK = 12, 500
# When at most this many requests break the certificate, the last answer is mended
# (`repair`, a shortest path for each) rather than solved again: at four times national scale
# a flow takes 1.5 to 2.5 s, a request's mending 2 to 10 ms (more when many are mended).
MEND_REQUESTS = 400
# The smallest network worth pruning (below it one flow over every option is as fast).
MIN_PRICED_ARCS = 200_000
# Flows over two halves (`halves`) go on while each round adds at least this share of the
# options in play; once a round adds fewer (the answer is near, and the options between the
# halves matter), or after a mend, the flow is over every option in play.
SPLIT_GROWTH = 0.5
# Passes over every option go a chunk at a time (Chunks).
CHUNK = 1 << 20


def solve_priced(rows, columns, values, quick, scores, capacity, flow, chunks=None, halves=None):
    """The options used by an optimal assignment (indices into the arrays), working on a few
    options at a time (see the module docstring).

    rows[i], columns[i]: option i's request and consultant (each pair once);
    values[i]: its value p, the points with the priority bonus (int64; values and quick are
    read by slices and indices: WithBonus or arrays); quick[i]: the points
    with a small bonus, which the flow solver works faster with (the certificate, taken with
    `values`, decides whether its answer is optimal; if not, the solver gets `values`);
    scores[i]: the points alone; capacity[c] > 0. `flow(subset, weights, potentials)` solves
    the network of the options at `subset` (indices, sorted), each worth `weights`, and returns
    the positions in `subset` of the options used; `potentials`: None, or prices (v, u) from
    the last round for those weights, to start from (they do not change the answer).
    chunks: how the passes over every option go (Chunks; by default one thread).

    halves: None, or (side of each request, side of each consultant), booleans
    (components.halves). The first rounds' flows then leave out the options between the
    halves, so that the network falls into two, and `flow` is also given `second`: for each
    option of its subset, whether it lies in the second half (see SPLIT_GROWTH). The options
    left out are checked against the certificate like any other, so the answer is the same."""
    n_r = int(rows.max()) + 1
    chunks = chunks or Chunks(len(rows))
    active = initial_options(rows, columns, scores, quick, capacity, chunks)
    solver, potentials, mend = quick, None, None
    while True:
        subset = np.flatnonzero(active)
        own = None
        if halves is not None and mend is None:
            # Only the options within a half: two networks with nothing between them.
            side_r, side_c = halves
            inside = side_r[rows[subset]] == side_c[columns[subset]]
            network = subset[inside]
            second = side_r[rows[network]]
        else:
            network, second = subset, None
        if mend is not None:
            # Few requests broke the certificate: the last answer mended (`repair`).
            from consultations.matching import repair

            mended = repair.repair(rows, columns, values, capacity, subset, *mend)
            if mended is None:  # never expected: a flow from the last prices instead
                solver, potentials = values, mend[1:3][::-1]
            mend = None
        else:
            mended = None
        if mended is not None:
            used, dual = mended
        else:
            if second is None:
                used = network[flow(network, solver[network], potentials)]
            else:
                used = network[flow(network, solver[network], potentials, second)]
            # The prices for the solver's own weights (the next flow's start, unless this
            # answer is the last) are worked out in a second thread beside the true prices.
            if solver is not values:
                own = chunks.submit(prices, rows, columns, solver, network, used, n_r, capacity)
            dual = prices(rows, columns, values, network, used, n_r, capacity)
        if dual is None:
            # Not optimal on its own options for the true values: the quick weights misled
            # the solver; from now on it gets the true ones (with them, this cannot happen).
            if solver is values:
                break
            solver, potentials = values, None
            continue
        v, u = dual
        # For each request with an option that breaks the certificate, its options most
        # short of it among those within SLACK; and those requests.
        added, requests = most_short(rows, columns, values, u, v, chunks)
        if not len(requests):
            if certificate_holds(rows, columns, values, capacity, used, u, v, chunks):
                return used
            break
        growth = np.count_nonzero(~active[added])
        active[added] = True
        if mended is not None or growth < SPLIT_GROWTH * len(subset):
            halves = None
        if len(requests) <= MEND_REQUESTS:
            mend = (used, u, v, requests)
        elif mended is not None:
            # A flow after a mended answer starts from its prices, for the true values.
            solver, potentials = values, dual
        else:
            # The next flow starts from this one's prices for the solver's own weights (the
            # assignment is optimal on its options for them, so they exist).
            potentials = dual if own is None else own.result()
    everything = np.arange(len(rows))  # never expected: the whole network at once
    return flow(everything, values[everything], None)


class Chunks:
    """Passes over every option in chunks of CHUNK, shared by `threads` threads (numpy lets go
    of the interpreter in its loops; small chunks also reuse their memory rather than asking
    the system for fresh pages each pass). A context manager: the threads last as long as it."""

    def __init__(self, n: int, threads: int = 1):
        self.bounds = [(a, min(a + CHUNK, n)) for a in range(0, n, CHUNK)] or [(0, 0)]
        self.threads = max(1, threads)
        self.pool = None
        self._grouped, self._request_bounds = None, None

    def __enter__(self):
        if self.threads > 1 and len(self.bounds) > 1:
            self.pool = ThreadPoolExecutor(max_workers=self.threads)
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.shutdown()

    def grouped(self, rows) -> bool:
        """Are the options grouped by request (`rows` sorted)? Worked out once: a Chunks
        serves one set of options."""

        def part(a, b):
            low = max(a - 1, 0)  # each chunk with the last option of the one before
            return bool((rows[low + 1 : b] >= rows[low : b - 1]).all())

        if self._grouped is None:
            self._grouped = all(self.map(part))
        return self._grouped

    def request_bounds(self, rows) -> list[tuple[int, int]]:
        """The chunks moved to start where a request's options start (rows grouped), so
        that each request's options are in one chunk."""
        if self._request_bounds is None:
            starts = [
                np.searchsorted(rows, rows[a]) if a < len(rows) else a for a, _ in self.bounds
            ]
            ends = [*starts[1:], self.bounds[-1][1]]
            self._request_bounds = [(int(a), int(b)) for a, b in zip(starts, ends, strict=True)]
        return self._request_bounds

    def map(self, part, bounds=None) -> list:
        """part(start, stop) for each chunk (or each of `bounds`), the answers in order."""
        bounds = self.bounds if bounds is None else bounds
        if self.pool is None:
            return [part(a, b) for a, b in bounds]
        return list(self.pool.map(lambda ab: part(*ab), bounds))

    def submit(self, fn, *args) -> Future:
        """fn(*args) in a thread of the pool (here and now without one)."""
        if self.pool is not None:
            return self.pool.submit(fn, *args)
        done = Future()
        done.set_result(fn(*args))
        return done


def with_bonus(points, priority, rows, bonuses, chunks) -> list["WithBonus"]:
    """For each of `bonuses`, every option's points plus that bonus if its request (rows) is a
    priority (priority[r]), as int64, worked out where read (WithBonus)."""
    return [WithBonus(points, priority, rows, bonus, chunks) for bonus in bonuses]


class WithBonus:
    """Every option's value (its points, plus `bonus` if its request is a priority) worked out
    when read, a slice or the options at some indices, as int64: never kept for every option
    (at four times national scale each such array would be 128 MB more to allocate and fill,
    and the passes read the points anyway)."""

    def __init__(self, points, priority, rows, bonus: int, chunks):
        self.points, self.priority, self.rows = points, priority, rows
        self.bonus, self.chunks = np.int64(bonus), chunks

    def __len__(self) -> int:
        return len(self.points)

    def __getitem__(self, at) -> np.ndarray:
        return self.points[at] + self.priority[self.rows[at]] * self.bonus

    def max(self) -> int:
        """The largest value (0 without options)."""
        return max(self.chunks.map(lambda a, b: int(self[a:b].max()) if b > a else 0))


def most_short(rows, columns, values, u, v, chunks, slack: int = SLACK, limit: int = ADDED):
    """The options to add after an answer with prices (u, v): for each request with an option
    that breaks the certificate, its `limit` options most short of it (by min(short, 2**20))
    among those within `slack` of breaking it (near_options); and those requests, ascending.
    One compiled pass per chunk (kernels.most_short) when the values are WithBonus and the
    options grouped by request, as the batch's are; near_options and best_per_request
    otherwise."""
    from consultations.matching import kernels

    if isinstance(values, WithBonus) and chunks.grouped(rows):
        extra = points_and_extra(values, len(u))[1]
        u, v = np.ascontiguousarray(u, dtype=np.int64), np.ascontiguousarray(v, dtype=np.int64)

        def part(a, b):
            return kernels.most_short(rows, columns, values.points, extra, u, v, slack, limit, a, b)

        found = chunks.map(part, chunks.request_bounds(rows))
        if all(ok for ok, _, _ in found):
            return tuple(np.concatenate([f[k] for f in found]) for k in (1, 2))
    near, short = near_options(rows, columns, values, u, v, slack, chunks)
    breaking = short > 0
    clipped = np.minimum(short, 2**20) + slack
    return near[best_per_request(rows[near], clipped, limit)], np.unique(rows[near[breaking]])


def points_and_extra(values, n_r: int) -> tuple[np.ndarray, np.ndarray]:
    """Values as the compiled passes read them, option i's being points[i] + extra[rows[i]]:
    a WithBonus's points and each request's bonus, or an array's values and zeros (n_r)."""
    if isinstance(values, WithBonus):
        return values.points, values.priority.astype(np.int64) * values.bonus
    return np.asarray(values), np.zeros(n_r, dtype=np.int64)


def near_options(rows, columns, values, u, v, slack: int, chunks):
    """The options within `slack` of breaking the certificate (u[r] + v[c] − p[r,c] < slack),
    ascending, and how short of it each is (p − u − v; > 0: it breaks it)."""

    def part(a, b):
        short = values[a:b] - u[rows[a:b]] - v[columns[a:b]]
        at = np.flatnonzero(short > -slack)
        return at + a, short[at]

    found = chunks.map(part)
    return np.concatenate([f[0] for f in found]), np.concatenate([f[1] for f in found])


def initial_options(rows, columns, scores, quick, capacity, chunks=None) -> np.ndarray:
    """The first pruned network, as a mask over the options (see FIRST_OPTIONS): each
    request's best by score, each consultant's best by the solver's values."""
    chunks = chunks or Chunks(len(rows))
    mask = np.zeros(len(rows), dtype=bool)
    if not len(rows):
        return mask
    from consultations.matching import kernels

    # Each request's best (in a second thread, if any) beside each consultant's best by the
    # solver's values: the points plus each request's bonus (both compiled, nogil).
    per_request = chunks.submit(best_per_request, rows, scores, FIRST_OPTIONS)
    points, extra = points_and_extra(quick, int(rows.max()) + 1)
    limit = (PER_PLACE * np.asarray(capacity) + EXTRA).astype(np.int64)
    mask[kernels.best_per_column(columns, points, extra, rows, limit)] = True
    mask[per_request.result()] = True
    return mask


def best_per_request(rows, values, limit: int) -> np.ndarray:
    """best_of_groups(rows, values, limit) for a number `limit`; in one compiled pass when the
    options are grouped by request (rows sorted), as the batch's are."""
    from consultations.matching import kernels

    grouped, best = kernels.best_per_group(rows, values, limit)
    return best if grouped else best_of_groups(rows, values, limit)


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
    load = np.bincount(columns[used], minlength=n_c)
    high = np.where(load < capacity, 0, np.iinfo(np.int64).max)
    np.minimum.at(high, columns[used], points[used])
    # low[c]: the best option at c of a request unmatched; and the matched requests' other
    # options: v[c] − v[held] ≥ p − value (edges from c to held, of `gap`).
    low, c, held_c, gap = _constraints(rows, columns, points, subset, held, value, n_c)
    if greatest:  # on x = −v: x[held] ≥ x[c] + gap, −high ≤ x ≤ −low
        x = relax(-high, c, held_c, gap, -low, n_c)
        v = None if x is None else -x
    else:  # on v: v[c] ≥ v[held] + gap, low ≤ v ≤ high
        v = relax(low, held_c, c, gap, high, n_c)
    if v is None:
        return None
    u = np.where(held >= 0, value - v[np.maximum(held, 0)], 0)
    return v, u


def _constraints(rows, columns, points, subset, held, value, n_c: int):
    """prices' difference constraints over the options at `subset` (kernels.price_constraints,
    one compiled pass; the values are WithBonus or an array)."""
    from consultations.matching import kernels

    base, extra = points_and_extra(points, len(held))
    return kernels.price_constraints(
        rows, columns, base, extra, np.ascontiguousarray(subset, dtype=np.int64), held, value, n_c
    )


def relax(start, source, target, gap, limit, n: int):
    """The least x ≥ start with x[target[i]] ≥ x[source[i]] + gap[i] for every i; None if it
    would exceed `limit` somewhere (or rise without end: a positive cycle). Compiled
    (kernels.least_above)."""
    from consultations.matching import kernels

    def ints(a):
        return np.ascontiguousarray(a, dtype=np.int64)

    ok, x = kernels.least_above(ints(start), ints(source), ints(target), ints(gap), ints(limit), n)
    return x if ok else None


def certificate_holds(rows, columns, points, capacity, used, u, v, chunks=None) -> bool:
    """Do (u, v) and the assignment `used` prove each other optimal for every option? Dual
    feasibility (u, v ≥ 0 and u[r] + v[c] ≥ p[r,c] on every option), the assignment's
    feasibility, and complementary slackness (tight on the options used, u = 0 for a request
    unmatched, v = 0 for a consultant with a place left)."""
    n_r = len(u)
    if (u < 0).any() or (v < 0).any():
        return False
    chunks = chunks or Chunks(len(rows))
    if any(chunks.map(lambda a, b: bool((u[rows[a:b]] + v[columns[a:b]] < points[a:b]).any()))):
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
