"""Write a synthetic licensing list (CSV), e.g. for the demo or a benchmark."""

import sys

from django.core.management.base import BaseCommand

from directory.program_list_sample import write_sample


class Command(BaseCommand):
    help = "Write a synthetic list of licensed child care programs as CSV (deterministic)."

    def add_arguments(self, parser):
        parser.add_argument("out", help="the CSV file to write, or - for standard output")
        parser.add_argument("--rows", type=int, default=300)
        parser.add_argument("--seed", type=int, default=18)
        parser.add_argument("--state", default="WI")

    def handle(self, *args, out, rows, seed, state, **options):
        if out == "-":
            written = write_sample(sys.stdout, rows, seed=seed, state=state.upper())
        else:
            with open(out, "w", encoding="utf-8", newline="") as fh:
                written = write_sample(fh, rows, seed=seed, state=state.upper())
        self.stderr.write(f"Wrote {written} programs.")
