"""Submitting a request once: a repeated API call (the same `Idempotency-Key`) or a form sent
twice (its one-time token) returns the request the first one made instead of a second."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations import selectors
from consultations.models import ConsultationRequest, SubmissionKey
from consultations.services import request_submit
from iecmhc.exceptions import KeyReused


def request_submit_once(
    *, actor, key: str, fingerprint: str, **fields
) -> tuple[ConsultationRequest, bool]:
    """request_submit, once per idempotency key: the same key from the same user within
    SUBMISSION_KEY_HOURS returns the request it first made (and False) rather than a second
    one; sent with another body (another `fingerprint`), it is refused (KeyReused).

    Simultaneous calls with one key: the request and its key are written in one transaction,
    and the key's unique constraint makes the later call wait for the first and then find its
    request (the later call's own writes, and its emails, are rolled back)."""
    earlier = selectors.submission_for(user=actor, key=key)
    if earlier is None:
        cutoff = timezone.now() - timedelta(hours=settings.SUBMISSION_KEY_HOURS)
        SubmissionKey.objects.filter(user=actor, created_at__lt=cutoff).delete()
        try:
            with transaction.atomic():
                created = request_submit(actor=actor, **fields)
                SubmissionKey.objects.create(
                    user=actor, key=key, fingerprint=fingerprint, request=created
                )
            return created, True
        except IntegrityError:
            earlier = selectors.submission_for(user=actor, key=key)
            if earlier is None:
                raise
    if earlier.fingerprint != fingerprint:
        raise KeyReused(_("This Idempotency-Key was already used with a different request body."))
    return earlier.request, False
