"""Every open consultation at once: the feasible options and their scores in array form
(`batch_options`), then the best assignment (`solve`), and a greedy one for comparison when
asked (`plan(compare=True)`).

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
from itertools import chain, islice

from consultations.matching.capacity import batch_capacity
from consultations.matching.prefilter import (
    Outside,
    Roster,
    unmatched_reasons,
    weight_hundredths,
)
from consultations.matching.rules import (
    BOTH_AGES,
    COMPONENTS,
    ConsultantFacts,
    RequestFacts,
    endorsement_fit,
    room_share,
    score_weights,
    unavailability,
)
from directory import geo
from directory.vocabularies import CONCERN_SPECIALTIES, Concern, SettingType

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
    greedy_total_score: float | None = None  # only when asked (compare=True)
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
    compare: bool = False,
):
    """The best assignment, summarised as a `result` (BatchResult or a subclass), timed;
    with `compare`, also the greedy assignment's total (its own time: seconds["greedy"])."""
    seconds = dict(seconds or {})
    clock = time.perf_counter()
    options, reasons = batch_options(consultations, consultants, weights)
    scored = time.perf_counter()
    capacity = batch_capacity(options, consultations, consultants)
    priority = {r.id for r in consultations if r.priority}
    assignments = solve(options, capacity, priority)
    seconds |= {"score": round(scored - clock, 3), "solve": round(time.perf_counter() - scored, 3)}
    greedy_total = None
    if compare:
        clock = time.perf_counter()
        greedy_total = round(sum(a.score for a in greedy(options, capacity, priority)), 4)
        seconds["greedy"] = round(time.perf_counter() - clock, 3)
    return summarize(
        options,
        assignments,
        priority,
        reasons,
        result=result,
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
) -> list[Assignment]:
    """The optimal assignment: each request to at most one of its options (consultant → score),
    each consultant to at most `capacity` requests, priority requests matched first, then the
    total score as high as possible. Exact (a min-cost flow on each independent part of the
    network, `components.solve_split`) and deterministic. Workers: the processes that may
    share a large network's parts (settings.MATCHING_BATCH_WORKERS by default; 1: this one)."""
    import numpy as np

    from consultations.matching import components

    if workers is None:
        from django.conf import settings

        workers = settings.MATCHING_BATCH_WORKERS
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
    n_c = len(consultants_a)
    columns = np.minimum(np.searchsorted(consultants_a, option_ids), n_c - 1)
    kept = consultants_a[columns] == option_ids  # a consultant without room takes no arc
    rows, columns = rows[kept], columns[kept]
    points = np.rint(scores[kept] * SCORE_SCALE).astype(np.int64)
    priority = set(priority)
    used = components.solve_split(
        rows,
        columns,
        points,
        np.array([r in priority for r in requests], dtype=bool),
        np.array([capacity[c] for c in consultants_a.tolist()], dtype=np.int64),
        split=split,
        workers=workers,
        min_parallel_arcs=components.MIN_PARALLEL_ARCS
        if min_parallel_arcs is None
        else min_parallel_arcs,
    )
    result = []
    for i, c in zip(rows[used].tolist(), consultants_a[columns[used]].tolist(), strict=True):
        r = requests[i]
        result.append(Assignment(r, c, options[r][c]))
    return result  # in request order, as the options are


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
    roster = Roster(available)
    by_state: dict[str, list[RequestFacts]] = {}
    for consultation in consultations:
        by_state.setdefault(consultation.state, []).append(consultation)

    concern_codes = list(Concern.values)
    setting_codes = list(SettingType.values)
    total_weight = sum(weights.get(k, 0.0) for k in COMPONENTS) or 1.0
    w = {k: weights.get(k, 0.0) / total_weight for k in COMPONENTS}

    # Consultant columns, once for everyone available; each state takes its candidates' slice.
    a_lat = np.array([np.nan if c.latitude is None else c.latitude for c in available])
    a_lng = np.array([np.nan if c.longitude is None else c.longitude for c in available])
    a_radius = np.array([c.travel_radius_miles for c in available], dtype=float)
    a_room = np.array([room_share(c) for c in available])
    a_answers = np.array(  # concern x consultant: a specialty answers it
        [
            [bool(c.specialties.intersection(CONCERN_SPECIALTIES.get(k, ()))) for c in available]
            for k in concern_codes
        ],
        dtype=float,
    ).reshape(len(concern_codes), len(available))
    a_works_in = np.array(
        [[s in c.setting_types for c in available] for s in setting_codes], dtype=float
    ).reshape(len(setting_codes), len(available))
    endorse_by_ages: dict[frozenset, np.ndarray] = {}  # the request's ages -> per consultant
    speakers: dict[str, np.ndarray] = {}  # language -> who speaks it
    served_by: dict[int, list[int]] = {}  # program -> who has worked with it
    for j, c in enumerate(available):
        for program_id in c.programs_served:
            served_by.setdefault(program_id, []).append(j)

    for state, block in sorted(by_state.items()):
        counties = {r.county_id for r in block}
        lats = [r.latitude for r in block if r.latitude is not None]
        lngs = [r.longitude for r in block if r.longitude is not None]
        box = (min(lats), max(lats), min(lngs), max(lngs)) if lats else None

        idx = roster.reach(state, counties, box)
        # Those the pre-filter left out, for the reasons of a consultation nobody can take.
        outside = Outside(roster, idx)
        if not len(idx):
            for r in block:
                options[r.id] = {}
                reasons[r.id] = unmatched_reasons(r, {}, outside, unavailable)
            continue
        n_r, n_c = len(block), len(idx)
        column = np.full(len(available), -1, dtype=np.int64)  # available -> candidate column
        column[idx] = np.arange(n_c)

        def columns_of(members, column=column):
            cols = column[members]
            return cols[cols >= 0]

        c_lat, c_lng, c_radius = a_lat[idx], a_lng[idx], a_radius[idx]
        c_onsite, c_virtual = roster.on_site[idx], roster.virtual[idx]
        c_same_state = roster.state[idx] == state
        c_room, c_hours = a_room[idx], roster.hours[idx]
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
        r_weight = np.array([weight_hundredths(r.weekly_hours) for r in block])
        endorse = np.empty((n_r, n_c))
        for i, r in enumerate(block):
            ages = r.ages or BOTH_AGES
            if ages not in endorse_by_ages:
                endorse_by_ages[ages] = np.array(
                    [endorsement_fit(ages, c.endorsements) for c in available], dtype=float
                )
            endorse[i] = endorse_by_ages[ages][idx]

        # Distances (NaN where a point is unknown).
        dist = geo.distance_miles_array(
            r_lat[:, None], r_lng[:, None], c_lat[None, :], c_lng[None, :]
        )

        serves = np.zeros((n_r, n_c), dtype=bool)
        county_cols = {
            county: columns_of(roster.county_members.get(county, [])) for county in counties
        }
        for i, r in enumerate(block):
            serves[i, county_cols[r.county_id]] = True
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
        # Hours: the consultation's weight within the consultant's hours free (at_capacity).
        feasible = (by_county | by_radius | by_virtual) & (c_hours[None, :] >= r_weight[:, None])

        # Language and earlier declines.
        speaks = np.ones((n_r, n_c), dtype=bool)
        for i, r in enumerate(block):
            if r.preferred_language:
                if r.preferred_language not in speakers:
                    speakers[r.preferred_language] = np.array(
                        [r.preferred_language in c.languages for c in available], dtype=bool
                    )
                speaks[i] = speakers[r.preferred_language][idx]
            if r.language_required:
                feasible[i] &= speaks[i]
            declined = [roster.index[pk] for pk in r.declined if pk in roster.index]
            if declined:
                feasible[i, columns_of(declined)] = False

        specialty = concern_share @ a_answers[:, idx]
        setting = a_works_in[:, idx][r_setting]
        with np.errstate(invalid="ignore"):
            distance = np.where(
                (by_county | by_radius) & ~np.isnan(dist),
                np.maximum(0.0, 1.0 - dist / np.maximum(c_radius[None, :], 1.0)),
                0.0,
            )
        continuity = np.zeros((n_r, n_c))
        for i, r in enumerate(block):
            continuity[i, columns_of(served_by.get(r.program_id, []))] = 1.0
        total = (
            w["specialty"] * specialty
            + w["setting"] * setting
            + w["language"] * speaks
            + w["distance"] * distance
            + w["room"] * c_room[None, :]
            + w["continuity"] * continuity
            + w["endorsement"] * endorse
        )
        total = np.round(total, 4)
        # Every feasible pair at once, request by request; then one dict per request.
        rows, cols = np.nonzero(feasible)
        ids, scores = roster.ids[idx][cols].tolist(), total[rows, cols].tolist()
        counts = np.bincount(rows, minlength=n_r).tolist()
        pairs = iter(zip(ids, scores, strict=True))
        for i, (r, count) in enumerate(zip(block, counts, strict=True)):
            options[r.id] = dict(islice(pairs, count))
            if count:
                continue
            # Nobody: each candidate under the first constraint it fails, in exclusion()'s
            # order (the consultants themselves are available: see `unavailable`).
            declined = np.zeros(n_c, dtype=bool)
            declined[columns_of([roster.index[pk] for pk in r.declined if pk in roster.index])] = 1
            left, first = np.ones(n_c, dtype=bool), {}
            for code, fails in (
                ("at_capacity", c_hours < r_weight[i]),
                ("declined_before", declined),
                ("modality", ~((r_onsite[i] & c_onsite) | (r_virtual[i] & c_virtual))),
                ("out_of_area", ~(by_county[i] | by_radius[i] | by_virtual[i])),
                ("language", r.language_required & ~speaks[i]),
            ):
                hit = left & fails
                left &= ~hit
                if hit.any():
                    first[code] = int(hit.sum())
            reasons[r.id] = unmatched_reasons(r, first, outside, unavailable)
    return options, reasons
