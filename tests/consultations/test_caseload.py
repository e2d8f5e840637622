"""A consultant's offers and caseload pages."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consultations import services
from tests.conftest import ROLES
from tests.consultations.page_helpers import (
    active_with_cora,
    assert_login_redirect,
    client_for,
    offered_to_cora,
)
from tests.factories import UserFactory

OFFERS_EXPECTED = {
    "anonymous": "login",
    "program": 403,
    "other_program": 403,
    "consultant": 200,
    "other_consultant": 200,
    "admin": 403,
}


CASELOAD_EXPECTED = OFFERS_EXPECTED


@pytest.mark.parametrize("role", ROLES)
def test_offers_page_by_role(world, role):
    request_obj = offered_to_cora(world)
    url = reverse("consultations:offers")
    response = client_for(world, role).get(url)
    expected = OFFERS_EXPECTED[role]
    if expected == "login":
        assert_login_redirect(response, url)
        return
    assert response.status_code == expected
    if expected == 200:
        body = response.content.decode()
        assert "<title>Offers for me · " in body
        mine = role == "consultant"
        assert (f"Accept request #{request_obj.pk}" in body) == mine
        assert (world.program.name in body) == mine
        assert ("No offer is waiting for you." in body) == (not mine)


def test_offers_page_asks_a_consultant_without_listing_to_create_one(world):
    client = Client()
    client.force_login(UserFactory(role="consultant"))
    response = client.get(reverse("consultations:offers"))
    assert response.status_code == 200
    assert 'href="/listing/"' in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_caseload_page_by_role(world, role):
    engagement = active_with_cora(world)
    offered_to_cora(world)
    services.contact_log(
        actor=world.users["consultant"],
        consultation=engagement,
        date=timezone.localdate(),
        minutes=45,
        activity="classroom_observation",
        modality="on_site",
    )
    url = reverse("consultations:caseload")
    response = client_for(world, role).get(url)
    expected = CASELOAD_EXPECTED[role]
    if expected == "login":
        assert_login_redirect(response, url)
        return
    assert response.status_code == expected
    if expected == 200:
        body = response.content.decode()
        assert "<title>My caseload · " in body
        assert 'href="/listing/"' in body
        if role == "consultant":
            assert '<span class="number">1 of 12</span>' in body
            assert '<meter id="capacity" min="0" max="12" value="1"' in body
            # 12 places: one engagement, one held by the offer awaiting an answer.
            assert '<span class="number">10</span> places free' in body
            assert '<span class="number">1</span> <a href="/offers/">open offer</a>' in body
            assert '<span class="number">0.75</span> hours this month' in body
            detail = reverse("consultations:request_detail", args=[engagement.pk])
            assert f'<a href="{detail}">Request #{engagement.pk}</a>' in body
        else:
            assert '<span class="number">0 of 12</span>' in body
            assert "No active engagement." in body


def test_caseload_without_a_listing_redirects_to_the_listing_page(world):
    client = Client()
    client.force_login(UserFactory(role="consultant"))
    response = client.get(reverse("consultations:caseload"))
    assert (response.status_code, response.url) == (302, "/listing/")
