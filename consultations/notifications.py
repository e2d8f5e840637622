"""The emails each step of the workflow sends, once its transaction commits (the services call
these after writing)."""

from django.conf import settings

from consultations.selectors import program_recipients
from directory.models import Consultant
from iecmhc.emails import send_templated_email


def notify_program(consultation, template: str, **context) -> None:
    send_templated_email(
        to=program_recipients(consultation.program),
        template=template,
        context={"consultation": consultation, "program": consultation.program, **context},
    )


def notify_consultant(consultant: Consultant, consultation, template: str, **context) -> None:
    send_templated_email(
        to=[consultant.contact_email or consultant.user.email],
        template=template,
        context={
            "consultation": consultation,
            "program": consultation.program,
            "consultant": consultant,
            **context,
        },
    )


def notify_alliance(consultation, template: str, **context) -> None:
    send_templated_email(
        to=settings.ALLIANCE_NOTIFY_EMAIL,
        template=template,
        context={"consultation": consultation, "program": consultation.program, **context},
    )
