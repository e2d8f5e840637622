"""The public request form (page and API): confirmed by an emailed link before it enters the
queue, then the program and the contact person are created or linked; rate limits, the
honeypot, link expiry, no enumeration; bad input is a 400 or a form error, never a 500."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from consultations.models import ConsultationRequest, IntakeSubmission
from directory.models import Program, ProgramMembership
from tests.factories import ProgramFactory, UserFactory

User = get_user_model()

BODY = {
    "program_name": "Sunny Days Child Care",
    "zip": "53703",
    "setting_type": "child_care_center",
    "city": "Madison",
    "first_name": "Rosa",
    "last_name": "Lopez",
    "email": "rosa@sunnydays.example.org",
    "phone": "608-555-0199",
    "referral_source": "help_me_grow",
    "focus": "classroom",
    "concerns": ["challenging_behavior"],
    "modality": "either",
    "urgency": "priority",
    "description": "Our preschool room has a hard time at transitions.",
}


_capture = {}


@pytest.fixture(autouse=True)
def _deliver(django_capture_on_commit_callbacks):
    """Each call's emails are delivered once its transaction commits (the outbox's worker)."""
    _capture["run"] = django_capture_on_commit_callbacks
    yield
    _capture.clear()


def _delivered(call):
    with _capture["run"](execute=True):
        response = call()
    return response


def _link(message) -> str:
    return re.search(r"http\S+/ask/confirm/(\S+)/", message.body).group(1)


def _submit(body=None, client=None):
    client = client or APIClient()
    return _delivered(lambda: client.post("/api/v1/intake/", body or BODY, format="json"))


def _confirm(token):
    return _delivered(
        lambda: APIClient().post("/api/v1/intake/confirm/", {"token": token}, format="json")
    )


def test_a_public_request_enters_the_queue_only_once_confirmed(db, settings):
    response = _submit()
    assert response.status_code == 202
    assert ConsultationRequest.objects.count() == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [BODY["email"]]
    token = _link(mail.outbox[0])
    submission = IntakeSubmission.objects.get()
    assert token not in str(submission.data) and submission.digest != token  # digest only

    confirmed = _confirm(token)
    assert confirmed.status_code == 201
    consultation = ConsultationRequest.objects.get(pk=confirmed.data["request"])
    assert consultation.status == "submitted"
    assert consultation.referral_source == "help_me_grow"
    assert consultation.urgency == "priority"
    assert consultation.contact_phone == "608-555-0199"
    assert consultation.first_contact_due_at is not None
    assert consultation.entered_by is None
    # A new program, in Dane County by its ZIP code, with the person as its first member.
    program = consultation.program
    assert (program.name, program.county.name, program.state) == (
        "Sunny Days Child Care",
        "Dane County",
        "WI",
    )
    person = consultation.created_by
    assert (person.email, person.first_name, person.role) == (BODY["email"], "Rosa", "program")
    assert not person.has_usable_password()
    assert ProgramMembership.objects.filter(program=program, user=person).exists()
    # The Alliance is told; the person gets a link to follow it and one to claim the account.
    subjects = [m.subject for m in mail.outbox]
    assert any(f"#{consultation.pk}" in s and "Sunny Days" in s for s in subjects)
    confirmation = mail.outbox[-1]
    assert "/follow/" in confirmation.body and "/accounts/reset/" in confirmation.body
    # Following the link again returns the same request.
    again = _confirm(token)
    assert again.status_code == 201 and again.data["request"] == consultation.pk
    assert ConsultationRequest.objects.count() == 1


def test_the_person_claims_the_account_without_entering_anything_again(client, db):
    _submit()
    _confirm(_link(mail.outbox[0]))
    claim = re.search(r"http\S+(/accounts/reset/\S+/)", mail.outbox[-1].body).group(1)
    response = client.get(claim)
    assert response.status_code == 302  # on to the set-password form
    form = client.get(response["Location"])
    assert form.status_code == 200
    done = client.post(
        response["Location"],
        {"new_password1": "A-long-pass-phrase-9", "new_password2": "A-long-pass-phrase-9"},
    )
    assert done.status_code == 302
    person = User.objects.get(email=BODY["email"])
    assert person.has_usable_password()
    assert person.check_password("A-long-pass-phrase-9")
    client.force_login(person)
    listed = client.get(reverse("consultations:requests"))
    assert [c.program.name for c in listed.context["page"]] == ["Sunny Days Child Care"]


def test_a_known_program_is_found_by_license_number(db):
    member = UserFactory(role="program")
    known = ProgramFactory(license_number="WI-12345", members=[member])
    _submit({**BODY, "license_number": "wi-12345", "program_name": "Other name"})
    consultation_id = _confirm(_link(mail.outbox[0])).data["request"]
    consultation = ConsultationRequest.objects.get(pk=consultation_id)
    assert consultation.program == known
    assert Program.objects.count() == 1
    # A program with staff: the person is linked to the request, not made a member.
    assert not ProgramMembership.objects.filter(
        program=known, user=consultation.created_by
    ).exists()


def test_a_known_program_is_found_by_name_and_zip(db):
    known = ProgramFactory(name="Sunny Days Child Care", zip="53703")
    _submit()
    consultation_id = _confirm(_link(mail.outbox[0])).data["request"]
    consultation = ConsultationRequest.objects.get(pk=consultation_id)
    assert consultation.program == known
    # A program without staff: the person becomes its first member.
    assert ProgramMembership.objects.filter(program=known, user=consultation.created_by).exists()


def test_an_existing_account_is_linked_by_email(db):
    person = UserFactory(role="program", email="ROSA@sunnydays.example.org")
    _submit()
    consultation_id = _confirm(_link(mail.outbox[0])).data["request"]
    assert ConsultationRequest.objects.get(pk=consultation_id).created_by == person
    assert User.objects.filter(email__iexact=BODY["email"]).count() == 1


def test_the_answer_tells_nothing_of_known_programs_or_people(db):
    unknown = _submit({**BODY, "license_number": "NOPE-1"})
    ProgramFactory(license_number="WI-777", members=[UserFactory(role="program")])
    UserFactory(email="known@example.org")
    known = _submit({**BODY, "license_number": "WI-777", "email": "known@example.org"})
    assert unknown.status_code == known.status_code == 202
    assert unknown.data == known.data


def test_the_honeypot_gets_the_same_answer_and_nothing_happens(db):
    response = _submit({**BODY, "website": "http://spam.example"})
    assert response.status_code == 202
    assert response.data == _submit().data
    assert IntakeSubmission.objects.count() == 1  # only the second, real one
    assert len(mail.outbox) == 1


def test_an_expired_link_confirms_nothing(db):
    _submit()
    token = _link(mail.outbox[0])
    IntakeSubmission.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = _confirm(token)
    assert response.status_code == 400
    assert ConsultationRequest.objects.count() == 0
    assert Program.objects.count() == 0


@pytest.mark.parametrize("token", ["", "x" * 201, "not-a-token", None])
def test_a_bad_token_is_a_400(db, token):
    response = APIClient().post(
        "/api/v1/intake/confirm/", {} if token is None else {"token": token}, format="json"
    )
    assert response.status_code == 400
    assert ConsultationRequest.objects.count() == 0


def test_the_public_form_is_rate_limited_per_address(db, settings):
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "intake": "2/hour"}
    assert [_submit().status_code for _ in range(3)] == [202, 202, 429]
    assert IntakeSubmission.objects.count() == 2


BAD_FIELDS = [
    ("program_name", ""),
    ("program_name", "x" * 201),
    ("program_name", "two\nlines"),
    ("zip", "5370"),
    ("zip", "abcde"),
    ("setting_type", "castle"),
    ("street", "x" * 201),
    ("city", "x" * 101),
    ("first_name", ""),
    ("last_name", "x" * 151),
    ("email", "not-an-email"),
    ("phone", "call me"),
    ("referral_source", "a friend"),
    ("license_number", "x" * 41),
    ("focus", "everyone"),
    ("concerns", []),
    ("concerns", ["nonsense"]),
    ("concerns", "challenging_behavior" * 3),
    ("urgency", "yesterday"),
    ("modality", "telepathy"),
    ("child_age_months", 200),
    ("preferred_language", "xx"),
    ("description", "x" * 2001),
    ("unknown_field", "value"),
]


@pytest.mark.parametrize(("field", "value"), BAD_FIELDS)
def test_bad_input_to_the_api_is_a_400_and_sends_nothing(db, field, value):
    response = _submit({**BODY, field: value})
    assert response.status_code == 400, response.content
    assert field in response.data
    assert IntakeSubmission.objects.count() == 0
    assert len(mail.outbox) == 0


def test_the_privacy_rules_apply_to_the_public_form(db):
    response = _submit({**BODY, "focus": "child"})
    assert response.status_code == 400
    assert set(response.data) == {"parent_consent", "child_age_months"}


def test_a_zip_code_in_no_known_county_is_refused_at_confirmation(db):
    _submit({**BODY, "zip": "00000"})
    response = _confirm(_link(mail.outbox[0]))
    assert response.status_code == 400
    assert ConsultationRequest.objects.count() == 0


# --- the page --------------------------------------------------------------------------------


def _form(body=None) -> dict:
    data = dict(body or BODY)
    return {k: v for k, v in data.items() if v is not None}


def test_the_home_page_links_to_the_form(client, db):
    assert reverse("intake:ask") in client.get("/").content.decode()
    assert reverse("intake:ask") == "/ask/"


def test_the_page_sends_the_link_and_the_link_confirms(client, db):
    response = _delivered(lambda: client.post(reverse("intake:ask"), _form()))
    assert response.status_code == 302 and response["Location"] == reverse("intake:sent")
    token = _link(mail.outbox[0])
    confirm_url = reverse("intake:confirm", args=[token])
    # Opening the link (a mail scanner would) confirms nothing; the button does.
    assert client.get(confirm_url).status_code == 200
    assert ConsultationRequest.objects.count() == 0
    done = _delivered(lambda: client.post(confirm_url))
    assert done.status_code == 200
    consultation = ConsultationRequest.objects.get()
    follow = reverse("intake:follow", args=[done.context["follow_token"]])
    page = client.get(follow)
    assert page.status_code == 200
    assert f"Request #{consultation.pk}" in page.content.decode()


@pytest.mark.parametrize(("field", "value"), [b for b in BAD_FIELDS if b[0] != "unknown_field"])
def test_bad_input_to_the_page_is_a_form_error(client, db, field, value):
    response = client.post(reverse("intake:ask"), _form({**BODY, field: value}))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert IntakeSubmission.objects.count() == 0


def test_a_zip_code_in_no_known_county_is_explained_on_the_page(client, db):
    _delivered(lambda: client.post(reverse("intake:ask"), _form({**BODY, "zip": "00000"})))
    response = client.post(reverse("intake:confirm", args=[_link(mail.outbox[0])]))
    assert response.status_code == 400
    assert "00000" in response.content.decode()
    assert ConsultationRequest.objects.count() == 0


def test_an_unknown_link_is_a_404_page(client, db):
    assert client.get(reverse("intake:confirm", args=["nope"])).status_code == 404
    assert client.post(reverse("intake:confirm", args=["nope"])).status_code == 404
    assert client.get(reverse("intake:follow", args=["nope"])).status_code == 404
