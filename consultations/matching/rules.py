"""The matching rules, as pure code on plain facts (no ORM, so each can be tested on hand-made
cases): who may take a consultation (the hard constraints, `exclusion`), how well they fit (the
score with its components and plain-language reasons, `score`), and both at once (`rank`).
docs/domain.md, "Matching", states them in words.

Each hard constraint has a code in EXCLUSIONS, in the order they are checked. Besides
`exclusion` here, two faster forms apply the same constraints and are tested against it:
the SQL form (facts.hard_constraints, one consultation against every consultant) and the
array form (arrays.pair_arrays, classified by options.option_arrays for every open consultation
at once and by snapshot.Snapshot.rank for one). A new constraint gets its code in EXCLUSIONS
and a check in each of the three forms.

Scores are in [0, 1]: a weighted mean of COMPONENTS, each in [0, 1], with the weights of
settings.MATCHING_WEIGHTS (read through score_weights()).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from directory.geo import distance_miles
from directory.models import places_free
from directory.vocabularies import (
    AGE_GROUP_AGES,
    AGES_0_3,
    AGES_3_6,
    CONCERN_SPECIALTIES,
    ENDORSEMENT_AGES,
    Concern,
    Endorsement,
    EndorsementStatus,
    SettingType,
)

# Hard constraints, in the order they are checked; a consultant is counted under the first it
# fails, so the counts add up to the consultants excluded.
EXCLUSIONS: dict[str, str] = {
    "not_approved": "listing not approved",
    "credential_lapsed": "licence expired",
    "not_accepting": "not accepting new requests",
    "at_capacity": "caseload or weekly hours full (counting offers awaiting an answer)",
    "declined_before": "declined this request before",
    "modality": "does not offer the modality asked for",
    "out_of_area": "does not serve the program's county, is beyond travel radius and cannot "
    "work virtually in the program's state",
    "language": "does not speak the required language",
}

# The components of the score, each with what it measures (the Alliance's request page).
COMPONENTS: dict[str, str] = {
    "specialty": _("Specialties answer the concerns"),
    "setting": _("Experience with this setting"),
    "language": _("Preferred language"),
    "distance": _("Distance"),
    "room": _("Room on the caseload"),
    "continuity": _("Worked with this program before"),
    "endorsement": _("Endorsement for the ages concerned"),
}

# The endorsement component (docs/domain.md): the categories are not a ladder, so what counts
# is whether a current endorsement covers the ages the request concerns (0-3 or 3-6).
ENDORSEMENT_FIT = {
    (True, EndorsementStatus.ENDORSED): 1.0,  # endorsed for these ages
    (True, EndorsementStatus.IN_PROCESS): 0.5,  # working towards it
    (False, EndorsementStatus.ENDORSED): 0.5,  # endorsed for the neighbouring ages
    (False, EndorsementStatus.IN_PROCESS): 0.25,
}
# Where a request names no ages (school age only, or unknown), an endorsement of either counts.
BOTH_AGES = frozenset({AGES_0_3, AGES_3_6})
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


def score_weights() -> dict[str, float]:
    """The weight of each component (settings.MATCHING_WEIGHTS): the one place they are read."""
    return dict(settings.MATCHING_WEIGHTS)


@dataclass(frozen=True, slots=True)
class RequestFacts:
    """What matching knows of a consultation request and its program."""

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
    # Its weight on a caseload (ConsultationRequest.weekly_hours); None: the lightest level's.
    weekly_hours: float | None = None
    # The ages it concerns (request_ages): "0_3", "3_6", both, or none known.
    ages: frozenset[str] = frozenset()

    @property
    def accepts_on_site(self) -> bool:
        return self.modality in ("on_site", "either")

    @property
    def accepts_virtual(self) -> bool:
        return self.modality in ("virtual", "either")


@dataclass(frozen=True, slots=True)
class ConsultantFacts:
    """What matching knows of a consultant's listing."""

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
    # The endorsements current today, as (category, status) pairs.
    endorsements: tuple[tuple[str, str], ...] = ()
    # Their licence expired before today (directory.credentials.license_lapsed).
    license_lapsed: bool = False
    # Hours a week stated (None: not stated, only the caseload limits) and committed.
    hours_available: float | None = None
    hours_committed: float = 0.0
    approved: bool = True
    accepting: bool = True
    # The statewide brief team: works virtually in any county of its state (offers_virtual).
    brief_team: bool = False
    # Programs the consultant has worked with (active or closed engagements): continuity.
    programs_served: frozenset[int] = frozenset()
    county_names: Mapping[int, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def hours_free(self) -> float | None:
        if self.hours_available is None:
            return None
        return self.hours_available - self.hours_committed

    @property
    def places_free(self) -> int:
        return places_free(
            self.max_caseload, self.active_caseload, self.open_offers, self.hours_free
        )

    def places_free_for(self, weekly_hours: float | None) -> int:
        return places_free(
            self.max_caseload, self.active_caseload, self.open_offers, self.hours_free, weekly_hours
        )

    @property
    def offers_on_site(self) -> bool:
        return "on_site" in self.modalities

    @property
    def offers_virtual(self) -> bool:
        """Virtual work, listed or as a member of the brief team: the one place the brief
        team's reach is stated (the SQL form is facts.virtual_condition; the batch reads this)."""
        return "virtual" in self.modalities or self.brief_team


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
    # How many consultants may take the consultation: len(matches) unless only the best were
    # kept (ranked_matches' `limit`).
    count: int | None = None

    def __post_init__(self):
        if self.count is None:
            self.count = len(self.matches)

    def limited(self, limit: int | None) -> "Ranking":
        """The same ranking with only the `limit` best matches (all with None)."""
        return Ranking(self.matches[:limit], self.excluded, count=self.count)


# --- hard constraints ------------------------------------------------------------------------


def unavailability(consultant: ConsultantFacts) -> str | None:
    """The first constraint that rules the consultant out of every consultation, or None."""
    if not consultant.approved:
        return "not_approved"
    if consultant.license_lapsed:
        return "credential_lapsed"
    if not consultant.accepting:
        return "not_accepting"
    if consultant.places_free_for(0.01) <= 0:
        return "at_capacity"  # no place, or no hours at all: whatever the request's weight
    return None


def request_ages(focus: str, child_age_months: int | None, ages_served) -> frozenset[str]:
    """The ages a request concerns: the child's, for a request about one child; else those of
    the age groups its program serves (school age belongs to neither)."""
    if focus == "child" and child_age_months is not None:
        if child_age_months < 36:
            return frozenset({AGES_0_3})
        return frozenset({AGES_3_6}) if child_age_months < 72 else frozenset()
    return frozenset(AGE_GROUP_AGES[g] for g in ages_served or () if g in AGE_GROUP_AGES)


def endorsement_fit(ages: frozenset[str], endorsements: Iterable[tuple[str, str]]) -> float:
    """The endorsement component: the best of ENDORSEMENT_FIT over the current endorsements."""
    wanted = ages or BOTH_AGES
    return max(
        (ENDORSEMENT_FIT[(ENDORSEMENT_AGES[c] in wanted, status)] for c, status in endorsements),
        default=0.0,
    )


def modality_fits(consultation: RequestFacts, on_site: bool, virtual: bool) -> bool:
    """Does a consultant offering these modalities offer one the consultation accepts?"""
    return (consultation.accepts_on_site and on_site) or (consultation.accepts_virtual and virtual)


def _reach(
    consultation: RequestFacts, consultant: ConsultantFacts
) -> tuple[str | None, float | None]:
    """How the consultant could work with the program: on site because they serve its county
    or it is within their travel radius, or virtually within their state; None if no way."""
    distance = distance_miles(
        consultation.latitude, consultation.longitude, consultant.latitude, consultant.longitude
    )
    if consultation.accepts_on_site and consultant.offers_on_site:
        if consultation.county_id in consultant.counties:
            return "county", distance
        if distance is not None and distance <= consultant.travel_radius_miles:
            return "radius", distance
    if (
        consultation.accepts_virtual
        and consultant.offers_virtual
        and consultant.state == consultation.state
    ):
        return "virtual", distance
    return None, distance


def exclusion(consultation: RequestFacts, consultant: ConsultantFacts) -> str | None:
    """The first hard constraint the consultant fails for this consultation, or None if they
    may be offered it. The reference the SQL form and the batch are tested against."""
    code = unavailability(consultant)
    if code is not None:
        return code
    if consultant.places_free_for(consultation.weekly_hours) <= 0:
        return "at_capacity"  # not enough hours free for this request's level
    if consultant.id in consultation.declined:
        return "declined_before"
    if not modality_fits(consultation, consultant.offers_on_site, consultant.offers_virtual):
        return "modality"
    if _reach(consultation, consultant)[0] is None:
        return "out_of_area"
    if (
        consultation.language_required
        and consultation.preferred_language
        and consultation.preferred_language not in consultant.languages
    ):
        return "language"
    return None


# --- score and reasons -----------------------------------------------------------------------


def room_share(consultant: ConsultantFacts) -> float:
    """The room component: the share of the caseload free, or of the hours if that is less."""
    room = consultant.places_free / consultant.max_caseload if consultant.max_caseload else 0.0
    if consultant.hours_available:
        room = min(room, max(consultant.hours_free, 0.0) / consultant.hours_available)
    return room


def concerns_answered(concerns: Iterable[str], specialties: frozenset[str]) -> list[str]:
    """The consultation's concerns that one of the consultant's specialties answers."""
    return [c for c in concerns if specialties.intersection(CONCERN_SPECIALTIES.get(c, ()))]


def _label(vocabulary, code: str) -> str:
    """A code's label in the active language (kept: a ranking asks for the same few labels
    for every consultant it explains)."""
    key = (vocabulary, code, get_language())
    label = _LABELS.get(key)
    if label is None:
        try:
            label = str(vocabulary(code).label)
        except ValueError:
            label = code
        if len(_LABELS) < 10_000:  # codes × languages: a few hundred, but never unbounded
            _LABELS[key] = label
    return label


_LABELS: dict[tuple, str] = {}


def score(
    consultation: RequestFacts, consultant: ConsultantFacts, weights: Mapping[str, float]
) -> Match:
    """The fit of a feasible consultant for a consultation, with components and reasons."""
    reach, distance = _reach(consultation, consultant)
    reasons = []

    concerns = consultation.concerns
    answered = concerns_answered(concerns, consultant.specialties)
    specialty = len(answered) / len(concerns) if concerns else 1.0
    if answered:
        names = ", ".join(_label(Concern, c).lower() for c in answered)
        if len(concerns) == 1:
            reasons.append(f"specialises in the concern ({names})")
        else:
            reasons.append(f"covers {len(answered)} of {len(concerns)} concerns ({names})")
    else:
        reasons.append("no specialty matches the concerns")

    setting = 1.0 if consultation.setting_type in consultant.setting_types else 0.0
    if setting:
        phrase = SETTING_PHRASES.get(consultation.setting_type, "this kind of program")
        reasons.append(f"works with {phrase}")

    language = 1.0
    if consultation.preferred_language:
        speaks = consultation.preferred_language in consultant.languages
        language = 1.0 if speaks else 0.0
        name = consultation.preferred_language_name or consultation.preferred_language
        if speaks:
            reasons.append(f"speaks {name}")
        else:
            reasons.append(f"does not speak {name} (preferred, not required)")

    distance_score = 0.0
    if reach == "county":
        county = consultant.county_names.get(consultation.county_id) or consultation.county_name
        reasons.append(f"serves {county}")
    if reach in ("county", "radius") and distance is not None:
        radius = max(consultant.travel_radius_miles, 1)
        distance_score = max(0.0, 1.0 - distance / radius)
        reasons.append(f"{distance:.0f} miles away (travels up to {radius:.0f})")
    elif reach == "virtual":
        reasons.append("works virtually in the program's state")

    free = consultant.places_free
    room = room_share(consultant)
    reasons.append(f"{free} of {consultant.max_caseload} places free")
    if consultant.hours_available is not None:
        reasons.append(
            f"{consultant.hours_free:g} of {consultant.hours_available:g} hours a week free"
        )

    continuity = 1.0 if consultation.program_id in consultant.programs_served else 0.0
    if continuity:
        reasons.append("has worked with this program before")

    endorsement = endorsement_fit(consultation.ages, consultant.endorsements)
    for category, status in consultant.endorsements:
        mark = "IMH-E®" if ENDORSEMENT_AGES[category] == AGES_0_3 else "ECMH-E®"
        state = "" if status == EndorsementStatus.ENDORSED else " (in process)"
        reasons.append(f"{mark} {_label(Endorsement, category)}{state}")

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
    consultation: RequestFacts,
    consultants: Iterable[ConsultantFacts],
    weights: Mapping[str, float] | None = None,
    *,
    excluded: Mapping[str, int] | None = None,
) -> Ranking:
    """Feasible consultants best first (ties by id, so the order is stable), and how many were
    excluded by each hard constraint (`excluded` adds counts found elsewhere, e.g. by the
    database query that pre-selected the candidates). Weights: score_weights() by default."""
    weights = score_weights() if weights is None else weights
    counts = dict.fromkeys(EXCLUSIONS, 0)
    for code, n in (excluded or {}).items():
        counts[code] = counts.get(code, 0) + n
    matches = []
    for consultant in consultants:
        code = exclusion(consultation, consultant)
        if code is None:
            matches.append(score(consultation, consultant, weights))
        else:
            counts[code] += 1
    matches.sort(key=lambda m: (-m.score, m.consultant_id))
    return Ranking(matches=matches, excluded=counts)
