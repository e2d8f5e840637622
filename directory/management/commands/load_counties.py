from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from directory import geo
from directory.services import county_load_state


class Command(BaseCommand):
    help = "Load every county of one or more US states (Census 2020 list, offline)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--state",
            action="append",
            required=True,
            help="Two-letter state code; repeat it, or give ALL for every state.",
        )

    def handle(self, *args, **options):
        states = [s.upper() for s in options["state"]]
        if "ALL" in states:
            states = geo.known_states()
        total = 0
        for state in states:
            try:
                created = county_load_state(state=state)
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from None
            total += created
            self.stdout.write(f"{state}: {created} new counties")
        self.stdout.write(self.style.SUCCESS(f"Loaded {total} new counties."))
