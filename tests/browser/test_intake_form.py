"""The public request form end to end in a real browser: from the home page, without an
account, to the emailed link that puts the request in the Alliance's queue (phone and desktop
screenshots)."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from background.worker import run_ready_tasks
from consultations.models import ConsultationRequest
from tests.browser.conftest import screenshot
from tests.factories import county

pytestmark = pytest.mark.django_db(transaction=True)


def _emailed_path(pattern: str) -> str:
    run_ready_tasks()  # the outbox's worker sends what the form queued
    for message in reversed(mail.outbox):
        found = re.search(pattern, message.body)
        if found:
            return found.group(1)
    raise AssertionError(f"No email matches {pattern}")


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_ask_for_a_consultant_and_confirm_by_the_emailed_link(open_page, viewport, settings):
    county()  # Dane County (a transactional test's flush empties the reference data)
    page = open_page(viewport)
    page.goto("/")
    page.get_by_role("link", name="Ask for a consultant").click()
    page.wait_for_url("**/ask/")
    page.get_by_label("Program name").fill("Sunny Days Child Care")
    page.get_by_label("Program ZIP code").fill("53703")
    page.get_by_label("Kind of program").select_option("child_care_center")
    page.get_by_label("Your first name").fill("Rosa")
    page.get_by_label("Your email").fill(f"rosa-{viewport}@sunnydays.example.org")
    page.get_by_label("Your phone").fill("608-555-0199")
    page.get_by_label("Who suggested you ask?").select_option("help_me_grow")
    page.get_by_label("A classroom or group").check()
    page.get_by_label("Challenging behavior").check()
    page.get_by_label("What is happening, and what would help?").fill(
        "Transitions are hard in the preschool room."
    )
    expect(page.get_by_text("Privacy:")).to_be_visible()
    screenshot(page, f"ask-form-{viewport}")
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1]
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_url("**/ask/sent/")
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert ConsultationRequest.objects.count() == 0

    page.goto(_emailed_path(r"https?://[^/\s]+(/ask/confirm/\S+/)"))
    page.get_by_role("button", name="Confirm the request").click()
    expect(page.get_by_role("heading", name="Your request is with the Alliance")).to_be_visible()
    screenshot(page, f"ask-confirmed-{viewport}")
    consultation = ConsultationRequest.objects.get()
    assert (consultation.status, consultation.referral_source) == ("submitted", "help_me_grow")
    assert consultation.program.county.name == "Dane County"

    page.get_by_role("link", name="Follow the request").click()
    expect(
        page.get_by_role("heading", name=re.compile(f"Request #{consultation.pk}"))
    ).to_be_visible()
    screenshot(page, f"ask-follow-{viewport}")


def test_the_form_explains_bad_input_next_to_each_field(open_page):
    page = open_page("phone")
    page.goto("/ask/")
    page.get_by_label("Program ZIP code").fill("12")
    page.get_by_role("button", name="Send the request").click()
    expect(page.locator("#id_zip_error")).to_be_visible()
    expect(page.locator("#id_email_error")).to_be_visible()
    expect(page.locator("#id_concerns_error")).to_be_visible()
