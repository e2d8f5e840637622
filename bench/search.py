"""Directory search benchmark (issue 19): the SQL of GET /api/v1/consultants/?q=... on
PostgreSQL, answered by the in-memory index (directory.search_index) and, for comparison, by the
SQL search (directory.search), with the index's own cost in the process.

    DATABASE_URL=postgres://... python bench/search.py --runs 7

For each query it makes an anonymous request that misses the page cache (the listing version
is bumped first), records every SQL statement the request runs, then EXPLAIN (ANALYZE,
BUFFERS) each statement `--runs` times and keeps the best execution time (planning apart); the
sum is the request's SQL. It also times the index's build (once per search version, per
process) and its answer (the ranking, in Python). Writes bench/results/search.json. Read-only
apart from the listing version and the page cache.
"""

import argparse
import time

import _setup

# "admin:" an admin's search of every listing, whatever its status (never cached).
QUERIES = [
    "reflective",
    "infant",
    "hernandez",
    "josé",
    "jose",
    "maria infant",
    "zzzz",
    "admin:reflective",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    _setup.setup_django(migrate=False)

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from accounts.services import user_token_issue
    from directory import listing_version, search_index
    from directory.models import Consultant

    approved = Consultant.objects.filter(listing_status="approved").count()
    total = Consultant.objects.count()
    anonymous = Client()
    admin_user = get_user_model().objects.get(username="demo-admin")
    admin = Client(HTTP_AUTHORIZATION=f"Token {user_token_issue(user=admin_user).key}")

    def statements(q: str) -> tuple[list[tuple[str, tuple]], dict]:
        listing_version.bump()  # a miss of the anonymous page cache
        found = []
        client = admin if q.startswith("admin:") else anonymous
        q = q.removeprefix("admin:")

        def record(execute, sql, params, many, context):
            found.append((sql, params))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            response = client.get("/api/v1/consultants/", {"q": q})
        assert response.status_code == 200, response.content[:200]
        return found, response.json()

    def best_ms(sql: str, params) -> float:
        best = None
        with connection.cursor() as cursor:
            for _ in range(args.runs):
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
                plan = cursor.fetchone()[0]
                plan = plan[0] if isinstance(plan, list) else plan
                ms = plan["Execution Time"]  # planning apart (a prepared statement's is paid once)
                best = ms if best is None else min(best, ms)
        return best

    def measured(q: str) -> dict:
        found, body = statements(q)
        rows = []
        for sql, params in found:
            if not sql.lstrip().upper().startswith("SELECT") or "django_cache" in sql:
                continue  # the page cache's reads and writes are not the search
            rows.append({"sql": sql[:120], "ms": round(best_ms(sql, params), 3)})
        return {"count": body["count"], "statements": rows, "sql_ms": sum(r["ms"] for r in rows)}

    started = time.perf_counter()
    search_index._current = None
    version = search_index.search_version.read("'x':*")[0]
    index = search_index.build(version)
    build_s = time.perf_counter() - started
    print(f"\n{total:,} listings, {approved:,} approved; best of {args.runs} EXPLAIN ANALYZE")
    print(f"index build: {build_s:.2f} s ({len(index.words):,} words)\n")

    results = []
    print(f"{'q':<14} {'count':>6} {'index: SQL':>11} {'(queries)':>9} {'rank':>8} {'SQL path':>9}")
    for q in QUERIES:
        words = search_index.search.query_words(q.removeprefix("admin:"))
        search_index._current = index
        on_index = measured(q)
        started = time.perf_counter()
        for _ in range(args.runs):
            index.ranked(words, None if q.startswith("admin:") else "approved")
        rank_ms = (time.perf_counter() - started) * 1000 / args.runs
        kept = search_index.ranked
        search_index.ranked = lambda text, status: None  # the SQL search, to compare
        try:
            in_sql = measured(q)
        finally:
            search_index.ranked = kept
        assert on_index["count"] == in_sql["count"], (q, on_index["count"], in_sql["count"])
        results.append({"q": q, "index": on_index, "rank_ms": rank_ms, "sql_path": in_sql})
        print(
            f"{q:<14} {on_index['count']:>6} {on_index['sql_ms']:>9.2f}ms "
            f"{len(on_index['statements']):>9} {rank_ms:>6.2f}ms {in_sql['sql_ms']:>7.2f}ms"
        )
    path = _setup.write_results(
        "search",
        {"listings": total, "approved": approved, "index_build_s": build_s, "results": results},
    )
    print(f"\nWritten to {path.relative_to(_setup.ROOT)}")


if __name__ == "__main__":
    main()
