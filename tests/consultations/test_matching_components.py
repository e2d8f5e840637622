"""The batch's network cut into independent components (consultations.matching.components):
the union of the components' optimal assignments is optimal for the whole (against the
brute-force solver and against one flow over the whole network), with hour capacities, on
instances built of several parts that cannot interact; and the parallel path gives the same.
"""

import random
from collections import Counter
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from consultations.matching import (
    EXCLUSIONS,
    batch_options,
    components,
    exclusion,
    greedy,
    plan,
    solve,
)
from consultations.matching.capacity import batch_capacity, fits_both_limits
from directory.models import Consultant
from tests.consultations.test_matching_properties import (
    EXHAUSTIVE,
    FAST,
    WEIGHTS,
    brute_force,
    instances,
    key,
    raw_problems,
    reference_options,
)

# A copy of an instance moved 12° south and 10° west (at least ~480 miles from the original,
# more than the largest travel radius drawn), to other states and counties: no consultant of
# one copy can take a request of another.
STATES = {0: {"WI": "WI", "MN": "MN"}, 1: {"WI": "TX", "MN": "OK"}, 2: {"WI": "CA", "MN": "NV"}}


def moved(instance, part: int):
    requests, consultants = instance
    if part == 0:
        return requests, consultants
    states, offset = STATES[part], 1000 * part

    def point(lat, lng):
        return (None, None) if lat is None else (lat - 12 * part, lng - 10 * part)

    return (
        [
            replace(
                r,
                id=r.id + offset,
                state=states[r.state],
                county_id=r.county_id + offset,
                latitude=point(r.latitude, r.longitude)[0],
                longitude=point(r.latitude, r.longitude)[1],
                declined=frozenset(c + offset for c in r.declined),
            )
            for r in requests
        ],
        [
            replace(
                c,
                id=c.id + offset,
                state=states[c.state],
                latitude=point(c.latitude, c.longitude)[0],
                longitude=point(c.latitude, c.longitude)[1],
                counties=frozenset(county + offset for county in c.counties),
            )
            for c in consultants
        ],
    )


@st.composite
def several_parts(draw, parts: int = 2, max_requests: int = 4, max_consultants: int = 3):
    """(requests, consultants) made of `parts` instances far apart from each other."""
    requests, consultants = [], []
    for part in range(parts):
        r, c = moved(draw(instances(max_requests, max_consultants)), part)
        requests += r
        consultants += c
    return requests, consultants


def problem_of(instance):
    requests, consultants = instance
    options = reference_options(requests, consultants)
    return (
        options,
        batch_capacity(options, requests, consultants),
        {r.id for r in requests if r.priority},
    )


def union_of(*problems):
    """Raw problems side by side, with ids kept apart."""
    options, capacity, priority = {}, {}, set()
    for i, (o, c, p) in enumerate(problems):
        offset = 1000 * i
        options |= {r + offset: {k + offset: s for k, s in opts.items()} for r, opts in o.items()}
        capacity |= {k + offset: n for k, n in c.items()}
        priority |= {r + offset for r in p}
    return options, capacity, priority


def sparse_problem(rng: random.Random, n_requests: int = 80, n_consultants: int = 40):
    """A larger random problem, with many components (each request sees few consultants
    of a small neighbourhood) of every kind: one request, one consultant, and larger."""
    options = {}
    for r in range(1, n_requests + 1):
        home = rng.randrange(n_consultants)
        near = [c for c in range(home, home + 3) if c < n_consultants]
        chosen = rng.sample(near, rng.randint(0, len(near)))
        options[r] = {100 + c: rng.choice([0.0, 0.5, rng.random()]) for c in chosen}
    capacity = {100 + c: rng.choice([0, 1, 1, 2, 3]) for c in range(n_consultants)}
    priority = {r for r in options if rng.random() < 0.3}
    return options, capacity, priority


# --- against the brute force, on instances of several parts ---------------------------------


@EXHAUSTIVE
@given(several_parts())
def test_the_split_solve_is_optimal_on_instances_of_two_parts(instance):
    requests, consultants = instance
    options, capacity, priority = problem_of(instance)
    assignments = solve(options, capacity, priority)
    assert key(assignments, priority) == brute_force(options, capacity, priority)
    # The hours hold as well as the places.
    assert fits_both_limits(assignments, requests, consultants)


@EXHAUSTIVE
@given(several_parts(parts=3, max_requests=2, max_consultants=2))
def test_the_split_solve_is_optimal_on_instances_of_three_parts(instance):
    options, capacity, priority = problem_of(instance)
    assert key(solve(options, capacity, priority), priority) == brute_force(
        options, capacity, priority
    )


@EXHAUSTIVE
@given(raw_problems(), raw_problems())
def test_the_split_solve_is_optimal_on_dense_problems_side_by_side(first, second):
    options, capacity, priority = union_of(first, second)
    assert key(solve(options, capacity, priority), priority) == brute_force(
        options, capacity, priority
    )


@FAST
@given(several_parts(parts=3, max_requests=7, max_consultants=5))
def test_the_parts_really_are_apart(instance):
    """The moved copies share no feasible consultant: every option stays within its part."""
    options, _, _ = problem_of(instance)
    for r, opts in options.items():
        assert all(c // 1000 == r // 1000 for c in opts)


# --- the split against one flow over the whole network --------------------------------------


@FAST
@given(several_parts(parts=3, max_requests=7, max_consultants=5))
def test_split_and_unsplit_agree_on_facts_with_hour_capacities(instance):
    options, capacity, priority = problem_of(instance)
    split = solve(options, capacity, priority)
    assert key(split, priority) == key(solve(options, capacity, priority, split=False), priority)


@pytest.mark.parametrize("seed", range(40))
def test_split_and_unsplit_agree_on_random_sparse_problems(seed):
    options, capacity, priority = sparse_problem(random.Random(seed))
    split = solve(options, capacity, priority)
    whole = solve(options, capacity, priority, split=False)
    assert key(split, priority) == key(whole, priority)
    assert len({a.request_id for a in split}) == len(split)
    for c, n in Counter(a.consultant_id for a in split).items():
        assert n <= capacity[c]


# --- the components and the exact small cases ------------------------------------------------


def reference_labels(rows, columns, n_rows, n_columns):
    """Components by breadth-first search, each named by its smallest node."""
    neighbours = {node: set() for node in range(n_rows + n_columns)}
    for r, c in zip(rows, columns, strict=True):
        neighbours[r].add(n_rows + c)
        neighbours[n_rows + c].add(r)
    labels = {}
    for start in range(n_rows + n_columns):
        if start in labels:
            continue
        seen, frontier = {start}, [start]
        while frontier:
            frontier = [m for n in frontier for m in neighbours[n] if m not in seen]
            seen.update(frontier)
        for node in seen:
            labels[node] = min(seen)
    return [labels[node] for node in range(n_rows + n_columns)]


@pytest.mark.parametrize("seed", range(30))
def test_component_labels_agree_with_a_breadth_first_search(seed):
    rng = np.random.default_rng(seed)
    n_rows, n_columns = int(rng.integers(1, 60)), int(rng.integers(1, 40))
    n_edges = int(rng.integers(0, 80))
    rows = rng.integers(0, n_rows, n_edges)
    columns = rng.integers(0, n_columns, n_edges)
    labels = components.component_labels(rows, columns, n_rows, n_columns)
    assert labels.tolist() == reference_labels(rows.tolist(), columns.tolist(), n_rows, n_columns)


def test_one_consultant_gives_places_to_priority_first_then_to_the_best():
    # One consultant, two places: the priority request (weak) and then the best routine one.
    options = {1: {10: 0.9}, 2: {10: 0.2}, 3: {10: 0.7}, 4: {10: 0.5}}
    assignments = solve(options, {10: 2}, {2})
    assert [(a.request_id, a.consultant_id) for a in assignments] == [(1, 10), (2, 10)]


def test_one_request_takes_its_best_option_lowest_id_on_ties():
    options = {1: {12: 0.5, 11: 0.5, 10: 0.2}, 2: {20: 0.3}}
    assert [
        (a.request_id, a.consultant_id) for a in solve(options, {10: 1, 11: 1, 12: 1, 20: 0})
    ] == [(1, 11)]


# --- the parallel path ------------------------------------------------------------------------


class CountingPool(components.ProcessPoolExecutor):
    started = 0

    def __init__(self, *args, **kwargs):
        type(self).started += 1
        super().__init__(*args, **kwargs)


@pytest.fixture
def counting_pool(monkeypatch):
    CountingPool.started = 0
    monkeypatch.setattr(components, "ProcessPoolExecutor", CountingPool)
    return CountingPool


def flow_problem():
    """Six parts, each of several requests and consultants competing (a flow component)."""
    rng = random.Random(11)
    parts = []
    for _ in range(6):
        options = {
            r: {c: round(rng.random(), 4) for c in (1, 2, 3)} for r in range(1, rng.randint(4, 8))
        }
        parts.append((options, {1: 1, 2: 2, 3: 1}, {r for r in options if r % 3 == 0}))
    return union_of(*parts)


def test_the_parallel_path_gives_the_same_assignment(counting_pool):
    options, capacity, priority = flow_problem()
    alone = solve(options, capacity, priority, workers=1, min_parallel_arcs=0)
    assert counting_pool.started == 0
    shared = solve(options, capacity, priority, workers=2, min_parallel_arcs=0)
    assert counting_pool.started == 1
    assert shared == alone
    assert key(shared, priority) == key(solve(options, capacity, priority, split=False), priority)


def test_a_small_network_stays_in_process(counting_pool):
    options, capacity, priority = flow_problem()
    solve(options, capacity, priority, workers=2)  # far below MIN_PARALLEL_ARCS
    assert counting_pool.started == 0


@pytest.mark.django_db
def test_the_parallel_path_leaves_the_database_connection_usable(
    counting_pool, settings, monkeypatch, world
):
    """Forking with the test's connection open (SQLite or PostgreSQL, in a transaction):
    the children exit without closing it, and the run still reads the database after."""
    settings.MATCHING_BATCH_WORKERS = 2
    monkeypatch.setattr(components, "MIN_PARALLEL_ARCS", 0)
    before = Consultant.objects.count()
    options, capacity, priority = flow_problem()
    assert solve(options, capacity, priority) == solve(options, capacity, priority, workers=1)
    assert counting_pool.started == 1
    assert Consultant.objects.count() == before
    # The batch as the pages run it, with the setting: one process, nothing to share.
    run = plan([], [], WEIGHTS)
    assert run.assignments == [] and run.greedy_total_score is None


@FAST
@given(several_parts(parts=2, max_requests=4, max_consultants=3))
def test_greedy_only_when_asked(instance):
    requests, consultants = instance
    quiet = plan(requests, consultants, WEIGHTS)
    assert quiet.greedy_total_score is None and "greedy" not in quiet.seconds
    compared = plan(requests, consultants, WEIGHTS, compare=True)
    assert "greedy" in compared.seconds
    options, capacity, priority = problem_of(instance)
    assert compared.greedy_total_score == round(
        sum(a.score for a in greedy(options, capacity, priority)), 4
    )
    assert compared.assignments == quiet.assignments


# --- the reasons of a request nobody can take -------------------------------------------------


@FAST
@given(several_parts(parts=2, max_requests=7, max_consultants=5))
def test_unmet_reasons_count_each_consultant_under_its_first_failing_constraint(instance):
    """For a request with no option, the batch's reasons are the scalar rule's exclusion codes
    counted over every consultant (in reach of its state or not), most common first."""
    requests, consultants = instance
    _, reasons = batch_options(requests, consultants, WEIGHTS)
    for r in requests:
        if r.id not in reasons:
            continue
        counts = Counter(exclusion(r, c) for c in consultants)
        assert None not in counts
        expected = [
            f"{EXCLUSIONS[code]} ({n})"
            for code, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        ]
        assert reasons[r.id] == expected
