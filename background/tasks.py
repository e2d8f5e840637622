"""The background app's tasks: email delivery and its safety net."""

from datetime import timedelta

from django_tasks import task

from background import services
from background.periodic import periodic


@task()
def deliver_email(email_id: int) -> str:
    """One email: a retry, a resend from the admin, a lost task replaced."""
    return services.email_deliver(email_id=email_id)


@task()
def deliver_emails(task_id: str) -> dict[str, int]:
    """The emails queued together (by one change) with this task, whose id they carry."""
    return services.email_deliver_batch(task_id=task_id)


@periodic(every=timedelta(minutes=5))
@task()
def requeue_stalled_emails() -> int:
    return services.email_requeue_stalled()


@periodic(every=timedelta(days=1))
@task()
def prune_finished_work() -> int:
    """Finished tasks older than a week and periodic runs older than a month go; outgoing
    emails stay (the record of who was told what)."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from background.models import PeriodicRun

    now = timezone.now()
    tasks, _ = (
        DBTaskResult.objects.successful().filter(finished_at__lt=now - timedelta(days=7)).delete()
    )
    runs, _ = PeriodicRun.objects.filter(started_at__lt=now - timedelta(days=30)).delete()
    return tasks + runs
