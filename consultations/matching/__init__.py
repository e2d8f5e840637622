"""Matching consultants to consultation requests (docs/domain.md, "Matching").

- `rules`: the hard constraints, the score and its reasons, as pure code on plain facts;
- `facts`: what matching reads from the database, and the hard constraints in SQL;
- `arrays`: the rules in array form, shared by the batch and the snapshot;
- `batch`: every open consultation at once and the optimal solver;
- `snapshot`: one consultation's ranked matches from a per-process snapshot of the consultants,
  kept while the matching `version` (in the database) stays the same.
"""

from consultations.matching.batch import (
    SCORE_SCALE,
    Assignment,
    BatchResult,
    batch_options,
    gc_paused,
    greedy,
    plan,
    solve,
    summarize,
)
from consultations.matching.facts import (
    REQUEST_FIELDS,
    declined_by,
    declined_consultant_ids,
    match_candidates,
    matchable_consultants_facts,
    open_requests_facts,
    ranked_matches_in_sql,
)
from consultations.matching.rules import (
    COMPONENTS,
    EXCLUSIONS,
    ConsultantFacts,
    Match,
    Ranking,
    RequestFacts,
    concerns_answered,
    exclusion,
    rank,
    score,
    score_weights,
)
from consultations.matching.snapshot import ranked_matches

__all__ = [
    "COMPONENTS",
    "EXCLUSIONS",
    "REQUEST_FIELDS",
    "SCORE_SCALE",
    "Assignment",
    "BatchResult",
    "ConsultantFacts",
    "Match",
    "Ranking",
    "RequestFacts",
    "batch_options",
    "concerns_answered",
    "declined_by",
    "declined_consultant_ids",
    "exclusion",
    "gc_paused",
    "greedy",
    "match_candidates",
    "matchable_consultants_facts",
    "open_requests_facts",
    "plan",
    "rank",
    "ranked_matches",
    "ranked_matches_in_sql",
    "score",
    "score_weights",
    "solve",
    "summarize",
]
