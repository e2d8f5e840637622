"""manage.py seed_demo: the demo data set, from a handful of Wisconsin records to national scale.

    manage.py seed_demo            # Wisconsin: 300 programs, 40 consultants, 80 requests
    manage.py seed_demo --programs 200000 --consultants 5000 --requests 20000 \
        --open-requests 14000 --states all          # the benchmarks' national data set

Deterministic for a given --seed and idempotent: a second run creates nothing, a larger run
adds only the missing records. See the demo package for how the records are made.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from demo import consultants as consultants_demo
from demo import consultations as consultations_demo
from demo import equity as equity_demo
from demo import intake as intake_demo
from demo import licensing as licensing_demo
from demo import practice as practice_demo
from demo import programs as programs_demo
from demo.geography import ALL_STATES, US_STATES, Geography
from demo.logins import DEMO_ADMIN, DEMO_LOGINS, DEMO_PROGRAM, ensure_demo_logins
from directory import geo, listing_version


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

    def finish(self, created: int) -> None:
        if not self.enabled:
            return
        seconds = time.monotonic() - self.started
        prefix = "\r" if self.tty else ""
        self.stream.write(
            f"{prefix}  {self.label}: {created:,} created of {self.total:,} ({seconds:.1f} s)"
        )
        self.stream.flush()


def _states(value: str) -> list[str]:
    if value.strip().lower() == ALL_STATES:
        return list(US_STATES)
    states = sorted({s.strip().upper() for s in value.split(",") if s.strip()})
    unknown = [s for s in states if s not in geo.known_states()]
    if not states or unknown:
        raise CommandError(f"Unknown state code(s): {', '.join(unknown) or value!r}.")
    return states


class Command(BaseCommand):
    help = "Load the deterministic demo data set (idempotent) and print the demo logins."
    # `make run` has just run them (migrate); a run with nothing to add should be quick.
    requires_system_checks = []

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
        parser.add_argument(
            "--site-url",
            default="",
            help="where the site is served, for the sign-in links (e.g. http://127.0.0.1:8000)",
        )

    def handle(self, *args, programs, consultants, requests, open_requests, states, **options):
        if min(programs, consultants, requests, open_requests) < 0:
            raise CommandError("--programs, --consultants and --requests must be zero or more.")
        states, seed = _states(states), options["seed"]
        self.show = options["verbosity"] >= 1
        started = time.monotonic()
        if self.show:
            self.stdout.write(f"Demo data (seed {seed}) for {', '.join(states)}")
        logins = ensure_demo_logins()
        admin = logins[DEMO_ADMIN.username]
        program_todo, program_count = programs_demo.missing_programs(programs)
        consultant_todo, consultant_count = consultants_demo.missing_consultants(consultants)
        geography = None
        if program_count or consultant_count:  # the ZIP code table takes a second to read
            geography = Geography.load(states)
            if not geography.zips:
                raise CommandError("No ZIP codes with a loaded county in the chosen states.")

        created = self._step(
            "programs",
            programs,
            lambda bar: programs_demo.seed_programs(
                program_todo, seed=seed, geography=geography, progress=bar
            ),
        )
        programs_demo.add_demo_program_memberships(logins[DEMO_PROGRAM.username])
        licensed = licensing_demo.mark_licensed()
        created += licensed
        if self.show and licensed:
            self.stdout.write(f"  licensing list: {licensed:,} programs marked as licensed")
        created += self._step(
            "consultants",
            consultants,
            lambda bar: consultants_demo.seed_consultants(
                consultant_todo, seed=seed, geography=geography, reviewer=admin, progress=bar
            ),
        )
        created += self._step(
            "requests",
            requests + open_requests,
            lambda bar: consultations_demo.seed_consultations(
                count=requests, open_count=open_requests, seed=seed, admin=admin, progress=bar
            ),
        )
        # The front door: referral sources, first contact, the brief team, the waitlist.
        created += intake_demo.seed_intake(seed=seed, admin=admin)
        created += practice_demo.seed_practice(seed=seed)  # plans, scores, follow-ups
        created += equity_demo.seed_tribal_settings()  # two nations' reporting settings
        if created:
            # Bulk inserts send no signals: a new listing version, so cached directory pages go.
            listing_version.bump()
        if created and connection.vendor == "postgresql":
            # Fresh statistics after bulk loads, or the planner guesses from empty tables.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        if self.show:
            self.stdout.write(f"Done in {time.monotonic() - started:.1f} s.")
            self._print_logins(options["site_url"].rstrip("/"))

    def _step(self, label: str, total: int, seed) -> int:
        bar = Progress(self.stdout, label, total, enabled=self.show)
        created = seed(bar)
        bar.finish(created)
        return created

    def _print_logins(self, site_url: str):
        rows = [("Username", "Password", "Role", "Signs in at")] + [
            (
                login.username,
                login.password,
                login.role,
                " or ".join(site_url + path for path in login.sign_in_paths()),
            )
            for login in DEMO_LOGINS
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        self.stdout.write(self.style.SUCCESS("Demo logins:"))
        for row in rows:
            line = "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
            self.stdout.write("  " + line.rstrip())
        self.stdout.write(
            "Alliance admins also have the back office; every login can get an API token at "
            f"{site_url}/api/v1/auth/token/."
        )
