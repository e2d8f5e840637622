"""The Alliance's request queue: order, filters, pagination, empty states."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations import alliance_views
from consultations.models import ConsultationRequest, RequestEvent
from directory.models import Region
from tests.consultations import factories
from tests.consultations.alliance_helpers import Status

pytestmark = pytest.mark.django_db


def age(request, days: float):
    """Make a request (and its submitted event) `days` old."""
    when = timezone.now() - timedelta(days=days)
    # The queue ages a request from its receipt (a phone intake may be entered later).
    ConsultationRequest.objects.filter(pk=request.pk).update(created_at=when, received_at=when)
    request.events.filter(action=RequestEvent.Action.SUBMITTED).update(at=when)
    return when


@pytest.fixture
def queue_world(world):
    """Open requests of mixed urgency, status and age, plus some that are not open."""
    routine_old = factories.submitted(world.program)
    priority_new = factories.submitted(world.program, urgency="priority")
    priority_old = factories.submitted(world.program, urgency="priority")
    routine_new = factories.submitted(world.program)
    offered = factories.offered(world.program, world.listing, urgency="priority")
    active = factories.active(world.program, world.other_listing)
    withdrawn = factories.withdrawn(world.program)
    for request, days in (
        (routine_old, 9),
        (priority_new, 1),
        (priority_old, 4),
        (routine_new, 2),
        (offered, 30),
        (active, 40),
        (withdrawn, 50),
    ):
        age(request, days)
    return {
        "order": [priority_old, priority_new, offered, routine_old, routine_new],
        "active": active,
        "withdrawn": withdrawn,
    }


def _queue(client, **params):
    response = client.get(reverse("alliance:queue"), params)
    assert response.status_code == 200
    return response


def test_queue_lists_priority_first_then_submitted_then_longest_waiting(client, world, queue_world):
    client.force_login(world.users["admin"])
    response = _queue(client)
    page = list(response.context["page"])
    assert [r.pk for r in page] == [r.pk for r in queue_world["order"]]
    assert [r.age_days for r in page] == [4, 1, 30, 9, 2]
    html = response.content.decode()
    assert 'data-label="Waiting">4 days<' in html and 'data-label="Waiting">1 day<' in html
    assert world.program.name in html and "Dane County, WI" in html
    assert html.count('class="badge priority"') == 3
    assert "5 requests." in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "offered"}, [2]),
        ({"status": "submitted"}, [0, 1, 3, 4]),
        ({"urgency": "priority"}, [0, 1, 2]),
        ({"urgency": "routine", "status": "submitted"}, [3, 4]),
    ],
)
def test_queue_filters(client, world, queue_world, params, expected):
    client.force_login(world.users["admin"])
    response = _queue(client, **params)
    assert [r.pk for r in response.context["page"]] == [
        queue_world["order"][i].pk for i in expected
    ]


def test_queue_filters_by_county_offering_only_counties_with_requests(
    client, world, queue_world, vilas_program
):
    far = factories.submitted(vilas_program)
    client.force_login(world.users["admin"])
    response = _queue(client)
    choices = [label for value, label in response.context["filter"].form.fields["county"].choices]
    assert choices == ["Any county", "Dane County, WI", "Vilas County, WI"]
    response = _queue(client, county=vilas_program.county_id)
    assert [r.pk for r in response.context["page"]] == [far.pk]


def _region(scheme: str, code: str) -> Region:
    return Region.objects.get(state="WI", scheme=scheme, code=code)


@pytest.mark.parametrize(
    ("scheme", "north", "south"),
    [
        ("licensing", "northern", "southern"),
        ("public_health", "northern", "southern"),
        ("ccrr", "north-central", "south-central"),
    ],
)
def test_queue_filters_by_a_region_of_any_scheme(
    client, world, queue_world, vilas_program, scheme, north, south
):
    far = factories.submitted(vilas_program)  # Vilas County; the world's programs are in Dane
    client.force_login(world.users["admin"])
    response = _queue(client, region=_region(scheme, north).pk)
    assert [r.pk for r in response.context["page"]] == [far.pk]
    response = _queue(client, region=_region(scheme, south).pk)
    assert [r.pk for r in response.context["page"]] == [r.pk for r in queue_world["order"]]
    western = _region("licensing", "western")
    assert list(_queue(client, region=western.pk).context["page"]) == []


def test_queue_offers_every_region_by_name_and_scheme(client, world, queue_world):
    client.force_login(world.users["admin"])
    choices = [
        label for _v, label in _queue(client).context["filter"].form.fields["region"].choices
    ]
    assert choices[0] == "Any region" and len(choices) == 1 + Region.objects.count()
    assert "Northern (Child care licensing region)" in choices
    assert "Southern (Public health region)" in choices


@pytest.mark.parametrize("bad", ["999999999", "north", "-1", "1" * 40])
def test_queue_shows_a_bad_region_as_a_form_error(client, world, queue_world, bad):
    client.force_login(world.users["admin"])
    response = _queue(client, region=bad)
    assert 'class="field has-error"' in response.content.decode()
    assert response.context["filter"].errors["region"]


def test_api_filters_requests_by_region(world, queue_world, vilas_program):
    far = factories.submitted(vilas_program)
    admin = world.client("admin")
    rows = admin.get("/api/v1/requests/", {"region": _region("ccrr", "north-central").pk}).json()
    assert [row["id"] for row in rows["results"]] == [far.pk]
    southern = _region("public_health", "southern").pk
    rows = admin.get("/api/v1/requests/", {"region": southern, "page_size": 100}).json()
    assert far.pk not in {row["id"] for row in rows["results"]}
    # A member sees only their programs' requests in the region, as without it.
    mine = world.client("program").get("/api/v1/requests/", {"region": southern}).json()
    assert {row["id"] for row in mine["results"]} <= {
        r.pk for r in ConsultationRequest.objects.filter(program=world.program)
    }


@pytest.mark.parametrize("bad", ["999999999", "north", "-1", "1" * 40])
def test_api_refuses_a_bad_region_with_400(world, bad):
    before = ConsultationRequest.objects.count()
    response = world.client("admin").get("/api/v1/requests/", {"region": bad})
    assert response.status_code == 400
    assert "region" in response.json()
    assert ConsultationRequest.objects.count() == before


def test_queue_download_keeps_the_region_filter(client, world, queue_world, vilas_program):
    far = factories.submitted(vilas_program)
    client.force_login(world.users["admin"])
    northern = _region("licensing", "northern").pk
    response = client.get(reverse("alliance:queue_csv"), {"region": northern})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row[0] for row in rows[1:]] == [str(far.pk)]
    refused = client.get(reverse("alliance:queue_csv"), {"region": "999999999"})
    assert refused.status_code == 400


def test_queue_shows_filter_errors_rather_than_failing(client, world, queue_world):
    client.force_login(world.users["admin"])
    response = _queue(client, status="closed", county="not-a-county")
    html = response.content.decode()
    assert "Select a valid choice" in html
    assert 'class="field has-error"' in html


def test_queue_is_paginated(client, world, queue_world, monkeypatch):
    monkeypatch.setattr(alliance_views, "QUEUE_PAGE_SIZE", 2)
    client.force_login(world.users["admin"])
    order = [r.pk for r in queue_world["order"]]
    first = _queue(client, urgency="")
    assert [r.pk for r in first.context["page"]] == order[:2]
    assert "Page 1 of 3" in first.content.decode()
    assert 'href="?urgency=&amp;page=2"' in first.content.decode()
    last = _queue(client, page=3)
    assert [r.pk for r in last.context["page"]] == order[4:]
    assert _queue(client, page="many").context["page"].number == 1


def test_queue_empty_states(client, world, queue_world):
    client.force_login(world.users["admin"])
    assert (
        "No open request matches these filters"
        in _queue(
            client, county=world.program.county_id, urgency="routine", status="offered"
        ).content.decode()
    )
    for request in queue_world["order"]:
        ConsultationRequest.objects.filter(pk=request.pk).update(
            status=Status.WITHDRAWN, consultant=None
        )
    assert "No open requests" in _queue(client).content.decode()


def test_queue_finds_a_request_by_its_number(client, world, queue_world):
    client.force_login(world.users["admin"])
    wanted = queue_world["order"][3]
    response = _queue(client, number=wanted.pk)
    assert [r.pk for r in response.context["page"]] == [wanted.pk]
    assert 'id="id_number"' in response.content.decode()
    # A request that is not open is not in the queue, even by number; bad input is a form error.
    assert list(_queue(client, number=queue_world["active"].pk).context["page"]) == []
    response = _queue(client, number="abc")
    assert "number" in response.context["filter"].form.errors
