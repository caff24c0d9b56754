"""The accessibility statement, privacy notice and cookies page in a browser: axe-core at phone and
desktop width in English and Welsh, no sideways scrolling on a phone, and "Exit this page" leaving
for the neutral page, a plain link that needs no script, with JavaScript on and off."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Route, expect

from service.settings import Settings
from tests.browser.accessibility import AccessibilityAudit
from tests.browser.live_service import LiveService
from tests.browser.people import DESKTOP, PHONE, open_browser

pytestmark = pytest.mark.browser

PAGES = {
    "/accessibility": ("Accessibility statement", "Datganiad hygyrchedd"),
    "/privacy": ("Privacy notice", "Hysbysiad preifatrwydd"),
    "/cookies": ("Cookies", "Cwcis"),
}
# The service runs with the default neutral page; the browser is answered for it, offline.
EXIT_URL = Settings.model_fields["exit_page_url"].default


def _neutral_page(route: Route) -> None:
    route.fulfill(status=200, content_type="text/html", body="<title>Weather</title><p>Sunny")


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript-on", "javascript-off"])
def test_the_public_pages_pass_axe_and_fit_a_phone_in_english_and_welsh(
    browser: Browser,
    service: LiveService,
    audit: AccessibilityAudit,
    artefacts: Path,
    javascript: bool,
) -> None:
    person = open_browser(browser, javascript=javascript, width=PHONE)
    page = person.page
    for path, titles in PAGES.items():
        for language, title in zip(("en", "cy"), titles, strict=True):
            page.set_viewport_size({"width": PHONE, "height": 900})
            page.goto(service.url(f"{path}?lang={language}"))
            expect(page.get_by_role("heading", level=1)).to_have_text(title)
            # No sideways scrolling on a phone.
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE, path
            for width in (PHONE, DESKTOP):
                page.set_viewport_size({"width": width, "height": 900})
                name = f"public{path.replace('/', '-')}-{language}-{width}"
                suffix = "" if javascript else "-nojs"
                page.screenshot(path=artefacts / f"{name}{suffix}.png", full_page=True)
                audit.check(page, f"public: {title} ({language}) at {width}px")
    person.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript-on", "javascript-off"])
def test_exit_this_page_leaves_a_family_page_for_the_neutral_page(
    browser: Browser, service: LiveService, javascript: bool
) -> None:
    person = open_browser(browser, javascript=javascript, width=PHONE)
    person.context.route(f"{EXIT_URL}**", _neutral_page)
    page = person.page
    page.goto(service.url("/consent/this-link-is-not-real"))
    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work")
    exit_button = page.get_by_role("button", name="Emergency Exit this page")
    expect(exit_button).to_be_visible()
    exit_button.click()
    page.wait_for_url(EXIT_URL)
    expect(page).to_have_title("Weather")
    # Family pages load no script, even where the browser would run one: the button is all.
    page.goto(service.url("/privacy"))
    assert page.evaluate("document.scripts.length") == 0
    person.close()
