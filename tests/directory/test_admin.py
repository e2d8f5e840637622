"""The Alliance's back office: the approval queue and its actions call the same services."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from directory import services
from directory.models import Consultant, ListingDecision, Program
from tests.factories import ConsultantFactory, UserFactory, county

Status = Consultant.ListingStatus
pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:directory_listingreviewqueue_changelist")
CONSULTANTS = reverse("admin:directory_consultant_changelist")


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.users["admin"])
    return client


def pending(**kwargs) -> Consultant:
    return ConsultantFactory(listing_status=Status.PENDING, **kwargs)


def act(client, url, action, *consultants, **extra):
    return client.post(
        url,
        {"action": action, "_selected_action": [c.pk for c in consultants], **extra},
        follow=True,
    )


@pytest.mark.parametrize(
    "url",
    [
        QUEUE,
        CONSULTANTS,
        reverse("admin:directory_program_changelist"),
        reverse("admin:directory_county_changelist"),
        reverse("admin:directory_language_changelist"),
        CONSULTANTS + "?listing_status__exact=pending&q=Cora",
        reverse("admin:directory_program_changelist") + "?setting_type__exact=head_start",
    ],
)
def test_alliance_admin_opens_every_page(admin_client, url):
    assert admin_client.get(url).status_code == 200


def test_change_pages_show_the_history(admin_client, world):
    listing = pending()
    response = admin_client.get(reverse("admin:directory_consultant_change", args=[listing.pk]))
    assert response.status_code == 200
    program_page = reverse("admin:directory_program_change", args=[world.program.pk])
    assert admin_client.get(program_page).status_code == 200


def test_history_pages_show_each_change_and_who_made_it(admin_client, world):
    listing = pending(display_name="Hana History", recorded=True)
    act(admin_client, QUEUE, "approve_listings", listing)
    response = admin_client.get(reverse("admin:directory_consultant_history", args=[listing.pk]))
    assert response.status_code == 200
    records = list(response.context["page_obj"].object_list)
    # Newest first: the approval, then the pending listing as the factory saved it.
    assert records[0].listing_status == "approved"
    assert {r.listing_status for r in records[1:]} == {"pending"}
    assert records[0].history_user == world.users["admin"]
    assert "alex_admin" in response.content.decode()

    services.program_update(actor=world.users["program"], program=world.program, name="Renamed")
    page = admin_client.get(reverse("admin:directory_program_history", args=[world.program.pk]))
    assert page.status_code == 200
    assert page.context["page_obj"].object_list[0].name == "Renamed"
    assert "Renamed" in page.content.decode()


def test_queue_lists_only_pending_listings_oldest_first(admin_client, world):
    first, second = pending(display_name="Ana First"), pending(display_name="Bo Second")
    Consultant.objects.filter(pk=second.pk).update(submitted_at="2026-01-01T00:00:00Z")
    Consultant.objects.filter(pk=first.pk).update(submitted_at="2026-02-01T00:00:00Z")
    rows = list(admin_client.get(QUEUE).context["cl"].result_list)
    assert rows == [second, first]  # the approved listings of the world are not queued


def test_approve_action_approves_records_and_emails(
    admin_client, world, django_capture_on_commit_callbacks
):
    listing = pending()
    with django_capture_on_commit_callbacks(execute=True):
        response = act(admin_client, QUEUE, "approve_listings", listing)
    assert "1 listing(s) approved." in response.content.decode()
    listing.refresh_from_db()
    assert listing.listing_status == Status.APPROVED
    decision = listing.decisions.get()
    assert (decision.action, decision.actor) == ("approved", world.users["admin"])
    assert [m.to for m in mail.outbox] == [[listing.user.email]]


def test_approve_action_refuses_a_draft_and_says_why(admin_client):
    draft = ConsultantFactory(listing_status=Status.DRAFT)
    response = act(admin_client, CONSULTANTS, "approve_listings", draft)
    assert "cannot be approved" in response.content.decode()
    draft.refresh_from_db()
    assert draft.listing_status == Status.DRAFT
    assert not ListingDecision.objects.exists()


def test_reject_action_asks_for_a_reason_first(admin_client, django_capture_on_commit_callbacks):
    listing = pending()
    response = act(admin_client, QUEUE, "reject_listings", listing)
    assert response.status_code == 200
    assert "reason" in response.content.decode().lower()
    listing.refresh_from_db()
    assert listing.listing_status == Status.PENDING  # nothing happens until a reason is given

    response = act(admin_client, QUEUE, "reject_listings", listing, apply="1", reason="  ")
    listing.refresh_from_db()
    assert listing.listing_status == Status.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        act(admin_client, QUEUE, "reject_listings", listing, apply="1", reason="Add your license.")
    listing.refresh_from_db()
    assert listing.listing_status == Status.REJECTED
    assert listing.decisions.get().reason == "Add your license."
    assert "Add your license." in mail.outbox[0].body


def test_suspend_action_with_a_reason(admin_client, world):
    listing = world.listing
    act(admin_client, CONSULTANTS, "suspend_listings", listing, apply="1", reason="On leave.")
    listing.refresh_from_db()
    assert listing.listing_status == Status.SUSPENDED


def test_staff_without_the_review_permission_cannot_review(client, world):
    staff = UserFactory(role="", is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_consultant", "change_consultant"])
    )
    client.force_login(staff)
    listing = pending()
    response = client.get(CONSULTANTS)
    assert response.status_code == 200
    assert "approve_listings" not in response.content.decode()
    act(client, CONSULTANTS, "approve_listings", listing)
    listing.refresh_from_db()
    assert listing.listing_status == Status.PENDING


@pytest.mark.parametrize("role", ["anonymous", "program", "consultant"])
def test_non_staff_are_sent_to_the_login_page(client, world, role):
    if world.users[role] is not None:
        client.force_login(world.users[role])
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_consultants_cannot_be_added_or_deleted_in_the_admin(admin_client, world):
    assert admin_client.get(reverse("admin:directory_consultant_add")).status_code == 403
    delete = reverse("admin:directory_consultant_delete", args=[world.listing.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Consultant.objects.filter(pk=world.listing.pk).exists()


@pytest.mark.parametrize(
    "zip_code, county_fips, error_field",
    [
        ("53703", "55025", None),  # Madison, Dane County
        ("00000", "55025", "zip"),
        ("55401", "55025", "county"),  # a Minneapolis ZIP with a Wisconsin county
    ],
)
def test_program_admin_form_checks_zip_and_county(rf, world, zip_code, county_fips, error_field):
    program = world.program
    request = rf.get("/")
    request.user = world.users["admin"]
    form_class = admin.site._registry[Program].get_form(request, program)
    form = form_class(
        instance=program,
        data={
            "name": program.name,
            "setting_type": program.setting_type,
            "city": program.city,
            "zip": zip_code,
            "county": county(fips=county_fips).pk,
            "ages_served": ["infant"],
        },
    )
    assert form.is_valid() is (error_field is None), form.errors
    if error_field:
        assert error_field in form.errors
