"""The batch's priced flow (consultations.matching.pricing): a large network solved on a few of
its options at a time, each answer proved optimal for every option by a dual certificate.

Small networks are not priced in production (MIN_PRICED_ARCS); here the thresholds are forced
down, to one option per request, so the pricing loop has to re-solve (by a flow, or by mending
the last answer: consultations.matching.repair), and the answers are held to the brute-force
solver and to one flow over the whole network. The certificate itself is checked: it holds for
the optimum and fails for an assignment that is not optimal.
"""

import random
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from consultations.matching import batch_options, components, kernels, pricing, repair, solve
from consultations.matching.capacity import batch_capacity, capacity_columns
from consultations.matching.options import option_arrays
from tests.consultations.test_matching_components import (
    CountingPool,
    flow_problem,
    sparse_problem,
)
from tests.consultations.test_matching_properties import (
    EXHAUSTIVE,
    FAST,
    PRIORITY_CHAIN,
    WEIGHTS,
    brute_force,
    instances,
    key,
    problems,
)

# Matching both priority requests moves 2 to its weak option and leaves routine 3 out: a loss
# of two scores. With a bonus of one more than a score (the flow solver's quick weights) the
# solver leaves 1 out; the certificate, taken with the true bonus, refuses that answer and
# the solver gets the true weights.
PRIORITY_DISPLACES_A_CHAIN = (
    {1: {10: 0.01}, 2: {10: 1.0, 11: 0.0}, 3: {11: 1.0}},
    {10: 1, 11: 1},
    {1, 2},
)


ALWAYS = 10**9  # mend whatever the number of requests that break the certificate


@contextmanager
def priced(first=1, per_place=0, extra=0, added=1, slack=0, mend=0):
    """Price every network, starting from `first` option per request and adding `added`;
    re-solve by a flow, or mend the last answer when at most `mend` requests break the
    certificate."""
    names = ("MIN_PRICED_ARCS", "FIRST_OPTIONS", "PER_PLACE", "EXTRA", "ADDED", "SLACK")
    saved = {name: getattr(pricing, name) for name in (*names, "MEND_REQUESTS")}
    pricing.MIN_PRICED_ARCS, pricing.FIRST_OPTIONS = 0, first
    pricing.PER_PLACE, pricing.EXTRA, pricing.ADDED, pricing.SLACK = per_place, extra, added, slack
    pricing.MEND_REQUESTS = mend
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(pricing, name, value)


@contextmanager
def counted_flows():
    """Count the flow problems solved."""
    calls = []
    network = components._network

    def counting(rows, *args):
        calls.append(len(rows))
        return network(rows, *args)

    components._network = counting
    try:
        yield calls
    finally:
        components._network = network


# --- optimal, against the brute force and the whole network ------------------------------------


@EXHAUSTIVE
@given(problems)
@example(PRIORITY_CHAIN)
@example(PRIORITY_DISPLACES_A_CHAIN)
def test_the_priced_solve_is_optimal_priority_first(problem):
    options, capacity, priority = problem
    with priced():
        assignments = solve(options, capacity, priority, split=False)
    assert key(assignments, priority) == brute_force(options, capacity, priority)


@EXHAUSTIVE
@given(problems)
def test_the_priced_solve_is_optimal_with_a_larger_first_network(problem):
    options, capacity, priority = problem
    with priced(first=2, per_place=1, extra=1, added=2, slack=3000):
        assignments = solve(options, capacity, priority)
    assert key(assignments, priority) == brute_force(options, capacity, priority)


@EXHAUSTIVE
@given(problems)
@example(PRIORITY_CHAIN)
@example(PRIORITY_DISPLACES_A_CHAIN)
def test_the_priced_solve_mending_its_answers_is_optimal_priority_first(problem):
    options, capacity, priority = problem
    with priced(mend=ALWAYS):
        assignments = solve(options, capacity, priority, split=False)
    assert key(assignments, priority) == brute_force(options, capacity, priority)


@contextmanager
def counted_mends():
    """Count the answers mended (the requests that broke the certificate, each time)."""
    calls = []
    mend = repair.repair

    def counting(*args):
        calls.append(len(args[-1]))
        return mend(*args)

    repair.repair = counting
    try:
        yield calls
    finally:
        repair.repair = mend


@pytest.mark.parametrize("seed", range(30))
def test_mending_the_answers_agrees_with_the_whole_network(seed):
    options, capacity, priority = sparse_problem(random.Random(seed), 120, 30)
    whole = solve(options, capacity, priority, split=False)
    with priced(mend=ALWAYS), counted_flows() as flows, counted_mends() as mends:
        first = solve(options, capacity, priority, split=False)
        again = solve(options, capacity, priority, split=False)
    assert key(first, priority) == key(whole, priority)
    assert first == again  # deterministic
    assert len(mends) >= 2  # each solve mended at least once...
    assert len(flows) <= 4  # ... after one flow (two when the quick weights misled it)
    assert len({a.request_id for a in first}) == len(first)


@pytest.mark.parametrize("seed", range(10))
def test_a_few_breaking_requests_are_mended_and_many_flowed(seed):
    """Within a solve, a round with more breaking requests than MEND_REQUESTS gets a flow,
    one with fewer is mended, and the answer is the same either way."""
    options, capacity, priority = sparse_problem(random.Random(seed), 150, 40)
    whole = solve(options, capacity, priority, split=False)
    with priced(mend=3), counted_flows() as flows, counted_mends() as mends:
        mixed = solve(options, capacity, priority, split=False)
    assert key(mixed, priority) == key(whole, priority)
    assert all(n <= 3 for n in mends)
    assert flows  # the first network at least


def test_a_mend_that_fails_gives_way_to_a_flow(monkeypatch):
    options, capacity, priority = sparse_problem(random.Random(4), 120, 30)
    whole = solve(options, capacity, priority, split=False)
    monkeypatch.setattr(repair, "repair", lambda *args: None)
    with priced(mend=ALWAYS), counted_flows() as flows:
        assignments = solve(options, capacity, priority, split=False)
    assert key(assignments, priority) == key(whole, priority)
    assert len(flows) >= 2


@pytest.mark.parametrize("seed", range(25))
def test_a_mended_answer_is_the_flow_s_on_the_larger_network(seed):
    """repair.repair alone: an answer optimal on each request's best option, mended for every
    option, is worth what a flow over every option is, keeps the places, and its prices are
    a certificate for every option."""
    problem = sparse_problem(random.Random(seed), 80, 25)
    rows, columns, values, capacity = arrays_of(*problem)
    n_r, n_c = len(problem[0]), len(capacity)
    first = np.zeros(len(rows), dtype=bool)
    first[pricing.best_per_request(rows, values, 1)] = True
    pruned = np.flatnonzero(first)
    used = pruned[components._network(rows[pruned], columns[pruned], values[pruned], n_r, capacity)]
    v, u = pricing.prices(rows, columns, values, pruned, used, n_r, capacity)
    breaking = np.unique(rows[values > u[rows] + v[columns]])
    everything = np.arange(len(rows))
    mended, (v, u) = repair.repair(
        rows, columns, values, capacity, everything, used, u, v, breaking
    )
    whole = components._network(rows, columns, values, n_r, capacity)
    assert values[mended].sum() == values[whole].sum()
    assert np.bincount(rows[mended], minlength=n_r).max(initial=0) <= 1
    assert (np.bincount(columns[mended], minlength=n_c) <= capacity).all()
    assert pricing.certificate_holds(rows, columns, values, capacity, mended, u, v)


def test_a_mend_takes_an_unmatched_request_in_through_the_sink():
    """Request 0 held consultant A (5 points); a new option gives it B (20), which request 1
    (1 point, B its only option) holds. The best mend: 0 takes B, 1 goes unmatched, and
    request 2, unmatched (A at 4), takes A: 24 points. Only a search that reaches request 2
    through the sink finds it; A merely left empty gives 20."""
    rows, columns = np.array([0, 0, 1, 2]), np.array([0, 1, 1, 0])
    values, capacity = np.array([5, 20, 1, 4]), np.array([1, 1])
    before, used = np.array([0, 2, 3]), np.array([0, 2])
    v, u = pricing.prices(rows, columns, values, before, used, 3, capacity)
    everything = np.arange(4)
    breaking = np.unique(rows[values > u[rows] + v[columns]])
    assert breaking.tolist() == [0]
    mended, (v, u) = repair.repair(
        rows, columns, values, capacity, everything, used, u, v, breaking
    )
    assert mended.tolist() == [1, 3]
    assert pricing.certificate_holds(rows, columns, values, capacity, mended, u, v)


def test_mending_nothing_changes_nothing():
    rows, columns, values, capacity = arrays_of(*PRIORITY_CHAIN)
    everything = np.arange(len(rows))
    used = components._network(rows, columns, values, 3, capacity)
    v, u = pricing.prices(rows, columns, values, everything, used, 3, capacity)
    none = np.zeros(0, dtype=np.int64)
    mended, (v2, u2) = repair.repair(rows, columns, values, capacity, everything, used, u, v, none)
    assert mended.tolist() == sorted(used.tolist())
    assert pricing.certificate_holds(rows, columns, values, capacity, mended, u2, v2)


def test_a_priority_request_that_displaces_a_chain_is_matched():
    options, capacity, priority = PRIORITY_DISPLACES_A_CHAIN
    assert brute_force(options, capacity, priority) == (2, 100)
    with priced(first=2), counted_flows() as flows:
        assignments = solve(options, capacity, priority, split=False)
    assert key(assignments, priority) == (2, 100)
    assert len(flows) >= 2  # the quick weights' answer was refused


@pytest.mark.parametrize("seed", range(30))
def test_the_priced_solve_re_solves_and_agrees_with_the_whole_network(seed):
    options, capacity, priority = sparse_problem(random.Random(seed), 120, 30)
    whole = solve(options, capacity, priority, split=False)
    with priced(), counted_flows() as flows:
        first = solve(options, capacity, priority, split=False)
        again = solve(options, capacity, priority, split=False)
    assert key(first, priority) == key(whole, priority)
    assert first == again  # deterministic
    assert len(flows) >= 2  # rounds of pricing: the first network was not enough
    assert len({a.request_id for a in first}) == len(first)


def test_the_priced_solve_and_the_parts_agree():
    options, capacity, priority = flow_problem()
    whole = solve(options, capacity, priority, split=False)
    with priced():
        assert key(solve(options, capacity, priority, workers=1), priority) == key(whole, priority)


# --- a network in two halves (components.halves) -------------------------------------------


@contextmanager
def halved():
    """Cut every network of two regions or more in two, however many options cross and
    however unequal the halves (down to 1 % of the options)."""
    saved = components.MAX_CUT, components.BALANCE
    components.MAX_CUT, components.BALANCE = 1.0, 0.49
    try:
        yield
    finally:
        components.MAX_CUT, components.BALANCE = saved


@contextmanager
def counted_consultants():
    """The consultants in each flow network solved, in order."""
    calls = []
    network = components._network

    def counting(rows, columns, values, n_r, capacity, *args):
        calls.append(len(capacity))
        return network(rows, columns, values, n_r, capacity, *args)

    components._network = counting
    try:
        yield calls
    finally:
        components._network = network


def regional_problem(
    rng: random.Random, n_regions=6, per_region=30, crossing=0.03, places=(0, 1, 2, 3)
):
    """Requests in regions 0..n_regions-1, each with a few of its own region's consultants;
    regions 0-2 and 3-5 share some consultants among themselves (so each trio is one part),
    and a share `crossing` of the requests also have one consultant of the other trio (so
    the whole is one part, nearly in two)."""
    options, regions = {}, {}
    per_consultants = 8

    def consultant(g):
        return 1000 + g * per_consultants + rng.randrange(per_consultants)

    for g in range(n_regions):
        trio = range(3) if g < 3 else range(3, n_regions)
        for i in range(per_region):
            r = 1 + g * per_region + i
            regions[r] = g
            chosen = {consultant(g) for _ in range(3)}
            if rng.random() < 0.3:
                chosen.add(consultant(rng.choice(trio)))
            if rng.random() < crossing:
                chosen.add(consultant(rng.randrange(3, n_regions) if g < 3 else rng.randrange(3)))
            options[r] = {c: rng.choice([0.0, 0.5, round(rng.random(), 4)]) for c in chosen}
    capacity = {1000 + c: rng.choice(places) for c in range(n_regions * per_consultants)}
    priority = {r for r in options if rng.random() < 0.25}
    return options, capacity, priority, regions


def arrays_with_regions(options, capacity, regions):
    """rows, columns (consultants with a place, numbered), each request's region."""
    requests = sorted(options)
    consultants = sorted(c for c, n in capacity.items() if n > 0)
    pairs = [
        (i, consultants.index(c))
        for i, r in enumerate(requests)
        for c in sorted(options[r])
        if c in consultants
    ]
    rows, columns = (np.array(x, dtype=np.int64) for x in zip(*pairs, strict=True))
    return rows, columns, np.array([regions[r] for r in requests]), len(consultants)


@pytest.mark.parametrize("seed", range(10))
def test_the_halves_follow_the_regions_that_hardly_meet(seed):
    options, capacity, _, regions = regional_problem(
        random.Random(seed), per_region=200, places=(1, 2, 3)
    )
    rows, columns, by_request, n_columns = arrays_with_regions(options, capacity, regions)
    side_r, side_c = components.halves(rows, columns, by_request, n_columns)
    # Regions 0-2 on one side, 3-5 on the other.
    assert len(set(side_r[by_request < 3])) == len(set(side_r[by_request >= 3])) == 1
    assert side_r[by_request < 3][0] != side_r[by_request >= 3][0]
    crossing = side_r[rows] != side_c[columns]
    assert 0 < crossing.mean() <= components.MAX_CUT
    share = side_r[np.unique(rows)].mean()  # of the requests with options
    assert abs(share - 0.5) <= components.BALANCE


def test_no_halves_for_one_region_or_for_a_network_that_does_not_fall_apart():
    rng = np.random.default_rng(3)
    rows = np.repeat(np.arange(200), 3)
    columns = rng.integers(0, 40, len(rows))
    assert components.halves(rows, columns, np.zeros(200, dtype=np.int64), 40) is None
    # Every request in every region's consultants: any cut crosses far more than MAX_CUT.
    assert components.halves(rows, columns, np.arange(200) % 4, 40) is None
    assert components.halves(rows[:0], columns[:0], np.arange(200) % 4, 40) is None


def test_the_cut_in_two_is_balanced_and_least():
    # Four regions: 0 and 1 joined heavily, 2 and 3 too, a little between the pairs.
    joined = np.array([[0, 50, 1, 0], [50, 0, 0, 1], [1, 0, 0, 60], [0, 1, 60, 0]])
    side = components._cut_in_two(joined, np.array([10, 12, 11, 10]))
    assert side[0] == side[1] and side[2] == side[3] and side[0] != side[2]
    # One region outweighs the rest: no balanced cut.
    assert components._cut_in_two(joined, np.array([100, 1, 1, 1])) is None


@EXHAUSTIVE
@given(problems, st.integers(2, 4))
@example((*PRIORITY_CHAIN, 0), 2)
def test_the_priced_solve_in_halves_is_optimal_priority_first(problem, n_regions):
    options, capacity, priority = problem[:3]
    regions = {r: r % n_regions for r in options}
    with priced(), halved():
        assignments = solve(options, capacity, priority, split=False, regions=regions)
    assert key(assignments, priority) == brute_force(options, capacity, priority)


@EXHAUSTIVE
@given(problems, st.integers(2, 4))
def test_the_priced_solve_in_halves_mending_its_answers_is_optimal(problem, n_regions):
    options, capacity, priority = problem
    regions = {r: (r * 7) % n_regions for r in options}
    with priced(mend=ALWAYS), halved():
        assignments = solve(options, capacity, priority, split=False, regions=regions)
    assert key(assignments, priority) == brute_force(options, capacity, priority)


@pytest.mark.parametrize("seed", range(12))
def test_the_priced_solve_in_halves_agrees_with_the_whole_network(seed):
    options, capacity, priority, regions = regional_problem(random.Random(seed))
    whole = solve(options, capacity, priority, split=False)
    for mend in (0, 3):
        with priced(mend=mend), counted_consultants() as consultants:
            halves = solve(options, capacity, priority, split=False, regions=regions)
            again = solve(options, capacity, priority, split=False, regions=regions)
        assert key(halves, priority) == key(whole, priority)
        assert halves == again  # deterministic
        assert len({a.request_id for a in halves}) == len(halves)
        # The first round in two halves, each with fewer consultants than the whole.
        everyone = sum(1 for n in capacity.values() if n > 0)
        assert consultants[0] + consultants[1] == everyone > max(consultants[:2])
    with priced(), halved():
        loose = solve(options, capacity, priority, split=False, regions=regions)
    assert key(loose, priority) == key(whole, priority)


@pytest.mark.parametrize("seed", range(3))
def test_the_second_half_in_a_forked_process_gives_the_same_answer(seed, monkeypatch):
    CountingPool.started = 0
    monkeypatch.setattr(components, "ProcessPoolExecutor", CountingPool)
    options, capacity, priority, regions = regional_problem(random.Random(seed))
    with priced():
        here = solve(options, capacity, priority, split=False, regions=regions, workers=1)
        assert CountingPool.started == 0
        forked = solve(
            options,
            capacity,
            priority,
            split=False,
            regions=regions,
            workers=2,
            min_parallel_arcs=0,
        )
        assert CountingPool.started == 1  # one helper for the whole batch
    assert forked == here


class UnforkablePool(components.ProcessPoolExecutor):
    """A pool whose process cannot start (os.fork refused: out of memory, say)."""

    def submit(self, fn, *args, **kwargs):
        raise OSError(12, "Cannot allocate memory")


class DyingPool(components.ProcessPoolExecutor):
    """A pool whose process starts and then dies with the first flow it is given."""

    def submit(self, fn, *args, **kwargs):
        if fn is int:
            return super().submit(fn, *args, **kwargs)
        died = Future()
        died.set_exception(BrokenProcessPool("the helper died"))
        return died


@pytest.mark.parametrize("pool", [UnforkablePool, DyingPool])
def test_without_its_helper_process_the_batch_solves_both_halves_here(pool, monkeypatch):
    options, capacity, priority, regions = regional_problem(random.Random(4))
    arguments = {"split": False, "regions": regions, "min_parallel_arcs": 0}
    with priced():
        here = solve(options, capacity, priority, workers=1, **arguments)
        monkeypatch.setattr(components, "ProcessPoolExecutor", pool)
        with counted_consultants() as consultants:
            alone = solve(options, capacity, priority, workers=2, **arguments)
    assert alone == here
    everyone = sum(1 for n in capacity.values() if n > 0)
    assert consultants[0] + consultants[1] == everyone  # both halves solved here


# --- the certificate ---------------------------------------------------------------------------


def arrays_of(options, capacity, priority):
    """The problem as the flow sees it: rows, columns, values (with the priority bonus)."""
    requests = sorted(options)
    consultants = sorted(c for c, n in capacity.items() if n > 0)
    pairs = [
        (i, consultants.index(c), round(s * 10_000))
        for i, r in enumerate(requests)
        for c, s in sorted(options[r].items())
        if c in consultants
    ]
    rows, columns, points = (np.array(x, dtype=np.int64) for x in zip(*pairs, strict=True))
    bonus = sum(max(round(s * 10_000) for s in o.values()) for o in options.values() if o) + 1
    values = points + np.where([requests[i] in priority for i in rows], bonus, 0)
    return rows, columns, values, np.array([capacity[c] for c in consultants])


@pytest.mark.parametrize("seed", range(20))
def test_the_certificate_holds_for_the_optimum_on_every_option(seed):
    problem = sparse_problem(random.Random(seed), 60, 20)
    rows, columns, values, capacity = arrays_of(*problem)
    n_r = len(problem[0])
    used = components._network(rows, columns, values, n_r, capacity)
    everything = np.arange(len(rows))
    for greatest in (True, False):
        v, u = pricing.prices(
            rows, columns, values, everything, used, n_r, capacity, greatest=greatest
        )
        assert (u >= 0).all() and (v >= 0).all()
        assert (u[rows] + v[columns] >= values).all()  # every reduced cost ≥ 0
        assert pricing.certificate_holds(rows, columns, values, capacity, used, u, v)


@pytest.mark.parametrize("seed", range(20))
def test_a_flow_started_from_prices_is_as_good_as_one_from_nothing(seed):
    """The reduced costs of a warm start leave the optimum as it is: with the optimum's own
    prices, with prices that are far off, and with random ones."""
    problem = sparse_problem(random.Random(seed), 60, 20)
    rows, columns, values, capacity = arrays_of(*problem)
    n_r, n_c = len(problem[0]), len(capacity)
    cold = components._network(rows, columns, values, n_r, capacity)
    v, u = pricing.prices(rows, columns, values, np.arange(len(rows)), cold, n_r, capacity)
    rng = np.random.default_rng(seed)
    for potentials in (
        (v, u),
        (np.zeros(n_c, dtype=np.int64), u + 10**7),
        (rng.integers(-(10**6), 10**6, n_c), rng.integers(-(10**6), 10**6, n_r)),
    ):
        warm = components._network(rows, columns, values, n_r, capacity, potentials)
        assert values[warm].sum() == values[cold].sum()
        assert np.bincount(rows[warm], minlength=n_r).max() <= 1
        assert (np.bincount(columns[warm], minlength=n_c) <= capacity).all()
        everything = np.arange(len(rows))  # complementary prices exist: it is optimal
        assert pricing.prices(rows, columns, values, everything, warm, n_r, capacity) is not None


def test_no_certificate_for_an_assignment_that_is_not_optimal():
    rows, columns, values, capacity = arrays_of(*PRIORITY_CHAIN)
    # Requests 2 and 3 on their strong options leave priority request 1 unmatched.
    strong = np.flatnonzero(((rows == 1) & (columns == 0)) | ((rows == 2) & (columns == 1)))
    everything = np.arange(len(rows))
    assert pricing.prices(rows, columns, values, everything, strong, 3, capacity) is None
    # On the pruned options alone (without request 1's) the same assignment is optimal, and
    # its prices break the certificate on the option left out.
    pruned = np.flatnonzero(rows > 0)
    v, u = pricing.prices(rows, columns, values, pruned, strong, 3, capacity)
    assert not pricing.certificate_holds(rows, columns, values, capacity, strong, u, v)
    assert (values - v[columns] > u[rows]).tolist() == (rows == 0).tolist()


def test_best_of_groups_against_sorting():
    rng = np.random.default_rng(3)
    groups, values = rng.integers(0, 30, 500), rng.integers(0, 8, 500)
    limit = rng.integers(0, 4, 30)
    chosen = set(pricing.best_of_groups(groups, values, limit[groups]).tolist())
    expected = set()
    for g in range(30):
        members = sorted(np.flatnonzero(groups == g).tolist(), key=lambda i: (-values[i], i))
        expected.update(members[: limit[g]])
    assert chosen == expected


@pytest.mark.parametrize("seed", range(5))
def test_best_per_request_is_best_of_groups(seed):
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.integers(0, 40, 600))  # grouped by request, as the batch's options are
    values = rng.integers(0, 6, 600)  # many ties: the lower index wins
    for limit in (0, 1, 4, 30):
        got = pricing.best_per_request(rows, values, limit)
        assert got.tolist() == sorted(pricing.best_of_groups(rows, values, limit).tolist())
    shuffled = rng.permutation(rows)  # not grouped: the sorting way, the same answer
    assert sorted(pricing.best_per_request(shuffled, values, 3).tolist()) == sorted(
        pricing.best_of_groups(shuffled, values, 3).tolist()
    )


@contextmanager
def small_chunks(size=64):
    """Passes over the options in chunks of `size`, so small problems take several."""
    saved, pricing.CHUNK = pricing.CHUNK, size
    try:
        yield
    finally:
        pricing.CHUNK = saved


@pytest.mark.parametrize("seed", range(8))
def test_best_per_column_is_best_of_groups(seed):
    """Each consultant's best (the first network's), a heap each in one pass, against sorting:
    values as points plus each request's bonus, many ties, limits of none, one and more than
    a consultant has."""
    rng = np.random.default_rng(seed)
    n, n_g, n_r = 900, 25, 60
    groups = rng.integers(0, n_g - 2, n)  # the last two groups have no option
    rows = np.sort(rng.integers(0, n_r, n))
    points = np.where(rng.random(n) < 0.3, rng.integers(0, 3, n), rng.integers(0, 5000, n))
    extra = np.where(rng.random(n_r) < 0.3, 5001, 0).astype(np.int64)
    limit = rng.integers(0, 12, n_g)
    limit[:3] = (0, 1, n)
    values = points + extra[rows]
    expected = sorted(pricing.best_of_groups(groups, values, limit[groups]).tolist())
    got = kernels.best_per_column(groups, points, extra, rows, limit)
    assert got.tolist() == expected


@pytest.mark.parametrize("threads", [1, 2])
def test_near_options_and_the_certificate_look_at_every_chunk(threads):
    rng = np.random.default_rng(7)
    n, n_r, n_c = 1000, 90, 30
    rows, columns = np.sort(rng.integers(0, n_r, n)), rng.integers(0, n_c, n)
    values = rng.integers(0, 1000, n)
    u, v = rng.integers(0, 600, n_r), rng.integers(0, 600, n_c)
    short = values - u[rows] - v[columns]
    with small_chunks(), pricing.Chunks(n, threads) as chunks:
        assert len(chunks.bounds) > 10
        near, found = pricing.near_options(rows, columns, values, u, v, 100, chunks)
        assert near.tolist() == np.flatnonzero(short > -100).tolist()
        assert found.tolist() == short[near].tolist()
        # No assignment, no prices: it holds while every option is worth 0, and fails for one
        # option worth more, in the last chunk.
        nothing, capacity = np.zeros(0, dtype=np.int64), np.full(n_c, 5)
        u, v, zeros = np.zeros(n_r, dtype=int), np.zeros(n_c, dtype=int), np.zeros(n, dtype=int)
        assert pricing.certificate_holds(rows, columns, zeros, capacity, nothing, u, v, chunks)
        breaking = zeros.copy()
        breaking[-1] = 1
        assert not pricing.certificate_holds(
            rows, columns, breaking, capacity, nothing, u, v, chunks
        )


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("threads", [1, 2])
def test_the_options_most_short_in_one_pass_are_those_near_and_best(seed, threads):
    """most_short's compiled pass (chunks moved to requests' starts, a request's options
    longer than a chunk among them) against near_options and best_per_request, with many
    ties and shorts beyond 2**20, and the same answer for values that are plain arrays (the
    fallback) and for options not grouped by request."""
    rng = np.random.default_rng(seed)
    n, n_r, n_c = 1500, 70, 30
    rows = np.sort(np.r_[rng.integers(0, n_r, n - 200), np.full(200, 5)])  # request 5: 200+
    columns = rng.integers(0, n_c, n)
    points = np.where(rng.random(n) < 0.3, 500, rng.integers(0, 3000, n)).astype(np.int32)
    priority = rng.random(n_r) < 0.3
    u, v = rng.integers(0, 4000, n_r), rng.integers(0, 1500, n_c)
    u[:3] = -(2**22)  # shorts beyond the clip
    u[-10:] = 10**6  # nothing near
    with small_chunks(), pricing.Chunks(n, threads) as chunks:
        values = pricing.WithBonus(points, priority, rows, 3001, chunks)
        plain = values[:]
        near, short = pricing.near_options(rows, columns, plain, u, v, 300, chunks)
        clipped = np.minimum(short, 2**20) + 300
        expected_added = near[pricing.best_per_request(rows[near], clipped, 4)]
        expected_requests = np.unique(rows[near[short > 0]])
        assert 0 < len(expected_requests) < n_r and len(expected_added) < len(near)
        for given in (values, plain):  # compiled, and the fallback
            added, requests = pricing.most_short(rows, columns, given, u, v, chunks, 300, 4)
            assert added.tolist() == expected_added.tolist()
            assert requests.tolist() == expected_requests.tolist()
    order = rng.permutation(n)  # not grouped: the fallback, the same options
    with small_chunks(), pricing.Chunks(n, threads) as chunks:
        shuffled = pricing.WithBonus(points[order], priority, rows[order], 3001, chunks)
        added, requests = pricing.most_short(
            rows[order], columns[order], shuffled, u, v, chunks, 300, 4
        )
        assert not chunks.grouped(rows[order])
    # The same requests, and for each the same shorts (ties may go to other options).
    short = np.minimum(plain - u[rows] - v[columns], 2**20)
    assert sorted(zip(rows[order[added]], short[order[added]], strict=True)) == sorted(
        zip(rows[expected_added], short[expected_added], strict=True)
    )
    assert requests.tolist() == expected_requests.tolist()


@pytest.mark.parametrize("seed", range(5))
def test_best_per_request_in_large_groups(seed):
    """Few requests with many options each, values drawn from a small range: each request's
    best kept list is filled, shifted and refused many times."""
    rng = np.random.default_rng(seed)
    rows = np.repeat(np.arange(4), rng.integers(150, 250, 4))
    values = rng.integers(0, 9, len(rows))
    for limit in (1, 3, 8):
        got = pricing.best_per_request(rows, values, limit)
        assert got.tolist() == sorted(pricing.best_of_groups(rows, values, limit).tolist())


def test_with_bonus_adds_each_bonus_to_priority_options_only():
    rows = np.array([0, 0, 1, 2, 2, 2], dtype=np.int32)
    points = np.array([5, 7, 9, 1, 2, 3], dtype=np.int32)
    priority = np.array([True, False, True])
    with small_chunks(2), pricing.Chunks(len(rows), 2) as chunks:
        big, small = pricing.with_bonus(points, priority, rows, (10**12, 10), chunks)
        assert big[:].dtype == np.int64
        assert big[:].tolist() == [10**12 + 5, 10**12 + 7, 9, 10**12 + 1, 10**12 + 2, 10**12 + 3]
        assert small[:].tolist() == [15, 17, 9, 11, 12, 13]
        assert small[np.array([5, 2, 0])].tolist() == [13, 9, 15]  # at indices, as the flows read
        assert small[3:5].tolist() == [11, 12]
        assert (len(big), big.max(), small.max()) == (6, 10**12 + 7, 17)


@pytest.mark.parametrize("seed", range(10))
def test_the_priced_solve_in_small_chunks_and_two_threads_agrees(seed):
    options, capacity, priority = sparse_problem(random.Random(seed), 120, 30)
    with priced():
        serial = solve(options, capacity, priority, split=False, workers=1)
        with small_chunks(16):
            threaded = solve(options, capacity, priority, split=False, workers=2)
    assert threaded == serial


# --- the options and places in array form --------------------------------------------------------


@FAST
@given(instances())
def test_capacity_columns_agree_with_batch_capacity(instance):
    requests, consultants = instance
    arrays, _ = option_arrays(requests, consultants, WEIGHTS)
    options, _ = batch_options(requests, consultants, WEIGHTS)
    assert arrays.as_mappings() == options
    expected = batch_capacity(options, requests, consultants)
    got = capacity_columns(arrays, requests, consultants)
    assert dict(zip(arrays.consultant_ids.tolist(), got.tolist(), strict=True)) == {
        c: expected.get(c, 0) for c in arrays.consultant_ids.tolist()
    }
