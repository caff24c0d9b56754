"""A father QA recorded as needing Easy Read reads his link: short sentences with a picture
beside each point, in English and in Welsh, and answers. With and without JavaScript, checked
with axe; each wording is kept as a screenshot at 375 px and 1,280 px."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.accessibility import AccessibilityAudit
from tests.browser.live_service import LiveService, seed_conference
from tests.browser.people import PHONE, Camera, consent_link, open_browser
from tests.browser.test_family_error_states import _approved

pytestmark = pytest.mark.browser

EASY_READ_SUBJECT = "Can a trainee watch your Child Protection Conference?"


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript-on", "javascript-off"])
def test_an_easy_read_parent_reads_with_pictures_and_answers(
    browser: Browser,
    service: LiveService,
    audit: AccessibilityAudit,
    artefacts: Path,
    javascript: bool,
) -> None:
    label = "er" if javascript else "er-nojs"
    conference = seed_conference(service, label, needs={"Father": ["easy_read"]})
    _mother, father, _daughter = conference.family
    camera = Camera(artefacts, f"easy-read-{label}", audit)
    _approved(service, conference)
    (email,) = service.mail.wait_for(father.email, lambda m: m.subject == EASY_READ_SUBJECT)

    person = open_browser(browser, javascript=javascript, width=PHONE)
    page = person.page
    page.goto(email.link("/consent/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Can a trainee sit in on your meeting?"
    )
    points = page.locator(".app-easy-read__point")
    expect(points.first).to_be_visible()
    assert points.count() >= 12
    # Each picture sits beside its words and is hidden from screen readers.
    pictures = page.locator("svg.app-easy-read__picture")
    assert pictures.count() == points.count()
    for index in range(pictures.count()):
        expect(pictures.nth(index)).to_have_attribute("aria-hidden", "true")
    first_box = pictures.first.bounding_box()
    words_box = points.first.locator("span").bounding_box()
    assert first_box and words_box and first_box["x"] + first_box["width"] <= words_box["x"]
    # No sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    camera.family_page(page, "consent")

    page.get_by_role("link", name="Cymraeg").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_text("Gallwch chi ddweud ie. Gallwch chi ddweud na.")).to_be_visible()
    camera.family_page(page, "consent-cy")
    page.get_by_label("Ie, cân nhw arsylwi").check()
    page.get_by_role("button", name="Anfon fy ateb").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Dywedoch chi ie")
    camera.family_page(page, "answered-cy")
    person.close()


def test_each_wording_in_each_language_is_kept_at_phone_width(
    browser: Browser, service: LiveService, audit: AccessibilityAudit, artefacts: Path
) -> None:
    conference = seed_conference(service, "words", needs={"Father": ["easy_read"]})
    mother, father, daughter = conference.family
    camera = Camera(artefacts, "wording", audit)
    _approved(service, conference)
    links = {
        "adult": consent_link(service, mother),
        "young-person": consent_link(service, daughter),
        "easy-read": service.mail.wait_for(father.email, lambda m: m.subject == EASY_READ_SUBJECT)[
            0
        ].link("/consent/"),
    }
    person = open_browser(browser, javascript=True, width=PHONE)
    for wording, link in links.items():
        for language in ("en", "cy"):
            person.page.goto(f"{link}?lang={language}")
            expect(person.page.locator("html")).to_have_attribute("lang", language)
            expect(person.page.locator("#information")).to_be_visible()
            camera.family_page(person.page, f"{wording}-{language}")
    person.close()
