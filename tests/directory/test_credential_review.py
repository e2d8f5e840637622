"""The Alliance verifies each credential as part of approving a listing (who and when); the
owner's change to a verified credential sends the listing back to review."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from background.models import OutgoingEmail
from directory import credential_services, services
from directory.models import Consultant, ListingDecision
from tests.factories import ConsultantFactory

pytestmark = pytest.mark.django_db
RENEWAL = date.today() + timedelta(days=200)


@pytest.fixture
def pending(world):
    listing = world.listing
    Consultant.objects.filter(pk=listing.pk).update(
        listing_status="pending", license_state="WI", license_number="1234-123"
    )
    listing.refresh_from_db()
    listing.endorsements.create(
        category="early_childhood_mental_health_specialist",
        status="endorsed",
        number="E-1",
        renewal_date=RENEWAL,
    )
    listing.endorsements.create(category="infant_family_associate", status="in_process")
    return listing


def test_approving_verifies_the_licence_and_every_endorsement(world, pending):
    admin = world.users["admin"]
    before = timezone.now()
    services.consultant_approve(actor=admin, consultant=pending)
    pending.refresh_from_db()
    assert pending.listing_status == "approved"
    assert pending.license_verified_by == admin and pending.license_verified_at >= before
    verified = pending.endorsements.values_list("category", "verified_by", flat=False)
    assert sorted(verified) == [
        ("early_childhood_mental_health_specialist", admin.pk),
        ("infant_family_associate", admin.pk),
    ]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("license_number", "9999-999"),
        ("license_expires", date(2031, 1, 31)),
        ("license_state", "MN"),
        ("license_type", "lpc"),
    ],
)
def test_the_owner_changing_a_verified_licence_sends_the_listing_back(world, pending, field, value):
    services.consultant_approve(actor=world.users["admin"], consultant=pending)
    OutgoingEmail.objects.all().delete()
    owner = world.users["consultant"]
    services.consultant_update(actor=owner, consultant=pending, **{field: value})
    pending.refresh_from_db()
    assert pending.listing_status == "pending"
    assert (pending.license_verified_at, pending.license_verified_by) == (None, None)
    decision = pending.decisions.order_by("-id").first()
    assert decision.action == ListingDecision.Action.RETURNED_TO_REVIEW
    assert field in decision.reason
    assert list(OutgoingEmail.objects.values_list("template", flat=True)) == [
        "listing_review_needed"
    ]


def test_capacity_changes_leave_the_licence_verified(world, pending):
    services.consultant_approve(actor=world.users["admin"], consultant=pending)
    owner = world.users["consultant"]
    services.consultant_update(actor=owner, consultant=pending, hours_per_week=12, max_caseload=8)
    pending.refresh_from_db()
    assert pending.listing_status == "approved" and pending.license_verified_at is not None


def test_an_admin_changing_a_licence_verifies_it_at_once(world, pending):
    admin = world.users["admin"]
    services.consultant_approve(actor=admin, consultant=pending)
    services.consultant_update(actor=admin, consultant=pending, license_number="777-1")
    pending.refresh_from_db()
    assert pending.listing_status == "approved"
    assert pending.license_verified_by == admin


def test_the_owner_changing_or_adding_an_endorsement_sends_the_listing_back(world, pending):
    admin, owner = world.users["admin"], world.users["consultant"]
    services.consultant_approve(actor=admin, consultant=pending)
    # Saving it unchanged changes nothing.
    credential_services.endorsement_set(
        actor=owner,
        consultant=pending,
        category="early_childhood_mental_health_specialist",
        status="endorsed",
        number="E-1",
        renewal_date=RENEWAL,
    )
    pending.refresh_from_db()
    assert pending.listing_status == "approved"
    # A new renewal date needs verifying again.
    changed = credential_services.endorsement_set(
        actor=owner,
        consultant=pending,
        category="early_childhood_mental_health_specialist",
        status="endorsed",
        number="E-1",
        renewal_date=RENEWAL + timedelta(days=365),
    )
    pending.refresh_from_db()
    assert pending.listing_status == "pending" and changed.verified_at is None
    services.consultant_approve(actor=admin, consultant=pending)
    changed.refresh_from_db()
    assert changed.verified_by == admin
    credential_services.endorsement_set(
        actor=owner, consultant=pending, category="infant_mental_health_mentor", status="in_process"
    )
    pending.refresh_from_db()
    assert pending.listing_status == "pending"


def test_bad_endorsement_input_changes_nothing(world, pending):
    owner = world.users["consultant"]
    count = pending.endorsements.count()
    with pytest.raises(ValidationError) as error:
        credential_services.endorsement_set(
            actor=owner, consultant=pending, category="infant_family_specialist", status="endorsed"
        )
    assert "renewal_date" in error.value.message_dict
    with pytest.raises(ValidationError):
        credential_services.endorsement_set(
            actor=owner,
            consultant=pending,
            category="gold_star",
            status="endorsed",
            renewal_date=RENEWAL,
        )
    with pytest.raises(PermissionDenied):
        credential_services.endorsement_set(
            actor=world.users["other_consultant"],
            consultant=pending,
            category="infant_family_specialist",
            status="in_process",
        )
    assert pending.endorsements.count() == count


def test_the_directory_shows_licence_verified_and_current_endorsements_only(client, world):
    admin = world.users["admin"]
    verified = ConsultantFactory(
        display_name="Vera Verified",
        listing_status="pending",
        endorsements=[
            "infant_mental_health_specialist",
            ("early_childhood_family_specialist", "endorsed", date.today() - timedelta(days=1)),
        ],
    )
    services.consultant_approve(actor=admin, consultant=verified)
    lapsed = ConsultantFactory(
        display_name="Lars Lapsed", license_expires=date.today() - timedelta(days=1)
    )
    Consultant.objects.filter(pk=lapsed.pk).update(license_verified_at=timezone.now())
    html = client.get("/directory/?q=Vera").content.decode().split('<ul class="cards">')[1]
    assert "Licence verified" in html
    assert "Infant Mental Health Specialist" in html
    assert "Early Childhood Family Specialist" not in html  # past its renewal date
    assert (
        "Licence verified"
        not in client.get("/directory/?q=Lars").content.decode().split('<ul class="cards">')[1]
    )
    api = client.get("/api/v1/consultants/", {"license_verified": "true"}).json()
    names = {c["display_name"] for c in api["results"]}
    assert "Vera Verified" in names and "Lars Lapsed" not in names
    mine = next(c for c in api["results"] if c["display_name"] == "Vera Verified")
    assert mine["license_verified"] is True
    assert mine["endorsements"] == [
        {
            "category": "infant_mental_health_specialist",
            "status": "endorsed",
            "renewal_date": (date.today() + timedelta(days=365)).isoformat(),
        }
    ]
    by_category = client.get(
        "/api/v1/consultants/", {"endorsement": "early_childhood_family_specialist"}
    ).json()
    assert by_category["count"] == 0
    assert client.get("/api/v1/consultants/", {"endorsement": "gold"}).status_code == 400
