"""The Alliance's pages are for Alliance admins only: every page and POST route, every role."""

import pytest
from django.core import mail
from django.urls import reverse

from consultations.models import ConsultationRequest
from tests.conftest import ROLES
from tests.consultations import factories
from tests.consultations.alliance_helpers import Status, db_snapshot

pytestmark = pytest.mark.django_db


def sign_in(client, world, role):
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    return client


def _url(name, request):
    if name in ("request", "offer"):
        return reverse(f"alliance:{name}", args=[request.pk])
    return reverse(f"alliance:{name}")


@pytest.mark.parametrize("name", ["queue", "request", "matching", "reports"])
@pytest.mark.parametrize("role", ROLES)
def test_pages_are_for_alliance_admins_only(client, world, role, name):
    request = factories.submitted(world.program)
    sign_in(client, world, role)
    before = db_snapshot()
    url = _url(name, request)
    response = client.get(url)
    if role == "admin":
        assert response.status_code == 200
        assert b"<title>" in response.content
    elif role == "anonymous":
        assert response.status_code == 302
        assert response.url == f"{reverse('accounts:login')}?next={url}"
    else:
        assert response.status_code == 403
    assert db_snapshot() == before  # a page view never changes anything, even a preview


@pytest.mark.parametrize("name", ["offer", "matching_confirm"])
@pytest.mark.parametrize("role", ROLES)
def test_post_routes_are_for_alliance_admins_only(
    client, world, role, name, django_capture_on_commit_callbacks
):
    request = factories.submitted(world.program)
    mail.outbox.clear()
    sign_in(client, world, role)
    before = db_snapshot()
    url = _url(name, request)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"consultant": world.listing.pk, "confirm": "yes"})
    if role == "admin":
        assert response.status_code in (200, 302)
        request.refresh_from_db()
        assert request.status == Status.OFFERED
        return
    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(f"{reverse('accounts:login')}?next=")
    else:
        assert response.status_code == 403
    assert db_snapshot() == before


@pytest.mark.parametrize("name", ["offer", "matching_confirm"])
def test_post_routes_refuse_get(client, world, name):
    request = factories.submitted(world.program)
    client.force_login(world.users["admin"])
    before = db_snapshot()
    assert client.get(_url(name, request)).status_code == 405
    assert db_snapshot() == before


def test_post_routes_need_the_csrf_token(world):
    from django.test import Client

    request = factories.submitted(world.program)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["admin"])
    before = db_snapshot()
    response = client.post(_url("offer", request), {"consultant": world.listing.pk})
    assert response.status_code == 403
    assert client.post(_url("matching_confirm", request)).status_code == 403
    assert db_snapshot() == before


def test_a_request_that_does_not_exist_is_404(client, world):
    client.force_login(world.users["admin"])
    missing = (
        ConsultationRequest.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ) + 1
    assert client.get(reverse("alliance:request", args=[missing])).status_code == 404
    response = client.post(
        reverse("alliance:offer", args=[missing]), {"consultant": world.listing.pk}
    )
    assert response.status_code == 404


def test_the_dashboard_sends_admins_to_the_queue(client, world):
    client.force_login(world.users["admin"])
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url == reverse("alliance:queue")
