"""Funder report benchmark: the report (each breakdown) and its XLSX download at national scale,
20,000 closed engagements by default, on PostgreSQL.

    DATABASE_URL=postgres://... python bench/funder_report.py [--closed 20000] [--runs 5]

The demo data set (seed_demo) gives the programs, consultants and a first set of engagements
with plans, contacts in every activity, scores and follow-ups; closed engagements are then
added in bulk, each a copy of a demo closed engagement (its contacts, scores and follow-up too)
on another program, until there are --closed of them. Writes bench/results/funder_report.json.
"""

import argparse
import random
import time

import _setup

CHUNK = 2000


def copy_of(row, **changes):
    """A new, unsaved row with the fields of `row` and `changes`."""
    fields = {
        f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields if not f.primary_key
    }
    return type(row)(**{**fields, **changes})


def top_up(closed_target: int) -> int:
    """Copy closed demo engagements (with their contacts, scores, follow-up) until there are
    closed_target closed engagements. Returns how many were added."""
    from django.db import transaction

    from consultations.models import ConsultationRequest, Contact, FollowUp, Score
    from directory.models import Program

    closed = ConsultationRequest.objects.filter(status="closed")
    missing = closed_target - closed.count()
    if missing <= 0:
        return 0
    sources = list(
        closed.filter(contacts__isnull=False)
        .distinct()
        .order_by("id")
        .prefetch_related("contacts", "scores")[:200]
    )
    follow_ups = {f.request_id: f for f in FollowUp.objects.filter(request__in=sources)}
    programs = list(Program.objects.values_list("id", flat=True))
    rng = random.Random(15)
    added = 0
    while added < missing:
        batch = min(CHUNK, missing - added)
        with transaction.atomic():
            picked = [rng.choice(sources) for _ in range(batch)]
            copies = []
            for source in picked:
                copy = copy_of(source, program_id=rng.choice(programs))
                copies.append(copy)
            ConsultationRequest.objects.bulk_create(copies, batch_size=CHUNK)
            contacts, scores, answers = [], [], []
            for source, copy in zip(picked, copies, strict=True):
                contacts += [copy_of(c, request_id=copy.pk) for c in source.contacts.all()]
                scores += [copy_of(s, request_id=copy.pk) for s in source.scores.all()]
                if source.pk in follow_ups:
                    answers.append(copy_of(follow_ups[source.pk], request_id=copy.pk))
            Contact.objects.bulk_create(contacts, batch_size=CHUNK)
            Score.objects.bulk_create(scores, batch_size=CHUNK)
            FollowUp.objects.bulk_create(answers, batch_size=CHUNK)
        added += batch
        print(f"  {added} of {missing} closed engagements added")
    return added


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--closed", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    _setup.setup_django()
    _setup.seed(consultants=500, programs=5000, requests=1500, states="WI", verbosity=1)
    started = time.perf_counter()
    added = top_up(args.closed)
    if added:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"Data set ready in {time.perf_counter() - started:.1f} s")

    from django.contrib.auth import get_user_model
    from django.test import Client

    from consultations.funder_breakdowns import BREAKDOWN_LABELS
    from consultations.funder_report import funder_report
    from consultations.models import ConsultationRequest, Contact, Score

    client = Client()
    client.force_login(get_user_model().objects.get(username="demo-admin"))

    every = list(BREAKDOWN_LABELS)

    def xlsx(by=("county",)):
        response = client.get("/alliance/reports/funder/", {"download": "xlsx", "by": list(by)})
        assert response.status_code == 200, response.status_code
        return b"".join(response.streaming_content)

    result = {
        "closed_engagements": ConsultationRequest.objects.filter(status="closed").count(),
        "engagements_served": ConsultationRequest.objects.filter(
            status__in=("active", "closed")
        ).count(),
        "contacts": Contact.objects.count(),
        "scores": Score.objects.count(),
        "report": {
            by: _setup.timed(lambda by=by: funder_report(by=by), runs=args.runs, warmup=1)
            for by in BREAKDOWN_LABELS
        },
        "report_every_breakdown": _setup.timed(
            lambda: funder_report(by=every), runs=args.runs, warmup=1
        ),
        "xlsx_download_by_county": _setup.timed(xlsx, runs=args.runs, warmup=1),
        "xlsx_download_every_breakdown": _setup.timed(
            lambda: xlsx(every), runs=args.runs, warmup=1
        ),
        "xlsx_bytes": len(xlsx()),
    }
    path = _setup.write_results("funder_report", result)
    print(result)
    print(f"Written to {path}")


if __name__ == "__main__":
    main()
