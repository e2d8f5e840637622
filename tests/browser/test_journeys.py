"""Each role's main journey end to end in a real browser: a program requests consultation, the
Alliance approves a consultant's listing and offers the request, the consultant accepts, logs a
contact and closes it, and the program reads the whole timeline. Screenshots of each main page
are saved at phone and desktop widths (artifacts/screenshots/)."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from consultations.models import ConsultationRequest
from directory.models import Consultant
from tests.browser.conftest import screenshot, sign_in
from tests.factories import PASSWORD, ConsultantFactory, ProgramFactory, UserFactory, make_admin

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people():
    director = UserFactory(username="dana", first_name="Dana", role="program")
    program = ProgramFactory(name="Little Acorns Child Care", members=[director])
    consultant = ConsultantFactory(
        display_name="Maria Lopez",
        user=UserFactory(username="maria", role="consultant"),
        listing_status=Consultant.ListingStatus.PENDING,
    )
    admin = make_admin(username="alex")
    return {"director": director, "program": program, "consultant": consultant, "admin": admin}


def test_from_request_to_closed_consultation(open_page, people):
    # 1. The program asks for help (on a phone).
    program_page = open_page("phone")
    sign_in(program_page, "dana", PASSWORD)
    program_page.goto("/requests/new/")
    program_page.get_by_label("One child (with a parent's consent)").check()
    program_page.get_by_label("Child's age in months").fill("30")
    program_page.get_by_label("A parent consented to consultation about their child").check()
    program_page.get_by_role("checkbox", name="Risk of suspension or expulsion").check()
    program_page.get_by_label("What is happening, and what would help?").fill(
        "A toddler bites at transitions; staff are worried about expulsion."
    )
    program_page.get_by_label("Priority: a child at risk of suspension or expulsion").check()
    screenshot(program_page, "request-form-phone")
    program_page.get_by_role("button", name="Submit the request").click()
    program_page.wait_for_url("**/requests/*/")
    request = ConsultationRequest.objects.get()
    assert request.status == "submitted" and request.urgency == "priority"
    screenshot(program_page, "request-submitted-phone")

    # 2. The Alliance approves the listing, then offers the request (at a desk).
    alliance = open_page("desktop")
    sign_in(alliance, "alex", PASSWORD)
    alliance.goto("/alliance/listings/")
    screenshot(alliance, "alliance-listings-desktop")
    alliance.get_by_role("link", name="Review Maria Lopez").click()
    alliance.get_by_role("button", name="Approve").click()
    expect(alliance.get_by_text("listing is approved")).to_be_visible()
    alliance.goto("/alliance/requests/")
    screenshot(alliance, "alliance-queue-desktop")
    alliance.get_by_role("link", name=f"#{request.pk}").first.click()
    expect(alliance.get_by_text("specialises in the concern").first).to_be_visible()
    screenshot(alliance, "alliance-matches-desktop")
    alliance.get_by_role("button", name="Offer to Maria Lopez…").click()
    request.refresh_from_db()
    assert request.status == "submitted"  # the confirmation step: nothing changed yet
    screenshot(alliance, "alliance-confirm-offer-desktop")
    alliance.get_by_role("button", name="Yes, offer it to Maria Lopez").click()
    request.refresh_from_db()
    assert request.status == "offered"

    # 3. The consultant accepts, logs a contact and closes (on a phone).
    consultant = open_page("phone")
    sign_in(consultant, "maria", PASSWORD)
    consultant.goto("/offers/")
    screenshot(consultant, "offers-phone")
    consultant.get_by_role("button", name=f"Accept request #{request.pk}").click()
    request.refresh_from_db()
    assert request.status == "active"
    consultant.goto(f"/requests/{request.pk}/")
    log = consultant.get_by_role("region", name="Log a contact")
    log.get_by_label("Date").fill(timezone.localdate().isoformat())
    log.get_by_label("Minutes").fill("90")
    log.get_by_label("What did the time go into?").select_option("classroom_observation")
    log.get_by_label("On site").first.check()
    consultant.get_by_role("button", name="Log the contact").click()
    assert request.contacts.count() == 1
    consultant.goto("/caseload/")
    screenshot(consultant, "caseload-phone")
    consultant.goto(f"/requests/{request.pk}/")
    consultant.get_by_text("Close the consultation…").click()  # the confirmation step
    consultant.get_by_label("Why is the consultation ending?").select_option("goals_met")
    # About one child: the outcome funders ask for (still in the program, any exclusion).
    consultant.get_by_role(
        "group", name="Only about one child: is the child still in the program?"
    ).get_by_label("Yes").check()
    consultant.get_by_label(
        "Only about one child: was there any suspension or expulsion?"
    ).select_option("none")
    consultant.get_by_role("button", name="Close the consultation").click()
    request.refresh_from_db()
    assert request.status == "active"  # the confirmation step: nothing changed yet
    screenshot(consultant, "confirm-close-phone")
    consultant.get_by_role("button", name="Yes, close the consultation").click()
    request.refresh_from_db()
    assert request.status == "closed"

    # 4. The program reads the timeline and its consultant's contact details.
    program_page.goto(f"/requests/{request.pk}/")
    text = program_page.locator("main").inner_text()
    for step in ("Submitted", "Offered", "Accepted", "Closed"):
        assert step in text
    assert people["consultant"].contact_email in text
    screenshot(program_page, "request-timeline-phone")

    # The Alliance's reports count it.
    alliance.goto("/alliance/reports/")
    expect(alliance.locator("svg").first).to_be_visible()
    screenshot(alliance, "reports-desktop")


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_main_pages_at_each_width(open_page, people, viewport):
    """Each role's landing page renders and is usable at this width (screenshots)."""
    for username, path, name in (
        ("dana", "/requests/", "program-requests"),
        ("maria", "/listing/", "consultant-listing"),
        ("alex", "/alliance/matching/", "alliance-matching"),
    ):
        page = open_page(viewport)
        sign_in(page, username, PASSWORD)
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"] + 1, f"{path} scrolls sideways"
        screenshot(page, f"{name}-{viewport}")
