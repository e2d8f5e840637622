"""Offers that lapse (manage.py expire_offers) and the Alliance's request queue in the Django
admin, whose actions go through the same services as the API."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.models import ConsultationRequest, RequestEvent
from directory.models import Consultant
from tests.consultations import factories
from tests.consultations.page_helpers import client_for
from tests.factories import ConsultantFactory, UserFactory, county

pytestmark = pytest.mark.django_db

QUEUE = "/admin/consultations/consultationrequest/"


def make(world, status, *, program=None, **fields):
    program = program or world.program
    admin = world.users["admin"]
    if status == "submitted":
        return factories.submitted(program, **fields)
    builder = {"offered": factories.offered, "active": factories.active}[status]
    return builder(program, world.listing, admin=admin, **fields)


def offered_days_ago(request_obj, days: float) -> None:
    ConsultationRequest.objects.filter(pk=request_obj.pk).update(
        offered_at=timezone.now() - timedelta(days=days)
    )


def expire(capture, *args) -> str:
    out = StringIO()
    with capture(execute=True):
        call_command("expire_offers", *args, stdout=out)
    return out.getvalue()


def state(request_obj) -> tuple:
    request_obj.refresh_from_db()
    return request_obj.status, request_obj.consultant_id


# --- manage.py expire_offers -----------------------------------------------------------------


def test_expires_only_overdue_offers(world, django_capture_on_commit_callbacks):
    overdue = make(world, "offered")
    fresh = make(world, "offered")
    active = make(world, "active")
    waiting = make(world, "submitted")
    offered_days_ago(overdue, 6)
    offered_days_ago(fresh, 1)
    offered_days_ago(active, 30)  # answered long ago: not an open offer

    output = expire(django_capture_on_commit_callbacks)

    assert output == "1 offer(s) expired.\n"
    assert state(overdue) == ("submitted", None)
    assert overdue.offered_at is None
    assert state(fresh) == ("offered", world.listing.pk)
    assert state(active) == ("active", world.listing.pk)
    assert state(waiting) == ("submitted", None)
    world.listing.refresh_from_db()
    assert world.listing.active_caseload == 1  # the active engagement only


def test_expiry_writes_a_system_event(world, django_capture_on_commit_callbacks):
    request_obj = make(world, "offered")
    offered_days_ago(request_obj, 6)
    expire(django_capture_on_commit_callbacks)
    event = request_obj.events.order_by("at", "id").last()
    assert (
        event.action,
        event.actor,
        event.consultant_id,
        event.from_status,
        event.to_status,
        event.note,
    ) == ("expired", None, world.listing.pk, "offered", "submitted", "5")
    api_event = world.client("program").get(f"/api/v1/requests/{request_obj.pk}/").json()
    assert (
        api_event["events"][-1]["actor"],
        api_event["events"][-1]["actor_role"],
        api_event["events"][-1]["note"],
    ) == ("system", "system", "Not answered within 5 days.")


def test_expiry_is_idempotent(world, django_capture_on_commit_callbacks):
    request_obj = make(world, "offered")
    offered_days_ago(request_obj, 6)
    assert expire(django_capture_on_commit_callbacks) == "1 offer(s) expired.\n"
    events, emails = RequestEvent.objects.count(), len(mail.outbox)

    assert expire(django_capture_on_commit_callbacks) == "0 offer(s) expired.\n"

    assert (RequestEvent.objects.count(), len(mail.outbox)) == (events, emails)
    assert state(request_obj) == ("submitted", None)


def test_expiry_emails_the_alliance_and_the_consultant(
    world, settings, django_capture_on_commit_callbacks
):
    request_obj = make(world, "offered")
    offered_days_ago(request_obj, 6)
    expire(django_capture_on_commit_callbacks)
    to_alliance, to_consultant = mail.outbox
    assert to_alliance.to == [settings.ALLIANCE_NOTIFY_EMAIL]
    assert to_alliance.subject == (
        f"Offer expired: request #{request_obj.pk} ({world.program.name}) is back in the queue"
    )
    assert "Cora Consultant did not answer" in to_alliance.body
    assert to_consultant.to == [world.listing.contact_email]
    assert to_consultant.subject == (
        f"The offer of consultation request #{request_obj.pk} has lapsed"
    )


@pytest.mark.parametrize(
    ("age", "expires"),
    [
        (timedelta(days=5, minutes=1), True),
        (timedelta(days=5) - timedelta(minutes=1), False),
    ],
)
def test_expiry_boundary(world, age, expires, django_capture_on_commit_callbacks):
    request_obj = make(world, "offered")
    ConsultationRequest.objects.filter(pk=request_obj.pk).update(offered_at=timezone.now() - age)
    expire(django_capture_on_commit_callbacks)
    assert state(request_obj)[0] == ("submitted" if expires else "offered")


def test_expiry_follows_the_setting(world, settings, django_capture_on_commit_callbacks):
    settings.OFFER_EXPIRY_DAYS = 2
    request_obj = make(world, "offered")
    offered_days_ago(request_obj, 3)
    assert expire(django_capture_on_commit_callbacks) == "1 offer(s) expired.\n"
    assert request_obj.events.last().note == "2"
    settings.OFFER_EXPIRY_DAYS = 9  # the history keeps the days the offer waited
    page = client_for(world, "program").get(
        reverse("consultations:request_detail", args=[request_obj.pk])
    )
    assert "Not answered within 2 days." in page.content.decode()


def test_quiet_prints_nothing(world, django_capture_on_commit_callbacks):
    request_obj = make(world, "offered")
    offered_days_ago(request_obj, 6)
    assert expire(django_capture_on_commit_callbacks, "--quiet") == ""
    assert state(request_obj) == ("submitted", None)


def test_an_expired_offer_may_be_offered_again_to_the_same_consultant(world):
    """Expiry is not a decline: the consultant is not excluded from the request."""
    request_obj = make(world, "offered")
    offered_days_ago(request_obj, 6)
    call_command("expire_offers", "--quiet")
    response = world.client("admin").post(
        f"/api/v1/requests/{request_obj.pk}/offer/", {"consultant": world.listing.pk}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "offered"


# --- the admin request queue -----------------------------------------------------------------


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.users["admin"])
    return client


def queue_ids(response) -> list[int]:
    assert response.status_code == 200
    return [obj.pk for obj in response.context["cl"].result_list]


@pytest.fixture
def queue(world):
    """Routine requests first in time, a priority one after them; one in Milwaukee."""
    routine = make(world, "submitted")
    offered = make(world, "offered")
    priority = make(world, "submitted", urgency="priority")
    world.other_program.county = county("Milwaukee County", "WI", "55079")
    world.other_program.save()
    elsewhere = make(world, "submitted", program=world.other_program)
    return {"routine": routine, "offered": offered, "priority": priority, "elsewhere": elsewhere}


def test_queue_lists_priority_first_then_oldest(admin_client, queue):
    ids = queue_ids(admin_client.get(QUEUE))
    assert ids == [
        queue["priority"].pk,
        queue["routine"].pk,
        queue["offered"].pk,
        queue["elsewhere"].pk,
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status__exact=submitted", ["priority", "routine", "elsewhere"]),
        ("status__exact=offered", ["offered"]),
        ("urgency__exact=priority", ["priority"]),
        ("urgency__exact=routine", ["routine", "offered", "elsewhere"]),
        ("program__county__id__exact=MILWAUKEE", ["elsewhere"]),
        ("status__exact=submitted&urgency__exact=routine", ["routine", "elsewhere"]),
    ],
)
def test_queue_filters(admin_client, queue, world, query, expected):
    query = query.replace("MILWAUKEE", str(world.other_program.county_id))
    ids = queue_ids(admin_client.get(f"{QUEUE}?{query}"))
    assert sorted(ids) == sorted(queue[n].pk for n in expected)


def test_change_page_shows_the_history(admin_client, world):
    request_obj = make(world, "active")
    response = admin_client.get(f"{QUEUE}{request_obj.pk}/change/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "history" in page.lower()
    for text in ("Submitted", "Offered", "Accepted", "alex_admin", "cora_consultant"):
        assert text in page
    inline = next(
        formset
        for formset in response.context["inline_admin_formsets"]
        if formset.formset.model is RequestEvent
    )
    assert [form.original.action for form in inline] == ["submitted", "offered", "accepted"]


def _action(admin_client, action, requests, capture, **form):
    data = {"action": action, "_selected_action": [r.pk for r in requests], **form}
    with capture(execute=True):
        return admin_client.post(QUEUE, data)


def test_offer_action_asks_for_a_consultant_first(
    admin_client, world, django_capture_on_commit_callbacks
):
    request_obj = make(world, "submitted")
    response = _action(admin_client, "offer", [request_obj], django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "Offer requests" in response.content.decode()
    assert str(request_obj) in response.content.decode()
    assert state(request_obj) == ("submitted", None)
    assert mail.outbox == []


def test_offer_action_offers_through_the_service(
    admin_client, world, django_capture_on_commit_callbacks
):
    first, second = make(world, "submitted"), make(world, "submitted")
    response = _action(
        admin_client,
        "offer",
        [first, second],
        django_capture_on_commit_callbacks,
        apply="1",
        consultant=world.listing.pk,
    )
    assert response.status_code == 302
    for request_obj in (first, second):
        assert state(request_obj) == ("offered", world.listing.pk)
        event = request_obj.events.last()
        assert (event.action, event.actor, event.from_status) == (
            "offered",
            world.users["admin"],
            "submitted",
        )
    # Each offer emails the consultant and the program.
    to_consultant = [m for m in mail.outbox if m.to == [world.listing.contact_email]]
    assert sorted(m.subject for m in to_consultant) == sorted(
        f"Consultation request #{r.pk} offered to you: {world.program.name}"
        for r in (first, second)
    )
    assert len(mail.outbox) == 4
    assert "2 request(s) offered." in [str(m) for m in get_messages(response.wsgi_request)]


def test_offer_action_reports_the_requests_it_could_not_offer(
    admin_client, world, django_capture_on_commit_callbacks
):
    waiting, already = make(world, "submitted"), make(world, "active")
    response = _action(
        admin_client,
        "offer",
        [waiting, already],
        django_capture_on_commit_callbacks,
        apply="1",
        consultant=world.other_listing.pk,
    )
    assert response.status_code == 302
    assert state(waiting) == ("offered", world.other_listing.pk)
    assert state(already) == ("active", world.listing.pk)
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert f"#{already.pk}: A request that is active cannot be offered." in messages
    assert "1 request(s) offered." in messages


@pytest.mark.parametrize("listing_status", ["pending", "suspended"])
def test_offer_action_offers_only_approved_consultants(
    admin_client, world, listing_status, django_capture_on_commit_callbacks
):
    request_obj = make(world, "submitted")
    unavailable = ConsultantFactory(listing_status=listing_status)
    response = _action(
        admin_client,
        "offer",
        [request_obj],
        django_capture_on_commit_callbacks,
        apply="1",
        consultant=unavailable.pk,
    )
    assert response.status_code == 200  # the form again, with its error
    assert response.context["form"].errors["consultant"]
    assert state(request_obj) == ("submitted", None)
    assert mail.outbox == []


def test_close_action_closes_through_the_service(
    admin_client, world, django_capture_on_commit_callbacks
):
    request_obj = make(world, "active")
    response = _action(
        admin_client,
        "close",
        [request_obj],
        django_capture_on_commit_callbacks,
        apply="1",
        closure_reason="child_left_program",
        suspension_prevented="yes",
        goals_met="no",
        note="Family moved.",
    )
    assert response.status_code == 302
    request_obj.refresh_from_db()
    assert (
        request_obj.status,
        request_obj.closure_reason,
        request_obj.suspension_prevented,
        request_obj.goals_met,
        request_obj.closure_note,
    ) == ("closed", "child_left_program", True, False, "Family moved.")
    event = request_obj.events.last()
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        "closed",
        world.users["admin"],
        "active",
        "closed",
    )
    world.listing.refresh_from_db()
    assert world.listing.active_caseload == 0
    [message] = mail.outbox
    assert world.program.email in message.to
    assert "Child left the program" in message.body


def test_close_action_leaves_requests_that_are_not_active(
    admin_client, world, django_capture_on_commit_callbacks
):
    request_obj = make(world, "submitted")
    response = _action(
        admin_client,
        "close",
        [request_obj],
        django_capture_on_commit_callbacks,
        apply="1",
        closure_reason="goals_met",
    )
    assert response.status_code == 302
    assert state(request_obj) == ("submitted", None)
    assert mail.outbox == []
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert f"#{request_obj.pk}: A request that is submitted cannot be closed." in messages


def test_close_action_needs_a_known_reason(admin_client, world, django_capture_on_commit_callbacks):
    request_obj = make(world, "active")
    response = _action(
        admin_client,
        "close",
        [request_obj],
        django_capture_on_commit_callbacks,
        apply="1",
        closure_reason="bored",
    )
    assert response.status_code == 200
    assert response.context["form"].errors["closure_reason"]
    assert state(request_obj) == ("active", world.listing.pk)


def test_expire_action_expires_only_overdue_offers(
    admin_client, world, django_capture_on_commit_callbacks
):
    overdue, fresh = make(world, "offered"), make(world, "offered")
    offered_days_ago(overdue, 6)
    response = _action(
        admin_client, "expire_overdue", [overdue, fresh], django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    assert state(overdue) == ("submitted", None)
    assert state(fresh) == ("offered", world.listing.pk)
    assert len(mail.outbox) == 2


@pytest.mark.parametrize("role", ["anonymous", "program", "consultant"])
def test_non_staff_are_sent_to_the_admin_login(client, world, role):
    if world.users[role] is not None:
        client.force_login(world.users[role])
    for path in (QUEUE, f"{QUEUE}{make(world, 'submitted').pk}/change/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/?next=")


def test_non_staff_cannot_run_an_action(client, world, django_capture_on_commit_callbacks):
    request_obj = make(world, "submitted")
    client.force_login(world.users["program"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            QUEUE,
            {
                "action": "offer",
                "_selected_action": [request_obj.pk],
                "apply": "1",
                "consultant": world.listing.pk,
            },
        )
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert state(request_obj) == ("submitted", None)
    assert mail.outbox == []


def test_staff_who_are_not_alliance_admins_cannot_see_the_queue(client, world):
    client.force_login(UserFactory(role="", is_staff=True))
    assert client.get(QUEUE).status_code == 403


def test_the_queue_cannot_add_or_delete_requests(admin_client, world):
    request_obj = make(world, "submitted")
    assert admin_client.get(f"{QUEUE}add/").status_code == 403
    assert admin_client.get(f"{QUEUE}{request_obj.pk}/delete/").status_code == 403
    assert ConsultationRequest.objects.filter(pk=request_obj.pk).exists()


def test_expiry_leaves_capacity_alone(world, django_capture_on_commit_callbacks):
    Consultant.objects.filter(pk=world.listing.pk).update(max_caseload=1)
    request_obj = make(world, "offered")
    offered_days_ago(request_obj, 6)
    expire(django_capture_on_commit_callbacks)
    world.listing.refresh_from_db()
    assert world.listing.active_caseload == 0
    assert services.expire_overdue_offers() == 0
