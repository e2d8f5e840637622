"""Ranked matches for one consultation from a per-process snapshot of the consultants.

The snapshot holds the matching facts of every approved consultant (facts.matchable_consultants_
facts, the same reads as the SQL path's) as numpy columns (arrays.ConsultantColumns, shared
with the batch), with how many consultants are not approved. It is built when first needed and
kept while the matching version (consultations.matching.version: one query per call, which
also reads the consultation's earlier declines) and the
date stay the same: any write to a listing, a credential or a caseload changes the version, so
the next call in every process rebuilds it; a new day rebuilds it too (licences lapse and
endorsements expire by date).

A consultation is then matched with array operations: each consultant's first failing hard
constraint (in EXCLUSIONS order), the counts, and the score of those who pass. The best of them
(all, or the `limit` best) are scored again by `rules.score` for their components and reasons,
so the result is the SQL path's (facts.ranked_matches_in_sql, the reference; the property
tests hold them equal). When the version cannot be trusted (a PostgreSQL transaction that has
written), matching reads the database instead.

What is offered is checked again when it is offered: services.request_offer locks the
consultant and the consultation and checks approval, licence, acceptance, room and earlier
declines under the lock.
"""

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
from django.utils import timezone

from consultations.matching import version
from consultations.matching.arrays import ConsultantColumns, normalised_weights, pair_arrays
from consultations.matching.facts import (
    declined_events_sql,
    matchable_consultants_facts,
    ranked_matches_in_sql,
    request_facts,
)
from consultations.matching.rules import EXCLUSIONS, Ranking, RequestFacts, score, score_weights
from consultations.models import ConsultationRequest
from directory.models import Consultant, places_free

# An array score is rules.score's exactly unless its unrounded value lies this close to a
# rounding boundary (the two differ by a few units in the last place before rounding).
BOUNDARY = 1e-6


@dataclass
class Snapshot:
    """The approved consultants' matching facts at one version, on one day."""

    version: str | None
    today: date
    columns: ConsultantColumns
    not_approved: int  # consultants not approved (each fails the first constraint)
    lapsed: np.ndarray
    accepting: np.ndarray
    places: np.ndarray  # caseload places free (hours aside)

    def rank(
        self,
        consultation: RequestFacts,
        weights: Mapping[str, float] | None = None,
        *,
        limit: int | None = None,
    ) -> Ranking:
        """rules.rank over every consultant, in array form; `limit`: keep only the best."""
        weights = score_weights() if weights is None else weights
        cols = self.columns
        pairs = pair_arrays([consultation], cols, consultation.state, normalised_weights(weights))
        declined = np.zeros(len(cols), dtype=bool)
        declined[[cols.col_of[pk] for pk in consultation.declined if pk in cols.col_of]] = True
        language = consultation.language_required and consultation.preferred_language
        failing = {
            "not_approved": np.zeros(len(cols), dtype=bool),  # the snapshot holds approved only
            "credential_lapsed": self.lapsed,
            "not_accepting": ~self.accepting,
            "at_capacity": (self.places <= 0) | ~pairs.hours_fit[0],
            "declined_before": declined,
            "modality": ~(
                (consultation.accepts_on_site & cols.onsite)
                | (consultation.accepts_virtual & cols.virtual)
            ),
            "out_of_area": ~pairs.reach[0],
            "language": ~pairs.speaks[0] if language else np.zeros(len(cols), dtype=bool),
        }
        first = np.full(len(cols), -1)
        for k, code in enumerate(EXCLUSIONS):  # a code missing from `failing` fails at once
            first[(first < 0) & failing[code]] = k
        counts = np.bincount(first[first >= 0], minlength=len(EXCLUSIONS))
        excluded = {code: int(counts[k]) for k, code in enumerate(EXCLUSIONS)}
        excluded["not_approved"] += self.not_approved

        feasible = np.flatnonzero(first < 0)
        if limit is not None and limit < len(feasible):
            return self._best(consultation, weights, pairs, feasible, max(limit, 0), excluded)
        matches = [score(consultation, cols.consultants[j], weights) for j in feasible.tolist()]
        matches.sort(key=lambda m: (-m.score, m.consultant_id))
        return Ranking(matches=matches, excluded=excluded, count=len(feasible))

    def _best(self, consultation, weights, pairs, feasible, limit, excluded) -> Ranking:
        """The `limit` best feasible consultants by (score, id), chosen by their array scores
        (those near a rounding boundary scored by rules.score first), then scored by it."""
        # Scored where feasible only (the same floats as the whole row's).
        unrounded = pairs.unrounded_at(np.zeros(len(feasible), dtype=np.int64), feasible)
        scores = np.round(unrounded, 4)
        scaled = unrounded * 10_000
        near = np.flatnonzero(np.abs(scaled - np.floor(scaled) - 0.5) < BOUNDARY)
        consultants = self.columns.consultants
        for i in near.tolist():
            scores[i] = score(consultation, consultants[feasible[i]], weights).score
        order = np.lexsort((self.columns.ids[feasible], -scores))[:limit]
        matches = [score(consultation, consultants[j], weights) for j in feasible[order].tolist()]
        if [m.score for m in matches] != scores[order].tolist():  # never expected: be exact
            return self.rank(consultation, weights).limited(limit)
        return Ranking(matches=matches, excluded=excluded, count=len(feasible))


def build(token: str | None = None, today: date | None = None) -> Snapshot:
    """A snapshot of the database now (five queries)."""
    today = today or timezone.localdate()
    facts = matchable_consultants_facts()
    not_approved = Consultant.objects.exclude(
        listing_status=Consultant.ListingStatus.APPROVED
    ).count()
    return Snapshot(
        version=token,
        today=today,
        columns=ConsultantColumns(facts),
        not_approved=not_approved,
        lapsed=np.array([c.license_lapsed for c in facts], dtype=bool),
        accepting=np.array([c.accepting for c in facts], dtype=bool),
        places=np.array(
            [places_free(c.max_caseload, c.active_caseload, c.open_offers) for c in facts],
            dtype=np.int64,
        ),
    )


_current: Snapshot | None = None
_building = threading.Lock()


def current(token: str) -> Snapshot:
    """This process's snapshot at the version `token`, today: kept, or built anew."""
    global _current
    today = timezone.localdate()
    kept = _current
    if kept is not None and kept.version == token and kept.today == today:
        return kept
    with _building:
        kept = _current
        if kept is None or kept.version != token or kept.today != today:
            kept = _current = build(token, today)
    return kept


def ranked_matches(
    consultation: ConsultationRequest, *, weights=None, limit: int | None = None
) -> Ranking:
    """The consultants who may take the consultation, best first (the `limit` best, or all),
    each with components and reasons, how many may (`count`), and the counts of those excluded
    by each hard constraint: from the snapshot, or from the database when the version cannot
    be trusted."""
    weights = weights or score_weights()
    token, declined = version.current_with(declined_events_sql(consultation))  # one query
    declined = frozenset(declined)
    if token is None:
        return ranked_matches_in_sql(consultation, weights=weights, declined=declined).limited(
            limit
        )
    facts = request_facts(consultation, declined)
    return current(token).rank(facts, weights, limit=limit)
