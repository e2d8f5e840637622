"""What-if planner benchmark on PostgreSQL: the optimal batch solved twice (as it is, and with
hypothetical consultants added and a real one taken out), through the service the page and
the API call. Also times the reach report on the same data. Nothing is saved.

    python bench/whatif.py --scale wi        # Wisconsin: 5,000 programs, 120 consultants
    python bench/whatif.py --scale national  # 200,000 programs, 5,000 consultants (matching.py's)

The first question is timed apart: it solves the batch as it is, which later questions on the
same open requests reuse. Each scale needs its own database (DATABASE_URL; `make bench` passes
BENCH_DATABASE_URL), which the script seeds with seed_demo's options in SCALES (idempotent).
Writes bench/results/whatif_<scale>.json.
"""

import argparse
import statistics
import time

import _setup

SCALES = {
    "wi": {
        "consultants": 120,
        "programs": 5000,
        "requests": 1500,
        "open_requests": 600,
        "states": "WI",
    },
    "national": {
        "consultants": 5000,
        "programs": 200_000,
        "requests": 20_000,
        "open_requests": 14_000,
        "states": "all",
    },
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="wi")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    _setup.setup_django()
    options = SCALES[args.scale]
    _setup.seed(**options, verbosity=1)

    from django.contrib.auth import get_user_model

    from consultations import reach, whatif
    from consultations.models import ConsultationRequest
    from directory.models import Consultant, County, Program

    admin = get_user_model().objects.get(username="demo-admin")
    marathon = County.objects.get(fips="55073")  # Marathon County, WI (Wausau)
    add = [
        whatif.hypothetical(
            label="Hmong speaker in Wausau",
            counties=[marathon],
            zip="54401",
            travel_radius_miles=40,
            languages=["hmn"],
            specialties=["challenging_behavior", "family_engagement"],
            modalities=["on_site", "virtual"],
            capacity=12,
        ),
        whatif.hypothetical(
            label="Spanish speaker in Milwaukee",
            counties=[County.objects.get(fips="55079")],
            zip="53204",
            travel_radius_miles=25,
            languages=["es"],
            specialties=["trauma_informed_care"],
            modalities=["on_site", "virtual"],
            capacity=12,
        ),
    ]
    remove = list(
        Consultant.objects.filter(listing_status="approved", base_state="WI")
        .order_by("pk")
        .values_list("pk", flat=True)[:1]
    )
    sizes = {
        "programs": Program.objects.count(),
        "approved_consultants": Consultant.objects.filter(listing_status="approved").count(),
        "open_requests": ConsultationRequest.objects.filter(status="submitted").count(),
    }
    print("\n" + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in sizes.items()))

    # The first question solves the batch as it is; later ones with the same open requests and
    # consultants reuse it (consultations.matching.whatif.baseline_plan).
    started = time.perf_counter()
    first = whatif.matching_what_if(actor=admin, add=add, remove=remove)
    first_s = round(time.perf_counter() - started, 3)
    samples, result = [], None
    for _ in range(args.runs):
        started = time.perf_counter()
        result = whatif.matching_what_if(actor=admin, add=add, remove=remove)
        samples.append(time.perf_counter() - started)
    figures = {
        "first_question_s": first_s,
        "first_question_seconds": first.seconds,
        "runs": args.runs,
        "median_s": round(statistics.median(samples), 3),
        "max_s": round(max(samples), 3),
        "last_run_seconds": result.seconds,
        "served_now": len(result.baseline.assignments),
        "served_with_change": len(result.scenario.assignments),
        "newly_served": len(result.newly_served),
        "no_longer_served": len(result.no_longer_served),
        "score_change": result.score_change,
        "waitlisted_taken": {t.label: len(t.waitlisted) for t in result.taken},
    }
    print("\nWhat-if (2 hypothetical consultants added, 1 real one taken out)")
    for key, value in figures.items():
        print(f"  {key:<22} {value}")

    reach_samples = []
    for _ in range(args.runs):
        started = time.perf_counter()
        report = reach.reach()
        reach_samples.append(time.perf_counter() - started)
    reach_figures = {
        "median_s": round(statistics.median(reach_samples), 3),
        "counties": len(report.counties),
        "far_below": len(report.far_below),
        "licensed_programs": sum(r.licensed_programs for r in report.states),
    }
    print("\nReach report, every state, every date")
    for key, value in reach_figures.items():
        print(f"  {key:<22} {value}")
    path = _setup.write_results(
        f"whatif_{args.scale}",
        {"seed_demo": options, "sizes": sizes, "what_if": figures, "reach": reach_figures},
    )
    print(f"\nWritten to {path.relative_to(_setup.ROOT)}")


if __name__ == "__main__":
    main()
