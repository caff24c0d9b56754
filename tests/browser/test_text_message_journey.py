"""A father reached by text message opens the short link from his text on a phone, reads his
page and answers. The text goes through the GOV.UK Notify stand-in; checked with axe."""

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.accessibility import AccessibilityAudit
from tests.browser.live_service import LiveService, seed_conference
from tests.browser.people import PHONE, Camera, open_browser
from tests.browser.test_family_error_states import _approved
from tests.support.notify_stand_in import NotifyStandIn, Received

pytestmark = pytest.mark.browser


def _text_to(notify: NotifyStandIn, number: str, timeout: float = 20.0) -> Received:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for text in notify.of_kind("sms"):
            if text.body.get("phone_number") == number:
                return text
        time.sleep(0.1)
    raise AssertionError(f"no text message to {number} arrived")


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript-on", "javascript-off"])
def test_a_parent_answers_from_the_short_link_in_a_text_message(
    browser: Browser,
    service: LiveService,
    notify: NotifyStandIn,
    audit: AccessibilityAudit,
    artefacts: Path,
    javascript: bool,
) -> None:
    label = "sms" if javascript else "sms-nojs"
    number = "+447900900124" if javascript else "+447900900125"
    conference = seed_conference(
        service,
        label,
        reached={"Father": {"contact_channel": "sms", "mobile_number": number}},
    )
    camera = Camera(artefacts, f"text-message-{label}", audit)
    _approved(service, conference)
    text = _text_to(notify, number)
    assert "Quixley" not in text.text and "child" not in text.text.lower()
    link = re.search(r"https?://\S+/a/[A-Z0-9]{12}", text.text)
    assert link, text.text

    person = open_browser(browser, javascript=javascript, width=PHONE)
    page = person.page
    page.goto(link.group(0))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Can a trainee watch your child protection conference?"
    )
    expect(page.get_by_text("Hello Jonathan Quixley")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    camera.family_page(page, "consent")
    page.get_by_label("Yes, they can observe").check()
    page.get_by_role("button", name="Send my answer").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You said yes")
    camera.family_page(page, "answered")
    person.close()
