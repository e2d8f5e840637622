"""The request routes themselves (docs/api.md, "Consultation requests"): odd ids are 404, bodies
that are not objects are 400, requests change only through their actions, POST routes need
POST and CSRF."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.consultations.api_helpers import make, snapshot, url
from tests.consultations.page_helpers import (
    CLOSE_DATA,
    active_with_cora,
    client_for,
    contact_data,
    offered_to_cora,
    state,
)

pytestmark = pytest.mark.django_db


POST_ROUTES = [
    "request_withdraw",
    "request_accept",
    "request_decline",
    "contact_new",
    "request_close",
]


@pytest.mark.parametrize("action", ["offer", "decline", "withdraw", "close", "contacts"])
def test_actions_reject_a_list_body(world, action):
    status, role = {
        "offer": ("submitted", "admin"),
        "decline": ("offered", "consultant"),
        "withdraw": ("submitted", "program"),
        "close": ("active", "consultant"),
        "contacts": ("active", "consultant"),
    }[action]
    request_obj = make(world, status)
    before = snapshot(request_obj.pk)
    response = world.client(role).post(url(request_obj.pk, action), [{"reason": "x"}])
    assert response.status_code == 400, response.content
    assert snapshot(request_obj.pk) == before


@pytest.mark.parametrize("bad_id", ["abc", "99999999999999999999999", "0", "-1", "1.5"])
@pytest.mark.parametrize(
    ("method", "action"),
    [("get", None), ("post", "offer"), ("post", "accept"), ("get", "contacts")],
)
def test_odd_request_ids_are_404_not_500(world, bad_id, method, action):
    response = getattr(world.client("admin"), method)(url(bad_id, action))
    assert response.status_code == 404


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_requests_change_only_through_their_actions(world, method):
    request_obj = make(world, "submitted")
    before = snapshot(request_obj.pk)
    response = getattr(world.client("admin"), method)(
        url(request_obj.pk), {"status": "closed"}, format="json"
    )
    assert response.status_code == 405
    assert snapshot(request_obj.pk) == before


@pytest.mark.parametrize("name", POST_ROUTES)
def test_post_routes_refuse_get(world, name):
    request_obj = offered_to_cora(world)
    url = reverse(f"consultations:{name}", args=[request_obj.pk])
    for role in ("program", "consultant", "admin"):
        assert client_for(world, role).get(url).status_code == 405


@pytest.mark.parametrize("name", POST_ROUTES)
def test_post_routes_need_the_csrf_token(world, name):
    request_obj = active_with_cora(world) if name in ("contact_new", "request_close") else None
    request_obj = request_obj or offered_to_cora(world)
    before = state(request_obj)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["consultant"])
    url = reverse(f"consultations:{name}", args=[request_obj.pk])
    data = {"decline-reason": "x", "withdraw-reason": "x", **CLOSE_DATA, **contact_data()}
    assert client.post(url, data).status_code == 403
    assert state(request_obj) == before
