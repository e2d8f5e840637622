"""The engagement plan: the assigned consultant records it and moves the phase on; dosage is
delivered against planned hours by group; the caseload shows the planned end date."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.engagement import ACTIVITY_GROUPS, dosage, group_of
from consultations.models import ConsultationRequest
from directory.vocabularies import ContactActivity
from tests.conftest import ROLES
from tests.consultations.api_helpers import make, send, url
from tests.consultations.page_helpers import client_for

PLAN = {"goals": "Calmer transitions", "planned_weeks": 10, "planned_hours_per_week": "2.50"}
ALLOWED = {"consultant"}


def _plan_row(pk):
    return ConsultationRequest.objects.values_list(
        "goals", "planned_weeks", "planned_hours_per_week", "phase"
    ).get(pk=pk)


@pytest.mark.parametrize("role", ROLES)
def test_record_plan_by_role(world, role, django_capture_on_commit_callbacks):
    engagement = make(world, "active")
    before = _plan_row(engagement.pk)
    response = send(
        world, role, "post", url(engagement.pk, "plan"), PLAN,
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip
    if role in ALLOWED:
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["planned_weeks"] == 10
        assert body["planned_hours"] == 25.0
        assert body["phase"] == "initiation"
        expected_end = timezone.localdate(engagement.accepted_at) + timedelta(weeks=10)
        assert body["planned_end_date"] == expected_end.isoformat()
        assert _plan_row(engagement.pk) == ("Calmer transitions", 10, Decimal("2.50"), "initiation")
    else:
        expected = {"anonymous": 401, "program": 403, "admin": 403}.get(role, 404)
        assert response.status_code == expected
        assert _plan_row(engagement.pk) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"planned_weeks": 0}, "planned_weeks"),
        ({"planned_weeks": 105}, "planned_weeks"),
        ({"planned_hours_per_week": "0.10"}, "planned_hours_per_week"),
        ({"planned_hours_per_week": "41"}, "planned_hours_per_week"),
        ({"phase": "celebration"}, "phase"),
        ({"goals": "x" * 2001}, "goals"),
        ({"status": "closed"}, "status"),
    ],
)
def test_bad_plan_is_400(world, body, field, django_capture_on_commit_callbacks):
    engagement = make(world, "active")
    before = _plan_row(engagement.pk)
    response = send(
        world, "consultant", "post", url(engagement.pk, "plan"), body,
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip
    assert response.status_code == 400
    assert field in response.json()
    assert _plan_row(engagement.pk) == before


def test_phase_moves_on_never_back(world, django_capture_on_commit_callbacks):
    engagement = make(world, "active")
    for phase, code in (("planning", 200), ("exploration", 400), ("transition", 200)):
        response = send(
            world, "consultant", "post", url(engagement.pk, "plan"), {"phase": phase},
            capture=django_capture_on_commit_callbacks,
        )  # fmt: skip
        assert response.status_code == code, response.content
    assert _plan_row(engagement.pk)[3] == "transition"


@pytest.mark.parametrize("status", ["offered", "closed"])
def test_plan_outside_an_active_engagement_is_409(
    world, status, django_capture_on_commit_callbacks
):
    engagement = make(world, status)
    response = send(
        world, "consultant", "post", url(engagement.pk, "plan"), PLAN,
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip
    assert response.status_code == 409
    assert _plan_row(engagement.pk)[1] is None


def test_every_activity_has_one_group():
    grouped = [a for activities in ACTIVITY_GROUPS.values() for a in activities if a]
    assert sorted(grouped) == sorted(ContactActivity.values)
    assert group_of("") == "other"  # an old "other" contact, with no activity


def test_dosage_splits_delivered_hours_by_group(world):
    engagement = make(world, "active")
    today = timezone.localdate()
    for activity, minutes in (
        ("classroom_observation", 60), ("classroom_coaching", 30), ("staff_meeting", 45),
        ("family_meeting", 15), ("training", 90), ("phone_or_email", 10),
    ):  # fmt: skip
        services.contact_log(
            actor=world.users["consultant"], consultation=engagement, date=today,
            minutes=minutes, activity=activity, modality="on_site",
        )  # fmt: skip
    engagement.refresh_from_db()
    result = dosage(engagement)
    assert [(g["group"], g["hours"]) for g in result["groups"]] == [
        ("classroom", 1.5), ("meetings", 1.0), ("other", 1.67),
    ]  # fmt: skip
    assert result["delivered"] == 4.17
    assert result["planned"] is None


def test_caseload_and_request_pages_show_plan_and_dosage(world):
    engagement = make(world, "active")
    ConsultationRequest.objects.filter(pk=engagement.pk).update(
        planned_weeks=6, planned_hours_per_week=Decimal("1.5")
    )
    end = timezone.localdate(engagement.accepted_at) + timedelta(weeks=6)
    client = client_for(world, "consultant")
    caseload = client.get(reverse("consultations:caseload")).content.decode()
    assert f'<time datetime="{end.isoformat()}">' in caseload
    assert ">9.0<" in caseload  # planned hours: 6 weeks at 1.5
    detail = client.get(reverse("consultations:request_detail", args=[engagement.pk]))
    body = detail.content.decode()
    assert "Hours delivered against the plan" in body
    assert "In the classroom" in body


def test_plan_page_form_saves_and_refuses_bad_input(world):
    engagement = make(world, "active")
    client = client_for(world, "consultant")
    path = reverse("consultations:engagement_plan", args=[engagement.pk])
    bad = client.post(path, {"plan-planned_weeks": "0", "plan-goals": "x"})
    assert bad.status_code == 200
    assert "plan-planned_weeks" in bad.content.decode()
    assert _plan_row(engagement.pk)[1] is None
    good = client.post(
        path,
        {"plan-goals": "Calm", "plan-planned_weeks": "8", "plan-planned_hours_per_week": "2",
         "plan-phase": "exploration"},
    )  # fmt: skip
    assert good.status_code == 302
    assert _plan_row(engagement.pk) == ("Calm", 8, Decimal("2.00"), "exploration")
