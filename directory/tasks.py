"""Periodic work of the directory, run by the task workers (background.periodic)."""

from datetime import timedelta

from django_tasks import task

from background.periodic import periodic
from directory.credential_services import credential_reminders_send


@periodic(every=timedelta(hours=6))
@task()
def credential_reminders_job() -> int:
    """Remind consultants 60 and 14 days before a licence expiry or renewal date, and the
    Alliance at lapse; each reminder once (directory.credential_services)."""
    return credential_reminders_send()
