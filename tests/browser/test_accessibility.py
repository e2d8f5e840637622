"""axe-core over every page, as each role, at 320 and 1280 px: no serious or critical
violation of WCAG 2.0, 2.1 and 2.2 A and AA. axe-core is vendored (tests/browser/vendor/)
and evaluated through Playwright, so the Content Security Policy stays as strict as in
production. Also one journey by keyboard only."""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from consultations import services
from consultations.models import ConsultationRequest
from directory.models import Consultant
from tests.browser.conftest import sign_in
from tests.consultations import factories as f
from tests.factories import PASSWORD, ConsultantFactory, ProgramFactory, UserFactory, make_admin

pytestmark = pytest.mark.django_db(transaction=True)

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BAR = {"serious", "critical"}


@pytest.fixture
def site():
    director = UserFactory(username="dana", first_name="Dana", role="program")
    program = ProgramFactory(name="Little Acorns Child Care", members=[director])
    consultant = ConsultantFactory(
        display_name="Maria Lopez", user=UserFactory(username="maria", role="consultant")
    )
    ConsultantFactory(
        display_name="Paj Yang",
        user=UserFactory(username="paj", role="consultant"),
        listing_status=Consultant.ListingStatus.PENDING,
    )
    admin = make_admin(username="alex")
    submitted = f.submitted(program, description="Staff ask for help with transitions.")
    offered = f.offered(program, consultant, admin=admin)
    active = f.active(program, consultant, admin=admin)
    services.contact_log(
        actor=consultant.user,
        consultation=active,
        date=timezone.localdate(),
        minutes=60,
        activity="staff_meeting",
        modality="on_site",
        note="Observed the toddler room.",
    )
    closed = f.closed(program, consultant, admin=admin)
    pending = Consultant.objects.get(display_name="Paj Yang")
    return {
        None: [
            "/",
            "/directory/",
            f"/directory/{consultant.pk}/",
            "/accounts/login/",
            "/accounts/signup/",
            "/accounts/password-reset/",
            "/no-such-page/",
            "/ask/",
            "/ask/sent/",
        ],
        "dana": [
            "/dashboard/",
            "/requests/",
            "/requests/new/",
            f"/requests/{submitted.pk}/",
            f"/requests/{closed.pk}/",
            "/programs/new/",
            f"/programs/{program.pk}/edit/",
        ],
        "maria": [
            "/offers/",
            "/caseload/",
            "/listing/",
            "/listing/edit/",
            f"/requests/{offered.pk}/",
            f"/requests/{active.pk}/",
            "/listing/credentials/",
            "/listing/ledger/",
        ],
        "alex": [
            "/alliance/requests/",
            f"/alliance/requests/{submitted.pk}/",
            f"/alliance/requests/{offered.pk}/",
            "/alliance/matching/",
            "/alliance/reports/",
            "/alliance/reports/funder/",
            "/alliance/requests/phone/",
            "/alliance/listings/",
            f"/alliance/listings/{pending.pk}/",
        ],
    }


def load_axe_on_every_page(page) -> None:
    """Have the page's context evaluate axe-core on each document as it loads: sent to the
    browser once, not 600 kB through Playwright for every page checked."""
    page.context.add_init_script(script=AXE)


def axe_violations(page) -> list[str]:
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE)
    # Only the violations are wanted: axe then skips building the details of every passing
    # and inapplicable node (its documented `resultTypes` option), about half its time here.
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        TAGS,
    )
    found = []
    for violation in result["violations"]:
        if violation["impact"] in BAR:
            targets = [" ".join(node["target"]) for node in violation["nodes"][:3]]
            found.append(f"{violation['id']} ({violation['impact']}): {targets}")
    return found


@pytest.mark.parametrize("viewport", ["narrow", "desktop"])
def test_every_page_as_each_role_has_no_serious_violation(open_page, site, viewport):
    problems = []
    for username, paths in site.items():
        page = open_page(viewport)
        load_axe_on_every_page(page)
        if username:
            sign_in(page, username, PASSWORD)
            page.wait_for_load_state()
        for path in paths:
            page.goto(path)
            problems += [f"{username or 'anonymous'} {path}: {v}" for v in axe_violations(page)]
            # No sideways scrolling of the page itself at 320 px.
            width = page.evaluate("document.documentElement.scrollWidth")
            if viewport == "narrow" and width > 320:
                problems.append(f"{username or 'anonymous'} {path}: page is {width}px wide")
    assert not problems, "\n".join(problems)


def test_the_check_finds_a_serious_violation(open_page, live_server):
    """The check itself: a page with an unnamed button and an image without alternative text
    has two violations above the bar, each reported with where it is."""
    page = open_page("narrow")
    load_axe_on_every_page(page)
    page.goto("/")
    page.evaluate(
        """() => {
            const main = document.querySelector('main');
            const button = document.createElement('button');
            button.id = 'nameless';
            const image = document.createElement('img');
            image.id = 'unlabelled';
            image.src = '/static/nothing.png';
            main.append(button, image);
        }"""
    )
    found = axe_violations(page)
    assert any(v.startswith("button-name (critical)") and "#nameless" in v for v in found), found
    assert any(v.startswith("image-alt (critical)") and "#unlabelled" in v for v in found), found


def test_the_error_summary_takes_focus_and_links_to_each_field(open_page, site):
    page = open_page("narrow")
    sign_in(page, "dana", PASSWORD)
    page.goto("/requests/new/")
    page.get_by_label("Child's age in months").fill("200")
    page.get_by_role("button", name="Submit the request").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    assert page.title().startswith("Error:")
    summary.get_by_role("link", name="Child's age in months").click()
    expect(page.get_by_label("Child's age in months")).to_be_focused()


def test_a_program_requests_consultation_by_keyboard_only(open_page, site):
    """Sign in, open the request form, fill it and submit it with Tab, Space, arrows and
    typing only: no mouse click anywhere."""
    page = open_page("desktop")
    page.goto("/accounts/login/")

    def tab_to(locator, limit=80):
        for _ in range(limit):
            page.keyboard.press("Tab")
            if locator.evaluate("el => el === document.activeElement"):
                return
        raise AssertionError(f"Tab never reached {locator}")

    tab_to(page.get_by_label("Username"))
    page.keyboard.type("dana")
    tab_to(page.get_by_label("Password"))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/requests/")
    page.goto("/requests/new/")
    # A radio group is one Tab stop (its checked option); the arrows choose within it.
    tab_to(page.get_by_label("A classroom or group"))
    child = page.get_by_label("One child (with a parent's consent)")
    for _ in range(5):
        if child.is_checked():
            break
        page.keyboard.press("ArrowUp")
    expect(child).to_be_checked()
    tab_to(page.get_by_label("Child's age in months"))
    page.keyboard.type("30")
    tab_to(page.get_by_label("A parent consented to consultation about their child"))
    page.keyboard.press("Space")
    tab_to(page.get_by_role("checkbox", name="Risk of suspension or expulsion"))
    page.keyboard.press("Space")
    tab_to(page.get_by_label("What is happening, and what would help?"))
    page.keyboard.type("Biting at transitions.")
    tab_to(page.get_by_role("button", name="Submit the request"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/requests/*/")
    expect(page.get_by_text("is submitted")).to_be_visible()


def tab_to(page, locator, limit=80):
    """Press Tab until `locator` has the focus (a keyboard user's way there)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {locator}")


def _withdraw(page):
    consultation = ConsultationRequest.objects.get(status="submitted")
    page.goto(f"/requests/{consultation.pk}/")
    page.get_by_text("Withdraw the request…").click()
    page.get_by_label("Why withdraw it?").fill("We found help nearby.")
    page.get_by_role("button", name="Withdraw the request").click()
    return (
        "Yes, withdraw the request",
        lambda: ConsultationRequest.objects.get(pk=consultation.pk).status == "withdrawn",
    )


def _offer(page):
    consultation = ConsultationRequest.objects.get(status="submitted")
    page.goto(f"/alliance/requests/{consultation.pk}/")
    page.get_by_role("button", name="Offer to Maria Lopez…").click()
    return (
        "Yes, offer it to Maria Lopez",
        lambda: ConsultationRequest.objects.get(pk=consultation.pk).status == "offered",
    )


def _reject(page):
    pending = Consultant.objects.get(display_name="Paj Yang")
    page.goto(f"/alliance/listings/{pending.pk}/")
    page.get_by_label("Reason").fill("Add your licence number.")
    page.get_by_role("button", name="Reject with this reason").click()
    return (
        "Yes, reject the listing",
        lambda: Consultant.objects.get(pk=pending.pk).listing_status == "rejected",
    )


@pytest.mark.parametrize(
    ("username", "ask"),
    [("dana", _withdraw), ("alex", _offer), ("alex", _reject)],
    ids=["withdraw", "offer", "reject-listing"],
)
def test_a_confirmation_page_works_by_keyboard_at_320_px(open_page, site, username, ask):
    """The confirmation step (iecmhc.pages.confirm_page): no serious violation, no sideways
    scrolling at 320 px, and its button reached and pressed by keyboard alone."""
    page = open_page("narrow")
    sign_in(page, username, PASSWORD)
    page.wait_for_load_state()
    button, acted = ask(page)
    expect(page.get_by_role("button", name=button)).to_be_visible()
    assert not acted()  # asked: nothing changed yet
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    tab_to(page, page.get_by_role("button", name=button))
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("button", name=button)).to_have_count(0)
    assert acted()


def test_chart_labels_keep_their_size_on_a_phone(open_page, site):
    """Issue 17: the reports' charts shrank to fit 320 px, their labels to about 6 px. They
    keep their size and scroll inside their own frame instead."""
    page = open_page("narrow")
    sign_in(page, "alex", PASSWORD)
    page.wait_for_load_state()
    page.goto("/alliance/reports/")
    heights = page.evaluate(
        "[...document.querySelectorAll('svg.chart text')]"
        ".map(t => t.getBoundingClientRect().height).filter(h => h > 0)"
    )
    assert heights, "no chart label on the reports page"
    assert min(heights) >= 11, min(heights)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_the_focus_ring_stands_out_from_the_page(open_page, site):
    """Issue 17: the yellow focus ring had 1.8:1 contrast on the white page; the page's own
    ring is the dark ink colour (the yellow stays on the dark header only)."""
    page = open_page("desktop")
    page.goto("/accounts/login/")
    field = page.get_by_label("Username")
    tab_to(page, field)
    color = field.evaluate("el => getComputedStyle(el).outlineColor")
    assert color not in ("rgb(242, 177, 52)", "rgba(0, 0, 0, 0)"), color
    assert field.evaluate("el => parseFloat(getComputedStyle(el).outlineWidth)") >= 2
