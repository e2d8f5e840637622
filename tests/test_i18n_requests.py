"""A program's consultation journey in Spanish and Hmong: the request form, its errors, the
request's page and history, withdrawing, and the emails, each in the reader's language.

The walk fails on any English string the catalogue translates that is still on a page
(tests/test_i18n.english_left), so a string left unmarked or untranslated is caught."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from background.models import OutgoingEmail
from consultations import services
from consultations.models import ConsultationRequest
from tests.consultations import factories as f
from tests.test_i18n import english_left

pytestmark = pytest.mark.django_db

VALID_REQUEST = {
    "focus": "child",
    "child_age_months": "30",
    "parent_consent": "on",
    "concerns": ["challenging_behavior"],
    "description": "Muerde a otros niños al llegar.",
    "preferred_language": "",
    "modality": "either",
    "urgency": "routine",
}


def program_client(world, lang: str) -> Client:
    client = Client(headers={"accept-language": lang})
    client.force_login(world.users["program"])
    return client


def assert_all_translated(response, lang: str, what: str) -> str:
    assert response.status_code == 200, what
    page = response.content.decode()
    assert f'<html lang="{lang}">' in page, what
    assert english_left(page, lang) == [], what
    return page


@pytest.mark.parametrize("lang", ["es", "hmn"])
def test_a_programs_request_journey_has_no_english_left(world, lang):
    client = program_client(world, lang)
    assert_all_translated(client.get(reverse("consultations:requests")), lang, "empty list")
    assert_all_translated(client.get(reverse("consultations:request_new")), lang, "form")

    # Every error at once, in the page's language, each linked from the summary.
    bad = {**VALID_REQUEST, "program": world.program.pk, "concerns": [], "child_age_months": "200"}
    page = assert_all_translated(
        client.post(reverse("consultations:request_new"), bad), lang, "errors"
    )
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert title.strip().startswith({"es": "Error:", "hmn": "Yuam kev:"}[lang])
    assert 'href="#id_concerns_0"' in page and 'href="#id_child_age_months"' in page
    assert "data-error-summary" in page and "js/error-summary.js" in page
    assert "96" in page and "Ensure this value" not in page
    assert ConsultationRequest.objects.count() == 0

    good = {**VALID_REQUEST, "program": world.program.pk}
    response = client.post(reverse("consultations:request_new"), good, follow=True)
    page = assert_all_translated(response, lang, "detail")
    consultation = ConsultationRequest.objects.get()
    assert {"es": "Solicitud n.º", "hmn": "Daim ntawv thov #"}[lang] in page

    # Offered, then the history shows each step in the program's language.
    services.request_offer(
        actor=world.users["admin"], consultation=consultation, consultant=world.listing
    )
    detail = reverse("consultations:request_detail", args=[consultation.pk])
    assert_all_translated(client.get(detail), lang, "offered")
    assert_all_translated(client.get(reverse("consultations:requests")), lang, "list")

    withdraw = reverse("consultations:request_withdraw", args=[consultation.pk])
    reason = {"withdraw-reason": "Ya no hace falta."}
    assert_all_translated(client.post(withdraw, reason), lang, "confirm withdrawing")
    response = client.post(withdraw, {**reason, "confirm": "yes"}, follow=True)
    assert_all_translated(response, lang, "withdrawn")
    assert ConsultationRequest.objects.get(pk=consultation.pk).status == "withdrawn"


def test_the_request_form_in_spanish_speaks_plainly(world):
    page = program_client(world, "es").get(reverse("consultations:request_new")).content.decode()
    assert "Nunca escriba el nombre de un niño o de una familia" in page  # the privacy warning
    assert "Prioridad: un niño o niña en riesgo de suspensión o expulsión" in page
    assert "¿Para quién es la consultoría?" in page


def test_an_error_in_english_is_plain_too(world):
    """Django's "Ensure this value is less than or equal to 96" is replaced everywhere."""
    client = program_client(world, "en")
    data = {**VALID_REQUEST, "program": world.program.pk, "child_age_months": "-1"}
    page = client.post(reverse("consultations:request_new"), data).content.decode()
    assert "from 0 to 96 (eight years)" in page
    assert "Ensure this value" not in page


def test_emails_are_written_in_each_readers_language(world, django_capture_on_commit_callbacks):
    """The program's staff read Spanish, the consultant Hmong, the Alliance English: whoever
    triggers the email (an admin browsing in English) does not decide its language."""
    program_user, consultant_user = world.users["program"], world.listing.user
    program_user.preferred_language = "es"
    program_user.save(update_fields=["preferred_language"])
    consultant_user.preferred_language = "hmn"
    consultant_user.save(update_fields=["preferred_language"])
    consultation = f.submitted(world.program)
    OutgoingEmail.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=False):
        services.request_offer(
            actor=world.users["admin"], consultation=consultation, consultant=world.listing
        )
    by_template = {e.template: e for e in OutgoingEmail.objects.all()}
    to_program = by_template["request_offered_program"]
    assert program_user.email in to_program.to
    assert to_program.subject.startswith("Su solicitud de consultoría n.º")
    assert "La Alianza ofreció su solicitud a Cora Consultant" in to_program.body_text
    assert '<html lang="es">' in to_program.body_html
    to_consultant = by_template["request_offered_consultant"]
    assert "Nyob zoo Cora Consultant," in to_consultant.body_text  # Hmong greeting


def test_emails_to_the_alliance_stay_in_the_site_language(
    world, django_capture_on_commit_callbacks
):
    client = program_client(world, "es")
    OutgoingEmail.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=False):
        client.post(
            reverse("consultations:request_new"), {**VALID_REQUEST, "program": world.program.pk}
        )
    email = OutgoingEmail.objects.get(template="request_submitted")
    assert email.subject.startswith("New consultation request #")
