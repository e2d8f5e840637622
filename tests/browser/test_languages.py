"""The request form in Spanish and Hmong on a 320 px phone: the browser's language picks the
page's, nothing scrolls sideways, and a screenshot of each is saved (artifacts/screenshots/)."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.factories import PASSWORD, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("lang", "heading", "button"),
    [
        ("es", "Pedir una consultoría", "Enviar la solicitud"),
        ("hmn", "Thov kev pab tswv yim", "Xa daim ntawv thov"),
    ],
)
def test_the_request_form_in_the_browsers_language_at_320px(open_page, lang, heading, button):
    director = UserFactory(username="dana", role="program")
    ProgramFactory(name="Little Acorns Child Care", members=[director])
    page = open_page("narrow")
    sign_in(page, "dana", PASSWORD)
    page.wait_for_load_state()
    page.set_extra_http_headers({"Accept-Language": lang})
    page.goto("/requests/new/")
    assert page.locator("html").get_attribute("lang") == lang
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_role("button", name=button)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    screenshot(page, f"request-form-{lang}-320")
    # The same page with every error shown at once.
    page.get_by_role("button", name=button).click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    screenshot(page, f"request-form-{lang}-320-errors")
