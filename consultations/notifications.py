"""The emails each step of the workflow sends, once its transaction commits (the services call
these after writing). Each recipient reads it in their own language (accounts.i18n)."""

from django.conf import settings

from accounts.i18n import language_for
from consultations.selectors import program_recipients
from directory.models import Consultant
from iecmhc.emails import send_templated_email


def notify_program(consultation, template: str, **context) -> None:
    """To the program's staff, each in their language; the program's own address in the
    language of whoever made the request."""
    program = consultation.program
    by_language: dict[str, list[str]] = {}
    for address, user in program_recipients(program):
        language = language_for(user if user is not None else consultation.created_by)
        by_language.setdefault(language, []).append(address)
    for language, addresses in by_language.items():
        send_templated_email(
            to=addresses,
            template=template,
            language=language,
            context={"consultation": consultation, "program": program, **context},
        )


def notify_consultant(consultant: Consultant, consultation, template: str, **context) -> None:
    send_templated_email(
        to=[consultant.contact_email or consultant.user.email],
        template=template,
        language=language_for(consultant.user),
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
