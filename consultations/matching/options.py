"""The batch's options: every open consultation's feasible consultants with their scores, in
array form (`option_arrays`, what `batch.plan` reads), or as one mapping per consultation
(`batch_options`, what the waitlist, the reports and the tests read).

The rules of `rules.exclusion` and `rules.score` are applied in array form, one state at a
time over the consultants who could reach that state (consultations.matching.arrays: a
compiled pass over the pairs), so national scale takes seconds rather than minutes; tests
hold it to them. The feasible pairs stay in
arrays end to end (no Python object per option): at four times national scale there are some
16 million of them.
"""

from collections import Counter
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from consultations.matching.arrays import (
    ConsultantColumns,
    feasible_pairs,
    normalised_weights,
    pair_arrays,
)
from consultations.matching.prefilter import Outside, Roster, unmatched_reasons
from consultations.matching.rules import (
    ConsultantFacts,
    RequestFacts,
    score_weights,
    unavailability,
)

SCORE_SCALE = 10_000  # scores become integer points (0..10,000) for the flow solver


@dataclass
class OptionArrays:
    """Every feasible (consultation, consultant) pair, grouped by consultation.

    `request_ids`: every consultation given, by state then id; `consultant_ids`: the available
    consultants, by id; option i pairs request_ids[rows[i]] with consultant_ids[columns[i]] at
    points[i] / SCORE_SCALE (`scores`: its score, rounded to 4 places as rules.score rounds
    it), ordered by (rows, columns); `starts[k]`: where consultation k's options begin
    (starts[-1] = the number of options). The points are kept rather than the scores: half the
    memory (at four times national scale 64 MB, not 128), and the flow solver's own units."""

    request_ids: np.ndarray
    consultant_ids: np.ndarray
    rows: np.ndarray
    columns: np.ndarray
    points: np.ndarray  # int32
    starts: np.ndarray

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def scores(self) -> np.ndarray:
        """Each option's score, as rules.score rounds it (np.round(x, 4) is
        rint(x × 10,000) / 10,000: the same float)."""
        return self.points / SCORE_SCALE

    def counts(self) -> np.ndarray:
        """How many options each consultation has."""
        return np.diff(self.starts)

    def best_scores(self) -> np.ndarray:
        """Each consultation's best score (0 where it has no option)."""
        counts = self.counts()
        best = np.zeros(len(self.request_ids))
        has = counts > 0
        if len(self.rows):
            best[has] = np.maximum.reduceat(self.points, self.starts[:-1][has]) / SCORE_SCALE
        return best

    def as_mappings(self) -> dict[int, dict[int, float]]:
        """consultation id -> {consultant id: score} (batch_options' form)."""
        ids = self.consultant_ids[self.columns].tolist()
        scores = self.scores.tolist()
        bounds = self.starts.tolist()
        request_ids = self.request_ids.tolist()
        return {
            request_ids[k]: dict(
                zip(ids[bounds[k] : bounds[k + 1]], scores[bounds[k] : bounds[k + 1]], strict=True)
            )
            for k in np.argsort(self.request_ids, kind="stable").tolist()
        }


def batch_options(
    consultations: list[RequestFacts],
    consultants: list[ConsultantFacts],
    weights: Mapping[str, float] | None = None,
) -> tuple[dict[int, dict[int, float]], dict[int, list[str]]]:
    """The feasible consultants of every consultation with their scores, and for those with
    none the hard constraints that ruled everyone out (most common first): the rules of
    `exclusion` and `score` in array form (see the module's docstring). Weights:
    score_weights() by default."""
    options, reasons = option_arrays(consultations, consultants, weights)
    return options.as_mappings(), reasons


def option_arrays(
    consultations: list[RequestFacts],
    consultants: list[ConsultantFacts],
    weights: Mapping[str, float] | None = None,
    *,
    threads: int = 1,
) -> tuple[OptionArrays, dict[int, list[str]]]:
    """batch_options' answer as OptionArrays (and the same reasons), the states shared by
    `threads` threads."""
    weights = score_weights() if weights is None else weights
    # By state, then id: each state's options follow on from the last state's (_grouped).
    consultations = sorted(consultations, key=lambda r: (r.state, r.id))
    reasons: dict[int, list[str]] = {}
    # The constraints on the consultant alone (not approved, not accepting, at capacity).
    available, unavailable = [], Counter()
    for c in sorted(consultants, key=lambda c: c.id):
        code = unavailability(c)
        if code is None:
            available.append(c)
        else:
            unavailable[code] += 1
    unavailable = dict(unavailable)
    roster = Roster(available)
    by_state: dict[str, list[int]] = {}
    for k, consultation in enumerate(consultations):
        by_state.setdefault(consultation.state, []).append(k)

    w = normalised_weights(weights)
    # Consultant columns, once for everyone available; each state takes its candidates' slice.
    everyone = ConsultantColumns(available)

    def state_options(state: str, positions: list[int]):
        """One state's options as (consultation positions, candidate positions, scores), and
        the reasons of its consultations nobody can take."""
        block = [consultations[k] for k in positions]
        counties = {r.county_id for r in block}
        lats = [r.latitude for r in block if r.latitude is not None]
        lngs = [r.longitude for r in block if r.longitude is not None]
        box = (min(lats), max(lats), min(lngs), max(lngs)) if lats else None

        idx = roster.reach(state, counties, box)
        # Those the pre-filter left out, for the reasons of a consultation nobody can take.
        outside = Outside(roster, idx)
        if not len(idx):
            return None, {r.id: unmatched_reasons(r, {}, outside, unavailable) for r in block}
        # The rules in array form (consultations.matching.arrays, shared with the snapshot):
        # every feasible pair, row by row (so by consultation, then consultant), compiled.
        cols = everyone.take(idx)
        rows, found, unrounded = feasible_pairs(block, cols, state, w)
        # The points: rint(score × 10,000), the first two steps of np.round(score, 4) (how
        # rules.score rounds), worked out in place.
        np.rint(np.multiply(unrounded, SCORE_SCALE, out=unrounded), out=unrounded)
        options = (
            np.asarray(positions, dtype=np.int32)[rows],
            idx.astype(np.int32)[found],
            unrounded.astype(np.int32),
        )
        counts = np.bincount(rows, minlength=len(block))
        nobody = {}
        alone = np.flatnonzero(counts == 0).tolist()
        if not alone:
            return options, nobody
        # The consultations nobody can take: their pairs' matrices, for the reasons.
        block = [block[i] for i in alone]
        pairs = pair_arrays(block, cols, state, w)
        declined = np.zeros(pairs.speaks.shape, dtype=bool)
        for i, r in enumerate(block):
            for pk in r.declined:
                if pk in cols.col_of:
                    declined[i, cols.col_of[pk]] = True
        for i, r in enumerate(block):
            # Nobody: each candidate under the first constraint it fails, in exclusion()'s
            # order (the consultants themselves are available: see `unavailable`).
            modality = (r.accepts_on_site & cols.onsite) | (r.accepts_virtual & cols.virtual)
            left, first = np.ones(len(cols), dtype=bool), {}
            for code, fails in (
                ("at_capacity", ~pairs.hours_fit[i]),
                ("declined_before", declined[i]),
                ("modality", ~modality),
                ("out_of_area", ~pairs.reach[i]),
                ("language", r.language_required & ~pairs.speaks[i]),
            ):
                hit = left & fails
                left &= ~hit
                if hit.any():
                    first[code] = int(hit.sum())
            nobody[r.id] = unmatched_reasons(r, first, outside, unavailable)
        return options, nobody

    # The states share `threads` threads, the largest first (the compiled pass over the pairs,
    # most of the time, lets go of the interpreter); their options are put
    # together in state order, so the answer is the same however many threads there are.
    states = sorted(by_state.items())
    if threads > 1 and len(states) > 1:
        largest_first = sorted(range(len(states)), key=lambda k: -len(states[k][1]))
        with ThreadPoolExecutor(max_workers=threads) as pool:
            futures = {k: pool.submit(state_options, *states[k]) for k in largest_first}
            results = [futures[k].result() for k in range(len(states))]
    else:
        results = [state_options(state, positions) for state, positions in states]
    found_rows, found_columns, found_points = [], [], []
    for options, nobody in results:
        reasons.update(nobody)
        if options is not None:
            found_rows.append(options[0])
            found_columns.append(options[1])
            found_points.append(options[2])
    results = options = None  # the states' arrays now only in the lists, which _grouped empties
    return _grouped(consultations, available, found_rows, found_columns, found_points), reasons


def _grouped(consultations, available, found_rows, found_columns, found_points) -> OptionArrays:
    """The states' options put together: the consultations are in (state, id) order and each
    state's options in (consultation, consultant) order, so one follows on from another. Each
    list is emptied once joined, so that the states' arrays and the whole are in memory
    together one kind at a time (at four times national scale 64 MB each, not 192)."""

    def joined(parts: list) -> np.ndarray:
        whole = np.concatenate([np.zeros(0, dtype=np.int32), *parts])
        parts.clear()
        return whole

    n_r = len(consultations)
    rows = joined(found_rows)
    # Where each consultation's options start: the rows are sorted (a bincount would first
    # copy them all as int64).
    starts = np.searchsorted(rows, np.arange(n_r + 1, dtype=np.int32)).astype(np.int64)
    return OptionArrays(
        request_ids=np.array([r.id for r in consultations], dtype=np.int64),
        consultant_ids=np.array([c.id for c in available], dtype=np.int64),
        rows=rows,
        columns=joined(found_columns),
        points=joined(found_points),
        starts=starts,
    )
