"""The matching rules in array form, shared by the batch (options.option_arrays, a state's open
consultations against the consultants who could reach it) and the snapshot
(snapshot.ranking, one consultation against every approved consultant).

`ConsultantColumns` holds what the rules read of a list of consultants as numpy columns (built
once: the snapshot keeps one per process); `pair_arrays` applies the reach, hours, language and
score rules of `rules.exclusion` and `rules.score` to a block of consultations of one state
against those columns. The property tests hold both callers to the scalar rules.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from consultations.matching.prefilter import hundredths, weight_hundredths
from consultations.matching.rules import (
    BOTH_AGES,
    COMPONENTS,
    ConsultantFacts,
    RequestFacts,
    endorsement_fit,
    room_share,
)
from directory import geo
from directory.vocabularies import CONCERN_SPECIALTIES, Concern, SettingType

CONCERN_CODES = list(Concern.values)
SETTING_CODES = list(SettingType.values)


def normalised_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """Each component's weight over the sum of the weights (rules.score divides by it)."""
    total = sum(weights.get(k, 0.0) for k in COMPONENTS) or 1.0
    return {k: weights.get(k, 0.0) / total for k in COMPONENTS}


class ConsultantColumns:
    """The consultants' facts as columns (one entry per consultant, in the list's order);
    the columns that depend on a consultation's language or ages are built when first asked."""

    def __init__(self, consultants: list[ConsultantFacts]):
        self.consultants = consultants
        self.ids = np.array([c.id for c in consultants], dtype=np.int64)
        self.col_of = {c.id: j for j, c in enumerate(consultants)}
        self.lat = np.array([np.nan if c.latitude is None else c.latitude for c in consultants])
        self.lng = np.array([np.nan if c.longitude is None else c.longitude for c in consultants])
        self.radius = np.array([c.travel_radius_miles for c in consultants], dtype=float)
        self.onsite = np.array([c.offers_on_site for c in consultants], dtype=bool)
        self.virtual = np.array([c.offers_virtual for c in consultants], dtype=bool)
        self.state = np.array([c.state for c in consultants], dtype=object)
        self.room = np.array([room_share(c) for c in consultants], dtype=float)
        self.hours = np.array([hundredths(c.hours_free) for c in consultants], dtype=float)
        self.answers = np.array(  # concern x consultant: a specialty answers it
            [
                [
                    bool(c.specialties.intersection(CONCERN_SPECIALTIES.get(k, ())))
                    for c in consultants
                ]
                for k in CONCERN_CODES
            ],
            dtype=float,
        ).reshape(len(CONCERN_CODES), len(consultants))
        self.works_in = np.array(
            [[s in c.setting_types for c in consultants] for s in SETTING_CODES], dtype=float
        ).reshape(len(SETTING_CODES), len(consultants))
        self._speakers: dict[str, np.ndarray] = {}
        self._endorsement: dict[frozenset, np.ndarray] = {}
        self._in_state: dict[str, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.consultants)

    def take(self, idx: np.ndarray) -> "ConsultantColumns":
        """The columns of the consultants at positions `idx` (slices of these arrays); the
        columns built on demand come from this set's, sliced."""
        sub = object.__new__(ConsultantColumns)
        sub.consultants = [self.consultants[j] for j in idx.tolist()]
        sub.ids = self.ids[idx]
        sub.col_of = {c.id: k for k, c in enumerate(sub.consultants)}
        for name in ("lat", "lng", "radius", "onsite", "virtual", "state", "room", "hours"):
            setattr(sub, name, getattr(self, name)[idx])
        sub.answers, sub.works_in = self.answers[:, idx], self.works_in[:, idx]
        sub._speakers, sub._endorsement, sub._in_state = {}, {}, {}
        sub._parent, sub._idx = self, idx
        return sub

    @cached_property
    def county_cols(self) -> dict[int, np.ndarray]:
        """County -> the columns of the consultants who serve it."""
        cols: dict[int, list[int]] = {}
        for j, c in enumerate(self.consultants):
            for county in c.counties:
                cols.setdefault(county, []).append(j)
        return {county: np.array(js, dtype=np.int64) for county, js in cols.items()}

    @cached_property
    def served_cols(self) -> dict[int, np.ndarray]:
        """Program -> the columns of the consultants who have worked with it (continuity)."""
        cols: dict[int, list[int]] = {}
        for j, c in enumerate(self.consultants):
            for program_id in c.programs_served:
                cols.setdefault(program_id, []).append(j)
        return {program: np.array(js, dtype=np.int64) for program, js in cols.items()}

    def in_state(self, state: str) -> np.ndarray:
        """Who is based in the state (works virtually there, if at all)."""
        if state not in self._in_state:
            self._in_state[state] = self.state == state
        return self._in_state[state]

    def speakers(self, language: str) -> np.ndarray:
        """Who speaks the language."""
        if language not in self._speakers:
            parent = getattr(self, "_parent", None)
            self._speakers[language] = (
                parent.speakers(language)[self._idx]
                if parent is not None
                else np.array([language in c.languages for c in self.consultants], dtype=bool)
            )
        return self._speakers[language]

    def endorsement(self, ages: frozenset[str]) -> np.ndarray:
        """The endorsement component for a consultation concerning these ages."""
        ages = ages or BOTH_AGES
        if ages not in self._endorsement:
            parent = getattr(self, "_parent", None)
            self._endorsement[ages] = (
                parent.endorsement(ages)[self._idx]
                if parent is not None
                else np.array(
                    [endorsement_fit(ages, c.endorsements) for c in self.consultants], dtype=float
                )
            )
        return self._endorsement[ages]


@dataclass
class Pairs:
    """A block of consultations (rows) against consultant columns: how each consultant could
    reach each program, whether the consultation's weight fits in their hours free, whether
    they speak its preferred language, and the score (rounded as rules.score rounds it)."""

    by_county: np.ndarray
    by_radius: np.ndarray
    by_virtual: np.ndarray
    hours_fit: np.ndarray
    speaks: np.ndarray
    total: np.ndarray
    unrounded: np.ndarray  # the total before rounding

    @property
    def reach(self) -> np.ndarray:
        return self.by_county | self.by_radius | self.by_virtual


def pair_arrays(
    block: list[RequestFacts], cols: ConsultantColumns, state: str, w: Mapping[str, float]
) -> Pairs:
    """The rules of `rules._reach`, the hours of `exclusion` and `rules.score` for consultations
    of one state against the columns; `w`: normalised_weights()."""
    n_r, n_c = len(block), len(cols)
    r_lat = np.array([np.nan if r.latitude is None else r.latitude for r in block])
    r_lng = np.array([np.nan if r.longitude is None else r.longitude for r in block])
    r_onsite = np.array([r.accepts_on_site for r in block])
    r_virtual = np.array([r.accepts_virtual for r in block])
    concern_share = np.zeros((n_r, len(CONCERN_CODES)))
    for i, r in enumerate(block):
        for k in r.concerns:
            concern_share[i, CONCERN_CODES.index(k)] += 1.0 / len(r.concerns)
    r_setting = np.array([SETTING_CODES.index(r.setting_type) for r in block])
    r_weight = np.array([weight_hundredths(r.weekly_hours) for r in block])
    endorse = np.empty((n_r, n_c))
    for i, r in enumerate(block):
        endorse[i] = cols.endorsement(r.ages)

    # Distances (NaN where a point is unknown).
    dist = geo.distance_miles_array(
        r_lat[:, None], r_lng[:, None], cols.lat[None, :], cols.lng[None, :]
    )
    serves = np.zeros((n_r, n_c), dtype=bool)
    continuity = np.zeros((n_r, n_c))
    speaks = np.ones((n_r, n_c), dtype=bool)
    no_columns = np.empty(0, dtype=np.int64)
    for i, r in enumerate(block):
        serves[i, cols.county_cols.get(r.county_id, no_columns)] = True
        continuity[i, cols.served_cols.get(r.program_id, no_columns)] = 1.0
        if r.preferred_language:
            speaks[i] = cols.speakers(r.preferred_language)
    with np.errstate(invalid="ignore"):
        in_radius = dist <= cols.radius[None, :]
    onsite_ok = r_onsite[:, None] & cols.onsite[None, :]
    by_county = onsite_ok & serves
    by_radius = onsite_ok & ~serves & in_radius
    same_state = cols.in_state(state)
    by_virtual = (
        r_virtual[:, None] & cols.virtual[None, :] & same_state[None, :] & ~(by_county | by_radius)
    )
    # Hours: the consultation's weight within the consultant's hours free (at_capacity).
    hours_fit = cols.hours[None, :] >= r_weight[:, None]

    specialty = concern_share @ cols.answers
    setting = cols.works_in[r_setting]
    with np.errstate(invalid="ignore"):
        distance = np.where(
            (by_county | by_radius) & ~np.isnan(dist),
            np.maximum(0.0, 1.0 - dist / np.maximum(cols.radius[None, :], 1.0)),
            0.0,
        )
    total = (
        w["specialty"] * specialty
        + w["setting"] * setting
        + w["language"] * speaks
        + w["distance"] * distance
        + w["room"] * cols.room[None, :]
        + w["continuity"] * continuity
        + w["endorsement"] * endorse
    )
    return Pairs(by_county, by_radius, by_virtual, hours_fit, speaks, np.round(total, 4), total)
