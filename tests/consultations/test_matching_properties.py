"""Properties of the matching module on small random instances (hypothesis).

The scalar `exclusion` and `score` are the reference: the vectorised `batch_options` must agree
with them pair by pair, and `solve` must be feasible, optimal (against an exhaustive search
written here, independent of OR-Tools), never worse than `greedy`, and deterministic.

An instance: 1–7 requests and 1–5 consultants in four counties (three in WI, one in MN) with
coordinates in a ~300-mile box or unknown, travel radii 0–300 miles, random concerns,
specialties, languages, modalities and settings, free places 0–3, hours a week stated or not
(with requests of different weights, so the hours bind), current endorsements for either ages,
some lapsed licences, some priority requests and some earlier declines.
"""

import itertools
import os
import random
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from consultations.matching import (
    EXCLUSIONS,
    SCORE_SCALE,
    ConsultantFacts,
    RequestFacts,
    batch_options,
    exclusion,
    greedy,
    rank,
    score,
    score_weights,
    solve,
)
from consultations.matching.arrays import (
    ConsultantColumns,
    feasible_pairs,
    normalised_weights,
    pair_arrays,
)
from consultations.matching.capacity import batch_capacity, fits_both_limits
from directory.vocabularies import Concern, Endorsement, EndorsementStatus, SettingType, Specialty

WEIGHTS = score_weights()  # settings.MATCHING_WEIGHTS

COUNTY_STATE = {1: "WI", 2: "WI", 3: "WI", 4: "MN"}
LANGUAGES = ["en", "es", "hmn", "so"]
PROGRAMS = [100, 101, 102]

# No example database: nothing is saved between runs; a failure prints its example. Each
# property tries 150 random instances in CI (.ci/run sets HYPOTHESIS_PROFILE=thorough) and 50 in
# a developer's `make test`, the explicit examples always; those checked against an exhaustive
# search take 8/15 of that (80 in CI). The instances are random (not derandomized), so repeated
# local runs keep trying new ones. Not a loaded hypothesis profile: schemathesis
# (tests/test_fuzz_api.py) would take its max_examples over its own.
FAST = settings(
    max_examples=150 if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else 50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
EXHAUSTIVE = settings(FAST, max_examples=FAST.max_examples * 8 // 15)


# --- strategies ------------------------------------------------------------------------------


# The strategies are built once, here, not inside each draw: hypothesis caches what it works out
# about a strategy on the strategy, and a new one per draw (sampled_from of a list is not
# cached by its arguments) had it work that out again each time, most of these tests' time.
mostly_true = st.sampled_from([True] * 7 + [False])
one_in_eight = st.integers(0, 7)
latitudes = st.floats(42.0, 47.0, allow_nan=False)
longitudes = st.floats(-93.0, -87.0, allow_nan=False)
places_free_ = st.sampled_from([1, 2, 3, 0])
zero_to_two = st.integers(0, 2)
states = st.sampled_from(["WI", "WI", "MN"])
radii = st.integers(0, 300)
modality_sets = st.sets(st.sampled_from(["on_site", "virtual"]), min_size=1, max_size=2)
setting_type_sets = st.sets(st.sampled_from(SettingType.values), max_size=3)
specialty_sets = st.sets(st.sampled_from(Specialty.values), max_size=4)
language_sets = st.sets(st.sampled_from(LANGUAGES), max_size=3)
county_sets = st.sets(st.sampled_from(sorted(COUNTY_STATE)), max_size=3)
endorsement_maps = st.dictionaries(
    st.sampled_from(Endorsement.values[1:]), st.sampled_from(EndorsementStatus.values), max_size=2
)
one_in_ten = st.integers(0, 9)
# Hours: none stated, or quarter hours around the levels' weights (1.5 to 3 a week).
hours_available_ = st.none() | st.sampled_from([2.0, 3.0, 4.5, 6.0, 10.0])
hours_committed_ = st.sampled_from([0.0, 0.0, 1.5, 2.75])
brief_teams = st.sampled_from([False, False, True])
program_sets = st.sets(st.sampled_from(PROGRAMS), max_size=2)
counties = st.sampled_from(sorted(COUNTY_STATE))
languages_or_none = st.none() | st.sampled_from(LANGUAGES)
programs = st.sampled_from(PROGRAMS)
setting_types = st.sampled_from(SettingType.values)
concern_lists = st.lists(st.sampled_from(Concern.values), min_size=1, max_size=3, unique=True)
request_modalities = st.sampled_from(["on_site", "virtual", "either"])
weekly_hours_ = st.sampled_from([1.5, 2.0, 3.0, 0.25, 4.5])
age_sets = st.sets(st.sampled_from(["0_3", "3_6"]))
one_in_four = st.integers(0, 3)


@st.composite
def coordinates(draw):
    if draw(one_in_eight) == 0:
        return None, None
    return draw(latitudes), draw(longitudes)


@st.composite
def consultant_facts(draw, consultant_id: int) -> ConsultantFacts:
    latitude, longitude = draw(coordinates())
    places_free = draw(places_free_)
    max_caseload = places_free + draw(zero_to_two) or 1
    return ConsultantFacts(
        id=consultant_id,
        display_name=f"Consultant {consultant_id}",
        state=draw(states),
        latitude=latitude,
        longitude=longitude,
        travel_radius_miles=draw(radii),
        modalities=frozenset(draw(modality_sets)),
        setting_types=frozenset(draw(setting_type_sets)),
        specialties=frozenset(draw(specialty_sets)),
        languages=frozenset(draw(language_sets)),
        counties=frozenset(draw(county_sets)),
        max_caseload=max_caseload,
        active_caseload=max_caseload - places_free,
        endorsements=tuple(sorted(draw(endorsement_maps).items())),
        license_lapsed=draw(one_in_ten) == 0,
        hours_available=draw(hours_available_),
        hours_committed=draw(hours_committed_),
        approved=draw(mostly_true),
        accepting=draw(mostly_true),
        brief_team=draw(brief_teams),
        programs_served=frozenset(draw(program_sets)),
    )


@st.composite
def request_facts(draw, request_id: int, consultant_ids: list[int]) -> RequestFacts:
    county = draw(counties)
    latitude, longitude = draw(coordinates())
    language = draw(languages_or_none)
    return RequestFacts(
        id=request_id,
        program_id=draw(programs),
        program_name="A program",
        state=COUNTY_STATE[county],
        county_id=county,
        county_name=f"County {county}",
        latitude=latitude,
        longitude=longitude,
        setting_type=draw(setting_types),
        concerns=tuple(draw(concern_lists)),
        modality=draw(request_modalities),
        preferred_language=language,
        preferred_language_name=None,
        language_required=draw(st.booleans()),
        priority=draw(zero_to_two) == 0,
        weekly_hours=draw(weekly_hours_),
        ages=frozenset(draw(age_sets)),
        declined=frozenset(draw(st.sets(st.sampled_from(consultant_ids), max_size=1)))
        if draw(one_in_four) == 0
        else frozenset(),
    )


@st.composite
def instances(draw, max_requests: int = 7, max_consultants: int = 5):
    """(requests, consultants) with distinct, unordered ids."""
    consultant_ids = draw(
        st.lists(st.integers(1, 99), min_size=1, max_size=max_consultants, unique=True)
    )
    request_ids = draw(
        st.lists(st.integers(1, 999), min_size=1, max_size=max_requests, unique=True)
    )
    consultants = [draw(consultant_facts(cid)) for cid in consultant_ids]
    requests = [draw(request_facts(rid, consultant_ids)) for rid in request_ids]
    return requests, consultants


def reference_options(requests, consultants) -> dict[int, dict[int, float]]:
    """Each request's feasible consultants and scores, by the scalar rules."""
    return {
        r.id: {c.id: score(r, c, WEIGHTS).score for c in consultants if exclusion(r, c) is None}
        for r in requests
    }


def problem_of(instance):
    """(options, capacity, priority) as matching_run builds them."""
    requests, consultants = instance
    options = reference_options(requests, consultants)
    capacity = batch_capacity(options, requests, consultants)
    priority = {r.id for r in requests if r.priority}
    return options, capacity, priority


raw_consultants = st.lists(st.integers(1, 50), min_size=1, max_size=4, unique=True)
raw_capacities = st.sampled_from([1, 0, 2, 3])
raw_requests = st.lists(st.integers(1, 500), min_size=1, max_size=7, unique=True)
raw_scores = st.sampled_from([0.05, 0.95]) | st.integers(0, 100).map(lambda n: n / 100)


@st.composite
def raw_problems(draw):
    """Assignment problems drawn directly: denser and harder than realistic facts give."""
    consultants = draw(raw_consultants)
    capacity = {c: draw(raw_capacities) for c in consultants}
    request_ids = draw(raw_requests)
    options = {
        r: {c: draw(raw_scores) for c in draw(st.sets(st.sampled_from(consultants), max_size=3))}
        for r in request_ids
    }
    if draw(st.booleans()):
        priority = set(request_ids)  # every request a priority: the bonus is at its smallest
    else:
        priority = draw(st.sets(st.sampled_from(request_ids)))
    return options, capacity, priority


problems = instances().map(problem_of) | raw_problems()


# --- helpers ---------------------------------------------------------------------------------


def scaled(value: float) -> int:
    return round(value * SCORE_SCALE)


def key(assignments, priority) -> tuple[int, int]:
    """What the batch maximises, lexicographically: priority requests matched, then the
    total score (in the solver's integer units, so ties are exact)."""
    return (
        sum(1 for a in assignments if a.request_id in priority),
        sum(scaled(a.score) for a in assignments),
    )


def brute_force(options, capacity, priority) -> tuple[int, int]:
    """The best key over every assignment: each request to one of its options or to nobody
    (consultants without a free place are never an option)."""
    request_ids = sorted(options)
    choices = [
        [None, *sorted(c for c in options[r] if capacity.get(c, 0) > 0)] for r in request_ids
    ]
    best = (0, 0)
    for combo in itertools.product(*choices):
        used = Counter(c for c in combo if c is not None)
        if any(n > capacity[c] for c, n in used.items()):
            continue
        chosen = [(r, c) for r, c in zip(request_ids, combo, strict=True) if c is not None]
        candidate = (
            sum(1 for r, _ in chosen if r in priority),
            sum(scaled(options[r][c]) for r, c in chosen),
        )
        best = max(best, candidate)
    return best


def shuffled_problem(options, capacity, priority, seed: int):
    rng = random.Random(seed)

    def shuffled(mapping):
        items = list(mapping.items())
        rng.shuffle(items)
        return dict(items)

    priority = list(priority)
    rng.shuffle(priority)
    return (
        shuffled({r: shuffled(opts) for r, opts in options.items()}),
        shuffled(capacity),
        priority,
    )


# Three priority requests that can all be matched (1→10, 2→11, 3→12), but only if 2 and 3
# move to their weak options; no routine request, so solve()'s bonus is only SCORE_SCALE + 1.
PRIORITY_CHAIN = (
    {1: {10: 0.1}, 2: {10: 0.9, 11: 0.1}, 3: {11: 0.9, 12: 0.1}},
    {10: 1, 11: 1, 12: 1},
    {1, 2, 3},
)
# --- (a) batch_options agrees with the scalar rules --------------------------------------------


@FAST
@given(instances())
def test_batch_options_are_exactly_the_feasible_pairs_with_their_scalar_scores(instance):
    requests, consultants = instance
    options, reasons = batch_options(requests, consultants, WEIGHTS)
    assert set(options) == {r.id for r in requests}
    for r in requests:
        expected = {c.id for c in consultants if exclusion(r, c) is None}
        assert set(options[r.id]) == expected, (r, options[r.id])
        for c in consultants:
            if c.id in expected:
                assert options[r.id][c.id] == pytest.approx(score(r, c, WEIGHTS).score, abs=1e-4)
        if expected:
            assert r.id not in reasons
        else:
            # Every consultant is accounted for once in the unmet request's reasons.
            counted = sum(int(text.rsplit("(", 1)[1].rstrip(")")) for text in reasons[r.id])
            assert counted == len(consultants)


@FAST
@given(instances(max_requests=9, max_consultants=8))
def test_the_compiled_pairs_are_the_matrices_feasible_pairs_and_scores(instance):
    """arrays.feasible_pairs (the batch's compiled pass) against arrays.pair_arrays (the
    matrices the snapshot reads), state by state: the same pairs, the same scores."""
    requests, consultants = instance
    columns, w = ConsultantColumns(consultants), normalised_weights(WEIGHTS)
    for state in sorted({r.state for r in requests}):
        block = [r for r in requests if r.state == state]
        pairs = pair_arrays(block, columns, state, w)
        feasible = pairs.reach & pairs.hours_fit
        for i, r in enumerate(block):
            if r.language_required:
                feasible[i] &= pairs.speaks[i]
            for j, c in enumerate(consultants):
                feasible[i, j] &= c.id not in r.declined
        rows, found, scores = feasible_pairs(block, columns, state, w)
        expected_rows, expected_found = np.nonzero(feasible)
        assert rows.tolist() == expected_rows.tolist()
        assert found.tolist() == expected_found.tolist()
        assert scores == pytest.approx(pairs.unrounded_at(rows, found), rel=1e-12, abs=1e-12)


@FAST
@given(instances(), st.randoms(use_true_random=False))
def test_batch_options_do_not_depend_on_input_order(instance, rng):
    requests, consultants = instance
    options, reasons = batch_options(requests, consultants)
    requests, consultants = requests[:], consultants[:]
    rng.shuffle(requests)
    rng.shuffle(consultants)
    assert batch_options(requests, consultants) == (options, reasons)


@FAST
@given(instances(max_requests=1))
def test_rank_agrees_with_batch_options_for_one_request(instance):
    (request,), consultants = instance
    ranking = rank(request, consultants)
    options, _ = batch_options([request], consultants)
    assert {m.consultant_id: m.score for m in ranking.matches} == pytest.approx(
        options[request.id], abs=1e-4
    )
    assert sum(ranking.excluded.values()) + len(ranking.matches) == len(consultants)
    for code, n in ranking.excluded.items():
        assert n == sum(1 for c in consultants if exclusion(request, c) == code)


@pytest.mark.parametrize(
    ("modality", "consultant_modalities", "declined", "first_failure"),
    [
        ("on_site", {"virtual"}, frozenset(), "modality"),
        ("on_site", {"on_site"}, frozenset({7}), "declined_before"),
    ],
)
def test_unmet_reasons_name_the_first_failing_constraint(
    modality, consultant_modalities, declined, first_failure
):
    request = RequestFacts(
        id=1,
        program_id=100,
        program_name="A program",
        state="WI",
        county_id=1,
        county_name="County 1",
        latitude=43.07,
        longitude=-89.40,
        setting_type="child_care_center",
        concerns=("challenging_behavior",),
        modality=modality,
        declined=declined,
    )
    far_away_in_mn = ConsultantFacts(
        id=7,
        display_name="Mo",
        state="MN",
        latitude=44.98,
        longitude=-93.27,
        travel_radius_miles=30,
        modalities=frozenset(consultant_modalities),
        setting_types=frozenset(),
        specialties=frozenset(),
        languages=frozenset(),
        counties=frozenset({4}),
        max_caseload=3,
    )
    assert exclusion(request, far_away_in_mn) == first_failure
    options, reasons = batch_options([request], [far_away_in_mn])
    assert options == {1: {}}
    assert reasons == {1: [f"{EXCLUSIONS[first_failure]} (1)"]}


# --- (b) solve is feasible ---------------------------------------------------------------------


@FAST
@given(instances())
def test_solve_respects_capacity_and_the_hard_constraints(instance):
    requests, consultants = instance
    options, capacity, priority = problem_of(instance)
    assignments = solve(options, capacity, priority)
    by_id = {r.id: r for r in requests}
    consultant_by_id = {c.id: c for c in consultants}
    request_ids = [a.request_id for a in assignments]
    assert request_ids == sorted(set(request_ids))  # each request at most once, sorted
    # Both limits hold: the places and the hours free, by the requests' own weights.
    assert fits_both_limits(assignments, requests, consultants)
    for a in assignments:
        assert exclusion(by_id[a.request_id], consultant_by_id[a.consultant_id]) is None
        assert a.score == options[a.request_id][a.consultant_id]


@FAST
@given(raw_problems())
def test_solve_respects_capacity_on_dense_problems(problem):
    options, capacity, priority = problem
    assignments = solve(options, capacity, priority)
    assert len({a.request_id for a in assignments}) == len(assignments)
    for consultant_id, n in Counter(a.consultant_id for a in assignments).items():
        assert n <= capacity[consultant_id]
    for a in assignments:
        assert a.score == options[a.request_id][a.consultant_id]


# --- (c) solve is optimal ----------------------------------------------------------------------


@EXHAUSTIVE
@given(problems)
def test_solve_is_optimal_without_priority(problem):
    options, capacity, _ = problem
    assert key(solve(options, capacity), set()) == brute_force(options, capacity, set())


@EXHAUSTIVE
@given(problems)
def test_solve_is_optimal_with_at_most_one_priority_request(problem):
    options, capacity, priority = problem
    priority = set(sorted(priority)[:1])
    assert key(solve(options, capacity, priority), priority) == brute_force(
        options, capacity, priority
    )


@EXHAUSTIVE
@given(problems)
@example(PRIORITY_CHAIN)
def test_solve_is_optimal_priority_first(problem):
    options, capacity, priority = problem
    assert key(solve(options, capacity, priority), priority) == brute_force(
        options, capacity, priority
    )


def test_the_brute_force_itself_on_a_hand_checked_case():
    options, capacity, priority = PRIORITY_CHAIN
    assert brute_force(options, capacity, priority) == (3, 3000)
    assert brute_force(options, capacity, set()) == (0, 18000)
    assert brute_force({1: {10: 0.5}}, {10: 0}, set()) == (0, 0)


# --- (d) solve is never worse than greedy -----------------------------------------------------


@FAST
@given(problems)
def test_solve_total_is_not_below_greedy_when_as_many_priority_requests_are_matched(problem):
    options, capacity, priority = problem
    optimal = key(solve(options, capacity, priority), priority)
    obvious = key(greedy(options, capacity, priority), priority)
    if optimal[0] == obvious[0]:
        assert optimal[1] >= obvious[1]


@FAST
@given(problems)
def test_solve_is_not_below_greedy_without_priority(problem):
    options, capacity, _ = problem
    assert key(solve(options, capacity), set()) >= key(greedy(options, capacity), set())


@FAST
@given(problems)
@example(PRIORITY_CHAIN)
def test_solve_is_not_below_greedy_lexicographically(problem):
    options, capacity, priority = problem
    assert key(solve(options, capacity, priority), priority) >= key(
        greedy(options, capacity, priority), priority
    )


# --- (e) deterministic -------------------------------------------------------------------------


@FAST
@given(problems, st.integers(0, 2**16))
def test_solve_is_deterministic_whatever_the_insertion_order(problem, seed):
    options, capacity, priority = problem
    first = solve(options, capacity, priority)
    assert solve(options, capacity, priority) == first
    assert solve(*shuffled_problem(options, capacity, priority, seed)) == first
    assert greedy(*shuffled_problem(options, capacity, priority, seed)) == greedy(
        options, capacity, priority
    )


@FAST
@given(instances(max_requests=1), st.randoms(use_true_random=False))
def test_rank_is_deterministic_whatever_the_order_of_consultants(instance, rng):
    (request,), consultants = instance
    expected = rank(request, consultants)
    consultants = consultants[:]
    rng.shuffle(consultants)
    again = rank(request, consultants)
    assert again.matches == expected.matches
    assert again.excluded == expected.excluded
