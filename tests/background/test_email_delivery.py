"""Emails are tasks: queued with the change, delivered by the worker through a real SMTP
server (aiosmtpd), retried while the server refuses connections, never sent twice, and kept
for the Alliance to see when they failed for good."""

import socket
import time

import pytest
from aiosmtpd.controller import Controller
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from background import services
from background.models import OutgoingEmail
from background.worker import run_ready_tasks
from consultations import services as consultation_services
from consultations.models import ConsultationRequest
from iecmhc.emails import send_templated_email
from tests.consultations import factories

# Real transactions: the change commits (or rolls back) as in production, and the worker
# reads what was committed.
pytestmark = pytest.mark.django_db(transaction=True)


class Inbox:
    """aiosmtpd handler: keeps every message the server accepts."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """SMTP settings for a local port where nothing listens yet (connections are refused);
    smtp.start() starts a real SMTP server there."""
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_RETRY_BASE_SECONDS = 1  # retries after 1, 2, ... seconds, not minutes
    settings.SITE_URL = "http://testserver.example"

    class Server:
        inbox = Inbox()
        controller = None

        def start(self):
            self.controller = Controller(self.inbox, hostname="127.0.0.1", port=port)
            self.controller.start()

    server = Server()
    yield server
    if server.controller is not None:
        server.controller.stop()


def work_until(predicate, *, seconds: float = 15) -> None:
    """Be a worker (in this process) until predicate() holds, as a real one polls."""
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "the worker did not get there in time"
        run_ready_tasks()
        time.sleep(0.2)


def test_an_offer_commits_while_smtp_is_down_and_its_emails_go_out_once_it_is_back(world, smtp):
    request = factories.submitted(world.program)
    offered = consultation_services.request_offer(
        actor=world.users["admin"], consultation=request, consultant=world.listing
    )
    assert ConsultationRequest.objects.get(pk=offered.pk).status == "offered"  # committed
    emails = OutgoingEmail.objects.all()  # the Alliance's (submitted), the offer's two
    assert sorted(emails.values_list("template", flat=True)) == [
        "request_offered_consultant",
        "request_offered_program",
        "request_submitted",
    ]
    # The offer's two emails share one delivery task, written with them; the submission's has
    # its own.
    offer_tasks = {e.task_id for e in emails if e.template.startswith("request_offered")}
    assert len(offer_tasks) == 1 and None not in offer_tasks
    assert DBTaskResult.objects.filter(id__in=[e.task_id for e in emails]).count() == 2

    run_ready_tasks()  # the mail server refuses connections

    for email in emails.all():
        assert email.status == OutgoingEmail.Status.PENDING
        assert email.attempts == 1
        assert "refused" in email.last_error.lower()
    assert smtp.inbox.messages == []

    smtp.start()
    work_until(lambda: not emails.filter(status=OutgoingEmail.Status.PENDING).exists())

    assert sorted(m.rcpt_tos for m in smtp.inbox.messages) == sorted(e.to for e in emails.all())
    for email in emails.all():
        assert email.status == OutgoingEmail.Status.SENT
        assert email.attempts == 2
        assert email.sent_at is not None
    offer = next(m for m in smtp.inbox.messages if m.rcpt_tos == [world.listing.contact_email])
    content = offer.content.decode()
    assert "text/plain" in content and "text/html" in content
    assert "http://testserver.example/offers/" in content  # SITE_URL, not the worker's host

    # A task that runs again (a duplicate, a second worker) sends nothing more.
    for email in emails.all():
        assert services.email_deliver(email_id=email.pk) == "skipped"
    run_ready_tasks()
    assert len(smtp.inbox.messages) == 3


def test_a_rolled_back_transaction_enqueues_nothing(world, smtp):
    smtp.start()
    with pytest.raises(RuntimeError), transaction.atomic():
        send_templated_email(
            to="cora@example.org", template="listing_approved", context={"consultant": None}
        )
        assert OutgoingEmail.objects.count() == 1  # queued inside the transaction...
        raise RuntimeError("roll back")

    assert OutgoingEmail.objects.count() == 0  # ...and gone with it
    assert DBTaskResult.objects.count() == 0
    run_ready_tasks()
    assert smtp.inbox.messages == []


# In the test's transaction: the Alliance admins' group comes from the migrations, which a
# transactional test's flush would remove.
@pytest.mark.django_db
def test_an_email_that_fails_for_good_is_shown_to_the_alliance_who_can_send_it_again(
    world, smtp, settings, client
):
    settings.EMAIL_MAX_ATTEMPTS = 2
    send_templated_email(
        to="cora@example.org",
        template="listing_approved",
        context={"consultant": world.listing},
    )
    email = OutgoingEmail.objects.get()
    work_until(lambda: OutgoingEmail.objects.get().status == OutgoingEmail.Status.FAILED)
    email.refresh_from_db()
    assert email.attempts == 2
    assert email.last_error

    # The Alliance admin (staff in the Alliance admins group, not a superuser) sees it.
    client.force_login(world.users["admin"])
    page = client.get("/admin/background/outgoingemail/?status__exact=failed")
    assert page.status_code == 200
    assert email.subject in page.content.decode()

    # ... and sends it again once the mail server is back.
    smtp.start()
    response = client.post(
        "/admin/background/outgoingemail/",
        {"action": "send_again", "_selected_action": [email.pk]},
    )
    assert response.status_code == 302
    work_until(lambda: OutgoingEmail.objects.get().status == OutgoingEmail.Status.SENT)
    assert [m.rcpt_tos for m in smtp.inbox.messages] == [["cora@example.org"]]


@pytest.mark.django_db
def test_program_and_consultant_users_cannot_see_outgoing_emails(world, client):
    for role in ("program", "consultant"):
        client.force_login(world.users[role])
        response = client.get("/admin/background/outgoingemail/")
        assert response.status_code == 302  # to the admin's login page
        assert "/admin/login/" in response["Location"]


def test_a_lost_delivery_task_is_queued_again(world, smtp, settings):
    smtp.start()
    send_templated_email(
        to="cora@example.org", template="listing_approved", context={"consultant": world.listing}
    )
    email = OutgoingEmail.objects.get()
    DBTaskResult.objects.all().delete()  # e.g. its worker was killed, its task pruned
    assert services.email_requeue_stalled() == 0  # not late yet

    later = email.next_attempt_at + services.STALLED_AFTER * 2
    assert services.email_requeue_stalled(now=later) == 1
    assert services.email_requeue_stalled(now=later) == 0  # its new task waits: no twin
    run_ready_tasks()
    assert [m.rcpt_tos for m in smtp.inbox.messages] == [["cora@example.org"]]


def test_retry_delays_double_up_to_the_cap(settings):
    settings.EMAIL_RETRY_BASE_SECONDS, settings.EMAIL_RETRY_MAX_MINUTES = 60, 60
    assert [services.retry_delay(n).total_seconds() for n in range(1, 9)] == [
        60, 120, 240, 480, 960, 1920, 3600, 3600,
    ]  # fmt: skip
