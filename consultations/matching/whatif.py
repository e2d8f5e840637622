"""What if the Alliance recruited these consultants, or lost those? The same optimal batch
(`batch.plan`) solved twice on the same open consultations: once with the consultants as they
are, once with hypothetical consultants added and some real ones removed. Nothing is saved.

A hypothetical consultant enters the batch as what it reads of any consultant, ConsultantFacts
(`hypothetical_facts`): approved, accepting, with `capacity` places free, no caseload, no
endorsement and no history with any program. So every rule of the batch (hard constraints,
score, capacities, priority first) applies to it exactly as it would to a real listing with
the same answers; a change to those rules flows here without a change to this module.
Hypothetical consultants get negative ids, which no real listing has.
"""

import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from consultations.matching.batch import BatchResult, plan
from consultations.matching.rules import ConsultantFacts, RequestFacts
from directory.vocabularies import SettingType


@dataclass(frozen=True)
class Hypothetical:
    """A consultant the Alliance might recruit, described as a listing would be."""

    label: str
    state: str  # where they are based: virtual work reaches this state's programs
    counties: frozenset[int] = frozenset()
    latitude: float | None = None  # the base's point (from a ZIP code), for the radius
    longitude: float | None = None
    travel_radius_miles: float = 0
    languages: frozenset[str] = frozenset()
    specialties: frozenset[str] = frozenset()
    modalities: frozenset[str] = frozenset({"on_site", "virtual"})
    setting_types: frozenset[str] = frozenset(SettingType.values)
    capacity: int = 12
    # Hours a week they would work (None: not stated, the caseload limit alone applies); each
    # engagement weighs its level's hours against them, as on a real listing.
    hours_per_week: float | None = None
    # Hypothetical consultants have no endorsement, like a new listing before its credentials
    # are entered.
    county_names: Mapping[int, str] = field(default_factory=dict, compare=False, hash=False)


def hypothetical_facts(h: Hypothetical, consultant_id: int) -> ConsultantFacts:
    """The facts the batch reads of a hypothetical consultant (see the module's docstring)."""
    return ConsultantFacts(
        id=consultant_id,
        display_name=h.label,
        state=h.state,
        latitude=h.latitude,
        longitude=h.longitude,
        travel_radius_miles=h.travel_radius_miles,
        modalities=frozenset(h.modalities),
        setting_types=frozenset(h.setting_types),
        specialties=frozenset(h.specialties),
        languages=frozenset(h.languages),
        counties=frozenset(h.counties),
        max_caseload=h.capacity,
        hours_available=h.hours_per_week,
        county_names=h.county_names,
    )


@dataclass
class Taken:
    """What one hypothetical consultant would do in the re-solved batch."""

    consultant_id: int
    label: str
    capacity: int
    assigned: int  # every consultation assigned to them
    waitlisted: list[tuple[RequestFacts, float]]  # of those, the ones unmatched before


@dataclass
class WhatIf:
    baseline: BatchResult
    scenario: BatchResult
    removed: list[int]
    newly_served: list[RequestFacts]
    no_longer_served: list[RequestFacts]
    taken: list[Taken]
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def score_change(self) -> float:
        return round(self.scenario.total_score - self.baseline.total_score, 4)

    @property
    def served_change(self) -> int:
        return len(self.scenario.assignments) - len(self.baseline.assignments)

    @property
    def priority_change(self) -> int:
        return self.scenario.priority_matched - self.baseline.priority_matched

    def by_county(self) -> list[tuple[str, int, int]]:
        return _tally(lambda r: f"{r.county_name}, {r.state}", self)

    def by_language(self) -> list[tuple[str, int, int]]:
        return _tally(language_label, self)

    def by_priority(self) -> list[tuple[str, int, int]]:
        return _tally(lambda r: "priority" if r.priority else "routine", self)


def language_label(r: RequestFacts) -> str:
    """How the what-if names a consultation's language (as the unmet-demand report does)."""
    label = r.preferred_language_name or r.preferred_language or "No preference"
    return f"{label} (required)" if r.preferred_language and r.language_required else label


def _tally(key, result: WhatIf) -> list[tuple[str, int, int]]:
    """(group, newly served, no longer served), most newly served first."""
    gained = Counter(key(r) for r in result.newly_served)
    lost = Counter(key(r) for r in result.no_longer_served)
    return sorted(
        ((k, gained[k], lost[k]) for k in gained.keys() | lost.keys()),
        key=lambda row: (-row[1], row[2], row[0]),
    )


# The last baseline solved, with its inputs: the Alliance asks several questions in a row about
# the same open requests, and the batch as it is does not change between them. A plan is a
# function of its inputs alone, so an equal input gives an equal plan; the entry is also
# dropped after BASELINE_TTL seconds, in case a rule ever reads the clock.
BASELINE_TTL = 300
_last_baseline: dict = {}


def baseline_plan(consultations, consultants, weights) -> BatchResult:
    """plan() of the batch as it is, reusing the last one when the inputs are equal."""
    key = (tuple(consultations), tuple(consultants), tuple(sorted(weights.items())))
    now = time.monotonic()
    if _last_baseline.get("key") == key and now - _last_baseline["at"] < BASELINE_TTL:
        return _last_baseline["plan"]
    result = plan(consultations, consultants, weights)
    _last_baseline.update(key=key, at=now, plan=result)
    return result


def what_if(
    consultations: list[RequestFacts],
    consultants: list[ConsultantFacts],
    weights: Mapping[str, float],
    *,
    add: Iterable[Hypothetical] = (),
    remove: Iterable[int] = (),
) -> WhatIf:
    """The batch as it is and as it would be with `add` recruited and `remove` gone."""
    add, remove = list(add), set(remove)
    clock = time.perf_counter()
    baseline = baseline_plan(consultations, consultants, weights)
    baseline_seconds = round(time.perf_counter() - clock, 3)
    hypotheticals = [hypothetical_facts(h, -(i + 1)) for i, h in enumerate(add)]
    clock = time.perf_counter()
    scenario = plan(
        consultations,
        [c for c in consultants if c.id not in remove] + hypotheticals,
        weights,
    )
    scenario_seconds = round(time.perf_counter() - clock, 3)
    before = {a.request_id for a in baseline.assignments}
    after = {a.request_id for a in scenario.assignments}
    facts = {r.id: r for r in consultations}
    taken = []
    for h, c in zip(add, hypotheticals, strict=True):
        mine = [a for a in scenario.assignments if a.consultant_id == c.id]
        taken.append(
            Taken(
                consultant_id=c.id,
                label=h.label,
                capacity=h.capacity,
                assigned=len(mine),
                waitlisted=[
                    (facts[a.request_id], a.score) for a in mine if a.request_id not in before
                ],
            )
        )
    return WhatIf(
        baseline=baseline,
        scenario=scenario,
        removed=sorted(remove),
        newly_served=[facts[r] for r in sorted(after - before)],
        no_longer_served=[facts[r] for r in sorted(before - after)],
        taken=taken,
        seconds={"baseline": baseline_seconds, "scenario": scenario_seconds},
    )
