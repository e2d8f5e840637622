"""Issue 19's table: the endpoints and the batch at 1x, 2x and 4x national, one run per size.

    python bench/scales.py                      # 1x, 2x and 4x
    python bench/scales.py --scales 1 4 --runs 100

Each size k has its own database, BENCH_DATABASE_URL's name with `_<k>x` added. One missing is
created, migrated and seeded with k times seed_demo's national set (5,000 consultants, 200,000
programs, 20,000 requests of which 14,000 left open, every state), then analysed; one already
there is migrated and extended (seed_demo is idempotent). Then, on each: bench/endpoints.py
(gunicorn with 2 workers, each endpoint interleaved with /healthz) and bench/batch.py (the batch,
a dry run), each in its own process, one after the other. Prints one table (p50, ratio to
/healthz, server time, SQL queries, CPU) and writes bench/results/scales.json.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from urllib.parse import urlsplit, urlunsplit

import _setup

NATIONAL = {"consultants": 5000, "programs": 200_000, "requests": 20_000, "open_requests": 14_000}


def database_url(base: str, scale: int) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}_{scale}x"))


def run(script: str, url: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    command = [sys.executable, str(_setup.ROOT / "bench" / script), *args]
    print(f"\n$ DATABASE_URL={url} {' '.join(command[1:])}", flush=True)
    subprocess.run(command, env=env, check=True)


def seed(url: str, scale: int) -> float:
    """Migrate and seed (idempotent), then ANALYZE; the seconds it took."""
    code = (
        "import _setup; _setup.setup_django(); "
        f"_setup.seed(states='all', verbosity=1, **{ {k: v * scale for k, v in NATIONAL.items()} })"
    )
    env = {**os.environ, "DATABASE_URL": url}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=_setup.ROOT / "bench", env=env, check=True)
    import psycopg2

    conn = psycopg2.connect(url)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("ANALYZE")
    conn.close()
    return round(time.perf_counter() - started, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--compare", action="store_true", help="the batch's greedy ratio too")
    args = parser.parse_args()
    base = os.environ.get("BENCH_DATABASE_URL") or os.environ.get(
        "DATABASE_URL", _setup.DEFAULT_DATABASE_URL
    )
    results = {}
    for scale in args.scales:
        url = database_url(base, scale)
        label = f"{scale}x"
        _setup.ensure_database(url)
        seeded = seed(url, scale)
        run("endpoints.py", url, "--runs", str(args.runs), "--label", label)
        run("batch.py", url, "--label", label, *(["--compare"] if args.compare else []))
        endpoints = json.loads((_setup.RESULTS / f"endpoints_{label}.json").read_text())
        batch = json.loads((_setup.RESULTS / f"batch_{label}.json").read_text())
        results[label] = {"seed_seconds": seeded, "endpoints": endpoints, "batch": batch}
    print_table(results)
    path = _setup.write_results("scales", results)
    print(f"\nWritten to {path.relative_to(_setup.ROOT)}")


def print_table(results: dict) -> None:
    labels = list(results)
    print()
    for label in labels:
        sizes = results[label]["endpoints"]["data_set"]
        print(f"{label}: " + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in sizes.items()))
    print("\np50 ms at the client (ratio to /healthz) / server p50 ms / SQL / CPU app+db ms")
    print(f"{'endpoint':<34}" + "".join(f" {label:>36}" for label in labels))
    rows = {}
    for label in labels:
        for row in results[label]["endpoints"]["results"]:
            cell = (
                f"{row['p50_ms']:.1f} ({row['ratio_to_healthz']:.1f}x) / "
                f"{row['server_p50_ms'] or 0:.1f} / {row['sql_queries']} / "
                f"{row['cpu_app_ms_mean']:.1f}+{row['cpu_db_ms_mean']:.1f}"
            )
            rows.setdefault(row["endpoint"], {})[label] = cell
    for endpoint, cells in rows.items():
        print(f"{endpoint:<34}" + "".join(f" {cells.get(label, '-'):>36}" for label in labels))
    print("\nbatch (dry run): total s (load / options and scores / solve), peak MB, assigned,")
    print("ratio to the capacity-free bound")
    for label in labels:
        b = results[label]["batch"]
        stages = " / ".join(str(b.get(f"seconds_{k}", "-")) for k in ("load", "score", "solve"))
        greedy = f", {b['ratio_to_greedy']}x greedy" if b.get("ratio_to_greedy") else ""
        print(
            f"  {label}: {b['seconds_total']} s ({stages}), {b['peak_rss_mb']:,} MB, "
            f"{b['assigned']:,} assigned, {b['ratio_to_bound']} of the bound{greedy}"
        )


if __name__ == "__main__":
    main()
