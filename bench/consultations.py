"""Offer and accept benchmark: the time and SQL statements of POST /api/v1/requests/{id}/offer/
(an admin) and then /accept/ (the consultant) at 20,000 requests on PostgreSQL, through the whole
stack (token auth, row locks, capacity checks, event, audit row, emails).

    make bench          # or: DATABASE_URL=postgres://... python bench/consultations.py

Each round offers a submitted request to an approved consultant with room and has them accept
it (both timed); the engagement is closed again afterwards (untimed) so that repeated runs find
room. Writes bench/results/consultations.json.
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

    User = get_user_model()
    admin = User.objects.get(username="demo-admin")
    admin_client = Client(HTTP_AUTHORIZATION=f"Token {user_token_issue(user=admin).key}")
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

    timings = {"offer": ([], []), "accept": ([], [])}  # (ms, statements) of each call

    def call(kind, client, path, data=None):
        executed = []

        def count(execute, sql, *a):
            executed.append(sql)
            return execute(sql, *a)

        with connection.execute_wrapper(count):
            started = time.perf_counter()
            response = client.post(path, data, content_type="application/json")
            elapsed = (time.perf_counter() - started) * 1000
        if response.status_code == 200:
            timings[kind][0].append(elapsed)
            timings[kind][1].append(len(executed))
        return response

    consultants = itertools.cycle(roomy)
    for request in queue:
        consultant = next(consultants)
        path = f"/api/v1/requests/{request.pk}/"
        response = call("offer", admin_client, path + "offer/", {"consultant": consultant.pk})
        if response.status_code == 409:  # no free place (engagements and offers awaiting)
            continue
        assert response.status_code == 200, response.content[:300]
        response = call("accept", clients[consultant.pk], path + "accept/")
        assert response.status_code == 200, response.content[:300]
        request.refresh_from_db()
        child = request.focus == "child"  # work about one child records its outcome
        services.request_close(
            actor=admin,
            consultation=request,
            closure_reason="other",
            maintained_in_program=True if child else None,
            exclusion="none" if child else "",
        )

    result = {"requests_in_database": total}
    for kind, (samples, queries) in timings.items():
        samples.sort()
        result |= {
            f"{kind}s_timed": len(samples),
            f"{kind}_median_ms": round(statistics.median(samples), 2),
            f"{kind}_p95_ms": round(samples[int(0.95 * (len(samples) - 1))], 2),
            f"{kind}_max_ms": round(samples[-1], 2),
            f"sql_statements_per_{kind}": statistics.median(queries),
        }
    print(f"\n{total:,} requests in the database; offers and accepts through the API")
    for key, value in result.items():
        print(f"  {key:<24} {value}")
    path = _setup.write_results("consultations", result)
    print(f"Written to {path.relative_to(_setup.ROOT)}")


if __name__ == "__main__":
    main()
