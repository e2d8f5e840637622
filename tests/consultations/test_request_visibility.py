"""Who sees which requests (docs/api.md, "Consultation requests"): lists scoped to the caller,
filters that never widen the scope, pagination, query counts, and a consultant who no longer
sees a request."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations import services
from consultations.models import ConsultationRequest
from tests.consultations import factories
from tests.consultations.api_helpers import REASON, STATUSES, list_ids, make, status_of, url
from tests.factories import county

pytestmark = pytest.mark.django_db


@pytest.fixture
def spread(world):
    """One request of world.program in each status (offered/assigned to world.listing), and
    a priority one of other_program, in Milwaukee County, offered to other_listing."""
    mine = {status: make(world, status) for status in STATUSES}
    milwaukee = county("Milwaukee County", "WI", "55079")
    world.other_program.county = milwaukee
    world.other_program.save()
    theirs = factories.offered(
        world.other_program,
        world.other_listing,
        admin=world.users["admin"],
        urgency="priority",
    )
    return {"mine": mine, "theirs": theirs, "milwaukee": milwaukee}


def _fill(world, n):
    """n requests in offered/active/closed, each active and closed one with a contact."""
    statuses = ("offered", "active", "closed")
    made = []
    for i in range(n):
        status = statuses[i % 3]
        request_obj = factories.offered(world.program, world.listing, admin=world.users["admin"])
        if status != "offered":
            services.request_accept(actor=world.users["consultant"], consultation=request_obj)
            services.contact_log(
                actor=world.users["consultant"],
                consultation=request_obj,
                date=timezone.localdate(),
                minutes=30,
                activity="classroom_observation",
                modality="virtual",
            )
        if status == "closed":
            services.request_close(
                actor=world.users["consultant"], consultation=request_obj, closure_reason="other"
            )
        made.append(request_obj)
    return made


def _list_queries(world, role) -> tuple[int, int]:
    client = world.client(role)
    client.get(url())  # warm up: token, content types, permissions caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url())
    assert response.status_code == 200
    return len(queries), response.json()["count"]


def test_a_consultant_who_declined_no_longer_sees_the_request(world):
    request_obj = make(world, "offered")
    client = world.client("consultant")
    response = client.post(url(request_obj.pk, "decline"), {"reason": REASON})
    assert response.json() == {"id": request_obj.pk, "status": "submitted"}
    assert client.get(url(request_obj.pk)).status_code == 404
    assert client.get(url(request_obj.pk, "contacts")).status_code == 404
    assert client.get(url()).json()["count"] == 0
    # Offered to someone else and accepted: still hidden from the one who declined.
    services.request_offer(
        actor=world.users["admin"], consultation=request_obj, consultant=world.other_listing
    )
    services.request_accept(actor=world.users["other_consultant"], consultation=request_obj)
    assert client.get(url(request_obj.pk)).status_code == 404


def test_a_consultant_whose_offer_expired_no_longer_sees_the_request(world):
    request_obj = make(world, "offered")
    ConsultationRequest.objects.filter(pk=request_obj.pk).update(
        offered_at=timezone.now() - timedelta(days=30)
    )
    assert services.expire_overdue_offers() == 1
    client = world.client("consultant")
    assert client.get(url(request_obj.pk)).status_code == 404
    assert client.post(url(request_obj.pk, "accept")).status_code == 404
    assert status_of(request_obj.pk) == "submitted"


def test_a_consultant_whose_offer_was_withdrawn_no_longer_sees_the_request(world):
    request_obj = make(world, "offered")
    world.client("program").post(url(request_obj.pk, "withdraw"), {"reason": "Found help."})
    assert world.client("consultant").get(url(request_obj.pk)).status_code == 404


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("program", {"submitted", "offered", "active", "closed", "withdrawn"}),
        ("other_program", {"theirs"}),
        ("consultant", {"offered", "active", "closed"}),
        ("other_consultant", {"theirs"}),
        ("admin", {"submitted", "offered", "active", "closed", "withdrawn", "theirs"}),
    ],
)
def test_list_is_scoped_to_the_caller(world, spread, role, expected):
    ids = {
        **{status: r.pk for status, r in spread["mine"].items()},
        "theirs": spread["theirs"].pk,
    }
    assert list_ids(world, role) == {ids[name] for name in expected}


def test_a_member_of_two_programs_sees_both(world, spread):
    world.other_program.memberships.create(user=world.users["program"])
    assert spread["theirs"].pk in list_ids(world, "program")
    assert len(list_ids(world, "program")) == 6


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?status=submitted", {"submitted"}),
        ("?status=active&status=closed", {"active", "closed"}),
        ("?status=offered", {"offered", "theirs"}),
        ("?urgency=priority", {"theirs"}),
        ("?urgency=routine", {"submitted", "offered", "active", "closed", "withdrawn"}),
        ("?county=MILWAUKEE", {"theirs"}),
        ("?county=DANE", {"submitted", "offered", "active", "closed", "withdrawn"}),
        ("?status=offered&county=DANE", {"offered"}),
    ],
)
def test_list_filters(world, spread, query, expected):
    query = query.replace("MILWAUKEE", str(spread["milwaukee"].pk)).replace(
        "DANE", str(county().pk)
    )
    ids = {
        **{status: r.pk for status, r in spread["mine"].items()},
        "theirs": spread["theirs"].pk,
    }
    assert list_ids(world, "admin", query) == {ids[name] for name in expected}


def test_filters_never_widen_the_scope(world, spread):
    assert list_ids(world, "consultant", "?status=submitted") == set()
    assert list_ids(world, "program", f"?county={spread['milwaukee'].pk}") == set()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?status=bogus", "status"),
        ("?status=Submitted", "status"),
        ("?urgency=urgent", "urgency"),
        ("?county=987654", "county"),
        ("?county=dane", "county"),
        ("?county=99999999999999999999999", "county"),
    ],
)
def test_invalid_filter_values_are_400(world, spread, query, field):
    response = world.client("admin").get(url() + query)
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_list_is_paginated(world, spread):
    response = world.client("admin").get(url() + "?page_size=2")
    body = response.json()
    assert (body["count"], len(body["results"]), body["previous"]) == (6, 2, None)
    assert "page=2" in body["next"]
    assert world.client("admin").get(url() + "?page_size=1000").json()["count"] == 6
    assert world.client("admin").get(url() + "?page=99").status_code == 404


@pytest.mark.parametrize("role", ["admin", "program", "consultant"])
def test_list_query_count_does_not_grow_with_the_rows(world, role):
    _fill(world, 3)
    few, count = _list_queries(world, role)
    assert count == 3
    _fill(world, 12)
    many, count = _list_queries(world, role)
    assert count == 15
    assert many == few


@pytest.mark.parametrize("role", ["program", "consultant", "admin"])
def test_the_status_filter_needs_no_distinct(world, role):
    # DISTINCT over the whole queue cost 100 ms at national scale (bench/load.py): the
    # status is a column of the request, so there is nothing to deduplicate.
    for status in ("submitted", "offered", "active"):
        make(world, status)
    with CaptureQueriesContext(connection) as queries:
        response = world.client(role).get(url(), {"status": ["submitted", "offered", "active"]})
    assert response.status_code == 200
    assert response.json()["count"] == {"program": 3, "consultant": 2, "admin": 3}[role]
    assert not [q["sql"] for q in queries if "DISTINCT" in q["sql"]]
