"""The programs a consultant sees through an offer (docs/api.md, "Directory: programs")."""

import pytest

from tests.consultations.api_helpers import (
    REASON,
    list_ids,
    make,
    url,
)

pytestmark = pytest.mark.django_db


def program_url(program=None) -> str:
    return "/api/v1/programs/" + (f"{program.pk}/" if program else "")


def sees_program(world, role) -> tuple[int, bool]:
    client = world.client(role)
    detail = client.get(program_url(world.program))
    listed = {p["id"] for p in client.get(program_url()).json()["results"]}
    return detail.status_code, world.program.pk in listed


@pytest.mark.parametrize(
    ("status", "visible"),
    [
        ("submitted", False),
        ("offered", True),
        ("active", True),
        ("closed", False),
        ("withdrawn", False),
    ],
)
def test_consultant_sees_a_program_while_engaged(world, status, visible):
    make(world, status)
    assert sees_program(world, "consultant") == ((200, True) if visible else (404, False))
    assert sees_program(world, "other_consultant") == (404, False)


def test_program_detail_through_an_offer_has_the_contacts(world):
    make(world, "offered")
    body = world.client("consultant").get(program_url(world.program)).json()
    assert (body["name"], body["phone"], body["email"]) == (
        world.program.name,
        world.program.phone,
        world.program.email,
    )


@pytest.mark.parametrize(
    ("start", "action", "body"),
    [
        ("active", "close", {"closure_reason": "goals_met"}),
        ("offered", "decline", {"reason": REASON}),
    ],
)
def test_consultant_loses_the_program_when_the_engagement_ends(world, start, action, body):
    request_obj = make(world, start)
    assert sees_program(world, "consultant") == (200, True)
    response = world.client("consultant").post(url(request_obj.pk, action), body)
    assert response.status_code == 200
    assert sees_program(world, "consultant") == (404, False)


def test_one_engagement_ending_keeps_another_with_the_same_program(world):
    ended, ongoing = make(world, "active"), make(world, "active")
    world.client("consultant").post(url(ended.pk, "close"), {"closure_reason": "goals_met"})
    assert sees_program(world, "consultant") == (200, True)
    assert ongoing.pk in list_ids(world, "consultant")


def test_an_unrelated_program_user_cannot_see_the_program(world):
    make(world, "active")
    assert sees_program(world, "other_program") == (404, False)
    assert world.client("anonymous").get(program_url(world.program)).status_code == 401
