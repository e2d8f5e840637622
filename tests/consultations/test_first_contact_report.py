"""The first-contact report (median hours from receipt to first contact, share within target,
by county, region, language and urgency), the waitlist by county and language, and referral
sources: on the report page and in the API."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations.first_contact_reports import first_contact_report, waitlist_report
from consultations.models import ConsultationRequest
from directory.models import Region
from tests.consultations import factories
from tests.factories import county, language

pytestmark = pytest.mark.django_db


def _clock(consultation, *, received_hours_ago, contacted_after_hours=None, due_after_hours=48):
    received = timezone.now() - timedelta(hours=received_hours_ago)
    ConsultationRequest.objects.filter(pk=consultation.pk).update(
        received_at=received,
        first_contact_due_at=received + timedelta(hours=due_after_hours),
        first_contact_at=None
        if contacted_after_hours is None
        else received + timedelta(hours=contacted_after_hours),
    )


@pytest.fixture
def clocked(world, vilas_program):
    spanish = language("es", "Spanish")
    fast = factories.submitted(world.program, urgency="priority")
    slow = factories.submitted(world.program, preferred_language=spanish)
    overdue = factories.submitted(vilas_program)
    pending = factories.submitted(world.program)  # due later: not counted yet
    _clock(fast, received_hours_ago=100, contacted_after_hours=4, due_after_hours=24)
    _clock(slow, received_hours_ago=100, contacted_after_hours=60)
    _clock(overdue, received_hours_ago=100)
    _clock(pending, received_hours_ago=1)
    return {"fast": fast, "slow": slow, "overdue": overdue, "pending": pending}


def _row(rows, group):
    [row] = [r for r in rows if r["group"] == group]
    return row


def test_median_and_share_within_target(clocked):
    report = first_contact_report()
    assert report["overall"] == {
        "requests": 3,
        "contacted": 2,
        "median_hours": 32.0,
        "within_target": 1,
        "share_within_target": 0.333,
    }
    assert _row(report["by_county"], "Dane County, WI") == {
        "group": "Dane County, WI",
        "requests": 2,
        "contacted": 2,
        "median_hours": 32.0,
        "within_target": 1,
        "share_within_target": 0.5,
    }
    assert _row(report["by_county"], "Vilas County, WI")["median_hours"] is None
    assert _row(report["by_language"], "Spanish")["within_target"] == 0
    assert _row(report["by_language"], "No preference")["requests"] == 2
    priority = _row(report["by_urgency"], "Priority: a child at risk of suspension or expulsion")
    assert (priority["median_hours"], priority["share_within_target"]) == (4.0, 1.0)
    # Wisconsin's regions, as the migrations load them: Dane in the south, Vilas in the north.
    assert report["regions_loaded"] is True
    assert _row(report["by_region"], "Southern (Public health region)")["requests"] == 2
    assert _row(report["by_region"], "Northern (Child care licensing region)")["requests"] == 1
    assert _row(report["by_region"], "North Central (Childcaring) (Child care resource and "
                "referral area)")["requests"] == 1  # fmt: skip


def test_no_region_groups_while_no_region_is_loaded(clocked):
    Region.objects.all().delete()  # the regions the migrations loaded
    report = first_contact_report()
    assert report["by_region"] == [] and report["regions_loaded"] is False


def test_by_region_once_regions_are_loaded(clocked):
    Region.objects.all().delete()  # the migrations' regions: this test's own
    region = Region.objects.create(state="WI", scheme="licensing", code="southern", name="Southern")
    region.counties.add(county())
    Region.objects.create(state="WI", scheme="licensing", code="northern", name="Northern")
    report = first_contact_report()
    assert report["regions_loaded"] is True
    assert [r["group"] for r in report["by_region"]] == ["Southern (Child care licensing region)"]
    assert report["by_region"][0]["requests"] == 2


def test_the_waitlist_by_county_and_language(world, vilas_program):
    hmong = language("hmn", "Hmong")
    for program, lang in ((world.program, hmong), (vilas_program, None), (vilas_program, None)):
        consultation = factories.submitted(program, preferred_language=lang)
        ConsultationRequest.objects.filter(pk=consultation.pk).update(waitlisted_at=timezone.now())
    assert waitlist_report() == {
        "waitlisted": 3,
        "by_county": [
            {"group": "Vilas County, WI", "requests": 2},
            {"group": "Dane County, WI", "requests": 1},
        ],
        "by_language": [
            {"group": "No preference", "requests": 2},
            {"group": "Hmong", "requests": 1},
        ],
    }


def test_the_report_page_and_api(client, world, clocked):
    client.force_login(world.users["admin"])
    page = client.get(reverse("alliance:reports")).content.decode()
    assert "First contact" in page and "Vilas County, WI" in page and "Referral sources" in page
    response = world.client("admin").get("/api/v1/reports/first-contact/")
    assert response.status_code == 200
    assert response.data["overall"]["median_hours"] == 32.0
    sources = {row["code"]: row["requests"] for row in response.data["referral_sources"]}
    assert sources["program_staff"] == 4 and sources["help_me_grow"] == 0


@pytest.mark.parametrize(
    "query",
    [
        {"date_from": "yesterday"},
        {"date_to": "2026-13-01"},
        {"date_from": "2026-05-02", "date_to": "2026-05-01"},
    ],
)
def test_a_bad_range_is_a_400(world, query):
    response = world.client("admin").get("/api/v1/reports/first-contact/", query)
    assert response.status_code == 400


@pytest.mark.parametrize("role", ["program", "consultant"])
def test_the_report_is_for_the_alliance(world, role):
    assert world.client(role).get("/api/v1/reports/first-contact/").status_code == 403
