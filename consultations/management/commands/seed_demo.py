"""manage.py seed_demo: the demo data set, from a handful of Wisconsin records to national scale.

    manage.py seed_demo            # Wisconsin: 300 programs, 40 consultants, 80 requests
    manage.py seed_demo --programs 200000 --consultants 5000 --open-requests 20000 --states all

Deterministic for a given --seed and idempotent: a second run creates nothing, a larger run
adds only the missing records. See directory.demo and consultations.demo for how the records
are made. It lives in the consultations app because it seeds both apps.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from consultations import demo as consultations_demo
from directory import demo, geo


class Progress:
    """A one-line progress display on a terminal; a line per step otherwise."""

    def __init__(self, stream, label: str, total: int, *, enabled: bool):
        self.stream, self.label, self.total, self.enabled = stream, label, total, enabled
        self.done, self.started = 0, time.monotonic()
        self.tty = enabled and stream.isatty()

    def __call__(self, n: int) -> None:
        self.done += n
        if self.tty:
            self.stream.write(f"\r  {self.label}: {self.done:,}/{self.total:,}", ending="")
            self.stream.flush()
        elif self.enabled and self.total >= 10_000:  # a log file: a line every ~10%
            step = self.total // 10
            if self.done // step != (self.done - n) // step:
                self.stream.write(f"  {self.label}: {self.done:,}/{self.total:,}")

    def finish(self) -> None:
        if not self.enabled:
            return
        seconds = time.monotonic() - self.started
        prefix = "\r" if self.tty else ""
        self.stream.write(
            f"{prefix}  {self.label}: {self.done:,} created of {self.total:,} ({seconds:.1f} s)"
        )
        self.stream.flush()


def _states(value: str) -> list[str]:
    if value.strip().lower() == demo.ALL_STATES:
        return list(demo.US_STATES)
    states = sorted({s.strip().upper() for s in value.split(",") if s.strip()})
    unknown = [s for s in states if s not in geo.known_states()]
    if not states or unknown:
        raise CommandError(f"Unknown state code(s): {', '.join(unknown) or value!r}.")
    return states


class Command(BaseCommand):
    help = "Load the deterministic demo data set (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--programs", type=int, default=300, help="default 300")
        parser.add_argument("--consultants", type=int, default=40, help="default 40")
        parser.add_argument(
            "--requests", type=int, default=80, help="requests in every status (default 80)"
        )
        parser.add_argument(
            "--open-requests",
            type=int,
            default=0,
            help="more requests waiting in the queue, for matching at scale (default 0)",
        )
        parser.add_argument(
            "--states", default="WI", help='comma-separated state codes, or "all" (default WI)'
        )
        parser.add_argument("--seed", type=int, default=2026, help="default 2026")

    def handle(
        self, *args, programs, consultants, requests, open_requests, states, seed, verbosity, **_
    ):
        if min(programs, consultants, requests, open_requests) < 0:
            raise CommandError("--programs, --consultants and --requests must be zero or more.")
        states = _states(states)
        show = verbosity >= 1
        started = time.monotonic()
        if show:
            self.stdout.write(f"Demo data (seed {seed}) for {', '.join(states)}")
        geography = demo.Geography.load(states)
        if not geography.zips:
            raise CommandError("No ZIP codes with a loaded county in the chosen states.")
        logins = demo.ensure_demo_logins()
        stream = self.stdout

        bar = Progress(stream, "programs", programs, enabled=show)
        demo.seed_programs(count=programs, seed=seed, geography=geography, progress=bar)
        bar.finish()
        demo.add_demo_program_memberships(logins[demo.DEMO_PROGRAM.username])

        bar = Progress(stream, "consultants", consultants, enabled=show)
        demo.seed_consultants(
            count=consultants,
            seed=seed,
            geography=geography,
            reviewer=logins[demo.DEMO_ADMIN.username],
            progress=bar,
        )
        bar.finish()

        bar = Progress(self.stdout, "requests", requests + open_requests, enabled=show)
        consultations_demo.seed_requests(
            count=requests,
            open_count=open_requests,
            seed=seed,
            admin=logins[demo.DEMO_ADMIN.username],
            progress=bar,
        )
        bar.finish()
        if connection.vendor == "postgresql":
            # Fresh statistics after bulk loads, or the planner guesses from empty tables.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        if show:
            self.stdout.write(f"Done in {time.monotonic() - started:.1f} s.")
            self._print_logins()

    def _print_logins(self):
        rows = [("Username", "Password", "Role", "")] + [
            (login.username, login.password, login.role, login.description)
            for login in demo.DEMO_LOGINS
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        self.stdout.write(
            self.style.SUCCESS(
                "Demo logins (sign in at /admin/ or get a token at /api/v1/auth/token/):"
            )
        )
        for row in rows:
            self.stdout.write(
                "  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
            )
