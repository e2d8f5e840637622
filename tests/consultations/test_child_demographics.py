"""A child's consented demographics (docs/domain.md, "Equity"): race and ethnicity (OMB
categories) and whether the child has an IEP or IFSP, only on a request about one child and
only with a parent's consent to record them; refused otherwise (400 or a form error, nothing
made), never an identity, and seen only by the Alliance and the consultant who accepted."""

import pytest
from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from consultations.models import ConsultationRequest, IntakeSubmission
from tests.consultations import factories
from tests.consultations.api_helpers import CHILD_REQUEST, CLASSROOM_REQUEST, url
from tests.consultations.page_helpers import client_for

pytestmark = pytest.mark.django_db

DEMOGRAPHICS = {
    "child_demographics_consent": True,
    "child_race_ethnicity": ["white", "american_indian_alaska_native"],
    "child_has_iep_ifsp": "yes",
}


def _submit(world, **body):
    return world.client("program").post(url(), {"program": world.program.pk, **body}, format="json")


def test_consented_demographics_are_kept(world):
    response = _submit(world, **CHILD_REQUEST, **DEMOGRAPHICS)
    assert response.status_code == 201, response.content
    kept = ConsultationRequest.objects.get()
    assert kept.child_demographics_consent is True
    assert kept.child_race_ethnicity == ["american_indian_alaska_native", "white"]
    assert kept.child_has_iep_ifsp == "yes"


def test_a_repeated_category_counts_once(world):
    body = {**DEMOGRAPHICS, "child_race_ethnicity": ["asian", "asian"]}
    assert _submit(world, **CHILD_REQUEST, **body).status_code == 201
    assert ConsultationRequest.objects.get().child_race_ethnicity == ["asian"]


REFUSED = [
    ("not a child", CLASSROOM_REQUEST, DEMOGRAPHICS, "child_race_ethnicity"),
    ("consent alone, not a child", CLASSROOM_REQUEST,
     {"child_demographics_consent": True}, "child_demographics_consent"),
    ("no consent", CHILD_REQUEST,
     {"child_race_ethnicity": ["asian"]}, "child_race_ethnicity"),
    ("no consent to IEP", CHILD_REQUEST, {"child_has_iep_ifsp": "no"}, "child_has_iep_ifsp"),
    ("unknown category", CHILD_REQUEST,
     {**DEMOGRAPHICS, "child_race_ethnicity": ["martian"]}, "child_race_ethnicity"),
    ("too many", CHILD_REQUEST,
     {**DEMOGRAPHICS, "child_race_ethnicity": ["asian"] * 8}, "child_race_ethnicity"),
    ("not a list", CHILD_REQUEST,
     {**DEMOGRAPHICS, "child_race_ethnicity": "asian"}, "child_race_ethnicity"),
    ("bad IEP answer", CHILD_REQUEST,
     {**DEMOGRAPHICS, "child_has_iep_ifsp": "maybe"}, "child_has_iep_ifsp"),
    ("a name", CHILD_REQUEST, {"child_name": "Ana"}, "child_name"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("base", "extra", "field"), [pytest.param(b, e, f, id=n) for n, b, e, f in REFUSED]
)
def test_refused_by_the_api_with_nothing_made(world, base, extra, field):
    response = _submit(world, **base, **extra)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert ConsultationRequest.objects.count() == 0


PAGE_BODY = {
    "focus": "child", "child_age_months": "30", "parent_consent": "on",
    "concerns": ["challenging_behavior"], "modality": "either", "urgency": "routine",
}  # fmt: skip


def test_the_request_page_keeps_consented_demographics(world):
    response = client_for(world, "program").post(
        reverse("consultations:request_new"),
        {**PAGE_BODY, "program": world.program.pk, "child_demographics_consent": "on",
         "child_race_ethnicity": ["black"], "child_has_iep_ifsp": "unknown"},
    )  # fmt: skip
    assert response.status_code == 302
    kept = ConsultationRequest.objects.get()
    assert (kept.child_race_ethnicity, kept.child_has_iep_ifsp) == (["black"], "unknown")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"child_race_ethnicity": ["black"]}, "child_race_ethnicity"),
        ({"focus": "classroom", "child_age_months": "", "parent_consent": "",
          "child_demographics_consent": "on"}, "child_demographics_consent"),
        ({"child_demographics_consent": "on", "child_race_ethnicity": ["x"]},
         "child_race_ethnicity"),
    ],
)  # fmt: skip
def test_the_request_page_shows_a_form_error(world, changes, field):
    response = client_for(world, "program").post(
        reverse("consultations:request_new"),
        {**PAGE_BODY, "program": world.program.pk, **changes},
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert ConsultationRequest.objects.count() == 0


PUBLIC = {
    "program_name": "Sunny Days Child Care", "zip": "53703", "setting_type": "child_care_center",
    "first_name": "Rosa", "email": "rosa@sunnydays.example.org", **PAGE_BODY,
}  # fmt: skip


def test_the_public_form_refuses_demographics_without_consent(client, db):
    response = client.post(reverse("intake:ask"), {**PUBLIC, "child_race_ethnicity": ["asian"]})
    assert response.status_code == 200
    assert "child_race_ethnicity" in response.context["form"].errors
    assert IntakeSubmission.objects.count() == 0
    assert mail.outbox == []


def test_the_public_form_keeps_consented_demographics(client, db):
    body = {**PUBLIC, "child_demographics_consent": "on", "child_race_ethnicity": ["asian"]}
    assert client.post(reverse("intake:ask"), body).status_code == 302
    assert IntakeSubmission.objects.get().data["child_race_ethnicity"] == ["asian"]


def test_the_public_api_refuses_demographics_on_a_classroom(db):
    body = {**{k: v for k, v in PUBLIC.items() if k not in PAGE_BODY}, **CLASSROOM_REQUEST,
            "child_demographics_consent": True}  # fmt: skip
    response = APIClient().post("/api/v1/intake/", body, format="json")
    assert response.status_code == 400
    assert "child_demographics_consent" in response.json()
    assert IntakeSubmission.objects.count() == 0


def test_phone_intake_keeps_consented_demographics(world):
    body = {
        "program": world.program.pk, "contact_email": "director@acorns.example.org",
        **CHILD_REQUEST, **DEMOGRAPHICS,
    }  # fmt: skip
    response = world.client("admin").post("/api/v1/phone-intake/", body, format="json")
    assert response.status_code == 201, response.content
    assert ConsultationRequest.objects.get().child_has_iep_ifsp == "yes"


def test_phone_intake_refuses_them_without_consent(world):
    body = {
        "program": world.program.pk, "contact_email": "director@acorns.example.org",
        **CHILD_REQUEST, "child_has_iep_ifsp": "yes",
    }  # fmt: skip
    response = world.client("admin").post("/api/v1/phone-intake/", body, format="json")
    assert response.status_code == 400
    assert ConsultationRequest.objects.count() == 0


# --- who sees them ----------------------------------------------------------------------------


def _child(world, status):
    skip = ("preferred_language", "language_required")
    fields = {**{k: v for k, v in CHILD_REQUEST.items() if k not in skip},
              **DEMOGRAPHICS}  # fmt: skip
    if status == "submitted":
        return factories.submitted(world.program, **fields)
    maker = {"offered": factories.offered, "active": factories.active}[status]
    return maker(world.program, world.listing, admin=world.users["admin"], **fields)


@pytest.mark.parametrize(
    ("status", "role", "sees"),
    [
        ("active", "admin", True),
        ("active", "consultant", True),
        ("active", "program", False),
        ("offered", "consultant", False),  # offered, not yet accepted
        ("offered", "admin", True),
        ("submitted", "program", False),
    ],
)
def test_only_the_alliance_and_the_accepting_consultant_see_them(world, status, role, sees):
    consultation = _child(world, status)
    body = world.client(role).get(url(consultation.pk)).json()
    expected = (
        (True, ["american_indian_alaska_native", "white"], "yes") if sees else (None, None, None)
    )
    assert (
        body["child_demographics_consent"], body["child_race_ethnicity"],
        body["child_has_iep_ifsp"],
    ) == expected  # fmt: skip
    listed = world.client(role).get(url()).json()["results"][0]
    assert listed["child_race_ethnicity"] == expected[1]


def test_the_pages_show_them_to_the_consultant_and_the_alliance_only(world):
    consultation = _child(world, "active")
    page = reverse("consultations:request_detail", args=[consultation.pk])
    seen = client_for(world, "consultant").get(page).content.decode()
    assert "American Indian or Alaska Native, White" in seen
    hidden = client_for(world, "program").get(page).content.decode()
    assert "American Indian or Alaska Native" not in hidden
    alliance = client_for(world, "admin").get(reverse("alliance:request", args=[consultation.pk]))
    assert "American Indian or Alaska Native, White" in alliance.content.decode()


def test_the_request_exports_never_hold_them(world):
    _child(world, "submitted")
    response = client_for(world, "admin").get("/alliance/requests/export.csv")
    text = b"".join(response.streaming_content).decode()
    assert "american_indian" not in text and "American Indian" not in text
