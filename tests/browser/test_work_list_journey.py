"""A QA officer's day through the work list, and a trainee told why a conference is not open.

The trainee asks; their home and the ask page now say they have asked, before any form. QA's
home leads with the request to decide, the link opens it at its decision, and once approved it
leaves the work list. A conference too soon to ask about says when requests closed. Every page
is checked with axe at 375 and 1,280 px.
"""

import re
from datetime import datetime, timedelta

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.accessibility import AccessibilityAudit
from tests.browser.live_service import LiveService, seed_conference
from tests.browser.people import DESKTOP, PHONE, open_browser, sign_in, trainee_asks

pytestmark = pytest.mark.browser


def _check_at_both_widths(page: Page, audit: AccessibilityAudit, label: str) -> None:
    for width in (PHONE, DESKTOP):
        page.set_viewport_size({"width": width, "height": 900})
        audit.check(page, f"{label} at {width}px")


def _too_soon_conference(service: LiveService) -> str:
    """A conference two days ahead, recorded through the API; returns its reference."""
    reference = f"CP-SOON-{datetime.now().strftime('%H%M%S%f')}"
    created = httpx.post(
        service.url("/api/v1/conferences"),
        headers={"Authorization": f"Bearer {service.api_token(service.qa_email)}"},
        json={"reference": reference, "kind": "review",
              "starts_at": (datetime.now().astimezone() + timedelta(days=2)).isoformat(),
              "duration_minutes": 60, "venue": "Room 3", "open_to_observers": True},
    )  # fmt: skip
    assert created.status_code == 201, created.text
    return reference


def test_qa_decides_from_the_work_list_and_the_trainee_is_told_what_is_not_open(
    browser: Browser, service: LiveService, audit: AccessibilityAudit
) -> None:
    conference = seed_conference(service, "work")
    too_soon = _too_soon_conference(service)

    trainee = open_browser(browser, javascript=True)
    sign_in(trainee.page, service, service.trainee_email, audit, "trainee")
    request_id = trainee_asks(trainee.page, service, conference, audit)
    page = trainee.page
    page.goto(service.url("/trainee"))
    # The conferences' table; the trainee's own requests follow in a second one.
    asked = page.get_by_role("row").filter(has_text=conference.reference).first
    expect(asked).to_contain_text("Already asked by you")
    expect(page.get_by_role("row").filter(has_text=too_soon).first).to_contain_text(
        "Too soon: requests closed on"
    )
    _check_at_both_widths(page, audit, "trainee: conferences with reasons")
    page.goto(service.url(f"/trainee/conferences/{conference.id}/ask"))
    expect(page.locator("#why-not-open")).to_contain_text("You have already asked")
    expect(page.get_by_role("button", name="Send request")).to_have_count(0)
    _check_at_both_widths(page, audit, "trainee: already asked")
    trainee.close()

    qa = open_browser(browser, javascript=True, width=PHONE)
    sign_in(qa.page, service, service.qa_email, audit, "qa")
    page = qa.page
    expect(page.get_by_role("heading", name="Needs doing now")).to_be_visible()
    _check_at_both_widths(page, audit, "QA: work list")
    # The hidden part of a link's name is a span of its own: Chromium may put a space before it.
    decide_name = re.compile(rf"^Approve or decline\s*, conference {conference.reference}$")
    decide = page.get_by_role("link", name=decide_name)
    decide.click()
    expect(page).to_have_url(service.url(f"/qa/requests/{request_id}#approve"))
    page.get_by_role("button", name="Approve and ask the family").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "You approved the request"
    )
    page.goto(service.url("/qa"))
    expect(page.get_by_role("link", name=decide_name)).to_have_count(0)
    qa.close()
