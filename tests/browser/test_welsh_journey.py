"""A parent reads their link in Welsh: the switch keeps the page, the page says it is Welsh, and
the answer is given and confirmed in Welsh. With and without JavaScript, checked with axe."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.accessibility import AccessibilityAudit
from tests.browser.live_service import LiveService, seed_conference
from tests.browser.people import PHONE, Camera, consent_link, open_browser
from tests.browser.test_family_error_states import _approved

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript-on", "javascript-off"])
def test_a_parent_switches_to_welsh_and_answers_in_welsh(
    browser: Browser,
    service: LiveService,
    audit: AccessibilityAudit,
    artefacts: Path,
    javascript: bool,
) -> None:
    label = "cy" if javascript else "cy-nojs"
    conference = seed_conference(service, label)
    mother, _father, daughter = conference.family
    camera = Camera(artefacts, f"welsh-{label}", audit)
    _approved(service, conference)

    person = open_browser(browser, javascript=javascript, width=PHONE)
    page = person.page
    link = consent_link(service, mother)
    page.goto(link)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("link", name="Cymraeg").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    assert page.url.split("?")[0] == link.split("?")[0]
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "A gaiff hyfforddai wylio eich cynhadledd amddiffyn plant?"
    )
    camera.family_page(page, "consent-adult")
    page.get_by_label("Ie, cân nhw arsylwi").check()
    page.get_by_role("button", name="Anfon fy ateb").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Dywedoch chi ie")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    camera.family_page(page, "answered")
    # Opened again later from the email, the link remembers Welsh.
    page.goto(link)
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    person.close()

    # The young person's wording in Welsh.
    young = open_browser(browser, javascript=javascript, width=PHONE)
    young.page.goto(consent_link(service, daughter) + "?lang=cy")
    expect(young.page.get_by_role("heading", level=1)).to_have_text(
        "A gaiff hyfforddai eistedd i mewn yn eich cyfarfod?"
    )
    camera.family_page(young.page, "consent-young-person")
    young.close()
