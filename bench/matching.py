"""Matching benchmark at national scale on PostgreSQL: 5,000 consultants, 200,000 programs,
about 20,000 open requests (all built by seed_demo).

    make bench          # or: DATABASE_URL=postgres://... python bench/matching.py

Prints and writes (bench/results/matching.json): the median and p95 latency of GET
/api/v1/requests/{id}/matches/ through the whole stack; the same requests in-process by the SQL
path and by the snapshot, and by the snapshot at 4x the consultants (bench/matching_paths.py);
the batch assignment's time (load, score, solve), its total score and its ratio to the bound of
every request getting its best consultant regardless of capacity; with --compare, also a greedy
assignment's total and the ratio to it (the greedy solution is worked out only then, and timed
apart: seconds_greedy). The batch is a dry run: nothing is offered.
"""

import argparse
import random
import time

import _setup
import matching_paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="matches requests to time")
    parser.add_argument(
        "--compare", action="store_true", help="also work out a greedy batch, for its ratio"
    )
    args = parser.parse_args()

    _setup.setup_django()
    _setup.seed(
        consultants=5000,
        programs=200_000,
        requests=20_000,
        open_requests=14_000,
        states="all",
        verbosity=1,
    )

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from accounts.services import user_token_issue
    from consultations import batch_offers
    from consultations.models import ConsultationRequest
    from directory.models import Consultant, Program

    admin = get_user_model().objects.get(username="demo-admin")
    client = Client(HTTP_AUTHORIZATION=f"Token {user_token_issue(user=admin).key}")
    open_ids = list(
        ConsultationRequest.objects.filter(status="submitted")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sizes = {
        "consultants": Consultant.objects.count(),
        "approved_consultants": Consultant.objects.filter(listing_status="approved").count(),
        "programs": Program.objects.count(),
        "open_requests": len(open_ids),
    }
    print("\n" + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in sizes.items()))

    sample = random.Random(2026).sample(open_ids, min(args.runs, len(open_ids)))
    matches = time_endpoint(client, sample)
    print("\nGET /api/v1/requests/{id}/matches/ (the snapshot)")
    for key, value in matches.items():
        print(f"  {key:<28} {value}")
    # The same endpoint with the SQL path in its place, for comparison.
    from consultations import matching
    from consultations.matching import facts

    with_snapshot = matching.ranked_matches
    matching.ranked_matches = lambda consultation, *, weights=None, limit=None: (
        facts.ranked_matches_in_sql(consultation, weights=weights).limited(limit)
    )
    try:
        matches_sql = time_endpoint(client, sample)
    finally:
        matching.ranked_matches = with_snapshot
    print("\nGET /api/v1/requests/{id}/matches/ (the SQL path, for comparison)")
    for key, value in matches_sql.items():
        print(f"  {key:<28} {value}")
    matches = {"snapshot": matches, "sql_path": matches_sql}

    # The same requests in-process: the SQL path against the snapshot, and at 4x consultants.
    paths = matching_paths.compare(sample)
    matching_paths.print_result(paths)

    started, cpu = time.perf_counter(), time.process_time()
    run = batch_offers.matching_run(actor=admin, dry_run=True, compare=args.compare)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    batch = {
        "seconds_total": round(elapsed, 2),
        # This process's CPU time (not PostgreSQL's, nor forked workers'): steadier than the
        # wall clock on a busy machine.
        "cpu_seconds_total": round(cpu, 2),
        "workers": settings.MATCHING_BATCH_WORKERS,
        **{f"seconds_{k}": v for k, v in run.seconds.items()},
        "assigned": len(run.assignments),
        "unmatched": len(run.unmatched),
        "priority_matched": run.priority_matched,
        "total_score": run.total_score,
        "greedy_total_score": run.greedy_total_score,
        "upper_bound": run.upper_bound,
        "ratio_to_greedy": round(run.total_score / run.greedy_total_score, 4)
        if run.greedy_total_score
        else None,
        "ratio_to_bound": round(run.total_score / run.upper_bound, 4) if run.upper_bound else None,
    }
    print("\nBatch assignment (dry run)")
    for key, value in batch.items():
        print(f"  {key:<28} {value}")
    path = _setup.write_results(
        "matching", {"sizes": sizes, "matches": matches, "paths": paths, "batch": batch}
    )
    print(f"\nWritten to {path.relative_to(_setup.ROOT)}")


def time_endpoint(client, sample: list[int]) -> dict:
    """GET .../matches/ for each request of the sample: latency, queries, feasible count."""
    from django.db import connection

    for request_id in sample[:5]:  # warm up
        client.get(f"/api/v1/requests/{request_id}/matches/")
    samples, queries, counts = [], [], []
    for request_id in sample:
        executed = []

        def count(execute, sql, *a, executed=executed):
            executed.append(sql)
            return execute(sql, *a)

        with connection.execute_wrapper(count):
            started = time.perf_counter()
            response = client.get(f"/api/v1/requests/{request_id}/matches/")
            samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content[:300]
        queries.append(len(executed))
        counts.append(response.json()["count"])
    samples.sort()
    return {
        "requests_timed": len(samples),
        "median_ms": round(samples[len(samples) // 2], 2),
        "p95_ms": round(samples[int(0.95 * (len(samples) - 1))], 2),
        "max_ms": round(samples[-1], 2),
        "sql_queries_median": sorted(queries)[len(queries) // 2],
        "feasible_consultants_median": sorted(counts)[len(counts) // 2],
    }


if __name__ == "__main__":
    main()
