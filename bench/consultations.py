"""Accept benchmark: the time of POST /api/v1/requests/{id}/accept/ at 20,000 requests on
PostgreSQL, through the whole stack (token auth, row locks, caseload check, event, email).

    make bench          # or: DATABASE_URL=postgres://... python bench/consultations.py

Each timed accept is of a fresh offer (made, untimed, through the offer service) to an
approved consultant with room; the engagement is closed again afterwards (untimed) so that
repeated runs find room. Writes bench/results/consultations.json.
"""

import argparse
import itertools
import statistics
import time

import _setup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()

    _setup.setup_django()
    _setup.seed(consultants=5000, programs=2000, requests=args.requests, states="all", verbosity=1)

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from accounts.services import user_token_issue
    from consultations import services
    from consultations.models import ConsultationRequest
    from directory.models import Consultant
    from iecmhc.exceptions import StateConflict

    User = get_user_model()
    admin = User.objects.get(username="demo-admin")
    total = ConsultationRequest.objects.count()
    queue = list(ConsultationRequest.objects.filter(status="submitted").order_by("id")[: args.runs])
    roomy = list(
        Consultant.objects.filter(
            listing_status="approved", accepting_new_requests=True, max_caseload__gte=10
        ).order_by("id")[:50]
    )
    clients = {}
    for consultant in roomy:
        key = user_token_issue(user=consultant.user).key
        clients[consultant.pk] = Client(HTTP_AUTHORIZATION=f"Token {key}")

    samples, queries = [], []
    consultants = itertools.cycle(roomy)
    for request in queue:
        consultant = next(consultants)
        try:
            services.request_offer(actor=admin, consultation=request, consultant=consultant)
        except StateConflict:  # no free place (engagements and offers awaiting an answer)
            continue
        executed = []

        def count(execute, sql, *a, executed=executed):
            executed.append(sql)
            return execute(sql, *a)

        with connection.execute_wrapper(count):
            started = time.perf_counter()
            response = clients[consultant.pk].post(f"/api/v1/requests/{request.pk}/accept/")
            samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content[:300]
        queries.append(len(executed))
        services.request_close(actor=admin, consultation=request, closure_reason="other")

    samples.sort()
    result = {
        "requests_in_database": total,
        "accepts_timed": len(samples),
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[int(0.95 * (len(samples) - 1))], 2),
        "max_ms": round(samples[-1], 2),
        "sql_queries_per_accept": statistics.median(queries),
    }
    print(f"\n{total:,} requests in the database; {len(samples)} accepts through the API")
    for key, value in result.items():
        print(f"  {key:<24} {value}")
    path = _setup.write_results("consultations", result)
    print(f"Written to {path.relative_to(_setup.ROOT)}")


if __name__ == "__main__":
    main()
