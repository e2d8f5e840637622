"""A request is made once: the API's Idempotency-Key header and the request page's one-time
form token turn a repeated call or a double click into the first answer."""

import re
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from consultations.models import ConsultationRequest, SubmissionKey

REQUESTS = "/api/v1/requests/"


def _body(world, **overrides):
    return {
        "program": world.program.pk,
        "focus": "classroom",
        "concerns": ["challenging_behavior"],
        "description": "Nap time is hard.",
        **overrides,
    }


def _post(client, body, key):
    return client.post(REQUESTS, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_the_same_key_twice_returns_the_first_request(world, mailoutbox):
    client = world.client("program")

    first = _post(client, _body(world), "5b7e7a1c-first")
    again = _post(client, _body(world), "5b7e7a1c-first")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert ConsultationRequest.objects.filter(program=world.program).count() == 1


def test_the_same_key_with_another_body_is_a_422(world):
    client = world.client("program")
    first = _post(client, _body(world), "key-1")

    other = _post(client, _body(world, description="Something else."), "key-1")

    assert other.status_code == 422
    assert "different request body" in other.json()["detail"]
    assert ConsultationRequest.objects.filter(program=world.program).count() == 1
    assert first.status_code == 201


def test_without_a_key_each_call_makes_a_request(world):
    client = world.client("program")

    client.post(REQUESTS, _body(world), format="json")
    client.post(REQUESTS, _body(world), format="json")

    assert ConsultationRequest.objects.filter(program=world.program).count() == 2


def test_keys_are_per_user(world):
    other_member = world.users["other_program"]
    world.program.memberships.create(user=other_member)

    mine = _post(world.client("program"), _body(world), "shared-key")
    theirs = _post(world.client("other_program"), _body(world), "shared-key")

    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["id"] != theirs.json()["id"]


def test_a_key_is_forgotten_after_a_day(world, settings):
    client = world.client("program")
    first = _post(client, _body(world), "old-key")
    SubmissionKey.objects.update(
        created_at=timezone.now() - timedelta(hours=settings.SUBMISSION_KEY_HOURS, seconds=1)
    )

    later = _post(client, _body(world), "old-key")

    assert later.status_code == 201
    assert later.json()["id"] != first.json()["id"]
    assert SubmissionKey.objects.count() == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "naïve", "two words"])
def test_a_malformed_key_is_a_400(world, key):
    response = _post(world.client("program"), _body(world), key)

    assert response.status_code == 400
    assert list(response.json()) == ["Idempotency-Key"]
    assert not ConsultationRequest.objects.filter(program=world.program).exists()


def test_a_key_does_not_let_another_role_in(world):
    response = _post(world.client("consultant"), _body(world), "k")

    assert response.status_code == 403


def test_the_request_page_submitted_twice_makes_one_request(world, client):
    client.force_login(world.users["program"])
    page = client.get("/requests/new/").content.decode()
    token = re.search(r'name="form_token" value="([0-9a-f]{32})"', page).group(1)
    data = {
        "form_token": token,
        "program": world.program.pk,
        "focus": "classroom",
        "concerns": ["challenging_behavior"],
        "modality": "either",
        "urgency": "routine",
    }

    first = client.post("/requests/new/", data)
    second = client.post("/requests/new/", data, follow=True)

    assert ConsultationRequest.objects.filter(program=world.program).count() == 1
    created = ConsultationRequest.objects.get(program=world.program)
    assert first["Location"] == f"/requests/{created.pk}/"
    assert second.redirect_chain == [(f"/requests/{created.pk}/", 302)]
    assert "was already submitted" in second.content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_calls_with_one_key_make_one_request(world):
    barrier = threading.Barrier(3)
    results = [None] * 3

    def call(i):
        try:
            barrier.wait(timeout=10)
            results[i] = _post(world.client("program"), _body(world), "race-key")
        finally:
            connection.close()

    threads = [threading.Thread(target=call, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert [r.status_code for r in results] == [201] * 3
    assert len({r.json()["id"] for r in results}) == 1
    assert ConsultationRequest.objects.filter(program=world.program).count() == 1
