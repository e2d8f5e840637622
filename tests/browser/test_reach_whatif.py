"""The reach report and the what-if planner in a real browser: both fit a 320 px screen, the
planner is used with the keyboard alone, and nothing it shows is saved."""

from datetime import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from consultations.models import ConsultationRequest
from tests.browser.conftest import screenshot, sign_in
from tests.consultations import factories
from tests.factories import (
    PASSWORD,
    ConsultantFactory,
    ProgramFactory,
    UserFactory,
    county,
    make_admin,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def alliance():
    make_admin(username="alex")
    ConsultantFactory(display_name="Cora Consultant", max_caseload=1)
    vilas = county("Vilas County", "WI", "55125")
    seen = timezone.make_aware(datetime(2026, 1, 5, 12))
    programs = [
        ProgramFactory(
            county=vilas,
            zip="54521",
            city="Eagle River",
            latitude=45.92,
            longitude=-89.24,
            licensed_capacity=20,
            license_list_seen_at=seen,
            members=[UserFactory(role="program")],
        )
        for _ in range(10)
    ]
    dane = ProgramFactory(
        licensed_capacity=40, license_list_seen_at=seen, members=[UserFactory(role="program")]
    )
    factories.submitted(dane)
    factories.submitted(programs[0], modality="on_site")
    factories.submitted(programs[1], modality="on_site", urgency="priority")


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_reach_at_320_px(open_page, alliance):
    page = open_page("narrow")
    sign_in(page, "alex", PASSWORD)
    page.goto("/alliance/reports/")
    expect(page.get_by_role("heading", name="Reach: licensed programs that asked")).to_be_visible()
    expect(
        page.get_by_role("img", name="Share of licensed programs that requested")
    ).to_be_visible()
    assert fits(page)
    screenshot(page, "reach-narrow")


def test_what_if_by_keyboard(open_page, alliance):
    page = open_page("narrow")
    sign_in(page, "alex", PASSWORD)
    page.goto("/alliance/matching/")
    before = list(ConsultationRequest.objects.values_list("pk", "status", "consultant_id"))
    page.get_by_label("Name").first.fill("Eagle River consultant")
    page.get_by_label("Counties served").first.fill("Vilas")
    page.get_by_label("Base ZIP code").first.fill("54521")
    page.get_by_label("Travel radius (miles)").first.fill("30")
    page.get_by_label("Places (requests they could take)").first.fill("2")
    page.get_by_role("button", name="Show what would change").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/alliance/matching/what-if/**")
    expect(page.get_by_text("2 requests newly served")).to_be_visible()
    expect(page.get_by_role("heading", name="Eagle River consultant")).to_be_visible()
    assert fits(page)
    screenshot(page, "what-if-narrow")
    assert list(ConsultationRequest.objects.values_list("pk", "status", "consultant_id")) == before
