"""Directory list benchmark: SQL queries and latency of GET /api/v1/consultants/ at 5,000
consultants on PostgreSQL, through the whole Django stack (middleware, DRF, serializers).

    make bench                       # or: DATABASE_URL=postgres://... python bench/directory.py

Builds its data with seed_demo (national, 5,000 consultants) if the database lacks it, then
times each query variant and writes bench/results/directory.json.
"""

import argparse

import _setup  # bench/ is on sys.path when this file runs as a script


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--consultants", type=int, default=5000)
    parser.add_argument("--programs", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()

    _setup.setup_django()
    _setup.seed(consultants=args.consultants, programs=args.programs, states="all", verbosity=1)

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from accounts.services import user_token_issue
    from directory.models import Consultant, County

    User = get_user_model()

    approved = Consultant.objects.filter(listing_status=Consultant.ListingStatus.APPROVED)
    total, public = Consultant.objects.count(), approved.count()
    busiest = (
        County.objects.filter(consultants__listing_status="approved")
        .annotate(n=Count("consultants"))
        .order_by("-n")
        .first()
    )
    admin_key = user_token_issue(user=User.objects.get(username="demo-admin")).key

    anonymous = Client()
    admin = Client(HTTP_AUTHORIZATION=f"Token {admin_key}")
    variants = [
        ("default page (20)", anonymous, "/api/v1/consultants/"),
        ("page_size=100", anonymous, "/api/v1/consultants/?page_size=100"),
        ("page 10", anonymous, "/api/v1/consultants/?page=10"),
        ("language=es", anonymous, "/api/v1/consultants/?language=es"),
        (
            "specialty + modality + accepting",
            anonymous,
            "/api/v1/consultants/?specialty=trauma_informed_care&modality=virtual&accepting=true",
        ),
        (
            f"county={busiest.name}, {busiest.state}",
            anonymous,
            f"/api/v1/consultants/?county={busiest.pk}",
        ),
        (
            "near_zip=53703&radius_miles=50",
            anonymous,
            "/api/v1/consultants/?near_zip=53703&radius_miles=50",
        ),
        (
            "near_zip=10001&radius_miles=100",
            anonymous,
            "/api/v1/consultants/?near_zip=10001&radius_miles=100",
        ),
        ("q=reflective", anonymous, "/api/v1/consultants/?q=reflective"),
        ("admin, every status, page_size=100", admin, "/api/v1/consultants/?page_size=100"),
    ]

    results = []
    print(f"\n{total:,} consultants ({public:,} approved); {args.runs} timed runs per variant\n")
    print(f"{'variant':<40} {'rows':>5} {'count':>6} {'SQL':>4} {'median':>9} {'p95':>9}")
    for label, client, path in variants:
        queries = []

        def count(execute, sql, *args, queries=queries):
            queries.append(sql)
            return execute(sql, *args)

        with connection.execute_wrapper(count):
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code, response.content[:200])
        body = response.json()
        timing = _setup.timed(lambda c=client, p=path: c.get(p), runs=args.runs)
        row = {
            "variant": label,
            "path": path,
            "rows_returned": len(body["results"]),
            "count": body["count"],
            "sql_queries": len(queries),
            **timing,
        }
        results.append(row)
        print(
            f"{label:<40} {row['rows_returned']:>5} {row['count']:>6} {row['sql_queries']:>4} "
            f"{row['median_ms']:>7.2f}ms {row['p95_ms']:>7.2f}ms"
        )
    path = _setup.write_results(
        "directory",
        {
            "consultants": total,
            "approved": public,
            "database": connection.vendor,
            "results": results,
        },
    )
    print(f"\nWritten to {path.relative_to(_setup.ROOT)}")


if __name__ == "__main__":
    main()
