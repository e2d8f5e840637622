"""Submitting a request (docs/api.md, "Consultation requests"): the API's create and the
program's form, bad input and its edges, what a created request holds, and the email to the
Alliance."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from consultations.models import ConsultationRequest
from tests.conftest import ROLES
from tests.consultations.api_helpers import (
    CHILD,
    CHILD_REQUEST,
    CLASSROOM_REQUEST,
    ROOM,
    send,
    snapshot,
    url,
)
from tests.consultations.page_helpers import assert_login_redirect, client_for, messages_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def without(body: dict, key: str) -> dict:
    return {k: v for k, v in body.items() if k != key}


# (name, body, field expected in the errors); "program" is added unless the body is "no-program"
BAD_CREATE = [
    ("child-without-consent", {**CHILD, "parent_consent": False}, "parent_consent"),
    ("child-consent-omitted", without(CHILD, "parent_consent"), "parent_consent"),
    ("child-without-age", without(CHILD, "child_age_months"), "child_age_months"),
    ("child-age-null", {**CHILD, "child_age_months": None}, "child_age_months"),
    ("age-on-classroom", {**ROOM, "child_age_months": 24}, "child_age_months"),
    ("age-on-program", {**ROOM, "focus": "program", "child_age_months": 24}, "child_age_months"),
    ("negative-age", {**CHILD, "child_age_months": -1}, "child_age_months"),
    ("age-over-96", {**CHILD, "child_age_months": 97}, "child_age_months"),
    ("string-age", {**CHILD, "child_age_months": "thirty"}, "child_age_months"),
    ("fractional-age", {**CHILD, "child_age_months": 30.5}, "child_age_months"),
    ("huge-age", {**CHILD, "child_age_months": 10**30}, "child_age_months"),
    ("unknown-concern", {**ROOM, "concerns": ["biting"]}, "concerns"),
    ("empty-concerns", {**ROOM, "concerns": []}, "concerns"),
    ("concerns-a-string", {**ROOM, "concerns": "challenging_behavior"}, "concerns"),
    ("concerns-null", {**ROOM, "concerns": None}, "concerns"),
    ("concerns-of-objects", {**ROOM, "concerns": [{"code": "transitions"}]}, "concerns"),
    ("unknown-language", {**CHILD, "preferred_language": "klingon"}, "preferred_language"),
    ("language-a-list", {**CHILD, "preferred_language": ["es"]}, "preferred_language"),
    ("language-an-object", {**CHILD, "preferred_language": {"code": "es"}}, "preferred_language"),
    ("language-required-not-bool", {**CHILD, "language_required": "maybe"}, "language_required"),
    ("language-required-alone", {**ROOM, "language_required": True}, "preferred_language"),
    ("unknown-focus", {**ROOM, "focus": "family"}, "focus"),
    ("missing-focus", without(ROOM, "focus"), "focus"),
    ("unknown-modality", {**ROOM, "modality": "phone"}, "modality"),
    ("unknown-urgency", {**ROOM, "urgency": "urgent"}, "urgency"),
    ("consent-not-bool", {**CHILD, "parent_consent": "maybe"}, "parent_consent"),
    ("description-too-long", {**ROOM, "description": "x" * 2001}, "description"),
    ("description-null", {**ROOM, "description": None}, "description"),
    ("description-nul-char", {**ROOM, "description": "nap\x00time"}, "description"),
    ("focus-a-list", {**ROOM, "focus": ["classroom"]}, "focus"),
    ("field-status", {**ROOM, "status": "active"}, "status"),
    ("field-consultant", {**ROOM, "consultant": 1}, "consultant"),
    ("field-child-name", {**CHILD, "child_name": "Ana"}, "child_name"),
    ("field-birth-date", {**CHILD, "birth_date": "2022-01-01"}, "birth_date"),
    ("program-missing", "no-program", "program"),
    ("program-a-string", {**ROOM, "program": "mine"}, "program"),
    ("program-an-object", {**ROOM, "program": {"id": 1}}, "program"),
    ("program-a-bool", {**ROOM, "program": True}, "program"),
    ("program-nonexistent", {**ROOM, "program": 987654}, "program"),
    ("program-huge-id", {**ROOM, "program": 2**70}, "program"),
]  # fmt: skip


NEW_EXPECTED = {
    "anonymous": "login",
    "program": 200,
    "other_program": 200,
    "consultant": 403,
    "other_consultant": 403,
    "admin": 403,
}


VALID_REQUEST = {
    "focus": "child",
    "child_age_months": "30",
    "parent_consent": "on",
    "concerns": ["challenging_behavior", "suspension_expulsion_risk"],
    "description": "Bites other children at drop-off.",
    "preferred_language": "en",
    "modality": "either",
    "urgency": "priority",
}


@pytest.mark.parametrize(
    ("overrides", "field"), [pytest.param(b, f, id=name) for name, b, f in BAD_CREATE]
)
def test_create_rejects_bad_input(world, overrides, field, django_capture_on_commit_callbacks):
    if overrides == "no-program":
        body = dict(CLASSROOM_REQUEST)
    else:
        body = {"program": world.program.pk, **overrides}
    before = snapshot()
    response = send(
        world, "program", "post", url(), body, capture=django_capture_on_commit_callbacks
    )
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert snapshot() == before
    assert mail.outbox == []


@pytest.mark.parametrize(
    "body",
    [
        pytest.param([CLASSROOM_REQUEST], id="list"),
        pytest.param("classroom", id="string"),
        pytest.param(42, id="number"),
        pytest.param(None, id="null"),
    ],
)
def test_create_rejects_a_body_that_is_not_an_object(world, body):
    before = snapshot()
    response = world.client("program").post(url(), body, format="json")
    assert response.status_code == 400, response.content
    assert snapshot() == before


def test_create_rejects_malformed_json(world):
    response = world.client("program").post(
        url(), data='{"focus": "classroom",', content_type="application/json"
    )
    assert response.status_code == 400
    assert ConsultationRequest.objects.count() == 0


def test_create_for_another_program_does_not_reveal_it_exists(world):
    client = world.client("program")
    other = client.post(url(), {**CLASSROOM_REQUEST, "program": world.other_program.pk})
    missing = client.post(url(), {**CLASSROOM_REQUEST, "program": 987654})
    assert other.status_code == missing.status_code == 400
    assert other.json()["program"][0].replace(str(world.other_program.pk), "N") == missing.json()[
        "program"
    ][0].replace("987654", "N")
    assert ConsultationRequest.objects.count() == 0


def test_created_request_holds_what_was_sent(world):
    response = world.client("program").post(url(), {**CHILD_REQUEST, "program": world.program.pk})
    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in CHILD_REQUEST} == {
        **CHILD_REQUEST,
        "concerns": ["suspension_expulsion_risk"],
    }
    assert (body["status"], body["consultant"], body["consultant_detail"]) == (
        "submitted",
        None,
        None,
    )
    created = ConsultationRequest.objects.get(pk=body["id"])
    assert created.created_by == world.users["program"]
    assert created.program == world.program


def test_submit_emails_the_alliance(world, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client("program").post(
            url(), {**CHILD_REQUEST, "program": world.program.pk}
        )
    request_id = response.json()["id"]
    [message] = mail.outbox
    assert message.to == [settings.ALLIANCE_NOTIFY_EMAIL]
    assert (
        message.subject == f"PRIORITY New consultation request #{request_id}: {world.program.name}"
    )
    assert "Dane County" in message.body
    assert "Language: Spanish (required)" in message.body
    assert "Focus: One child (with a parent's consent)" in message.body


def test_a_routine_submission_is_not_marked_priority(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        world.client("program").post(url(), {**CLASSROOM_REQUEST, "program": world.program.pk})
    [message] = mail.outbox
    assert message.subject.startswith("New consultation request #")


@pytest.mark.parametrize("role", ROLES)
def test_request_new_page_by_role(world, role):
    url = reverse("consultations:request_new")
    response = client_for(world, role).get(url)
    expected = NEW_EXPECTED[role]
    if expected == "login":
        assert_login_redirect(response, url)
    else:
        assert response.status_code == expected


def test_request_form_guides_and_warns_beside_the_description(world):
    body = client_for(world, "program").get(reverse("consultations:request_new")).content.decode()
    assert "<title>Request a consultation · " in body
    # The names warning is a visible box the textarea is described by.
    assert '<div class="warning-box" id="id_description_helptext">' in body
    assert 'aria-describedby="id_description_helptext"' in body
    assert "Never write the name of a child or a family" in body
    # Concerns are checkboxes with their labels; the child-only fields say so.
    assert 'type="checkbox" name="concerns" value="trauma_exposure"' in body
    assert "Exposure to trauma" in body
    assert "Only for a consultation about one child" in body
    assert "at risk of suspension or expulsion" in body
    assert f'<option value="{world.program.pk}" selected>{world.program}</option>' in body
    assert world.other_program.name not in body
    assert '<option value="en">English</option>' in body


def test_request_new_submits_and_redirects_to_the_request(world):
    response = client_for(world, "program").post(
        reverse("consultations:request_new"), {**VALID_REQUEST, "program": world.program.pk}
    )
    created = ConsultationRequest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("consultations:request_detail", args=[created.pk])
    assert (created.program, created.created_by) == (world.program, world.users["program"])
    assert (created.focus, created.child_age_months, created.parent_consent) == ("child", 30, True)
    assert created.concerns == ["challenging_behavior", "suspension_expulsion_risk"]
    assert (created.urgency, created.preferred_language_id) == ("priority", "en")
    assert messages_of(response) == [
        f"Request #{created.pk} is submitted. The Alliance will match it with a consultant; "
        "you will get an email when it is offered."
    ]


@pytest.mark.parametrize(
    ("change", "field", "error"),
    [
        ({"concerns": []}, "concerns", "Choose at least one concern."),
        ({"parent_consent": ""}, "parent_consent", "needs a parent&#x27;s consent first"),
        ({"child_age_months": ""}, "child_age_months", "Give the child&#x27;s age in months"),
        ({"child_age_months": "120"}, "child_age_months", "a whole number of months, from 0 to 96"),
        ({"focus": "classroom"}, "child_age_months", "Only a request about one child"),
        ({"language_required": "on", "preferred_language": ""}, "preferred_language", "Name"),
    ],
)
def test_request_new_shows_errors_and_creates_nothing(world, change, field, error):
    data = {**VALID_REQUEST, "program": world.program.pk, **change}
    response = client_for(world, "program").post(reverse("consultations:request_new"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="id_{field}_error"' in body
    assert error in body
    assert ConsultationRequest.objects.count() == 0


def test_request_new_refuses_another_programs_choice(world):
    data = {**VALID_REQUEST, "program": world.other_program.pk}
    response = client_for(world, "program").post(reverse("consultations:request_new"), data)
    assert response.status_code == 200
    assert 'id="id_program_error"' in response.content.decode()
    assert ConsultationRequest.objects.count() == 0


@pytest.mark.parametrize("role", ["anonymous", "consultant", "admin"])
def test_request_new_post_denied(world, role):
    data = {**VALID_REQUEST, "program": world.program.pk}
    response = client_for(world, role).post(reverse("consultations:request_new"), data)
    assert response.status_code == (302 if role == "anonymous" else 403)
    assert ConsultationRequest.objects.count() == 0


def test_request_new_without_a_program_points_to_registering_one(world):
    client = Client()
    client.force_login(UserFactory(role="program"))
    response = client.get(reverse("consultations:request_new"))
    assert response.status_code == 200
    assert 'href="/programs/new/"' in response.content.decode()
