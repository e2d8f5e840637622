"""The program's page of its requests: by role, newest first, badges, status filter, empty
states."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import ROLES
from tests.consultations import factories as f
from tests.consultations.page_helpers import assert_login_redirect, client_for, offered_to_cora
from tests.factories import UserFactory

LIST_EXPECTED = {
    "anonymous": "login",
    "program": 200,
    "other_program": 200,
    "consultant": 403,
    "other_consultant": 403,
    "admin": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_requests_page_by_role(world, role):
    mine = f.submitted(world.program)
    theirs = f.submitted(world.other_program)
    url = reverse("consultations:requests")
    response = client_for(world, role).get(url)
    expected = LIST_EXPECTED[role]
    if expected == "login":
        assert_login_redirect(response, url)
        return
    assert response.status_code == expected
    if expected == 200:
        visible = theirs if role == "other_program" else mine
        hidden = mine if role == "other_program" else theirs
        body = response.content.decode()
        assert f"Request #{visible.pk}<" in body
        assert f"Request #{hidden.pk}<" not in body
        assert "<title>My consultation requests · " in body


def test_requests_page_is_newest_first_with_badges_and_filters_by_status(world):
    first = f.submitted(world.program)
    second = offered_to_cora(world)
    third = f.withdrawn(world.program)
    client = client_for(world, "program")
    body = client.get(reverse("consultations:requests")).content.decode()
    positions = [body.index(f"Request #{r.pk}<") for r in (third, second, first)]
    assert positions == sorted(positions)
    assert '<span class="badge offered">Offered to a consultant</span>' in body
    assert 'data-label="Status"' in body

    body = client.get(reverse("consultations:requests"), {"status": "offered"}).content.decode()
    assert f"Request #{second.pk}<" in body
    assert f"Request #{first.pk}<" not in body
    assert f"Request #{third.pk}<" not in body

    body = client.get(reverse("consultations:requests"), {"status": "closed"}).content.decode()
    assert "No request with this status" in body


def test_requests_page_empty_states(world):
    body = client_for(world, "program").get(reverse("consultations:requests")).content.decode()
    assert "You have not requested a consultation yet." in body
    assert f'href="{reverse("consultations:request_new")}"' in body
    assert 'href="/programs/new/"' in body

    client = Client()
    client.force_login(UserFactory(role="program"))
    body = client.get(reverse("consultations:requests")).content.decode()
    assert "You are not part of a program yet." in body
    assert 'href="/programs/new/"' in body
