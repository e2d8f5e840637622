"""Open data benchmarks on PostgreSQL: the HSDS feed at 5,000 listings (median latency and SQL
queries through the whole Django stack) and the import of a 200,000-row licensing list
(time, peak memory).

    DATABASE_URL=postgres://.../iecmhc_bench_hsds python bench/opendata.py

Builds its listings with seed_demo (national, 5,000 consultants) if the database lacks them;
generates the licensing list on the fly (directory.program_list_sample) into a temporary file,
imports it twice (new, then unchanged), and removes the imported programs afterwards. Writes
bench/results/opendata.json.
"""

import argparse
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

import _setup  # bench/ is on sys.path when this file runs as a script


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def bench_feed(runs: int) -> list[dict]:
    from django.db import connection
    from django.test import Client

    from directory.models import Consultant
    from opendata.hsds import hsds_id

    listing = Consultant.objects.filter(listing_status="approved").order_by("pk").last()
    client = Client()
    variants = [
        ("/services (50)", "/api/hsds/services"),
        ("/services per_page=100", "/api/hsds/services?per_page=100"),
        ("/services page 50", "/api/hsds/services?page=50"),
        ("/services modified_after (1 day)", "/api/hsds/services?modified_after=2000-01-01"),
        ("/services/{id} (last listing)", f"/api/hsds/services/{hsds_id('service', listing.pk)}"),
        ("/organizations (50)", "/api/hsds/organizations"),
        ("/service_at_locations (50)", "/api/hsds/service_at_locations"),
        ("/taxonomy_terms", "/api/hsds/taxonomy_terms"),
    ]
    results = []
    print(f"{'variant':<36} {'items':>6} {'SQL':>4} {'median':>9} {'p95':>9}")
    for label, path in variants:
        queries = []

        def count(execute, sql, *args, queries=queries):
            queries.append(sql)
            return execute(sql, *args)

        with connection.execute_wrapper(count):
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code, response.content[:200])
        body = response.json()
        timing = _setup.timed(lambda p=path: client.get(p), runs=runs)
        row = {
            "variant": label,
            "path": path,
            "items": body.get("size", 1),
            "sql_queries": len(queries),
            **timing,
        }
        results.append(row)
        print(
            f"{label:<36} {row['items']:>6} {row['sql_queries']:>4} "
            f"{row['median_ms']:>7.2f}ms {row['p95_ms']:>7.2f}ms"
        )
    started = time.perf_counter()
    response = client.get("/api/hsds/datapackage.zip")
    results.append(
        {
            "variant": "datapackage.zip (whole feed)",
            "bytes": len(response.content),
            "seconds": round(time.perf_counter() - started, 2),
        }
    )
    print(f"datapackage.zip: {len(response.content):,} bytes in {results[-1]['seconds']} s")
    return results


def bench_import(rows: int) -> dict:
    from django.db import connection

    from directory.models import Program
    from directory.program_import import program_import
    from directory.program_list_sample import write_sample

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "licensing-list.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            write_sample(out, rows, seed=2024)
        size_mb = round(path.stat().st_size / 1e6, 1)
        print(f"\nImporting {rows:,} rows ({size_mb} MB)")
        out = {"rows": rows, "file_mb": size_mb, "rss_before_mb": _rss_mb()}
        for label in ("first run (all new)", "second run (all unchanged)"):
            tracemalloc.start()
            started = time.perf_counter()
            with path.open(encoding="utf-8", newline="") as lines:
                report = program_import(actor=None, lines=lines)
            seconds = time.perf_counter() - started
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            out[label] = {
                "seconds": round(seconds, 1),
                "rows_per_second": round(rows / seconds),
                "python_heap_peak_mb": round(peak / 1e6, 1),
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "errors": report.errors_total,
            }
            print(f"{label}: {out[label]}")
        out["rss_peak_mb"] = _rss_mb()
    # The imported programs have no members or requests: plain SQL removes them in seconds
    # (the ORM's delete collects 200,000 objects and their history first).
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {Program.history.model._meta.db_table} h USING "
            f"{Program._meta.db_table} p WHERE h.id = p.id AND p.license_list_seen_at IS NOT NULL"
        )
        cursor.execute(
            f"DELETE FROM {Program._meta.db_table} WHERE license_list_seen_at IS NOT NULL"
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--consultants", type=int, default=5000)
    parser.add_argument("--programs", type=int, default=2000)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()

    _setup.setup_django()
    _setup.seed(consultants=args.consultants, programs=args.programs, states="all", verbosity=1)
    from django.db import connection

    from directory.models import Consultant

    approved = Consultant.objects.filter(listing_status="approved").count()
    print(f"\n{approved:,} approved listings; {args.runs} timed runs per variant\n")
    feed = bench_feed(args.runs)
    program_import = bench_import(args.rows)
    path = _setup.write_results(
        "opendata",
        {
            "approved_listings": approved,
            "database": connection.vendor,
            "hsds_feed": feed,
            "import": program_import,
        },
    )
    print(f"\nWritten to {path.relative_to(_setup.ROOT)}")


if __name__ == "__main__":
    main()
