"""A contact's note is the consultant's own, and the Alliance's (which supervises the work),
until the consultant shares it with the program (issue 17; docs/domain.md, "Privacy"): the
program never reads an unshared note, on the page or through the API."""

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.models import Contact
from tests.conftest import ROLES
from tests.consultations.api_helpers import contact_body, send, snapshot, url
from tests.consultations.page_helpers import active_with_cora, client_for, contact_data

pytestmark = pytest.mark.django_db

PRIVATE = "Lead teacher seems worn out; ask the director about breaks."
SHARED = "Planned calmer transitions with the toddler room."

# Who reads which note of an active engagement of `consultant` (the others get a 404).
READS = {
    "program": {SHARED},
    "consultant": {PRIVATE, SHARED},
    "admin": {PRIVATE, SHARED},
}


def _log_both(world):
    consultation = active_with_cora(world)
    consultant = world.users["consultant"]
    for note, shared in ((PRIVATE, False), (SHARED, True)):
        services.contact_log(
            actor=consultant,
            consultation=consultation,
            date=timezone.localdate(consultation.accepted_at),
            minutes=30,
            activity="staff_meeting",
            modality="virtual",
            note=note,
            shared_with_program=shared,
        )
    return consultation


@pytest.mark.parametrize("role", ROLES)
def test_the_page_shows_a_note_only_to_whom_it_belongs(world, role):
    consultation = _log_both(world)
    response = client_for(world, role).get(
        reverse("consultations:request_detail", args=[consultation.pk])
    )
    if role not in READS:
        assert response.status_code in (302, 404)
        return
    page = response.content.decode()
    assert {note for note in (PRIVATE, SHARED) if note in page} == READS[role]
    # Those who read private notes are told which ones the program reads.
    told = "not shared with the program" in page
    assert told == (role != "program")


@pytest.mark.parametrize("role", ROLES)
def test_the_api_gives_a_note_only_to_whom_it_belongs(
    world, role, django_capture_on_commit_callbacks
):
    consultation = _log_both(world)
    response = send(
        world, role, "get", url(consultation.pk, "contacts"),
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip
    if role not in READS:
        assert response.status_code in (401, 403, 404)
        return
    assert response.status_code == 200, response.content
    rows = response.json()
    assert [row["shared_with_program"] for row in rows] == [False, True]
    assert {row["note"] for row in rows} - {""} == READS[role]


def test_the_form_shares_a_note_only_when_ticked(world):
    consultation = active_with_cora(world)
    client = client_for(world, "consultant")
    action = reverse("consultations:contact_new", args=[consultation.pk])
    page = client.get(reverse("consultations:request_detail", args=[consultation.pk]))
    html = page.content.decode()
    assert 'type="checkbox" name="contact-shared_with_program"' in html
    assert "Share this note with the program" in html
    assert "Only you and the Alliance read this note" in html
    assert client.post(action, contact_data(note="Private one.")).status_code == 302
    ticked = contact_data(note="Shared one.", shared_with_program="on")
    assert client.post(action, ticked).status_code == 302
    assert list(Contact.objects.order_by("id").values_list("note", "shared_with_program")) == [
        ("Private one.", False),
        ("Shared one.", True),
    ]


def test_the_api_logs_a_shared_note_and_refuses_a_bad_flag(
    world, django_capture_on_commit_callbacks
):
    consultation = active_with_cora(world)
    path = url(consultation.pk, "contacts")
    before = snapshot(consultation.pk)
    bad = contact_body(note="x", shared_with_program="perhaps")
    response = send(
        world, "consultant", "post", path, bad, capture=django_capture_on_commit_callbacks
    )
    assert response.status_code == 400
    assert "shared_with_program" in response.json()
    assert snapshot(consultation.pk) == before
    body = contact_body(note=SHARED, shared_with_program=True)
    response = send(
        world, "consultant", "post", path, body, capture=django_capture_on_commit_callbacks
    )
    assert response.status_code == 201, response.content
    assert response.json()["shared_with_program"] is True
    default = send(
        world, "consultant", "post", path, contact_body(note=PRIVATE),
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip
    assert default.json()["shared_with_program"] is False
    assert Contact.objects.get(note=PRIVATE).shared_with_program is False
