"""The directory's pages, for every role: allowed, sent to sign in, 403 or 404."""

import pytest
from django.core import mail
from django.urls import reverse

from directory.models import Consultant, ListingDecision, Program
from tests.factories import ConsultantFactory, UserFactory, county, language

Status = Consultant.ListingStatus
pytestmark = pytest.mark.django_db
ROLES = ("anonymous", "program", "other_program", "consultant", "other_consultant", "admin")


def signed_in(client, world, role):
    if world.users[role] is not None:
        client.force_login(world.users[role])
    return client


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:login")
    )


LISTING = {
    "display_name": "Ana Lee, LPC",
    "bio": "Ten years with toddler rooms.",
    "license_type": "lpc",
    "license_state": "WI",
    "languages": ["en", "es"],
    "base_zip": "53703",
    "travel_radius_miles": "40",
    "modalities": ["on_site", "virtual"],
    "setting_types": ["child_care_center"],
    "specialties": ["challenging_behavior"],
    "max_caseload": "10",
    "accepting_new_requests": "on",
    "public_email": "ana@example.org",
}


# --- the public directory -------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_everyone_can_search_the_directory(client, world, role):
    ConsultantFactory(display_name="Hidden Draft", listing_status=Status.DRAFT)
    response = signed_in(client, world, role).get(reverse("directory:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cora Consultant" in html and "Cal Consultant" in html
    assert "Hidden Draft" not in html


def test_directory_filters_and_explains_bad_input(client, world):
    spanish = ConsultantFactory(display_name="Sofia Spanish", languages=[language("es", "Spanish")])
    response = client.get(reverse("directory:list"), {"language": "es"})
    assert list(response.context["page"].object_list) == [spanish]
    response = client.get(reverse("directory:list"), {"near_zip": "00000"})
    assert response.status_code == 200
    assert "00000 is not a known US ZIP code." in response.content.decode()
    assert list(response.context["page"].object_list) == []
    response = client.get(reverse("directory:list"), {"near_zip": "53703", "radius_miles": "10"})
    assert response.status_code == 200
    assert "miles away" in response.content.decode()


def test_directory_pages_through_results(client, world):
    for i in range(25):
        ConsultantFactory(display_name=f"Zed {i:02d}")
    first = client.get(reverse("directory:list"))
    second = client.get(reverse("directory:list"), {"page": "2"})
    assert len(first.context["page"].object_list) == 20
    assert len(second.context["page"].object_list) == 7
    assert client.get(reverse("directory:list"), {"page": "99"}).status_code == 200


@pytest.mark.parametrize(
    "role, status_code",
    [
        ("anonymous", 404),
        ("program", 404),
        ("consultant", 200),
        ("other_consultant", 404),
        ("admin", 200),
    ],
)
def test_a_draft_profile_is_seen_by_its_owner_and_admins_only(client, world, role, status_code):
    Consultant.objects.filter(pk=world.listing.pk).update(listing_status=Status.DRAFT)
    url = reverse("directory:profile", args=[world.listing.pk])
    assert signed_in(client, world, role).get(url).status_code == status_code


def test_a_public_profile_hides_private_contacts(client, world):
    response = client.get(reverse("directory:profile", args=[world.listing.pk]))
    html = response.content.decode()
    assert world.listing.public_email in html
    assert world.listing.contact_email not in html


# --- my listing ------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["directory:listing", "directory:listing_edit"])
@pytest.mark.parametrize(
    "role, expected", [("anonymous", "login"), ("program", 403), ("admin", 403)]
)
def test_only_consultants_have_listing_pages(client, world, url_name, role, expected):
    response = signed_in(client, world, role).get(reverse(url_name))
    if expected == "login":
        assert is_login_redirect(response)
    else:
        assert response.status_code == expected


def test_a_new_consultant_creates_submits_and_sees_the_review(
    client, world, django_capture_on_commit_callbacks
):
    user = UserFactory(role="consultant")
    client.force_login(user)
    assert client.get(reverse("directory:listing"))["Location"] == reverse("directory:listing_edit")
    response = client.post(reverse("directory:listing_edit"), LISTING)
    assert response.status_code == 302, response.context["form"].errors
    listing = Consultant.objects.get(user=user)
    assert listing.listing_status == Status.DRAFT
    assert set(listing.languages.values_list("code", flat=True)) == {"en", "es"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("directory:listing_submit"))
    listing.refresh_from_db()
    assert listing.listing_status == Status.PENDING
    assert mail.outbox[-1].to == ["alliance@iecmhc.example.org"]
    page = client.get(reverse("directory:listing")).content.decode()
    assert "reviewing your listing" in page


def test_listing_form_shows_errors_and_saves_nothing(client, world):
    user = UserFactory(role="consultant")
    client.force_login(user)
    response = client.post(reverse("directory:listing_edit"), {**LISTING, "base_zip": "00000"})
    assert response.status_code == 200
    assert "00000 is not a known US ZIP code." in response.content.decode()
    response = client.post(reverse("directory:listing_edit"), {**LISTING, "max_caseload": "0"})
    assert response.status_code == 200
    assert 'id="id_max_caseload_error"' in response.content.decode()
    assert not Consultant.objects.filter(user=user).exists()


def test_an_incomplete_draft_cannot_be_submitted(client, world):
    Consultant.objects.filter(pk=world.listing.pk).update(listing_status=Status.DRAFT, bio="")
    client.force_login(world.users["consultant"])
    response = client.post(reverse("directory:listing_submit"), follow=True)
    assert "not complete" in response.content.decode()
    world.listing.refresh_from_db()
    assert world.listing.listing_status == Status.DRAFT


def test_editing_public_details_of_an_approved_listing_returns_it_to_review(client, world):
    client.force_login(world.users["consultant"])
    form = client.get(reverse("directory:listing_edit")).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, "")}
    data["languages"] = data.get("languages", [])
    data["bio"] = "A new bio."
    data["accepting_new_requests"] = "on"
    response = client.post(reverse("directory:listing_edit"), data, follow=True)
    assert "reviews your listing again" in response.content.decode()
    world.listing.refresh_from_db()
    assert world.listing.listing_status == Status.PENDING


def test_submit_is_post_only_and_needs_a_listing(client, world):
    client.force_login(world.users["consultant"])
    assert client.get(reverse("directory:listing_submit")).status_code == 405
    client.force_login(UserFactory(role="consultant"))
    assert client.post(reverse("directory:listing_submit")).status_code == 404


# --- programs --------------------------------------------------------------------------------


PROGRAM = {
    "name": "Little Oaks",
    "setting_type": "child_care_center",
    "zip": "53703",
    "ages_served": ["infant"],
}


@pytest.mark.parametrize(
    "role, expected", [("anonymous", "login"), ("consultant", 403), ("admin", 403)]
)
def test_only_program_staff_register_programs(client, world, role, expected):
    before = Program.objects.count()
    response = signed_in(client, world, role).post(reverse("directory:program_new"), PROGRAM)
    if expected == "login":
        assert is_login_redirect(response)
    else:
        assert response.status_code == expected
    assert Program.objects.count() == before


def test_program_staff_register_a_program_placed_by_its_zip(client, world):
    client.force_login(world.users["program"])
    response = client.post(reverse("directory:program_new"), PROGRAM)
    assert response.status_code == 302
    program = Program.objects.get(name="Little Oaks")
    assert program.county.name == "Dane County"
    assert program.members.filter(pk=world.users["program"].pk).exists()
    response = client.post(reverse("directory:program_new"), {**PROGRAM, "zip": "99999"})
    assert response.status_code == 200
    assert "is not a known US ZIP code" in response.content.decode()


@pytest.mark.parametrize(
    "role, expected",
    [
        ("anonymous", "login"),
        ("program", 200),
        ("other_program", 404),
        ("consultant", 404),
        ("admin", 200),
    ],
)
def test_program_edit_page_by_role(client, world, role, expected):
    response = signed_in(client, world, role).get(
        reverse("directory:program_edit", args=[world.program.pk])
    )
    if expected == "login":
        assert is_login_redirect(response)
    else:
        assert response.status_code == expected


def test_a_member_edits_the_program(client, world):
    client.force_login(world.users["program"])
    url = reverse("directory:program_edit", args=[world.program.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, "")}
    data["name"] = "Little Acorns Renamed"
    assert client.post(url, data).status_code == 302
    world.program.refresh_from_db()
    assert world.program.name == "Little Acorns Renamed"


# --- the Alliance's approval queue ------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_approval_queue_is_for_alliance_admins(client, world, role):
    pending = ConsultantFactory(display_name="Pat Pending", listing_status=Status.PENDING)
    for url in (
        reverse("directory:listing_queue"),
        reverse("directory:listing_review", args=[pending.pk]),
    ):
        response = signed_in(client, world, role).get(url)
        if role == "admin":
            assert response.status_code == 200
            assert "Pat Pending" in response.content.decode()
        elif role == "anonymous":
            assert is_login_redirect(response)
        else:
            assert response.status_code == 403
    response = client.post(
        reverse("directory:listing_review", args=[pending.pk]), {"action": "approve"}
    )
    pending.refresh_from_db()
    assert pending.listing_status == (Status.APPROVED if role == "admin" else Status.PENDING)


def test_reject_needs_a_reason_then_emails_it(client, world, django_capture_on_commit_callbacks):
    pending = ConsultantFactory(listing_status=Status.PENDING)
    client.force_login(world.users["admin"])
    url = reverse("directory:listing_review", args=[pending.pk])
    response = client.post(url, {"action": "reject", "reason": ""})
    assert response.status_code == 200
    pending.refresh_from_db()
    assert pending.listing_status == Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "reject", "reason": "Add your license number."})
    assert response.status_code == 200  # the confirmation step: nothing changes yet
    assert 'name="confirm" value="yes"' in response.content.decode()
    pending.refresh_from_db()
    assert (pending.listing_status, len(mail.outbox)) == (Status.PENDING, 0)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"action": "reject", "reason": "Add your license number.", "confirm": "yes"}
        )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.listing_status == Status.REJECTED
    assert ListingDecision.objects.get(consultant=pending).reason == "Add your license number."
    assert "Add your license number." in mail.outbox[-1].body


def test_approving_twice_is_a_clear_conflict(client, world):
    client.force_login(world.users["admin"])
    url = reverse("directory:listing_review", args=[world.listing.pk])
    response = client.post(url, {"action": "approve"}, follow=True)
    assert "cannot be approved" in response.content.decode()


def test_queue_is_empty_when_nothing_waits(client, world):
    client.force_login(world.users["admin"])
    assert (
        "No listing is waiting" in client.get(reverse("directory:listing_queue")).content.decode()
    )
    assert county()  # the world's county exists; nothing else to review
