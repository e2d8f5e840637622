"""Email notifications, rendered from templates/email/ and sent once the transaction commits."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def send_templated_email(*, to: list[str] | str, template: str, context: dict) -> None:
    """Send templates/email/<template>.txt (first line: the subject) after commit.

    Called inside a service's transaction: if the transaction rolls back, nothing is sent.
    """
    recipients = [to] if isinstance(to, str) else [address for address in to if address]
    if not recipients:
        return
    context = {"site_name": "IECMHC Matching", **context}
    rendered = render_to_string(f"email/{template}.txt", context).strip()
    subject, _, body = rendered.partition("\n")
    subject = " ".join(subject.split())  # user text in a subject must not break the header

    def send():
        send_mail(
            subject=subject,
            message=body.strip() + "\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=recipients,
            fail_silently=False,
        )

    transaction.on_commit(send, robust=True)
