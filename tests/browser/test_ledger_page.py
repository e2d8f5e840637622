"""The renewal ledger in a real browser: logged by keyboard at 320 px, progress shown, nothing
scrolls sideways (screenshots at phone and desktop widths)."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.factories import PASSWORD, ConsultantFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("viewport", ["narrow", "desktop"])
def test_logging_training_by_keyboard_shows_progress(open_page, viewport):
    listing = ConsultantFactory(
        display_name="Maria Lopez", user=UserFactory(username="maria", role="consultant")
    )
    listing.endorsements.create(
        category="early_childhood_mental_health_mentor",
        status="endorsed",
        renewal_date=date.today() + timedelta(days=90),
    )
    page = open_page(viewport)
    sign_in(page, "maria", PASSWORD)
    page.goto("/listing/ledger/")
    page.get_by_label("Kind").select_option("training")
    page.get_by_label("Date").fill((date.today() - timedelta(days=2)).isoformat())
    page.get_by_role("spinbutton", name="Hours").fill("15")
    page.get_by_label("Title (training)").fill("Pyramid Model")
    page.get_by_label("Title (training)").press("Enter")
    expect(page.get_by_text("Training: 15.00 of 15 hours")).to_be_visible()
    expect(page.get_by_text("Not met yet.")).to_be_visible()  # 0 of 12 RSC hours
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, "the ledger scrolls sideways"
    screenshot(page, f"consultant-ledger-{viewport}")
    page.goto("/listing/credentials/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My credentials")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, "the credentials page scrolls sideways"
