"""The background app's tasks: email delivery and its safety net."""

from datetime import timedelta

from django_tasks import task

from background import services
from background.periodic import periodic


@task()
def deliver_email(email_id: int) -> str:
    return services.email_deliver(email_id=email_id)


@periodic(every=timedelta(minutes=5))
@task()
def requeue_stalled_emails() -> int:
    return services.email_requeue_stalled()
