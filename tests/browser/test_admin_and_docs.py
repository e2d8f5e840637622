"""The Django admin (with its audit trail) and the API docs under the Content Security Policy:
the open_page fixture fails a test on any CSP violation, so these pages must work with it."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.consultations import factories
from tests.factories import PASSWORD, ConsultantFactory, ProgramFactory, UserFactory, make_admin

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_pages_and_the_audit_trail_work_under_the_policy(open_page):
    make_admin(username="alex_admin")
    listing = ConsultantFactory(display_name="Cora Consultant")
    program = ProgramFactory(members=[UserFactory(role="program")])
    request = factories.submitted(program)
    page = open_page("desktop")
    sign_in(page, "alex_admin", PASSWORD)

    page.goto("/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    page.goto(f"/admin/directory/consultant/{listing.pk}/change/")
    page.get_by_label("Bio").fill("Twenty years with toddlers and their teachers.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()

    page.goto(f"/admin/directory/consultant/{listing.pk}/history/")
    expect(page.get_by_text("alex_admin").first).to_be_visible()
    screenshot(page, "admin-history-desktop")
    page.goto(f"/admin/consultations/consultationrequest/{request.pk}/history/")
    expect(page.locator("#change-history")).to_be_visible()


def test_api_docs_render_from_our_own_files(open_page):
    page = open_page("desktop")
    page.goto("/api/docs/")
    page.get_by_text("IECMHC consultant").first.wait_for()
    expect(page.locator(".swagger-ui")).to_be_visible()
    screenshot(page, "api-docs-desktop")
