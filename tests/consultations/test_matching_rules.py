"""The pure matching rules (consultations.matching) on hand-made cases: the hard constraints
of docs/domain.md, "Matching", one by one, the score and its plain-language reasons, the
ranking, and the batch solver's priority and capacity rules.

Places used (great-circle distances from Madison): Janesville WI 33 mi, Rockford IL 58 mi,
Minneapolis MN 233 mi, Superior WI 285 mi.
"""

import random
from dataclasses import replace

import pytest

from consultations.matching import (
    EXCLUSIONS,
    Assignment,
    ConsultantFacts,
    RequestFacts,
    batch_options,
    exclusion,
    greedy,
    plan,
    rank,
    score,
    score_weights,
    solve,
    summarize,
)
from directory.geo import distance_miles

DANE, ROCK, DOUGLAS, HENNEPIN, WINNEBAGO_IL = 55025, 55105, 55031, 27053, 17201
COUNTY_NAMES = {
    DANE: "Dane County",
    ROCK: "Rock County",
    DOUGLAS: "Douglas County",
    HENNEPIN: "Hennepin County",
    WINNEBAGO_IL: "Winnebago County",
}
MADISON = (43.0731, -89.4012)
JANESVILLE = (42.6828, -89.0187)
ROCKFORD = (42.2711, -89.0940)
MINNEAPOLIS = (44.9778, -93.2650)
SUPERIOR = (46.7208, -92.1041)
ROCKFORD_IL = {"state": "IL", "at": ROCKFORD, "counties": [WINNEBAGO_IL], "modalities": ["on_site"]}

WEIGHTS = score_weights()  # settings.MATCHING_WEIGHTS


# --- builders --------------------------------------------------------------------------------


def request_facts(**overrides) -> RequestFacts:
    """A routine classroom request of a Madison child care center (Dane County, WI)."""
    values = {
        "id": 1,
        "program_id": 100,
        "program_name": "Little Acorns",
        "state": "WI",
        "county_id": DANE,
        "county_name": "Dane County",
        "latitude": MADISON[0],
        "longitude": MADISON[1],
        "setting_type": "child_care_center",
        "concerns": ("challenging_behavior",),
        "modality": "either",
    }
    values.update(overrides)
    if "at" in values:
        values["latitude"], values["longitude"] = values.pop("at")
    for name in ("concerns",):
        values[name] = tuple(values[name])
    values["declined"] = frozenset(values.get("declined", ()))
    return RequestFacts(**values)


def consultant_facts(**overrides) -> ConsultantFacts:
    """An approved Madison consultant, on site and virtual, serving Dane County, 40 miles."""
    values = {
        "id": 10,
        "display_name": "Cora",
        "state": "WI",
        "latitude": MADISON[0],
        "longitude": MADISON[1],
        "travel_radius_miles": 40,
        "modalities": ("on_site", "virtual"),
        "setting_types": ("child_care_center",),
        "specialties": ("challenging_behavior",),
        "languages": ("en",),
        "counties": (DANE,),
        "max_caseload": 5,
    }
    values.update(overrides)
    if "at" in values:
        values["latitude"], values["longitude"] = values.pop("at")
    for name in (
        "modalities",
        "setting_types",
        "specialties",
        "languages",
        "counties",
        "programs_served",
    ):
        if name in values:
            values[name] = frozenset(values[name])
    values.setdefault(
        "county_names", {c: COUNTY_NAMES[c] for c in values["counties"] if c in COUNTY_NAMES}
    )
    return ConsultantFacts(**values)


SPANISH_REQUIRED = {
    "preferred_language": "es",
    "preferred_language_name": "Spanish",
    "language_required": True,
}
SPANISH_PREFERRED = {**SPANISH_REQUIRED, "language_required": False}


def ids(ranking) -> list[int]:
    return [m.consultant_id for m in ranking.matches]


# --- hard constraints ------------------------------------------------------------------------


def test_the_default_pair_is_feasible_by_county():
    request, consultant = request_facts(), consultant_facts()
    assert exclusion(request, consultant) is None
    match = score(request, consultant, WEIGHTS)
    assert (match.reach, match.distance_miles) == ("county", 0.0)


def test_a_required_language_only_matches_its_speakers():
    request = request_facts(**SPANISH_REQUIRED)
    english = consultant_facts(id=10, languages=["en"])
    spanish = consultant_facts(id=11, languages=["en", "es"])
    assert exclusion(request, english) == "language"
    assert exclusion(request, spanish) is None
    ranking = rank(request, [english, spanish])
    assert ids(ranking) == [11]
    assert ranking.excluded["language"] == 1


def test_a_preferred_language_only_changes_the_score():
    request = request_facts(**SPANISH_PREFERRED)
    english = consultant_facts(id=10, languages=["en"])
    spanish = consultant_facts(id=11, languages=["en", "es"])
    assert exclusion(request, english) is None
    ranking = rank(request, [english, spanish])
    assert ids(ranking) == [11, 10]
    by_id = {m.consultant_id: m for m in ranking.matches}
    assert by_id[11].components["language"] == 1.0
    assert by_id[10].components["language"] == 0.0
    # Only the language differs: the gap is exactly the language weight.
    assert by_id[11].score - by_id[10].score == pytest.approx(WEIGHTS["language"])
    assert "does not speak Spanish (preferred, not required)" in by_id[10].reasons


def test_without_a_preferred_language_language_is_neutral():
    request = request_facts(preferred_language=None, language_required=True)
    consultant = consultant_facts(languages=[])
    assert exclusion(request, consultant) is None
    assert score(request, consultant, WEIGHTS).components["language"] == 1.0


@pytest.mark.parametrize(
    ("max_caseload", "active_caseload", "expected"),
    [
        (3, 0, None),
        (3, 2, None),
        (3, 3, "at_capacity"),  # active == max: full
        (3, 4, "at_capacity"),  # over (a lowered maximum): still full
        (0, 0, "at_capacity"),
    ],
)
def test_a_full_caseload_excludes(max_caseload, active_caseload, expected):
    consultant = consultant_facts(max_caseload=max_caseload, active_caseload=active_caseload)
    assert exclusion(request_facts(), consultant) == expected
    assert ids(rank(request_facts(), [consultant])) == ([] if expected else [10])


def test_a_declined_consultant_is_never_ranked_again():
    request = request_facts(declined={10})
    best = consultant_facts(id=10, endorsements=(("infant_mental_health_mentor", "endorsed"),))
    other = consultant_facts(id=11, specialties=[])
    assert exclusion(request, best) == "declined_before"
    ranking = rank(request, [best, other])
    assert ids(ranking) == [11]
    assert ranking.excluded["declined_before"] == 1


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"approved": False}, "not_approved"),
        ({"accepting": False}, "not_accepting"),
        ({"approved": False, "accepting": False}, "not_approved"),
        ({"accepting": False, "active_caseload": 5}, "not_accepting"),
    ],
)
def test_not_approved_or_not_accepting_excludes(overrides, expected):
    assert exclusion(request_facts(), consultant_facts(**overrides)) == expected


# Modality and geography: (request modality, consultant overrides, expected exclusion, reach).
GEOGRAPHY = [
    # modality
    ("on_site", {"modalities": ["virtual"]}, "modality", None),
    ("virtual", {"modalities": ["on_site"]}, "modality", None),
    ("on_site", {"modalities": ["on_site"]}, None, "county"),
    ("virtual", {"modalities": ["virtual"]}, None, "virtual"),
    ("either", {"modalities": ["virtual"]}, None, "virtual"),
    ("either", {"modalities": ["on_site"]}, None, "county"),
    ("either", {"modalities": []}, "modality", None),
    # serves the county although far beyond the radius: feasible on site
    (
        "on_site",
        {"at": SUPERIOR, "counties": [DOUGLAS, DANE], "modalities": ["on_site"]},
        None,
        "county",
    ),
    # within the radius although not serving the county: feasible on site
    ("on_site", {"at": JANESVILLE, "counties": [ROCK], "modalities": ["on_site"]}, None, "radius"),
    # within the radius across a state line
    ("on_site", {**ROCKFORD_IL, "travel_radius_miles": 60}, None, "radius"),
    ("on_site", {**ROCKFORD_IL, "travel_radius_miles": 55}, "out_of_area", None),
    # just beyond the radius, not serving: out of area
    (
        "on_site",
        {"at": JANESVILLE, "counties": [ROCK], "travel_radius_miles": 30},
        "out_of_area",
        None,
    ),
    # beyond the radius and not serving, but virtual acceptable to both in the same state
    ("either", {"at": SUPERIOR, "counties": [DOUGLAS]}, None, "virtual"),
    ("on_site", {"at": SUPERIOR, "counties": [DOUGLAS]}, "out_of_area", None),
    (
        "either",
        {"at": SUPERIOR, "counties": [DOUGLAS], "modalities": ["on_site"]},
        "out_of_area",
        None,
    ),
    # virtual in another state: excluded; on site in another state needs the radius or county
    ("virtual", {"state": "MN", "at": MINNEAPOLIS, "counties": [HENNEPIN]}, "out_of_area", None),
    ("either", {"state": "MN", "at": MINNEAPOLIS, "counties": [HENNEPIN]}, "out_of_area", None),
    ("either", {"state": "MN", "at": MINNEAPOLIS, "counties": [HENNEPIN, DANE]}, None, "county"),
    ("virtual", {"state": "MN", "at": MINNEAPOLIS, "counties": [DANE]}, "out_of_area", None),
    # virtual request: serving the county does not matter, the state does
    ("virtual", {"at": SUPERIOR, "counties": [DOUGLAS]}, None, "virtual"),
    # unknown coordinates: no radius, but the county and virtual still work
    ("on_site", {"at": (None, None), "counties": [ROCK]}, "out_of_area", None),
    ("on_site", {"at": (None, None), "counties": [DANE]}, None, "county"),
    ("either", {"at": (None, None), "counties": [ROCK]}, None, "virtual"),
]


@pytest.mark.parametrize(("modality", "overrides", "expected", "reach"), GEOGRAPHY)
def test_modality_distance_and_county_rules(modality, overrides, expected, reach):
    request = request_facts(modality=modality)
    consultant = consultant_facts(**overrides)
    assert exclusion(request, consultant) == expected
    if expected is None:
        assert score(request, consultant, WEIGHTS).reach == reach


def test_an_on_site_request_without_coordinates_needs_the_county():
    request = request_facts(modality="on_site", at=(None, None))
    assert exclusion(request, consultant_facts(counties=[DANE])) is None
    assert exclusion(request, consultant_facts(counties=[ROCK])) == "out_of_area"


def test_the_radius_boundary_is_inclusive():
    miles = distance_miles(*MADISON, *JANESVILLE)
    assert miles == pytest.approx(33.2, abs=0.05)
    request = request_facts(modality="on_site")
    inside = consultant_facts(at=JANESVILLE, counties=[ROCK], travel_radius_miles=34)
    outside = consultant_facts(at=JANESVILLE, counties=[ROCK], travel_radius_miles=33)
    assert exclusion(request, inside) is None
    assert exclusion(request, outside) == "out_of_area"


# --- exclusion counts --------------------------------------------------------------------------


def test_rank_counts_each_excluded_consultant_once_under_its_first_failing_constraint():
    request = request_facts(modality="on_site", declined={14}, **SPANISH_REQUIRED)
    consultants = [
        consultant_facts(id=10, languages=["es"]),  # feasible
        consultant_facts(id=11, approved=False, accepting=False, active_caseload=5),
        consultant_facts(id=19, license_lapsed=True, accepting=False, languages=[]),
        consultant_facts(id=12, accepting=False, active_caseload=5, languages=[]),
        consultant_facts(id=13, active_caseload=5, modalities=["virtual"]),
        consultant_facts(id=14, modalities=["virtual"], languages=[]),  # declined first
        consultant_facts(id=15, modalities=["virtual"], languages=[]),  # modality first
        consultant_facts(id=16, at=SUPERIOR, counties=[DOUGLAS], languages=[]),  # area first
        consultant_facts(id=17, languages=["en"]),  # language
        consultant_facts(id=18, at=JANESVILLE, counties=[ROCK], languages=["es"]),  # radius
    ]
    ranking = rank(request, consultants)
    assert ids(ranking) == [10, 18]
    assert ranking.excluded == {
        "not_approved": 1,
        "credential_lapsed": 1,
        "not_accepting": 1,
        "at_capacity": 1,
        "declined_before": 1,
        "modality": 1,
        "out_of_area": 1,
        "language": 1,
    }
    assert list(ranking.excluded) == list(EXCLUSIONS)
    assert sum(ranking.excluded.values()) + len(ranking.matches) == len(consultants)


def test_rank_adds_counts_found_elsewhere():
    ranking = rank(
        request_facts(),
        [consultant_facts(id=10), consultant_facts(id=11, approved=False)],
        excluded={"not_approved": 3, "language": 2},
    )
    assert ranking.excluded["not_approved"] == 4
    assert ranking.excluded["language"] == 2
    assert ranking.excluded["modality"] == 0


# --- score -----------------------------------------------------------------------------------


MENTOR = (("infant_mental_health_mentor", "endorsed"),)


def rich_pair():
    """A pair where every component takes a distinct, hand-checkable value."""
    request = request_facts(
        concerns=["challenging_behavior", "trauma_exposure"], **SPANISH_PREFERRED
    )
    consultant = consultant_facts(
        specialties=["classroom_practices"],  # answers challenging behavior, not trauma
        languages=["en", "es"],
        max_caseload=4,
        active_caseload=1,
        programs_served=[100],
        # In process, for ages the request names none of: half the endorsement component.
        endorsements=(("infant_family_specialist", "in_process"),),
    )
    return request, consultant


def test_score_components_and_weighted_mean_by_hand():
    request, consultant = rich_pair()
    match = score(request, consultant, WEIGHTS)
    assert match.components == {
        "specialty": 0.5,
        "setting": 1.0,
        "language": 1.0,
        "distance": 1.0,
        "room": 0.75,
        "continuity": 1.0,
        "endorsement": 0.5,
    }
    # 0.30*0.5 + 0.10*1 + 0.15*1 + 0.15*1 + 0.10*0.75 + 0.10*1 + 0.10*0.5
    assert match.score == pytest.approx(0.775, abs=1e-9)


def test_the_distance_component_falls_linearly_to_zero_at_the_radius():
    request = request_facts(modality="on_site")
    near = consultant_facts(at=JANESVILLE, counties=[ROCK], travel_radius_miles=66.4)
    match = score(request, near, WEIGHTS)
    assert match.reach == "radius"
    assert match.distance_miles == 33.2
    assert match.components["distance"] == pytest.approx(0.5, abs=1e-3)
    # Serving the county far away: feasible, but no distance credit beyond the radius.
    far = consultant_facts(at=SUPERIOR, counties=[DANE], travel_radius_miles=40)
    assert score(request, far, WEIGHTS).components["distance"] == 0.0
    # Virtual work earns no distance credit either.
    virtual = consultant_facts(at=SUPERIOR, counties=[DOUGLAS])
    assert score(request_facts(), virtual, WEIGHTS).components["distance"] == 0.0


@pytest.mark.parametrize(
    "weights",
    [
        {k: 2 * v for k, v in WEIGHTS.items()},  # scaling the weights changes nothing
        {**WEIGHTS, "unknown": 5.0},  # an unknown weight is ignored
    ],
)
def test_the_weights_are_normalised(weights):
    request, consultant = rich_pair()
    assert score(request, consultant, weights).score == pytest.approx(0.775, abs=1e-4)


def test_a_single_weight_makes_the_score_that_component():
    request, consultant = rich_pair()
    assert score(request, consultant, {"room": 1.0}).score == 0.75
    assert score(request, consultant, {"specialty": 3.0}).score == 0.5


@pytest.mark.parametrize(
    ("request_overrides", "consultant_overrides"),
    [
        ({}, {}),
        ({"concerns": ["trauma_exposure", "staff_stress", "transitions"]}, {"specialties": []}),
        ({"modality": "virtual"}, {"at": SUPERIOR, "counties": [DOUGLAS], "max_caseload": 1}),
        (
            {"setting_type": "head_start"},
            {"endorsements": (("infant_mental_health_mentor", "endorsed"),)},
        ),
        (SPANISH_PREFERRED, {"active_caseload": 4, "programs_served": [100, 101]}),
        ({"modality": "on_site"}, {"at": JANESVILLE, "counties": [DANE], "travel_radius_miles": 0}),
    ],
)
def test_every_component_is_in_the_unit_interval(request_overrides, consultant_overrides):
    request = request_facts(**request_overrides)
    consultant = consultant_facts(**consultant_overrides)
    assert exclusion(request, consultant) is None
    match = score(request, consultant, WEIGHTS)
    assert set(match.components) == set(WEIGHTS)
    assert all(0.0 <= v <= 1.0 for v in match.components.values())
    expected = sum(WEIGHTS[k] * v for k, v in match.components.items()) / sum(WEIGHTS.values())
    assert 0.0 <= match.score <= 1.0
    assert match.score == pytest.approx(expected, abs=1e-4)


def test_reasons_are_plain_language():
    request, consultant = rich_pair()
    reasons = score(request, consultant, WEIGHTS).reasons
    assert reasons == [
        "covers 1 of 2 concerns (challenging behavior)",
        "works with licensed child care centers",
        "speaks Spanish",
        "serves Dane County",
        "0 miles away (travels up to 40)",
        "3 of 4 places free",
        "has worked with this program before",
        "IMH-E® Infant Family Specialist (in process)",
    ]


def test_reasons_for_a_weaker_virtual_match():
    request = request_facts(setting_type="home_visiting", **SPANISH_PREFERRED)
    consultant = consultant_facts(
        at=SUPERIOR, counties=[DOUGLAS], specialties=[], max_caseload=2, active_caseload=0
    )
    reasons = score(request, consultant, WEIGHTS).reasons
    assert reasons == [
        "no specialty matches the concerns",
        "does not speak Spanish (preferred, not required)",
        "works virtually in the program's state",
        "2 of 2 places free",
    ]


def test_reasons_name_the_county_and_the_radius():
    request = request_facts(modality="on_site")
    consultant = consultant_facts(at=JANESVILLE, counties=[ROCK], travel_radius_miles=50)
    reasons = score(request, consultant, WEIGHTS).reasons
    assert "33 miles away (travels up to 50)" in reasons
    assert not any(r.startswith("serves") for r in reasons)
    single = score(request_facts(), consultant_facts(), WEIGHTS).reasons
    assert single[0] == "specialises in the concern (challenging behavior)"
    assert "serves Dane County" in single


# --- ranking ---------------------------------------------------------------------------------


def test_ranking_is_best_first_with_ties_broken_by_id():
    request = request_facts()
    twins = [consultant_facts(id=i) for i in (31, 12, 25)]
    weaker = consultant_facts(id=5, specialties=[])
    stronger = consultant_facts(id=40, endorsements=(("infant_mental_health_mentor", "endorsed"),))
    consultants = [*twins, weaker, stronger]
    expected = [40, 12, 25, 31, 5]
    assert ids(rank(request, consultants)) == expected
    for seed in range(5):
        shuffled = consultants[:]
        random.Random(seed).shuffle(shuffled)
        assert ids(rank(request, shuffled)) == expected
    scores = [m.score for m in rank(request, consultants).matches]
    assert scores == sorted(scores, reverse=True)


def test_ranking_favours_room_on_the_caseload():
    request = request_facts()
    busy = consultant_facts(id=1, max_caseload=10, active_caseload=9)
    free = consultant_facts(id=2, max_caseload=10, active_caseload=1)
    assert ids(rank(request, [busy, free])) == [2, 1]


# --- the batch -------------------------------------------------------------------------------


def pairs(assignments) -> list[tuple[int, int]]:
    return [(a.request_id, a.consultant_id) for a in assignments]


def test_a_priority_request_gets_the_only_place_even_when_a_routine_one_fits_better():
    options = {1: {10: 0.95}, 2: {10: 0.20}}
    assert pairs(solve(options, {10: 1}, priority={2})) == [(2, 10)]
    assert pairs(solve(options, {10: 1})) == [(1, 10)]


def test_priority_dominates_any_sum_of_routine_scores():
    # Serving the priority request at 10 costs three routine requests their only option.
    options = {1: {10: 0.1, 11: 0.05}, 2: {11: 0.9}, 3: {11: 0.9}, 4: {11: 0.9}, 5: {10: 0.9}}
    assert pairs(solve(options, {10: 1, 11: 3})) == [(2, 11), (3, 11), (4, 11), (5, 10)]
    # With 1 a priority: 1→10 (total 2.8) beats 1→11 (2.75); 5 gives way.
    assert pairs(solve(options, {10: 1, 11: 3}, priority={1})) == [
        (1, 10),
        (2, 11),
        (3, 11),
        (4, 11),
    ]


def test_solve_leaves_a_request_unmatched_rather_than_exceed_capacity():
    options = {1: {10: 0.5}, 2: {10: 0.7}, 3: {10: 0.6}}
    assert solve(options, {10: 2}) == [Assignment(2, 10, 0.7), Assignment(3, 10, 0.6)]
    assert solve(options, {10: 0}) == []
    assert solve(options, {}) == []


def test_solve_beats_greedy_when_greedy_blocks_a_better_pair():
    options = {1: {10: 0.9, 11: 0.8}, 2: {10: 0.85}}
    capacity = {10: 1, 11: 1}
    assert pairs(greedy(options, capacity)) == [(1, 10)]
    assert pairs(solve(options, capacity)) == [(1, 11), (2, 10)]


def test_solve_handles_requests_without_options_and_returns_sorted_assignments():
    options = {3: {10: 0.4}, 1: {}, 2: {11: 0.3, 10: 0.2}}
    result = solve(options, {10: 1, 11: 1}, priority=[1])
    assert result == [Assignment(2, 11, 0.3), Assignment(3, 10, 0.4)]


def test_priority_is_lexicographic_even_when_it_costs_other_priority_requests():
    # All three are priority; all three can be matched (1→10, 2→11, 3→12), but only if 2 and 3
    # move to their weaker options. Matching the most priority requests comes first.
    options = {1: {10: 0.1}, 2: {10: 0.9, 11: 0.1}, 3: {11: 0.9, 12: 0.1}}
    capacity = {10: 1, 11: 1, 12: 1}
    assert pairs(greedy(options, capacity, priority={1, 2, 3})) == [(1, 10), (2, 11), (3, 12)]
    assert pairs(solve(options, capacity, priority={1, 2, 3})) == [(1, 10), (2, 11), (3, 12)]


def test_summarize_reports_totals_and_why_requests_stay_unmatched():
    options = {1: {10: 0.6}, 2: {10: 0.8}, 3: {}}
    assignments = solve(options, {10: 1}, priority={1})
    summary = summarize(options, assignments, {1}, {3: ["caseload full (2)"]})
    assert pairs(summary.assignments) == [(1, 10)]
    assert summary.total_score == 0.6
    assert summary.priority_matched == 1
    assert summary.upper_bound == 1.4
    assert summary.ratio_to_bound == pytest.approx(0.6 / 1.4)
    assert summary.unmatched == {
        2: ["every feasible consultant's places went to better-fitting requests"],
        3: ["caseload full (2)"],
    }


@pytest.mark.parametrize(
    ("setting_type", "expected"),
    [
        ("child_care_center", "works with licensed child care centers"),
        ("family_child_care", "works with family child care homes"),
        ("home_visiting", "works with home visiting programs"),
    ],
)
def test_the_setting_reason_names_the_setting(setting_type, expected):
    request = request_facts(setting_type=setting_type)
    consultant = consultant_facts(setting_types=[setting_type])
    assert expected in score(request, consultant, WEIGHTS).reasons


@pytest.mark.parametrize(
    ("setting_type", "proper_noun"),
    [("head_start", "Head Start"), ("public_preschool", "4K")],
)
def test_the_setting_reason_keeps_proper_nouns(setting_type, proper_noun):
    request = request_facts(setting_type=setting_type)
    consultant = consultant_facts(setting_types=[setting_type])
    reasons = score(request, consultant, WEIGHTS).reasons
    setting_reason = next(r for r in reasons if r.startswith("works with"))
    assert proper_noun in setting_reason
    assert not setting_reason.endswith("starts")


# --- the core rules through the batch (rules in array form, then the solver) ----------------


def test_the_batch_never_offers_a_request_to_a_consultant_who_declined_it():
    declined = request_facts(declined={10})
    best = consultant_facts(id=10, endorsements=(("infant_mental_health_mentor", "endorsed"),))
    other = consultant_facts(id=11, specialties=[])
    options, _ = batch_options([declined], [best, other], WEIGHTS)
    assert set(options[declined.id]) == {11}
    assert pairs(plan([declined], [best, other], WEIGHTS).assignments) == [(1, 11)]


def test_a_request_only_its_decliner_could_take_stays_unmatched_with_the_reason():
    declined = request_facts(declined={10})
    result = plan([declined], [consultant_facts(id=10)], WEIGHTS)
    assert result.assignments == []
    assert result.unmatched == {1: [f"{EXCLUSIONS['declined_before']} (1)"]}


def test_the_batch_gives_the_only_place_to_the_priority_request_that_fits_worse():
    routine = request_facts(id=1, concerns=("challenging_behavior",))
    priority = request_facts(id=2, concerns=("trauma_exposure",), priority=True)
    only = consultant_facts(id=10, max_caseload=1, specialties=["challenging_behavior"])
    assert score(routine, only, WEIGHTS).score > score(priority, only, WEIGHTS).score
    result = plan([routine, priority], [only], WEIGHTS)
    assert pairs(result.assignments) == [(2, 10)]
    assert result.priority_matched == 1
    assert list(result.unmatched) == [1]
    # Without the priority, the better fit wins.
    result = plan([routine, replace(priority, priority=False)], [only], WEIGHTS)
    assert pairs(result.assignments) == [(1, 10)]


def test_the_batch_result_carries_what_the_pages_show():
    result = plan([request_facts()], [consultant_facts(display_name="Cora")], WEIGHTS)
    assert result.consultant_names[10] == "Cora"
    facts = result.consultations[1]
    assert (facts.program_name, facts.county_name, facts.priority) == (
        "Little Acorns",
        "Dane County",
        False,
    )
