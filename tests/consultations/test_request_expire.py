"""An offer that lapses (docs/domain.md, the workflow): the emails it sends."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from consultations import services
from consultations.models import ConsultationRequest
from tests.consultations.api_helpers import make

pytestmark = pytest.mark.django_db


def test_expiry_emails_the_alliance_and_the_consultant(
    world, settings, django_capture_on_commit_callbacks
):
    request_obj = make(world, "offered")
    ConsultationRequest.objects.filter(pk=request_obj.pk).update(
        offered_at=timezone.now() - timedelta(days=6)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.expire_overdue_offers() == 1
    to_alliance, to_consultant = mail.outbox
    assert to_alliance.to == [settings.ALLIANCE_NOTIFY_EMAIL]
    assert to_alliance.subject.startswith(f"Offer expired: request #{request_obj.pk}")
    assert "Cora Consultant" in to_alliance.body
    assert to_consultant.to == [world.listing.contact_email]
    assert f"#{request_obj.pk}" in to_consultant.subject
    assert world.program.name in to_consultant.body
