"""Periodic work of consultations, run by the task workers (background.periodic)."""

from datetime import timedelta

from django.conf import settings
from django_tasks import task

from background.periodic import periodic
from consultations.services import expire_overdue_offers


@periodic(every=timedelta(minutes=settings.OFFER_EXPIRY_CHECK_MINUTES))
@task()
def expire_overdue_offers_job() -> int:
    """Offers unanswered for OFFER_EXPIRY_DAYS go back to the queue (as `expire_offers`)."""
    return expire_overdue_offers()


@periodic(every=timedelta(hours=6))
@task()
def send_due_follow_ups_job() -> dict:
    """Ask the 30-day follow-ups that are due, and remind once (consultations.followup)."""
    from consultations.followup import send_due_follow_ups

    return send_due_follow_ups()


@periodic(every=timedelta(minutes=settings.INTAKE_CHECK_MINUTES))
@task()
def first_contact_overdue_job() -> int:
    """Tell the Alliance, once each, of requests past their first-contact target."""
    from consultations.first_contact import notify_overdue_first_contacts

    return notify_overdue_first_contacts()


@periodic(every=timedelta(minutes=settings.INTAKE_CHECK_MINUTES))
@task()
def waitlist_job() -> int:
    """Waitlist the submitted requests no consultant may take; forget expired public forms."""
    from consultations.intake import purge_expired_submissions
    from consultations.waitlist import refresh_waitlist

    purge_expired_submissions()
    return refresh_waitlist()
