"""The public pages in a real browser, at phone and desktop widths."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.factories import ConsultantFactory, language

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_home_and_directory_search(open_page, viewport):
    ConsultantFactory(display_name="Sofia Spanish", languages=[language("es", "Spanish")])
    ConsultantFactory(display_name="Erin English")
    page = open_page(viewport)
    page.goto("/")
    assert "mental health consultant" in page.title().lower()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    screenshot(page, f"home-{viewport}")

    page.get_by_role("link", name="Find a consultant").first.click()
    page.get_by_text("Search filters").click()  # the filters fold away until used
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Sofia Spanish")).to_be_visible()
    assert page.get_by_text("Erin English").count() == 0
    screenshot(page, f"directory-{viewport}")

    page.get_by_role("link", name="Sofia Spanish").click()
    expect(page.get_by_role("heading", name="Sofia Spanish")).to_be_visible()
    screenshot(page, f"profile-{viewport}")


def test_a_long_email_address_wraps_on_a_phone_instead_of_widening_the_page(open_page):
    listing = ConsultantFactory(
        display_name="Lee Long", public_email="sarah.baker.consultation.1@consult.demo.example.org"
    )
    page = open_page("narrow")
    page.goto(f"/directory/{listing.pk}/")
    expect(page.get_by_role("heading", name="Lee Long")).to_be_visible()
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1] == 320


def test_bad_search_input_is_explained_next_to_the_field(open_page):
    page = open_page("desktop")
    page.goto("/directory/?near_zip=00000")
    error = page.locator("#id_near_zip_error")
    assert "not a known US ZIP code" in error.inner_text()


def test_sign_up_with_the_keyboard(open_page):
    page = open_page("phone")
    page.goto("/accounts/signup/")
    page.get_by_label("A mental health consultant").check()
    page.get_by_label("Username").fill("keyboard-user")
    page.get_by_label("Email").fill("keys@example.org")
    page.get_by_label("Password").fill("Correct-horse-battery-9")
    page.get_by_label("Password").press("Enter")
    page.wait_for_url("**/accounts/login/")
    page.get_by_label("Username").fill("keyboard-user")
    page.get_by_label("Password").fill("Correct-horse-battery-9")
    page.get_by_label("Password").press("Enter")
    page.wait_for_url("**/listing/edit/")
    expect(page.get_by_role("heading", name="Create my listing")).to_be_visible()
    screenshot(page, "listing-create-phone")


def test_language_switcher_by_keyboard_alone(open_page):
    """Tab to the switcher, pick Español with the arrow keys, submit with Enter: the same page
    comes back in Spanish, and stays Spanish on the next page."""
    page = open_page("desktop")
    page.goto("/directory/?modality=virtual")
    switcher = page.get_by_label("Read this site in")
    for _ in range(30):
        page.keyboard.press("Tab")
        if switcher.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail("the language switcher cannot be reached with Tab")
    page.keyboard.press("ArrowDown")  # English -> Español
    assert switcher.input_value() == "es"
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Change language")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert page.url.endswith("/directory/?modality=virtual")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Busque un consultor de salud mental para bebés y niños pequeños"
    )
    page.get_by_role("link", name="Buscar un consultor").first.click()
    expect(page.get_by_label("Ver este sitio en")).to_have_value("es")
    screenshot(page, "directory-es-desktop")
