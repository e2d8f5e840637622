"""The batch assignment alone, a dry run, on whatever DATABASE_URL holds (issue 19).

    DATABASE_URL=postgres://... python bench/batch.py --label 4x [--compare]

Prints and writes (bench/results/batch[_<label>].json) the run's wall time and CPU time in this
process, each stage's seconds (load, options, solve; greedy with --compare), the peak memory,
how many requests were assigned and the total score against the capacity-free bound (and the
greedy total's ratio with --compare). Nothing is offered.
"""

import argparse
import json
import resource
import time

import _setup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", action="store_true", help="also a greedy batch, for its ratio")
    parser.add_argument("--label", default="", help="a name for the data set in the results")
    args = parser.parse_args()
    _setup.setup_django(migrate=False)

    from django.conf import settings
    from django.contrib.auth import get_user_model

    from consultations import batch_offers

    admin = get_user_model().objects.get(username="demo-admin")
    started, cpu = time.perf_counter(), time.process_time()
    run = batch_offers.matching_run(actor=admin, dry_run=True, compare=args.compare)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    result = {
        "label": args.label,
        "seconds_total": round(elapsed, 2),
        "cpu_seconds_total": round(cpu, 2),
        "workers": settings.MATCHING_BATCH_WORKERS,
        **{f"seconds_{k}": v for k, v in run.seconds.items()},
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "assigned": len(run.assignments),
        "unmatched": len(run.unmatched),
        "total_score": run.total_score,
        "upper_bound": run.upper_bound,
        "ratio_to_bound": round(run.total_score / run.upper_bound, 4) if run.upper_bound else None,
        "ratio_to_greedy": round(run.total_score / run.greedy_total_score, 4)
        if run.greedy_total_score
        else None,
    }
    print(json.dumps(result))
    _setup.write_results("batch" + (f"_{args.label}" if args.label else ""), result)


if __name__ == "__main__":
    main()
