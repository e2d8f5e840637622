"""The notes the service writes itself into a request's history (an offer's expiry, a
closure's reason, a call, the brief team, a waitlisting) are built when the history is read,
in the reader's language, never stored as a sentence in the language of whoever caused them
(issue 17; consultations.selectors.event_note)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import trans_real

from consultations import services
from consultations.models import ConsultationRequest, RequestEvent
from directory.vocabularies import ClosureReason
from tests.consultations import factories as f

pytestmark = pytest.mark.django_db

EXPIRY_MSGID = "Not answered within %(days)s day."
SPANISH_EXPIRY = {0: "Sin respuesta en %(days)s día.", 1: "Sin respuesta en %(days)s días."}


@pytest.fixture
def spanish_expiry():
    """The expiry's sentence in the Spanish catalogue. The lead translates the catalogues after
    merging; until then the test gives the new sentence a translation of its own."""
    catalog = trans_real.translation("es")._catalog
    added = {(EXPIRY_MSGID, n): text for n, text in SPANISH_EXPIRY.items()}
    saved = {key: catalog.get(key) for key in added}
    for key, text in added.items():
        catalog[key] = text
    yield "Sin respuesta en 5 días."
    for key, text in saved.items():
        if text is None:  # the catalogue has no delete: take the entry out of its first part
            catalog._catalogs[0].pop(key)
        else:
            catalog[key] = text


def _client(user, lang: str) -> Client:
    client = Client(headers={"accept-language": lang})
    client.force_login(user)
    return client


def _expired(world, settings):
    settings.OFFER_EXPIRY_DAYS = 5
    consultation = f.offered(world.program, world.listing, admin=world.users["admin"])
    ConsultationRequest.objects.filter(pk=consultation.pk).update(
        offered_at=timezone.now() - timedelta(days=6)
    )
    with translation.override("en"):  # the job runs in English: it stores no sentence
        assert services.request_expire(consultation=consultation) is True
    return consultation


def test_an_expiry_reads_in_spanish_on_the_page_and_the_api(world, settings, spanish_expiry):
    consultation = _expired(world, settings)
    assert consultation.events.get(action=RequestEvent.Action.EXPIRED).note == "5"
    program = _client(world.users["program"], "es")
    page = program.get(reverse("consultations:request_detail", args=[consultation.pk]))
    assert spanish_expiry in page.content.decode()
    assert "Not answered" not in page.content.decode()
    api = program.get(f"/api/v1/requests/{consultation.pk}/").json()
    assert api["events"][-1]["note"] == spanish_expiry
    alliance = _client(world.users["admin"], "es")
    page = alliance.get(reverse("alliance:request", args=[consultation.pk]))
    assert spanish_expiry in page.content.decode()
    # In English the same event reads in English.
    english = _client(world.users["program"], "en")
    page = english.get(reverse("consultations:request_detail", args=[consultation.pk]))
    assert "Not answered within 5 days." in page.content.decode()


def test_an_expiry_stored_in_english_before_reads_in_spanish(world, settings, spanish_expiry):
    consultation = _expired(world, settings)
    RequestEvent.objects.filter(action=RequestEvent.Action.EXPIRED).update(
        note="Not answered within 5 days."
    )
    settings.OFFER_EXPIRY_DAYS = 9  # the old note's days are kept
    api = _client(world.users["program"], "es").get(f"/api/v1/requests/{consultation.pk}/")
    assert api.json()["events"][-1]["note"] == spanish_expiry


def test_a_closure_reason_reads_in_the_readers_language(world):
    consultation = f.active(world.program, world.listing, admin=world.users["admin"])
    with translation.override("en"):  # closed by an English-speaking consultant
        services.request_close(
            actor=world.users["consultant"], consultation=consultation, closure_reason="goals_met"
        )
    with translation.override("es"):
        spanish = str(ClosureReason("goals_met").label)
    assert spanish != "Goals met"
    api = _client(world.users["program"], "es").get(f"/api/v1/requests/{consultation.pk}/")
    assert api.json()["events"][-1]["note"] == spanish


def test_a_call_and_the_brief_team_read_in_spanish(world):
    consultation = f.active(world.program, world.listing, admin=world.users["admin"])
    RequestEvent.objects.create(
        request=consultation,
        action=RequestEvent.Action.FIRST_CONTACT,
        actor=world.users["consultant"],
        actor_role=RequestEvent.ActorRole.CONSULTANT,
        consultant=world.listing,
        from_status="active",
        to_status="active",
        note="Phone call",  # as stored before: in the language of the consultant who called
        at=timezone.now(),
    )
    api = _client(world.users["program"], "es").get(f"/api/v1/requests/{consultation.pk}/")
    assert api.json()["events"][-1]["note"] == "Llamada telefónica"


def test_a_waitlistings_reasons_are_for_the_alliance(world):
    consultation = f.submitted(world.program)
    RequestEvent.objects.create(
        request=consultation,
        action=RequestEvent.Action.WAITLISTED,
        actor=None,
        actor_role=RequestEvent.ActorRole.SYSTEM,
        from_status="submitted",
        to_status="submitted",
        note="declined_before (1); language (2)",
        at=timezone.now(),
    )
    path = f"/api/v1/requests/{consultation.pk}/"
    program = _client(world.users["program"], "en").get(path).json()["events"][-1]
    admin = _client(world.users["admin"], "en").get(path).json()["events"][-1]
    assert (program["action"], program["note"]) == ("waitlisted", "")
    assert admin["note"] == (
        "declined this request before (1); does not speak the required language (2)"
    )
