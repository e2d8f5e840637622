"""Ranked matches for one request in-process: the SQL path (facts.ranked_matches_in_sql, the
reference) against the snapshot (snapshot.ranked_matches), on the same sample of open requests,
and the snapshot's flatness: the same requests against the snapshot built from the database's
consultants and against those consultants replicated `--replicate` times (4: 20,000 from the
national 5,000; the copies get new ids and are otherwise identical, so each request has
`--replicate` times the candidates, a harsher case than 4x national's spread-out consultants).

    DATABASE_URL=postgres://.../iecmhc_bench python bench/matching_paths.py

It only reads (no migration, no seeding): on a database without the matching version's table
(an older schema) the version query is replaced by a query of the same shape without the table.
bench/matching.py runs it after the endpoint. Results: bench/results/matching_paths.json.
"""

import argparse
import dataclasses
import random
import statistics
import time

import _setup


def _stats(samples: list[float]) -> dict[str, float]:
    samples = sorted(samples)
    return {
        "median_ms": round(statistics.median(samples), 3),
        "p95_ms": round(samples[min(len(samples) - 1, int(0.95 * len(samples)))], 3),
        "max_ms": round(samples[-1], 3),
    }


def best_of(fn, argument, repeat: int) -> float:
    """The fastest of `repeat` calls, in ms: the least disturbed by other work on the machine."""
    fastest = float("inf")
    for _ in range(repeat):
        begun = time.perf_counter()
        fn(argument)
        fastest = min(fastest, time.perf_counter() - begun)
    return fastest * 1000


def replicated(snap, times: int):
    """The snapshot with every consultant `times` over (new ids, the same facts)."""
    import numpy as np

    from consultations.matching.arrays import ConsultantColumns

    facts = snap.columns.consultants
    offset = max(c.id for c in facts) + 1
    copies = [
        dataclasses.replace(c, id=c.id + k * offset) if k else c
        for k in range(times)
        for c in facts
    ]
    return dataclasses.replace(
        snap,
        columns=ConsultantColumns(copies),
        not_approved=snap.not_approved * times,
        lapsed=np.tile(snap.lapsed, times),
        accepting=np.tile(snap.accepting, times),
        places=np.tile(snap.places, times),
    )


def compare(sample_ids: list[int], *, replicate: int = 4, limit: int = 25, repeat: int = 3) -> dict:
    from django.db import connection

    from consultations.matching import facts, snapshot, version
    from consultations.models import ConsultationRequest

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('consultations_matchingversion') IS NOT NULL")
        has_version = cursor.fetchone()[0]
    if not has_version:  # the same query without the table: (token, written)

        def stand_in():
            with connection.cursor() as cursor:
                cursor.execute("SELECT 'bench', pg_current_xact_id_if_assigned() IS NOT NULL")
                return cursor.fetchone()[0]

        version.current = stand_in

    def load(pk):  # as the API reads it (access_consultation)
        return ConsultationRequest.objects.select_related(
            "program__county", "preferred_language"
        ).get(pk=pk)

    consultations = [load(pk) for pk in sample_ids]
    started = time.perf_counter()
    snapshot._current = None
    snapshot.current(version.current())
    build_seconds = time.perf_counter() - started

    # The same answer first (every request, every match, every count).
    feasible = []
    for consultation in consultations:
        reference = facts.ranked_matches_in_sql(consultation)
        assert snapshot.ranked_matches(consultation) == reference, consultation.pk
        feasible.append(reference.count)

    def timed(fn) -> dict[str, float]:
        return _stats([best_of(fn, consultation, repeat) for consultation in consultations])

    result = {
        "requests": len(consultations),
        "timing": f"each request's fastest of {repeat} calls",
        "consultants_in_snapshot": len(snapshot._current.columns),
        "snapshot_build_seconds": round(build_seconds, 3),
        "feasible_median": statistics.median(feasible),
        "sql_path": timed(facts.ranked_matches_in_sql),
        "snapshot_limit": timed(lambda c: snapshot.ranked_matches(c, limit=limit)),
        "snapshot_all": timed(snapshot.ranked_matches),
    }

    # Flatness: the ranking alone (the request's facts read once) against 1x and `replicate`x.
    from consultations.matching import declined_consultant_ids

    request_facts = [
        facts.request_facts(c, frozenset(declined_consultant_ids(c))) for c in consultations
    ]
    base = snapshot._current
    started = time.perf_counter()
    big = replicated(base, replicate)
    replicate_seconds = time.perf_counter() - started
    flat = {"replicated_columns_seconds": round(replicate_seconds, 3)}
    for name, snap in (("1x", base), (f"{replicate}x", big)):
        for label, lim in ((f"limit_{limit}", limit), ("all", None)):
            samples = [
                best_of(lambda r, s=snap, n=lim: s.rank(r, limit=n), r, repeat)
                for r in request_facts
            ]
            counts = [snap.rank(r).count for r in request_facts]
            flat[f"{name}_{label}"] = {
                **_stats(samples),
                "consultants": len(snap.columns),
                "feasible_median": statistics.median(counts),
            }
    result["rank_only"] = flat
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="requests to time")
    parser.add_argument("--replicate", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3, help="calls per request (fastest kept)")
    args = parser.parse_args()
    _setup.setup_django(migrate=False)

    from consultations.models import ConsultationRequest

    open_ids = list(
        ConsultationRequest.objects.filter(status="submitted")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sample = random.Random(2026).sample(open_ids, min(args.runs, len(open_ids)))
    result = compare(sample, replicate=args.replicate, repeat=args.repeat)
    print_result(result)
    path = _setup.write_results("matching_paths", result)
    print(f"\nWritten to {path.relative_to(_setup.ROOT)}")


def print_result(result: dict) -> None:
    print("\nRanked matches in-process: SQL path vs snapshot")
    for key, value in result.items():
        if isinstance(value, dict) and key == "rank_only":
            print("  rank only (snapshot.rank, request facts read beforehand):")
            for name, figures in value.items():
                print(f"    {name:<26} {figures}")
        else:
            print(f"  {key:<28} {value}")


if __name__ == "__main__":
    main()
