"""Hostile bodies and crashes under /api/: deeply nested JSON, bodies over the size limit,
too many form fields and unexpected errors all answer JSON, never an HTML page or a 500."""

import json
from unittest import mock

import pytest
from rest_framework.test import APIClient

from iecmhc.parsers import MAX_JSON_DEPTH

TOKEN = "/api/v1/auth/token/"
REGISTER = "/api/v1/auth/register/"
REQUESTS = "/api/v1/requests/"
ME = "/api/v1/me/"


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def _endpoints(world):
    return [
        ("anonymous", "post", TOKEN),
        ("anonymous", "post", REGISTER),
        ("program", "post", REQUESTS),
        ("program", "patch", f"/api/v1/programs/{world.program.pk}/"),
        ("consultant", "patch", f"/api/v1/consultants/{world.listing.pk}/"),
        ("admin", "post", "/api/v1/matching/run/"),
    ]


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 1000, 100_000])
def test_deeply_nested_json_is_a_400_everywhere(world, depth):
    for role, method, path in _endpoints(world):
        client = world.client(role)

        response = getattr(client, method)(path, nested(depth), content_type="application/json")

        assert response.status_code == 400, (path, response.status_code)
        assert response["Content-Type"] == "application/json"
        assert "nested deeper" in response.json()["detail"]


def test_nesting_inside_a_field_is_refused_too(world):
    body = '{"username": "pat_program", "password": ' + nested(2000) + "}"

    response = APIClient().post(TOKEN, body, content_type="application/json")

    assert response.status_code == 400
    assert "nested deeper" in response.json()["detail"]


def test_ordinary_nesting_still_parses(world):
    body = {"username": "pat_program", "password": "nope-nope-nope"}

    response = APIClient().post(TOKEN, json.dumps(body), content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Unable to log in with the provided credentials."]
    }


@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
def test_a_body_over_the_size_limit_is_a_json_413(world, settings, content_type):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = (
        json.dumps({"username": "x" * 2000, "password": "y"})
        if content_type == "application/json"
        else "username=" + "x" * 2000 + "&password=y"
    )

    response = APIClient().post(TOKEN, body, content_type=content_type)

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "The request body is too large."}


def test_too_many_form_fields_is_a_json_400(world, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    body = "&".join(f"f{i}=1" for i in range(50))

    response = world.client("program").post(
        REQUESTS, body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"


def test_a_crash_under_the_api_is_a_json_500(world):
    client = world.client("program")
    client.raise_request_exception = False

    with mock.patch("accounts.api.views.MeSerializer", side_effect=RuntimeError("boom")):
        response = client.get(ME)

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "Something went wrong on our side. Please try again later."
    }
    assert "boom" not in response.content.decode()


def test_a_crash_on_a_page_is_still_the_html_page(world, client):
    client.raise_request_exception = False
    client.force_login(world.users["program"])

    with mock.patch("iecmhc.views.redirect", side_effect=RuntimeError("boom")):
        response = client.get("/dashboard/")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
