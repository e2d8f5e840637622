"""Outgoing email: queued with the change that causes it, sent by the task worker.

- email_enqueue() stores the rendered email and enqueues its delivery task in the caller's
  transaction: both exist if and only if the change commits. Inside a service's
  `iecmhc.db.written_together()` block the emails it queues share ONE delivery task
  (deliver_emails) and are written with its other rows, in one statement on PostgreSQL;
  outside one, an email and its task are written at once (one statement on PostgreSQL).
- email_deliver() (the task's body) claims the email with a conditional UPDATE, so two runs
  of the task (a duplicate, two workers) send it once; it records the outcome on the row.
- A failed send is retried with exponential backoff (EMAIL_RETRY_BASE_SECONDS doubling, at
  most EMAIL_RETRY_MAX_MINUTES apart) up to EMAIL_MAX_ATTEMPTS attempts, then kept as failed:
  logged as an error and listed for the Alliance in the admin, which can send it again.
- email_requeue_stalled() (a periodic job) gives a new task to any email whose task was lost
  (a worker killed mid-send, a pruned task row): nothing waits forever.
"""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from background.models import OutgoingEmail
from iecmhc.db import current_writes, insert_rows

logger = logging.getLogger(__name__)

# How long one worker may hold an email while sending it (SMTP timeouts are shorter).
SEND_LEASE = timedelta(minutes=5)
# An email whose attempt is this late, with no task waiting for it, has lost its task.
STALLED_AFTER = timedelta(minutes=10)
Status = OutgoingEmail.Status


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: 1, 2, 4, ... minutes, capped."""
    seconds = settings.EMAIL_RETRY_BASE_SECONDS * 2 ** min(max(attempts - 1, 0), 20)
    return timedelta(seconds=min(seconds, settings.EMAIL_RETRY_MAX_MINUTES * 60))


def _schedule(email: OutgoingEmail, *, run_after=None) -> None:
    """Enqueue a delivery task for one saved email (in the caller's transaction): a retry, a
    resend, a lost task replaced."""
    from background.tasks import deliver_email

    task = deliver_email if run_after is None else deliver_email.using(run_after=run_after)
    result = task.enqueue(email.pk)
    OutgoingEmail.objects.filter(pk=email.pk).update(
        task_id=result.id, next_attempt_at=run_after or timezone.now()
    )


def _batch_task():
    """An unsaved task row that delivers every email given its id (deliver_emails), as
    django-tasks' database backend would write it on enqueue: written with the emails."""
    from django_tasks_db.compat import normalize_json
    from django_tasks_db.models import DBTaskResult, get_date_max

    from background.tasks import deliver_emails

    row = DBTaskResult(
        priority=deliver_emails.priority,
        task_path=deliver_emails.module_path,
        queue_name=deliver_emails.queue_name,
        backend_name=deliver_emails.backend,
        run_after=get_date_max(),  # no delay: the backend's "run now"
    )
    row.id = DBTaskResult._meta.pk.get_default()
    row.args_kwargs = normalize_json({"args": [str(row.id)], "kwargs": {}})
    return row


def _give_emails_a_task(writes) -> None:
    """One delivery task for all the emails a block queued (Writes.before_write)."""
    emails = [row for row in writes.rows if isinstance(row, OutgoingEmail) and not row.task_id]
    if emails:
        task = _batch_task()
        for email in emails:
            email.task_id = task.id
        writes.add(task)


def email_enqueue(
    *, to: list[str], subject: str, body_text: str, body_html: str = "", template: str = ""
) -> OutgoingEmail:
    """Queue an email: sent by a worker once the surrounding transaction commits. Inside a
    `written_together()` block it is written (with one task for all the block's emails) when
    the block ends; otherwise now, with its task. The returned row's id is not read back."""
    email = OutgoingEmail(
        template=template,
        to=list(to),
        subject=subject,
        body_text=body_text,
        body_html=body_html,
    )
    writes = current_writes()
    if writes is not None:
        writes.add(email)
        writes.before_write("emails", _give_emails_a_task)
    else:
        task = _batch_task()
        email.task_id = task.id
        insert_rows([task, email])
    return email


def email_deliver_batch(*, task_id: str) -> dict[str, int]:
    """The emails of one delivery task, each sent (or retried, or skipped) by email_deliver;
    an email that failed has a task of its own since, so a repeat of this one skips it."""
    outcomes: dict[str, int] = {}
    pending = OutgoingEmail.objects.filter(task_id=task_id, status=Status.PENDING)
    for email_id in pending.order_by("id").values_list("id", flat=True):
        outcome = email_deliver(email_id=email_id)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def _message(email: OutgoingEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=email.to,
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    return message


def email_deliver(*, email_id: int, now=None) -> str:
    """Send one queued email; returns "sent", "retry", "failed" or "skipped" (already sent,
    failed for good, or being sent by another worker right now). Safe to run any number of
    times: only the run that claims the email sends it."""
    now = now or timezone.now()
    claimed = (
        OutgoingEmail.objects.filter(pk=email_id, status=Status.PENDING)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + SEND_LEASE, attempts=F("attempts") + 1)
    )
    if not claimed:
        return "skipped"
    email = OutgoingEmail.objects.get(pk=email_id)
    try:
        _message(email).send(fail_silently=False)
    except Exception as exc:  # any failure is recorded, then retried or shown
        return _record_failure(email, exc, now=now)
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=Status.SENT, sent_at=timezone.now(), claimed_until=None, last_error=""
    )
    return "sent"


def _record_failure(email: OutgoingEmail, exc: Exception, *, now) -> str:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    # Every recipient refused: the server answered, and trying again will not change that.
    permanent = isinstance(exc, smtplib.SMTPRecipientsRefused)
    if permanent or email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
        OutgoingEmail.objects.filter(pk=email.pk).update(
            status=Status.FAILED, claimed_until=None, last_error=error
        )
        logger.error(
            "Email %s (%s) failed for good after %s attempt(s): %s",
            email.pk,
            email.template,
            email.attempts,
            error,
        )
        return "failed"
    run_after = now + retry_delay(email.attempts)
    with transaction.atomic():
        OutgoingEmail.objects.filter(pk=email.pk).update(claimed_until=None, last_error=error)
        _schedule(email, run_after=run_after)
    logger.warning(
        "Email %s (%s) attempt %s failed, next at %s: %s",
        email.pk,
        email.template,
        email.attempts,
        run_after.isoformat(timespec="seconds"),
        error,
    )
    return "retry"


@transaction.atomic
def email_retry(*, actor, email: OutgoingEmail) -> bool:
    """An Alliance admin sends a failed email again (a fresh round of attempts). Returns
    False, changing nothing, when the email is not failed."""
    updated = OutgoingEmail.objects.filter(pk=email.pk, status=Status.FAILED).update(
        status=Status.PENDING, attempts=0, claimed_until=None
    )
    if not updated:
        return False
    logger.info("Email %s queued again by %s", email.pk, actor.pk)
    _schedule(email)
    return True


def email_requeue_stalled(*, now=None, limit: int = 500) -> int:
    """Give a new delivery task to pending emails whose task is gone; returns how many."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY).values("id")
    stalled = (
        OutgoingEmail.objects.filter(status=Status.PENDING, next_attempt_at__lt=now - STALLED_AFTER)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .exclude(task_id__in=waiting)
        .order_by("next_attempt_at")[:limit]
    )
    count = 0
    for email in stalled:
        with transaction.atomic():
            _schedule(email)
        count += 1
    if count:
        logger.warning("%s email(s) had lost their delivery task and were queued again", count)
    return count
