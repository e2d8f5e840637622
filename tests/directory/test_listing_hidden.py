"""A listing that is not approved (draft, pending, rejected or suspended) is hidden on every
public view of listings: the directory page, the profile page, and the API's list and detail
(docs/api.md, "Directory: consultants"; docs/domain.md, listings). Each view is tried with every
hidden status, by everyone but the listing's owner and the Alliance, and with an approved
listing too, so that a view which hid everything would fail."""

import pytest
from django.urls import reverse

from directory.models import Consultant
from tests.directory.consultant_helpers import set_status

pytestmark = pytest.mark.django_db

HIDDEN = ["draft", "pending", "rejected", "suspended"]
OTHERS = ["anonymous", "program", "other_program", "other_consultant"]
STATUSES = [*HIDDEN, "approved"]


def _page_client(client, world, role):
    if world.users[role] is not None:
        client.force_login(world.users[role])
    return client


def _shown(status: str) -> bool:
    return status == Consultant.ListingStatus.APPROVED


@pytest.mark.parametrize("role", OTHERS)
@pytest.mark.parametrize("status", STATUSES)
def test_the_directory_page(client, world, status, role):
    set_status(world.listing, status)
    response = _page_client(client, world, role).get(reverse("directory:list"))
    assert response.status_code == 200
    listed = {c.pk for c in response.context["page"].object_list}
    assert (world.listing.pk in listed) is _shown(status)
    assert world.other_listing.pk in listed  # the approved one beside it is still there
    assert ("Cora Consultant" in response.content.decode()) is _shown(status)


@pytest.mark.parametrize("role", OTHERS)
@pytest.mark.parametrize("status", STATUSES)
def test_the_profile_page(client, world, status, role):
    set_status(world.listing, status)
    url = reverse("directory:profile", args=[world.listing.pk])
    response = _page_client(client, world, role).get(url)
    assert response.status_code == (200 if _shown(status) else 404)
    assert ("Cora Consultant" in response.content.decode()) is _shown(status)


@pytest.mark.parametrize("role", OTHERS)
@pytest.mark.parametrize("status", STATUSES)
def test_the_api_list(world, status, role):
    set_status(world.listing, status)
    response = world.client(role).get("/api/v1/consultants/", {"page_size": 100})
    assert response.status_code == 200
    listed = {row["id"] for row in response.json()["results"]}
    assert (world.listing.pk in listed) is _shown(status)
    assert world.other_listing.pk in listed


@pytest.mark.parametrize("role", OTHERS)
@pytest.mark.parametrize("status", STATUSES)
def test_the_api_detail(world, status, role):
    set_status(world.listing, status)
    response = world.client(role).get(f"/api/v1/consultants/{world.listing.pk}/")
    assert response.status_code == (200 if _shown(status) else 404)
    if _shown(status):
        assert response.json()["display_name"] == "Cora Consultant"


@pytest.mark.parametrize("role", ["consultant", "admin"])
@pytest.mark.parametrize("status", HIDDEN)
def test_the_owner_and_the_alliance_still_open_it(client, world, status, role):
    set_status(world.listing, status)
    page = _page_client(client, world, role).get(
        reverse("directory:profile", args=[world.listing.pk])
    )
    assert page.status_code == 200
    assert "Cora Consultant" in page.content.decode()
    api = world.client(role).get(f"/api/v1/consultants/{world.listing.pk}/")
    assert api.status_code == 200
    assert api.json()["listing_status"] == status
