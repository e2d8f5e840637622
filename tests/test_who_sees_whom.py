"""Lockouts a stranger cannot use against an account, and usernames only the Alliance sees:
in a request's history (API and pages) and in a listing's review history."""

import pytest
from axes.models import AccessAttempt
from django.core import mail
from rest_framework.test import APIClient

from consultations import services
from directory import services as directory_services
from tests.consultations import factories
from tests.factories import PASSWORD, ConsultantFactory

TOKEN = "/api/v1/auth/token/"
NEW_PASSWORD = "A-brand-new-passphrase-7"


def _fail(username, times, address):
    client = APIClient(REMOTE_ADDR=address)
    for _ in range(times):
        client.post(TOKEN, {"username": username, "password": "wrong-password"})


def _sign_in(username, password, address):
    return APIClient(REMOTE_ADDR=address).post(TOKEN, {"username": username, "password": password})


def test_a_stranger_cannot_lock_the_alliance_out(world):
    admin = world.users["admin"]
    _fail(admin.username, 10, "198.51.100.66")

    assert _sign_in(admin.username, PASSWORD, "198.51.100.66").status_code == 429
    assert _sign_in(admin.username, PASSWORD, "192.0.2.10").status_code == 200


def test_a_password_reset_lifts_the_accounts_lockout(world, client):
    user = world.users["program"]
    address = "203.0.113.50"
    _fail(user.username, 5, address)
    assert _sign_in(user.username, PASSWORD, address).status_code == 429

    client.post("/accounts/password-reset/", {"email": user.email})
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/reset/" in line)
    form_page = client.get(link[link.index("/accounts/reset/") :].strip(), follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=user.username).exists()
    assert _sign_in(user.username, NEW_PASSWORD, address).status_code == 200


# --- a request's history -----------------------------------------------------------------------


def _history_of(world, consultation, role):
    response = world.client(role).get(f"/api/v1/requests/{consultation.pk}/")
    assert response.status_code == 200
    return [(e["action"], e["actor"]) for e in response.json()["events"]]


def test_programs_read_the_alliance_and_the_consultants_public_name(world):
    admin = world.users["admin"]
    active = factories.active(world.program, world.listing, admin=admin)

    history = _history_of(world, active, "program")

    assert history == [
        ("submitted", world.program.name),
        ("offered", "the Alliance"),
        ("accepted", "Cora Consultant"),
    ]
    usernames = {u.username for u in world.users.values() if u is not None}
    response = world.client("program").get(f"/api/v1/requests/{active.pk}/").content.decode()
    assert not any(f'"{name}"' in response for name in usernames)


def test_no_one_but_the_alliance_learns_who_declined(world):
    admin = world.users["admin"]
    offered = factories.offered(world.program, world.other_listing, admin=admin)
    services.request_decline(
        actor=world.other_listing.user, consultation=offered, reason="No room this month."
    )
    services.request_offer(actor=admin, consultation=offered, consultant=world.listing)

    for role in ("program", "consultant"):
        history = _history_of(world, offered, role)
        assert ("declined", "a consultant") in history
        assert all("Cal" not in actor for _, actor in history)
    admin_view = _history_of(world, offered, "admin")
    assert ("declined", world.other_listing.user.username) in admin_view
    assert ("offered", admin.username) in admin_view


def test_the_request_page_names_no_staff_either(world, client):
    active = factories.active(world.program, world.listing, admin=world.users["admin"])
    client.force_login(world.users["program"])

    html = client.get(f"/requests/{active.pk}/").content.decode()

    assert "by the Alliance (" in html and "by Cora Consultant (" in html
    assert world.users["admin"].username not in html
    assert f"by {world.users['consultant'].username}" not in html


def test_a_listings_owner_reads_the_alliance_for_its_reviewers(world):
    listing = ConsultantFactory(listing_status="draft", display_name="Dana Doe")

    directory_services.consultant_submit(actor=listing.user, consultant=listing)
    directory_services.consultant_reject(
        actor=world.users["admin"], consultant=listing, reason="Add your license."
    )
    client = APIClient()
    client.force_authenticate(listing.user)

    decisions = client.get(f"/api/v1/consultants/{listing.pk}/").json()["decisions"]

    assert [d["actor"] for d in decisions] == ["Dana Doe", "the Alliance"]


@pytest.mark.parametrize("role", ["admin"])
def test_the_alliance_still_reads_usernames_in_review_history(world, role):
    listing = world.listing
    decisions = world.client(role).get(f"/api/v1/consultants/{listing.pk}/").json()["decisions"]

    assert all(d["actor"] != "the Alliance" for d in decisions)
