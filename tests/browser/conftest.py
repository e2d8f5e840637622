"""Browser tests: Playwright driving Debian's Chromium against Django's live server.

Outside CI the tests skip, with a clear message, when Chromium is not installed; in CI
(BROWSER_TESTS_REQUIRED=1, set by .ci/run) a missing browser fails them. Screenshots go to
artifacts/screenshots/ (git-ignored), at phone and desktop widths.
"""

import os
import shutil
from pathlib import Path

import pytest

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
VIEWPORTS = {
    "narrow": {"width": 320, "height": 640},
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1280, "height": 900},
}


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = (
            f"Chromium not found at {CHROMIUM}: install Debian's `chromium` package "
            "(or set CHROMIUM_PATH) to run the browser tests."
        )
        if os.environ.get("BROWSER_TESTS_REQUIRED"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the tests' own ORM calls are
    # still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser, live_server):
    """open_page(viewport="desktop") -> a new page in its own context (its own cookies).

    Every page is watched for Content Security Policy violations: the policy forbids inline
    scripts and styles, so a page that needs one is broken for real users, and fails here."""
    contexts, violations = [], []

    def make(viewport: str = "desktop"):
        context = browser.new_context(viewport=VIEWPORTS[viewport], base_url=live_server.url)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                violations.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )
        return page

    yield make
    for context in contexts:
        context.close()
    assert not violations, "CSP violations:\n" + "\n".join(violations)


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot as artifacts/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
