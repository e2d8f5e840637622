"""Reminders: the consultant 60 and 14 days before a licence expiry or endorsement renewal
date, the Alliance once it has lapsed; each sent once however often the job runs."""

from datetime import date, timedelta

import pytest
from django.conf import settings

from background.models import OutgoingEmail
from background.periodic import REGISTRY
from directory.credential_services import credential_reminders_send
from directory.credentials import reminder_due
from directory.models import Consultant

pytestmark = pytest.mark.django_db
DEADLINE = date(2027, 6, 30)


@pytest.mark.parametrize(
    ("days_before", "due"),
    [(61, None), (60, "60"), (15, "60"), (14, "14"), (0, "14"), (-1, "lapsed")],
)
def test_which_reminder_is_due(days_before, due):
    assert reminder_due(DEADLINE, DEADLINE - timedelta(days=days_before)) == due


def sent():
    return list(OutgoingEmail.objects.order_by("id").values_list("template", "to"))


def test_each_reminder_goes_once(world):
    listing = world.listing
    Consultant.objects.filter(pk=listing.pk).update(license_expires=DEADLINE)
    listing.endorsements.create(
        category="infant_family_specialist", status="endorsed", renewal_date=DEADLINE
    )
    listing.endorsements.create(category="infant_mental_health_mentor", status="in_process")
    OutgoingEmail.objects.all().delete()
    me = [listing.contact_email]
    alliance = [settings.ALLIANCE_NOTIFY_EMAIL]

    assert credential_reminders_send(today=DEADLINE - timedelta(days=61)) == 0
    assert credential_reminders_send(today=DEADLINE - timedelta(days=60)) == 2  # both dates
    assert credential_reminders_send(today=DEADLINE - timedelta(days=60)) == 0  # again: none
    assert credential_reminders_send(today=DEADLINE - timedelta(days=30)) == 0
    assert credential_reminders_send(today=DEADLINE - timedelta(days=14)) == 2
    assert credential_reminders_send(today=DEADLINE - timedelta(days=3)) == 0
    assert credential_reminders_send(today=DEADLINE) == 0  # still valid on the day
    assert credential_reminders_send(today=DEADLINE + timedelta(days=1)) == 2
    assert credential_reminders_send(today=DEADLINE + timedelta(days=2)) == 0
    assert sent() == [("credential_reminder", me)] * 4 + [("credential_lapsed", alliance)] * 2
    subjects = list(OutgoingEmail.objects.order_by("id").values_list("subject", flat=True))
    assert "due on 30 June 2027" in subjects[0]


def test_a_missed_run_catches_up_with_the_latest_reminder_only(world):
    Consultant.objects.filter(pk=world.listing.pk).update(license_expires=DEADLINE)
    OutgoingEmail.objects.all().delete()
    assert credential_reminders_send(today=DEADLINE - timedelta(days=10)) == 1
    assert credential_reminders_send(today=DEADLINE - timedelta(days=9)) == 0
    assert len(sent()) == 1


def test_drafts_and_old_lapses_are_left_alone(world):
    Consultant.objects.filter(pk=world.listing.pk).update(
        license_expires=DEADLINE, listing_status="draft"
    )
    Consultant.objects.filter(pk=world.other_listing.pk).update(
        license_expires=DEADLINE - timedelta(days=400)
    )
    OutgoingEmail.objects.all().delete()
    assert credential_reminders_send(today=DEADLINE - timedelta(days=14)) == 0
    assert sent() == []


def test_the_job_is_registered_as_periodic():
    job = REGISTRY["directory.tasks.credential_reminders_job"]
    assert job.every == timedelta(hours=6)
