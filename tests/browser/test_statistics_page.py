"""QA's statistics in a browser: charts and tables pass axe at phone and desktop width, with and
without JavaScript, nothing scrolls sideways on a phone, and a period of two dates can be chosen."""

from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.browser.accessibility import AccessibilityAudit
from tests.browser.live_service import LiveService, seed_conference
from tests.browser.people import DESKTOP, PHONE, open_browser, sign_in
from tests.support.scenario import request_body

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript-on", "javascript-off"])
def test_the_statistics_pass_axe_and_fit_a_phone(
    browser: Browser,
    service: LiveService,
    audit: AccessibilityAudit,
    artefacts: Path,
    javascript: bool,
) -> None:
    conference = seed_conference(service, f"stats{int(javascript)}")
    token = service.api_token(service.trainee_email)
    asked = httpx.post(service.url("/api/v1/observation-requests"),
                       json=request_body(conference.id),
                       headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert asked.status_code == 201, asked.text

    person = open_browser(browser, javascript=javascript, width=PHONE)
    page = person.page
    sign_in(page, service, service.qa_email, audit, "qa")
    page.goto(service.url("/qa/statistics"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Statistics")
    assert page.locator("svg[role=img]").count() >= 10
    expect(page.get_by_role("img", name="Requests to observe, by outcome")).to_be_visible()
    for width in (PHONE, DESKTOP):
        page.set_viewport_size({"width": width, "height": 900})
        wide = page.evaluate(
            "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
            " > document.documentElement.clientWidth).slice(0, 5).map(e => e.tagName + '.' +"
            " e.className + ' ' + (e.textContent || '').slice(0, 40))"
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= width, wide
        suffix = "" if javascript else "-nojs"
        page.screenshot(path=artefacts / f"qa-statistics-{width}{suffix}.png", full_page=True)
        audit.check(page, f"qa: statistics at {width}px")

    page.get_by_label("Between two dates").check()
    page.get_by_label("First day").fill("2026-04-01")
    page.get_by_label("Last day").fill("2026-03-01")
    page.get_by_role("button", name="Show the figures").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("on or after the first day")
    audit.check(page, "qa: statistics, dates the wrong way round")
    page.get_by_label("Last day").fill("2027-03-31")
    page.get_by_role("button", name="Show the figures").click()
    expect(page.locator("p.govuk-body-l")).to_contain_text("1 April 2026 to 31 March 2027")
    person.close()
