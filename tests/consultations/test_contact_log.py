"""Logging contacts on an active engagement (docs/api.md, "Consultation requests"): bad input,
its edges, and the page's form."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations.models import Contact
from tests.conftest import ROLES
from tests.consultations import factories as f
from tests.consultations.api_helpers import (
    _days_ago,
    contact_body,
    make,
    send,
    snapshot,
    url,
)
from tests.consultations.page_helpers import (
    CONTACT_EXPECTED,
    active_with_cora,
    assert_login_redirect,
    client_for,
    contact_data,
    messages_of,
)

pytestmark = pytest.mark.django_db


BAD_CONTACTS = [
    ("future", {"date": "TOMORROW"}, "date"),
    ("before-acceptance", {"date": "YESTERDAY"}, "date"),
    ("not-a-date", {"date": "2024-13-45"}, "date"),
    ("zero-minutes", {"minutes": 0}, "minutes"),
    ("721-minutes", {"minutes": 721}, "minutes"),
    ("negative-minutes", {"minutes": -30}, "minutes"),
    ("string-minutes", {"minutes": "an hour"}, "minutes"),
    ("huge-minutes", {"minutes": 2**70}, "minutes"),
    ("unknown-activity", {"activity": "coffee"}, "activity"),
    ("unknown-modality", {"modality": "phone"}, "modality"),
    ("request-modality-either", {"modality": "either"}, "modality"),
    ("missing-date", {"date": None}, "date"),
    ("note-nul-char", {"note": "met\x00staff"}, "note"),
    ("unknown-field", {"consultant": 1}, "consultant"),
]


@pytest.mark.parametrize(
    ("overrides", "field"), [pytest.param(o, f, id=n) for n, o, f in BAD_CONTACTS]
)
def test_contacts_reject_bad_input(world, overrides, field, django_capture_on_commit_callbacks):
    request_obj = make(world, "active")
    dates = {"TOMORROW": _days_ago(-1), "YESTERDAY": _days_ago(1)}
    overrides = {k: dates.get(v, v) if isinstance(v, str) else v for k, v in overrides.items()}
    before = snapshot(request_obj.pk)
    response = send(
        world, "consultant", "post", url(request_obj.pk, "contacts"), contact_body(**overrides),
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert snapshot(request_obj.pk) == before


@pytest.mark.parametrize("role", ROLES)
def test_log_contact_by_role(world, role):
    request_obj = active_with_cora(world)
    url = reverse("consultations:contact_new", args=[request_obj.pk])
    response = client_for(world, role).post(url, contact_data())
    expected = CONTACT_EXPECTED[role]
    if expected == "login":
        assert_login_redirect(response, url)
    else:
        assert response.status_code == expected
    if expected == 302:
        contact = Contact.objects.get()
        assert (contact.request, contact.minutes, contact.modality) == (request_obj, 60, "virtual")
        assert messages_of(response)[0].startswith("Logged 60 minutes of meeting with staff")
    else:
        assert Contact.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"minutes": "0"}, "minutes", "Give the time in minutes, from 1 to 720 (12 hours)."),
        ({"activity": "gossip"}, "activity", "Select a valid choice."),
        (
            {"date": (timezone.localdate() + timedelta(days=1)).isoformat()},
            "date",
            "A contact cannot be in the future.",
        ),
    ],
)
def test_log_contact_shows_errors_and_creates_nothing(world, changes, field, error):
    request_obj = active_with_cora(world)
    url = reverse("consultations:contact_new", args=[request_obj.pk])
    response = client_for(world, "consultant").post(url, contact_data(**changes))
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="id_contact-{field}_error' in body
    assert error in body
    assert Contact.objects.count() == 0


def test_log_contact_on_a_closed_request_is_a_conflict_message(world):
    request_obj = f.closed(world.program, world.listing, admin=world.users["admin"])
    url = reverse("consultations:contact_new", args=[request_obj.pk])
    response = client_for(world, "consultant").post(url, contact_data())
    assert response.status_code == 302
    assert messages_of(response) == ["A request that is closed cannot be given new contacts."]
    assert Contact.objects.count() == 0


def test_assigned_consultant_sees_contact_and_close_forms(world):
    request_obj = active_with_cora(world)
    url = reverse("consultations:request_detail", args=[request_obj.pk])
    body = client_for(world, "consultant").get(url).content.decode()
    assert f'action="{reverse("consultations:contact_new", args=[request_obj.pk])}"' in body
    assert f'action="{reverse("consultations:request_close", args=[request_obj.pk])}"' in body
    assert 'name="close-suspension_prevented" value="unknown"' in body
    body = client_for(world, "program").get(url).content.decode()
    assert "Log a contact" not in body
    assert "Close the consultation" not in body
