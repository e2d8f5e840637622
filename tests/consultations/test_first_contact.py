"""The first-contact clock: business days in the program's state, the one-tap call, contacts
stopping the clock, the overdue notice sent once, the queue's order and the caseload."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from background.periodic import REGISTRY
from consultations import first_contact, services
from consultations.models import ConsultationRequest, RequestEvent
from tests.consultations import factories

CHICAGO = ZoneInfo("America/Chicago")


def chicago(*args) -> datetime:
    return datetime(*args, tzinfo=CHICAGO)


# --- business days ---------------------------------------------------------------------------


def test_wisconsin_holidays_include_christmas_eve_and_christmas():
    assert first_contact.is_business_day(date(2026, 12, 24), "WI") is False  # Christmas Eve
    assert first_contact.is_business_day(date(2026, 12, 25), "WI") is False
    assert first_contact.is_business_day(date(2026, 12, 26), "WI") is False  # Saturday
    assert first_contact.is_business_day(date(2026, 12, 28), "WI") is True


@pytest.mark.parametrize(
    ("received", "urgency", "due"),
    [
        # Wednesday before Christmas: the 24th and 25th are Wisconsin holidays, then a weekend;
        # Monday 28th is the first business day, Tuesday 29th the second.
        (chicago(2026, 12, 23, 10, 0), "routine", chicago(2026, 12, 30, 0, 0)),
        (chicago(2026, 12, 23, 10, 0), "priority", chicago(2026, 12, 29, 0, 0)),
        # 23:30 in Chicago on the 22nd is already the 23rd in UTC: the local day counts.
        (chicago(2026, 12, 22, 23, 30), "routine", chicago(2026, 12, 29, 0, 0)),
        (chicago(2026, 12, 22, 23, 30), "priority", chicago(2026, 12, 24, 0, 0)),
        # A Friday: the weekend does not count.
        (chicago(2026, 11, 6, 16, 0), "routine", chicago(2026, 11, 11, 0, 0)),
        (chicago(2026, 11, 6, 16, 0), "priority", chicago(2026, 11, 10, 0, 0)),
        # Received on a Saturday: Monday is the first business day.
        (chicago(2026, 11, 7, 9, 0), "priority", chicago(2026, 11, 10, 0, 0)),
    ],
)
def test_first_contact_due_counts_business_days_in_the_state(received, urgency, due):
    assert timezone.get_current_timezone_name() == "America/Chicago"
    result = first_contact.first_contact_due(received, urgency, "WI")
    assert result == due
    assert result.astimezone(CHICAGO).tzinfo.key == "America/Chicago"


def test_the_targets_come_from_the_settings(settings):
    settings.FIRST_CONTACT_TARGET_BUSINESS_DAYS = {"routine": 3, "priority": 1}
    received = chicago(2026, 11, 2, 9, 0)  # Monday
    assert first_contact.first_contact_due(received, "routine", "WI") == chicago(2026, 11, 6)


def test_a_new_request_gets_its_due_time(world):
    consultation = factories.submitted(world.program, urgency="priority")
    assert consultation.first_contact_due_at == first_contact.first_contact_due(
        consultation.received_at, "priority", "WI"
    )
    assert consultation.first_contact_at is None


# --- stopping the clock ----------------------------------------------------------------------


def test_the_offered_consultant_logs_a_call_in_one_tap_from_the_offers_page(client, world):
    consultation = factories.offered(world.program, world.listing)
    client.force_login(world.users["consultant"])
    page = client.get(reverse("consultations:offers")).content.decode()
    assert reverse("consultations:log_call", args=[consultation.pk]) in page
    response = client.post(
        reverse("consultations:log_call", args=[consultation.pk]),
        {"next": reverse("consultations:offers")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("consultations:offers")
    consultation.refresh_from_db()
    first = consultation.first_contact_at
    assert first is not None
    assert consultation.events.filter(action=RequestEvent.Action.FIRST_CONTACT).count() == 1
    # A second tap changes nothing.
    client.post(reverse("consultations:log_call", args=[consultation.pk]))
    consultation.refresh_from_db()
    assert consultation.first_contact_at == first
    assert consultation.events.filter(action=RequestEvent.Action.FIRST_CONTACT).count() == 1


@pytest.mark.parametrize(
    ("role", "status_code"),
    [("anonymous", 401), ("program", 403), ("other_consultant", 404), ("admin", 403)],
)
def test_only_the_offered_consultant_logs_a_call(world, role, status_code):
    consultation = factories.offered(world.program, world.listing)
    response = world.client(role).post(f"/api/v1/requests/{consultation.pk}/first-call/")
    assert response.status_code == status_code
    consultation.refresh_from_db()
    assert consultation.first_contact_at is None


def test_a_call_on_a_withdrawn_request_is_a_conflict(world):
    consultation = factories.offered(world.program, world.listing)
    ConsultationRequest.objects.filter(pk=consultation.pk).update(status="closed")
    response = world.client("consultant").post(f"/api/v1/requests/{consultation.pk}/first-call/")
    assert response.status_code == 409
    consultation.refresh_from_db()
    assert consultation.first_contact_at is None


def test_a_logged_contact_stops_the_clock_at_its_day(world):
    consultation = factories.active(world.program, world.listing)
    today = timezone.localdate()
    services.contact_log(
        actor=world.users["consultant"],
        consultation=consultation,
        date=today,
        minutes=30,
        activity="phone_or_email",
        modality="virtual",
    )
    consultation.refresh_from_db()
    assert consultation.first_contact_at is not None
    assert timezone.localdate(consultation.first_contact_at) == today


def test_the_caseload_lists_engagements_awaiting_first_contact(client, world):
    waiting = factories.active(world.program, world.listing)
    called = factories.active(world.program, world.listing)
    first_contact.request_log_call(actor=world.users["consultant"], consultation=called)
    client.force_login(world.users["consultant"])
    response = client.get(reverse("consultations:caseload"))
    assert [e.pk for e in response.context["awaiting"]] == [waiting.pk]
    assert "Awaiting first contact" in response.content.decode()


# --- overdue ---------------------------------------------------------------------------------


def _make_overdue(consultation, hours=1):
    ConsultationRequest.objects.filter(pk=consultation.pk).update(
        first_contact_due_at=timezone.now() - timedelta(hours=hours)
    )


def test_an_overdue_request_notifies_the_alliance_exactly_once(
    world, settings, django_capture_on_commit_callbacks
):
    overdue = factories.submitted(world.program)
    on_time = factories.submitted(world.program)
    contacted = factories.offered(world.program, world.listing)
    _make_overdue(overdue)
    _make_overdue(contacted)
    first_contact.request_log_call(actor=world.users["consultant"], consultation=contacted)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert first_contact.notify_overdue_first_contacts() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert first_contact.notify_overdue_first_contacts() == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [settings.ALLIANCE_NOTIFY_EMAIL]
    assert f"#{overdue.pk}" in mail.outbox[0].subject
    overdue.refresh_from_db()
    on_time.refresh_from_db()
    assert overdue.overdue_notified_at is not None
    assert on_time.overdue_notified_at is None


def test_the_overdue_check_is_a_periodic_job():
    assert "consultations.tasks.first_contact_overdue_job" in REGISTRY
    assert "consultations.tasks.waitlist_job" in REGISTRY


def test_the_queue_puts_overdue_requests_first_within_their_urgency(client, world):
    routine_old = factories.submitted(world.program)
    routine_overdue = factories.submitted(world.program)
    priority = factories.submitted(world.program, urgency="priority")
    ConsultationRequest.objects.filter(pk=routine_old.pk).update(
        received_at=timezone.now() - timedelta(hours=5)
    )
    _make_overdue(routine_overdue)
    client.force_login(world.users["admin"])
    response = client.get(reverse("alliance:queue"))
    page = list(response.context["page"])
    assert [r.pk for r in page] == [priority.pk, routine_overdue.pk, routine_old.pk]
    assert page[1].clock["overdue"] is True
    assert page[2].clock["overdue"] is False
    assert page[2].clock["hours_left"] > 0
    assert "overdue by" in response.content.decode()
