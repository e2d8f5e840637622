"""Helpers of the tests of the Alliance's pages."""

from django.core import mail

from consultations.models import ConsultationRequest, RequestEvent

Status = ConsultationRequest.Status


def db_snapshot():
    """Everything a denied or failed action must leave as it was."""
    return (
        sorted(ConsultationRequest.objects.values_list("pk", "status", "consultant_id")),
        RequestEvent.objects.count(),
        len(mail.outbox),
    )
