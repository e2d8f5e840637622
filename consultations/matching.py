"""Matching: who may take a request (hard constraints), how well they fit (score, explained),
and the best assignment of every open request at once (batch). Plain data in, plain data out:
no ORM here, so every rule can be tested on hand-made cases (consultations.selectors builds the
facts from the database).

The rules are those of ../shared/DOMAIN.md, "Matching". Scores are in [0, 1]: a weighted mean
of components, each in [0, 1], with the weights of settings.MATCHING_WEIGHTS.

The batch is a maximum-weight b-matching solved exactly as a min-cost flow with Google OR-Tools
(source → request, capacity 1; request → consultant, cost −score; consultant → sink, capacity
= free places; request → sink, cost 0, so a request may stay unmatched). Priority requests are
matched first lexicographically: each of their edges carries a bonus larger than the sum of
every request's best score, so no gain in score can ever outweigh one more priority request.
"""

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from directory.vocabularies import CONCERN_SPECIALTIES, Concern, Endorsement, SettingType

EARTH_RADIUS_MILES = 3958.8
SCORE_SCALE = 10_000  # scores become integers (0..10,000) for the flow solver

DEFAULT_WEIGHTS: dict[str, float] = {
    "specialty": 0.30,
    "setting": 0.10,
    "language": 0.15,
    "distance": 0.15,
    "room": 0.10,
    "continuity": 0.10,
    "endorsement": 0.10,
}

# Hard constraints, in the order they are checked; a consultant is counted under the first it
# fails, so the counts add up to the consultants excluded.
EXCLUSIONS: dict[str, str] = {
    "not_approved": "listing not approved",
    "not_accepting": "not accepting new requests",
    "at_capacity": "caseload full (counting offers awaiting an answer)",
    "declined_before": "declined this request before",
    "modality": "does not offer the modality asked for",
    "out_of_area": "does not serve the program's county, is beyond travel radius and cannot "
    "work virtually in the program's state",
    "language": "does not speak the required language",
}

ENDORSEMENT_LEVEL = {code: i for i, code in enumerate(Endorsement.values)}
# How a reason names the program's kind of setting ("works with family child care homes").
SETTING_PHRASES = {
    SettingType.CHILD_CARE_CENTER: "licensed child care centers",
    SettingType.FAMILY_CHILD_CARE: "family child care homes",
    SettingType.HEAD_START: "Head Start and Early Head Start programs",
    SettingType.PUBLIC_PRESCHOOL: "public 4K and preschool programs",
    SettingType.HOME_VISITING: "home visiting programs",
    SettingType.HEALTH_CLINIC: "pediatric and family medicine clinics",
    SettingType.OTHER: "other early childhood settings",
}
MAX_ENDORSEMENT_LEVEL = len(Endorsement.values) - 1


@dataclass(frozen=True, slots=True)
class RequestFacts:
    id: int
    program_id: int
    program_name: str
    state: str
    county_id: int
    county_name: str
    latitude: float | None
    longitude: float | None
    setting_type: str
    concerns: tuple[str, ...]
    modality: str  # "on_site" | "virtual" | "either"
    preferred_language: str | None = None
    preferred_language_name: str | None = None
    language_required: bool = False
    priority: bool = False
    declined: frozenset[int] = frozenset()  # consultants who declined it

    @property
    def accepts_on_site(self) -> bool:
        return self.modality in ("on_site", "either")

    @property
    def accepts_virtual(self) -> bool:
        return self.modality in ("virtual", "either")


@dataclass(frozen=True, slots=True)
class ConsultantFacts:
    id: int
    display_name: str
    state: str
    latitude: float | None
    longitude: float | None
    travel_radius_miles: float
    modalities: frozenset[str]
    setting_types: frozenset[str]
    specialties: frozenset[str]
    languages: frozenset[str]
    counties: frozenset[int]
    max_caseload: int
    active_caseload: int = 0
    # Offers made but not yet answered: each holds a place until it is accepted or lapses.
    open_offers: int = 0
    endorsement: str = Endorsement.NONE
    approved: bool = True
    accepting: bool = True
    # Programs the consultant has worked with (active or closed engagements): continuity.
    programs_served: frozenset[int] = frozenset()
    county_names: Mapping[int, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def places_free(self) -> int:
        return max(self.max_caseload - self.active_caseload - self.open_offers, 0)


@dataclass(frozen=True, slots=True)
class Match:
    consultant_id: int
    display_name: str
    score: float
    components: dict[str, float]
    reasons: list[str]
    reach: str  # "county" | "radius" | "virtual"
    distance_miles: float | None


@dataclass
class Ranking:
    matches: list[Match]
    excluded: dict[str, int]


def distance_miles(lat1, lon1, lat2, lon2) -> float | None:
    """Great-circle distance, or None when a point is unknown."""
    if None in (lat1, lon1, lat2, lon2):
        return None
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(h)))


def _reach(request: RequestFacts, consultant: ConsultantFacts) -> tuple[str | None, float | None]:
    """How the consultant could work with the program: on site because they serve its county
    or it is within their travel radius, or virtually within their state; None if no way."""
    distance = distance_miles(
        request.latitude, request.longitude, consultant.latitude, consultant.longitude
    )
    if request.accepts_on_site and "on_site" in consultant.modalities:
        if request.county_id in consultant.counties:
            return "county", distance
        if distance is not None and distance <= consultant.travel_radius_miles:
            return "radius", distance
    if (
        request.accepts_virtual
        and "virtual" in consultant.modalities
        and consultant.state == request.state
    ):
        return "virtual", distance
    return None, distance


def exclusion(request: RequestFacts, consultant: ConsultantFacts) -> str | None:
    """The first hard constraint the consultant fails for this request, or None if they may
    be offered it. The reference the database query and the batch are tested against."""
    if not consultant.approved:
        return "not_approved"
    if not consultant.accepting:
        return "not_accepting"
    if consultant.places_free <= 0:
        return "at_capacity"
    if consultant.id in request.declined:
        return "declined_before"
    if not (
        (request.accepts_on_site and "on_site" in consultant.modalities)
        or (request.accepts_virtual and "virtual" in consultant.modalities)
    ):
        return "modality"
    if _reach(request, consultant)[0] is None:
        return "out_of_area"
    if (
        request.language_required
        and request.preferred_language
        and request.preferred_language not in consultant.languages
    ):
        return "language"
    return None


def concerns_answered(concerns: Iterable[str], specialties: frozenset[str]) -> list[str]:
    """The request's concerns that one of the consultant's specialties answers."""
    return [c for c in concerns if specialties.intersection(CONCERN_SPECIALTIES.get(c, ()))]


def _label(vocabulary, code: str) -> str:
    try:
        return str(vocabulary(code).label)
    except ValueError:
        return code


def score(
    request: RequestFacts, consultant: ConsultantFacts, weights: Mapping[str, float]
) -> Match:
    """The fit of a feasible consultant for a request, with components and reasons."""
    reach, distance = _reach(request, consultant)
    reasons = []

    answered = concerns_answered(request.concerns, consultant.specialties)
    specialty = len(answered) / len(request.concerns) if request.concerns else 1.0
    if answered:
        names = ", ".join(_label(Concern, c).lower() for c in answered)
        if len(request.concerns) == 1:
            reasons.append(f"specialises in the concern ({names})")
        else:
            reasons.append(f"covers {len(answered)} of {len(request.concerns)} concerns ({names})")
    else:
        reasons.append("no specialty matches the concerns")

    setting = 1.0 if request.setting_type in consultant.setting_types else 0.0
    if setting:
        phrase = SETTING_PHRASES.get(request.setting_type, "this kind of program")
        reasons.append(f"works with {phrase}")

    language = 1.0
    if request.preferred_language:
        speaks = request.preferred_language in consultant.languages
        language = 1.0 if speaks else 0.0
        name = request.preferred_language_name or request.preferred_language
        if speaks:
            reasons.append(f"speaks {name}")
        else:
            reasons.append(f"does not speak {name} (preferred, not required)")

    distance_score = 0.0
    if reach == "county":
        county = consultant.county_names.get(request.county_id) or request.county_name
        reasons.append(f"serves {county}")
    if reach in ("county", "radius") and distance is not None:
        radius = max(consultant.travel_radius_miles, 1)
        distance_score = max(0.0, 1.0 - distance / radius)
        reasons.append(f"{distance:.0f} miles away (travels up to {radius:.0f})")
    elif reach == "virtual":
        reasons.append("works virtually in the program's state")

    free = consultant.places_free
    room = free / consultant.max_caseload if consultant.max_caseload else 0.0
    reasons.append(f"{free} of {consultant.max_caseload} places free")

    continuity = 1.0 if request.program_id in consultant.programs_served else 0.0
    if continuity:
        reasons.append("has worked with this program before")

    level = ENDORSEMENT_LEVEL.get(consultant.endorsement, 0)
    endorsement = level / MAX_ENDORSEMENT_LEVEL
    if level:
        reasons.append(f"IMH-E® {_label(Endorsement, consultant.endorsement)}")

    components = {
        "specialty": specialty,
        "setting": setting,
        "language": language,
        "distance": distance_score,
        "room": room,
        "continuity": continuity,
        "endorsement": endorsement,
    }
    total_weight = sum(weights.get(name, 0.0) for name in components) or 1.0
    value = sum(weights.get(name, 0.0) * v for name, v in components.items()) / total_weight
    return Match(
        consultant_id=consultant.id,
        display_name=consultant.display_name,
        score=round(value, 4),
        components={name: round(v, 4) for name, v in components.items()},
        reasons=reasons,
        reach=reach or "",
        distance_miles=None if distance is None else round(distance, 1),
    )


def rank(
    request: RequestFacts,
    consultants: Iterable[ConsultantFacts],
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
    *,
    excluded: Mapping[str, int] | None = None,
) -> Ranking:
    """Feasible consultants best first (ties by id, so the order is stable), and how many were
    excluded by each hard constraint (`excluded` adds counts found elsewhere, e.g. by the
    database query that pre-selected the candidates)."""
    counts = dict.fromkeys(EXCLUSIONS, 0)
    for code, n in (excluded or {}).items():
        counts[code] = counts.get(code, 0) + n
    matches = []
    for consultant in consultants:
        code = exclusion(request, consultant)
        if code is None:
            matches.append(score(request, consultant, weights))
        else:
            counts[code] += 1
    matches.sort(key=lambda m: (-m.score, m.consultant_id))
    return Ranking(matches=matches, excluded=counts)


# --- batch ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Assignment:
    request_id: int
    consultant_id: int
    score: float


@dataclass
class BatchResult:
    assignments: list[Assignment]
    unmatched: dict[int, list[str]]  # request id -> reasons
    total_score: float
    priority_matched: int
    upper_bound: float  # every request with its best option, ignoring capacity

    @property
    def ratio_to_bound(self) -> float:
        return self.total_score / self.upper_bound if self.upper_bound else 1.0


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
    return BatchResult(
        assignments=assignments,
        unmatched=unmatched,
        total_score=round(sum(a.score for a in assignments), 4),
        priority_matched=sum(1 for a in assignments if a.request_id in priority),
        upper_bound=round(sum(max(o.values()) for o in options.values() if o), 4),
    )


# --- every open request at once ------------------------------------------------------------


def batch_options(
    requests: list[RequestFacts],
    consultants: list[ConsultantFacts],
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
) -> tuple[dict[int, dict[int, float]], dict[int, list[str]]]:
    """The feasible consultants of every request with their scores, and for requests with none
    the hard constraints that ruled everyone out (most common first).

    The same rules as `exclusion` and `score`, computed with numpy one state at a time over
    the consultants who could reach that state, so national scale (20,000 requests, 5,000
    consultants) takes seconds rather than minutes. Tests hold it to the scalar functions.
    """
    import numpy as np

    options: dict[int, dict[int, float]] = {}
    reasons: dict[int, list[str]] = {}
    available = [c for c in consultants if c.approved and c.accepting and c.places_free > 0]
    unavailable = {
        "not_approved": sum(1 for c in consultants if not c.approved),
        "not_accepting": sum(1 for c in consultants if c.approved and not c.accepting),
        "at_capacity": sum(
            1 for c in consultants if c.approved and c.accepting and c.places_free <= 0
        ),
    }
    by_state: dict[str, list[RequestFacts]] = {}
    for request in requests:
        by_state.setdefault(request.state, []).append(request)

    concern_codes = list(Concern.values)
    setting_codes = list(SettingType.values)
    total_weight = sum(weights.get(k, 0.0) for k in DEFAULT_WEIGHTS) or 1.0
    w = {k: weights.get(k, 0.0) / total_weight for k in DEFAULT_WEIGHTS}

    for state, block in sorted(by_state.items()):
        counties = {r.county_id for r in block}
        lats = [r.latitude for r in block if r.latitude is not None]
        lngs = [r.longitude for r in block if r.longitude is not None]
        box = (min(lats), max(lats), min(lngs), max(lngs)) if lats else None

        cands = [c for c in available if _could_reach(c, state, counties, box)]
        # Those the pre-filter left out, for the reasons of a request nobody can take.
        outside = _Outside(available, {c.id for c in cands})
        if not cands:
            for r in block:
                options[r.id] = {}
                reasons[r.id] = _unmatched_reasons(r, [], outside, unavailable)
            continue
        n_r, n_c = len(block), len(cands)
        # Consultant columns.
        c_lat = np.array([np.nan if c.latitude is None else c.latitude for c in cands])
        c_lng = np.array([np.nan if c.longitude is None else c.longitude for c in cands])
        c_radius = np.array([c.travel_radius_miles for c in cands], dtype=float)
        c_onsite = np.array(["on_site" in c.modalities for c in cands])
        c_virtual = np.array(["virtual" in c.modalities for c in cands])
        c_same_state = np.array([c.state == state for c in cands])
        c_room = np.array([c.places_free / c.max_caseload for c in cands])
        c_endorse = np.array(
            [ENDORSEMENT_LEVEL.get(c.endorsement, 0) / MAX_ENDORSEMENT_LEVEL for c in cands]
        )
        answers = np.array(  # concern x consultant: a specialty answers it
            [
                [bool(c.specialties.intersection(CONCERN_SPECIALTIES.get(k, ()))) for c in cands]
                for k in concern_codes
            ],
            dtype=float,
        )
        works_in = np.array(
            [[s in c.setting_types for c in cands] for s in setting_codes], dtype=float
        )
        # Request rows.
        r_lat = np.array([np.nan if r.latitude is None else r.latitude for r in block])
        r_lng = np.array([np.nan if r.longitude is None else r.longitude for r in block])
        r_onsite = np.array([r.accepts_on_site for r in block])
        r_virtual = np.array([r.accepts_virtual for r in block])
        concern_share = np.zeros((n_r, len(concern_codes)))
        for i, r in enumerate(block):
            for k in r.concerns:
                concern_share[i, concern_codes.index(k)] += 1.0 / len(r.concerns)
        r_setting = np.array([setting_codes.index(r.setting_type) for r in block])

        # Distances (NaN where a point is unknown).
        p1, p2 = np.radians(r_lat)[:, None], np.radians(c_lat)[None, :]
        dp, dl = p2 - p1, np.radians(c_lng[None, :] - r_lng[:, None])
        h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
        dist = 2 * EARTH_RADIUS_MILES * np.arcsin(np.minimum(1.0, np.sqrt(h)))

        serves = np.zeros((n_r, n_c), dtype=bool)
        col_of = {c.id: j for j, c in enumerate(cands)}
        county_cols: dict[int, list[int]] = {}
        for j, c in enumerate(cands):
            for county in c.counties & counties:
                county_cols.setdefault(county, []).append(j)
        for i, r in enumerate(block):
            serves[i, county_cols.get(r.county_id, [])] = True
        with np.errstate(invalid="ignore"):
            in_radius = dist <= c_radius[None, :]
        onsite_ok = r_onsite[:, None] & c_onsite[None, :]
        by_county = onsite_ok & serves
        by_radius = onsite_ok & ~serves & in_radius
        by_virtual = (
            r_virtual[:, None]
            & c_virtual[None, :]
            & c_same_state[None, :]
            & ~(by_county | by_radius)
        )
        feasible = by_county | by_radius | by_virtual

        # Language and earlier declines.
        speaks = np.ones((n_r, n_c), dtype=bool)
        speakers: dict[str, np.ndarray] = {}  # language -> who of cands speaks it
        for i, r in enumerate(block):
            if r.preferred_language:
                if r.preferred_language not in speakers:
                    speakers[r.preferred_language] = np.array(
                        [r.preferred_language in c.languages for c in cands], dtype=bool
                    )
                speaks[i] = speakers[r.preferred_language]
            if r.language_required:
                feasible[i] &= speaks[i]
            for declined in r.declined:
                if declined in col_of:
                    feasible[i, col_of[declined]] = False

        specialty = concern_share @ answers
        setting = works_in[r_setting]
        with np.errstate(invalid="ignore"):
            distance = np.where(
                (by_county | by_radius) & ~np.isnan(dist),
                np.maximum(0.0, 1.0 - dist / np.maximum(c_radius[None, :], 1.0)),
                0.0,
            )
        continuity = np.zeros((n_r, n_c))
        served_by: dict[int, list[int]] = {}
        for j, c in enumerate(cands):
            for program_id in c.programs_served:
                served_by.setdefault(program_id, []).append(j)
        for i, r in enumerate(block):
            continuity[i, served_by.get(r.program_id, [])] = 1.0
        total = (
            w["specialty"] * specialty
            + w["setting"] * setting
            + w["language"] * speaks
            + w["distance"] * distance
            + w["room"] * c_room[None, :]
            + w["continuity"] * continuity
            + w["endorsement"] * c_endorse[None, :]
        )
        total = np.round(total, 4)
        cand_ids = np.array([c.id for c in cands], dtype=np.int64)
        for i, r in enumerate(block):
            cols = np.flatnonzero(feasible[i])
            options[r.id] = dict(zip(cand_ids[cols].tolist(), total[i, cols].tolist(), strict=True))
            if not options[r.id]:
                reasons[r.id] = _unmatched_reasons(r, cands, outside, unavailable)
    return options, reasons


def _could_reach(c: ConsultantFacts, state: str, counties: set[int], box) -> bool:
    """Could the consultant reach any request of this state (a cheap, generous pre-filter)?"""
    if c.state == state and "virtual" in c.modalities:
        return True
    if "on_site" not in c.modalities:
        return False
    if c.counties & counties:
        return True
    if box is None or c.latitude is None or c.longitude is None:
        return False
    pad_lat = c.travel_radius_miles / 69.0
    # A degree of longitude is shortest at the highest latitude the circle or the box reaches.
    top = min(max(abs(c.latitude) + pad_lat, abs(box[0]), abs(box[1])), 89.0)
    pad_lng = c.travel_radius_miles / (69.0 * max(math.cos(math.radians(top)), 0.01))
    return (
        box[0] - pad_lat <= c.latitude <= box[1] + pad_lat
        and box[2] - pad_lng <= c.longitude <= box[3] + pad_lng
    )


class _Outside:
    """Available consultants a state's pre-filter left out (they cannot reach its programs),
    counted by the modalities they offer; the list itself for those a request names. Both
    are worked out when a request of the state first needs them."""

    def __init__(self, available: list[ConsultantFacts], reached: set[int]):
        self.available, self.reached = available, reached

    @cached_property
    def by_id(self) -> dict[int, ConsultantFacts]:
        return {c.id: c for c in self.available if c.id not in self.reached}

    @cached_property
    def by_modalities(self) -> dict[tuple[bool, bool], int]:
        return dict(Counter(_offers(c) for c in self.by_id.values()))


def _offers(c: ConsultantFacts) -> tuple[bool, bool]:
    return "on_site" in c.modalities, "virtual" in c.modalities


def _unmatched_reasons(request, cands, outside: _Outside, unavailable) -> list[str]:
    """Why nobody can take a request: its own exclusion counts, most common first."""
    counts = dict(unavailable)
    for c in cands:
        code = exclusion(request, c)
        if code is not None:
            counts[code] = counts.get(code, 0) + 1

    # Consultants the cheap pre-filter left out cannot reach the program; each is counted
    # under the first constraint they fail, in exclusion()'s order: declined it before, then
    # modality, else out of area.
    def modality_fails(on_site: bool, virtual: bool) -> bool:
        return not ((request.accepts_on_site and on_site) or (request.accepts_virtual and virtual))

    by_modalities = dict(outside.by_modalities)
    declined = [outside.by_id[pk] for pk in request.declined if pk in outside.by_id]
    for c in declined:
        by_modalities[_offers(c)] -= 1
    if declined:
        counts["declined_before"] = counts.get("declined_before", 0) + len(declined)
    for (on_site, virtual), n in by_modalities.items():
        code = "modality" if modality_fails(on_site, virtual) else "out_of_area"
        counts[code] = counts.get(code, 0) + n
    return [
        f"{EXCLUSIONS[code]} ({n})"
        for code, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        if n
    ]
