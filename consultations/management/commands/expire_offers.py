"""manage.py expire_offers: send offers unanswered for OFFER_EXPIRY_DAYS back to the queue.

Safe from cron any number of times, also while another run is under way: each offer is
re-checked under a row lock before it expires. Suggested crontab line (hourly):

    0 * * * *  cd /srv/iecmhc && .venv/bin/python manage.py expire_offers --quiet
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from consultations.services import expire_overdue_offers


class Command(BaseCommand):
    help = f"Expire offers older than OFFER_EXPIRY_DAYS (now {settings.OFFER_EXPIRY_DAYS})."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="print nothing")

    def handle(self, *args, quiet, **options):
        expired = expire_overdue_offers()
        if not quiet:
            self.stdout.write(f"{expired} offer(s) expired.")
