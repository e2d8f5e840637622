"""The matching rules in array form, shared by the batch (options.option_arrays, a state's open
consultations against the consultants who could reach it) and the snapshot
(snapshot.ranking, one consultation against every approved consultant).

`ConsultantColumns` holds what the rules read of a list of consultants as numpy columns (built
once: the snapshot keeps one per process); `pair_arrays` applies the reach, hours, language and
score rules of `rules.exclusion` and `rules.score` to a block of consultations of one state
against those columns. The property tests hold both callers to the scalar rules.

The batch's blocks are large (at four times national scale 62 million pairs, of which 16
million feasible), so the batch does not build their matrices: `feasible_pairs` applies the
same rules to one pair at a time in a compiled pass (kernels.feasible_pairs) and keeps only
the feasible ones with their scores, the same floats (tests hold it to `pair_arrays`). In the
matrices a pair's distance is worked out only where it can count (on-site work, within the
radius in latitude alone) and its score only when asked for (`Pairs.scores_at`).
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
        sub._position = np.full(len(self), -1, dtype=np.int64)  # each column's here, or -1
        sub._position[idx] = np.arange(len(idx))
        return sub

    @cached_property
    def county_cols(self) -> Mapping[int, np.ndarray]:
        """County -> the columns of the consultants who serve it."""
        if getattr(self, "_parent", None) is not None:
            return _Among(self._parent.county_cols, self._position)
        cols: dict[int, list[int]] = {}
        for j, c in enumerate(self.consultants):
            for county in c.counties:
                cols.setdefault(county, []).append(j)
        return {county: np.array(js, dtype=np.int64) for county, js in cols.items()}

    @cached_property
    def served_cols(self) -> Mapping[int, np.ndarray]:
        """Program -> the columns of the consultants who have worked with it (continuity)."""
        if getattr(self, "_parent", None) is not None:
            return _Among(self._parent.served_cols, self._position)
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
    they speak its preferred language, and the score (rounded as rules.score rounds it): of
    every pair (`total`, `unrounded`), or of some (`scores_at`, the same floats)."""

    by_county: np.ndarray
    by_radius: np.ndarray
    by_virtual: np.ndarray
    hours_fit: np.ndarray
    speaks: np.ndarray
    terms: dict  # what the score is made of (see pair_arrays)

    @property
    def reach(self) -> np.ndarray:
        return self.by_county | self.by_radius | self.by_virtual

    @cached_property
    def unrounded(self) -> np.ndarray:
        """The score of every pair before rounding."""
        n_r, n_c = self.speaks.shape
        return self._score(np.repeat(np.arange(n_r), n_c), np.tile(np.arange(n_c), n_r)).reshape(
            n_r, n_c
        )

    @cached_property
    def total(self) -> np.ndarray:
        return np.round(self.unrounded, 4)

    def scores_at(self, rows: np.ndarray, found: np.ndarray) -> np.ndarray:
        """The rounded scores of the pairs (rows[i], found[i]) alone."""
        return np.round(self._score(rows, found), 4)

    def unrounded_at(self, rows: np.ndarray, found: np.ndarray) -> np.ndarray:
        """The scores of the pairs (rows[i], found[i]) alone, before rounding."""
        return self._score(rows, found)

    def _score(self, rows, found) -> np.ndarray:
        """rules.score's sum, term by term in its order, for the pairs given (each pair's
        value read from the flattened matrices: one index for all of them)."""
        t, w = self.terms, self.terms["w"]
        n_c = self.speaks.shape[1]
        flat = rows.astype(np.int64) * n_c + found

        def at(matrix):
            return np.ravel(matrix).take(flat)

        def by_row_kind(table, kinds):  # table[kinds[rows], found]
            return np.ravel(table).take(kinds.take(rows).astype(np.int64) * n_c + found)

        close = (at(self.by_county) | at(self.by_radius)) & ~np.isnan(dist := at(t["dist"]))
        radius = t["radius"].take(found)
        with np.errstate(invalid="ignore"):
            distance = np.where(close, np.maximum(0.0, 1.0 - dist / np.maximum(radius, 1.0)), 0.0)
        return (
            w["specialty"] * at(t["specialty"])
            + w["setting"] * by_row_kind(t["works_in"], t["setting"])
            + w["language"] * at(self.speaks)
            + w["distance"] * distance
            + w["room"] * t["room"].take(found)
            + w["continuity"] * at(t["continuity"])
            + w["endorsement"] * by_row_kind(t["endorsement"], t["ages"])
        )


# A pair further apart in latitude alone than this many miles beyond the consultant's radius
# (at least a mile) is out of reach and scores 0 for distance: its distance is not computed.
# The great-circle distance is never shorter than the difference in latitude; the margin
# covers rounding.
LATITUDE_MARGIN_MILES = 1.0


def distances(r_lat, r_lng, cols: ConsultantColumns, onsite_ok) -> np.ndarray:
    """The great-circle distances of the pairs whose distance counts (on-site work both sides
    accept, within the consultant's radius in latitude alone; NaN where a point is unknown),
    as geo.distance_miles_array computes them; GREAT elsewhere, which reads as out of reach
    and a distance score of 0, as the distance itself would."""
    reach = (np.maximum(cols.radius, 1.0) + LATITUDE_MARGIN_MILES) / geo.MILES_PER_DEGREE
    with np.errstate(invalid="ignore"):
        near = onsite_ok & ~(np.abs(r_lat[:, None] - cols.lat[None, :]) > reach[None, :])
    rows, found = np.nonzero(near)
    dist = np.full(near.shape, GREAT)
    # The formula of geo._haversine, step by step as the whole-matrix form takes it, so each
    # distance is the same float: the per-request and per-consultant terms on their own
    # arrays, then the pair terms.
    p1, p2 = np.radians(r_lat), np.radians(cols.lat)
    cos1, cos2 = np.cos(p1), np.cos(p2)
    dp = p2[found] - p1[rows]
    dl = np.radians(cols.lng[found] - r_lng[rows])
    h = np.sin(dp / 2) ** 2.0 + cos1[rows] * cos2[found] * np.sin(dl / 2) ** 2.0
    dist[rows, found] = 2 * geo.EARTH_RADIUS_MILES * np.arcsin(np.minimum(1.0, np.sqrt(h)))
    return dist


GREAT = 1e9  # miles: further than any radius


class _Among(Mapping):
    """A key -> columns mapping of a ConsultantColumns seen from a subset of its columns
    (`take`): each key's columns among the subset, numbered as the subset numbers them, worked
    out when first asked (a state's consultations ask for a few hundred of the thousands of
    counties its candidates serve); a key with none of its columns in the subset is absent."""

    def __init__(self, parent: Mapping[int, np.ndarray], position: np.ndarray):
        self.parent, self.position = parent, position
        self.found: dict[int, np.ndarray | None] = {}

    def _columns(self, key) -> np.ndarray | None:
        if key not in self.found:
            at = self.parent.get(key)
            mine = None if at is None else self.position[at]
            mine = None if mine is None else np.sort(mine[mine >= 0])
            self.found[key] = mine if mine is not None and len(mine) else None
        return self.found[key]

    def __getitem__(self, key) -> np.ndarray:
        columns = self._columns(key)
        if columns is None:
            raise KeyError(key)
        return columns

    def __contains__(self, key) -> bool:
        return key in self.parent and self._columns(key) is not None

    def __iter__(self):
        return (key for key in self.parent if key in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class _RequestColumns:
    """What the rules read of a block of consultations, as arrays (one entry per
    consultation); the endorsement component, which depends on the ages alone, as one row of
    the columns per set of ages (`by_ages`, each consultation's row in `ages`)."""

    def __init__(self, block: list[RequestFacts], cols: ConsultantColumns):
        self.lat = np.array([np.nan if r.latitude is None else r.latitude for r in block])
        self.lng = np.array([np.nan if r.longitude is None else r.longitude for r in block])
        self.onsite = np.array([r.accepts_on_site for r in block], dtype=bool)
        self.virtual = np.array([r.accepts_virtual for r in block], dtype=bool)
        self.concern_share = np.zeros((len(block), len(CONCERN_CODES)))
        for i, r in enumerate(block):
            for k in r.concerns:
                self.concern_share[i, CONCERN_CODES.index(k)] += 1.0 / len(r.concerns)
        self.setting = np.array([SETTING_CODES.index(r.setting_type) for r in block], np.int64)
        self.weight = np.array([weight_hundredths(r.weekly_hours) for r in block], dtype=float)
        age_sets = sorted({r.ages for r in block}, key=sorted)
        self.by_ages = np.array([cols.endorsement(ages) for ages in age_sets]).reshape(
            len(age_sets), len(cols)
        )
        self.ages = np.array([age_sets.index(r.ages) for r in block], dtype=np.int64)


def _lists(keys: list, columns_of: Mapping) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each key its index into a CSR list of the columns columns_of[key] (-1: none), and
    the list itself (where each key's columns start, and the columns)."""
    present = sorted(k for k in set(keys) if k in columns_of)
    index = {k: n for n, k in enumerate(present)}
    lists = [columns_of[k] for k in present]
    at = np.zeros(len(lists) + 1, dtype=np.int64)
    np.cumsum([len(c) for c in lists], out=at[1:])
    flat = np.concatenate([np.zeros(0, dtype=np.int64), *lists]).astype(np.int64)
    return np.array([index.get(k, -1) for k in keys], dtype=np.int64), at, flat


def feasible_pairs(
    block: list[RequestFacts], cols: ConsultantColumns, state: str, w: Mapping[str, float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """pair_arrays' feasible pairs (within reach, hours free, the language if required, not
    declined) and their scores before rounding, without its matrices: a compiled pass over
    the pairs (kernels.feasible_pairs). (rows, columns, unrounded scores), by row then column;
    the property tests hold it to pair_arrays and to the scalar rules."""
    from consultations.matching import kernels

    r = _RequestColumns(block, cols)
    languages = sorted({q.preferred_language for q in block if q.preferred_language})
    speakers = np.array([cols.speakers(code) for code in languages], dtype=bool).reshape(
        len(languages), len(cols)
    )
    language = {code: n for n, code in enumerate(languages)}
    r_county, county_at, county_cols = _lists([q.county_id for q in block], cols.county_cols)
    r_program, program_at, program_cols = _lists([q.program_id for q in block], cols.served_cols)
    declined = [
        [cols.col_of[pk] for pk in sorted(q.declined) if pk in cols.col_of] if q.declined else ()
        for q in block
    ]
    declined_at = np.zeros(len(block) + 1, dtype=np.int64)
    np.cumsum([len(d) for d in declined], out=declined_at[1:])
    reach = (np.maximum(cols.radius, 1.0) + LATITUDE_MARGIN_MILES) / geo.MILES_PER_DEGREE
    return kernels.feasible_pairs(
        r.lat, r.lng, r.onsite, r.virtual, r.weight,
        np.array([q.language_required for q in block], dtype=bool),
        np.array([language.get(q.preferred_language, -1) for q in block], dtype=np.int64),
        r.setting, r.ages, r.concern_share, r_county, r_program, declined_at,
        np.array([j for d in declined for j in d], dtype=np.int64),
        cols.lat, cols.lng, cols.radius, cols.onsite, cols.virtual, cols.in_state(state),
        cols.room, cols.hours, np.ascontiguousarray(cols.answers),
        np.ascontiguousarray(cols.works_in), np.ascontiguousarray(r.by_ages, dtype=float),
        speakers, county_at, county_cols, program_at, program_cols,
        np.array([w[k] for k in COMPONENTS], dtype=float), reach, geo.EARTH_RADIUS_MILES,
    )  # fmt: skip


def pair_arrays(
    block: list[RequestFacts], cols: ConsultantColumns, state: str, w: Mapping[str, float]
) -> Pairs:
    """The rules of `rules._reach`, the hours of `exclusion` and `rules.score` for consultations
    of one state against the columns; `w`: normalised_weights()."""
    n_r, n_c = len(block), len(cols)
    r = _RequestColumns(block, cols)
    r_lat, r_lng, r_onsite, r_virtual = r.lat, r.lng, r.onsite, r.virtual
    concern_share, r_setting, r_weight = r.concern_share, r.setting, r.weight
    by_ages, r_ages = r.by_ages, r.ages

    onsite_ok = r_onsite[:, None] & cols.onsite[None, :]
    dist = distances(r_lat, r_lng, cols, onsite_ok)
    serves = np.zeros((n_r, n_c), dtype=bool)
    continuity = np.zeros((n_r, n_c), dtype=bool)
    speaks = np.ones((n_r, n_c), dtype=bool)
    no_columns = np.empty(0, dtype=np.int64)
    for i, r in enumerate(block):
        serves[i, cols.county_cols.get(r.county_id, no_columns)] = True
        continuity[i, cols.served_cols.get(r.program_id, no_columns)] = True
        if r.preferred_language:
            speaks[i] = cols.speakers(r.preferred_language)
    with np.errstate(invalid="ignore"):
        in_radius = dist <= cols.radius[None, :]
    by_county = onsite_ok & serves
    by_radius = onsite_ok & ~serves & in_radius
    same_state = cols.in_state(state)
    by_virtual = (
        r_virtual[:, None] & cols.virtual[None, :] & same_state[None, :] & ~(by_county | by_radius)
    )
    # Hours: the consultation's weight within the consultant's hours free (at_capacity).
    hours_fit = cols.hours[None, :] >= r_weight[:, None]

    terms = {
        "w": w,
        "specialty": concern_share @ cols.answers,
        "works_in": cols.works_in,
        "setting": r_setting,
        "dist": dist,
        "radius": cols.radius,
        "room": cols.room,
        "continuity": continuity,
        "endorsement": by_ages,
        "ages": r_ages,
    }
    return Pairs(by_county, by_radius, by_virtual, hours_fit, speaks, terms)
