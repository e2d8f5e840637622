"""manage.py match_pending [--dry-run] [--compare]: the optimal batch assignment of every
submitted request; each assignment becomes an offer (recorded as made by the system, or by
--actor). --compare also works out a greedy assignment's total, for comparison."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.roles import is_alliance_admin
from consultations.batch_offers import matching_run


class Command(BaseCommand):
    help = "Match every submitted request to a consultant, optimally; --dry-run previews."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="preview; offer nothing")
        parser.add_argument("--actor", help="an Alliance admin's username to record as offering")
        parser.add_argument(
            "--compare", action="store_true", help="also report a greedy assignment's total"
        )

    def handle(self, *args, dry_run, actor, compare, **options):
        user = None
        if actor:
            user = get_user_model().objects.filter(username__iexact=actor).first()
            if not is_alliance_admin(user):
                raise CommandError(f"{actor} is not an Alliance admin.")
        run = matching_run(actor=user, dry_run=dry_run, as_system=user is None, compare=compare)
        verb = "would be offered" if dry_run else "offered"
        greedy = "" if run.greedy_total_score is None else f"greedy {run.greedy_total_score:.4f}, "
        count = len(run.assignments) if dry_run else len(run.offered)
        self.stdout.write(
            f"{count} request(s) {verb}; {len(run.unmatched)} unmatched; "
            f"total score {run.total_score:.4f} ({greedy}bound {run.upper_bound:.4f}); "
            f"priority matched: {run.priority_matched}."
        )
        for request_id, reasons in sorted(run.unmatched.items()):
            self.stdout.write(f"  #{request_id} unmatched: {'; '.join(reasons)}")
        for request_id, reason in sorted(run.skipped.items()):
            self.stdout.write(f"  #{request_id} skipped: {reason}")
        timing = ", ".join(f"{k} {v:.2f} s" for k, v in run.seconds.items())
        self.stdout.write(f"Time: {timing}.")
