"""A QA officer's day through the work list, and a trainee told why a conference is not open.

The trainee asks; their home and the ask page now say they have asked, before any form. QA's
home leads with the request to decide, the link opens it at its decision, and once approved it
leaves the work list. A conference too soon to ask about says when requests closed. Every page
is checked with axe at 375 and 1,280 px.
"""

import json
import re
import time
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.accessibility import AccessibilityAudit
from tests.browser.live_service import (
    LiveService,
    conference_start,
    create_user,
    seed_conference,
)
from tests.browser.mail_capture import NO_SUCH_MAILBOX
from tests.browser.people import DESKTOP, PHONE, open_browser, sign_in, trainee_asks
from tests.support.scenario import request_body

pytestmark = pytest.mark.browser
# Whole-page screenshots of the staff pages QA and a trainee start from, and their heights.
SCREENS = Path(__file__).parent / "artefacts" / "screens"


def _check_at_both_widths(page: Page, audit: AccessibilityAudit, label: str) -> None:
    for width in (PHONE, DESKTOP):
        page.set_viewport_size({"width": width, "height": 900})
        audit.check(page, f"{label} at {width}px")


def _screens(page: Page, name: str, heights: dict[str, int]) -> None:
    """Keep whole-page screenshots at both widths, and note how tall the page is at each."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    for width in (PHONE, DESKTOP):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=SCREENS / f"{name}-{width}.png", full_page=True)
        heights[f"{name} at {width}px"] = int(
            page.evaluate("document.documentElement.scrollHeight")
        )


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
    heights: dict[str, int] = {}
    page.goto(service.url("/trainee"))
    _screens(page, "trainee-home", heights)
    trainee.close()

    qa = open_browser(browser, javascript=True, width=PHONE)
    sign_in(qa.page, service, service.qa_email, audit, "qa")
    page = qa.page
    expect(page.get_by_role("heading", name="Needs doing now")).to_be_visible()
    _check_at_both_widths(page, audit, "QA: work list")
    _screens(page, "qa-home", heights)
    # The hidden part of a link's name is a span of its own: Chromium may put a space before it.
    decide_name = re.compile(rf"^Approve or decline\s*, conference {conference.reference}$")
    decide = page.get_by_role("link", name=decide_name)
    decide.click()
    expect(page).to_have_url(service.url(f"/qa/requests/{request_id}#approve"))
    _screens(page, "qa-request", heights)
    (SCREENS / "page-heights.json").write_text(json.dumps(heights, indent=2) + "\n")
    page.set_viewport_size({"width": PHONE, "height": 900})
    page.get_by_role("button", name="Approve and ask the family").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "You approved the request"
    )
    page.goto(service.url("/qa"))
    expect(page.get_by_role("link", name=decide_name)).to_have_count(0)
    qa.close()


def _conference_without_family(service: LiveService) -> tuple[int, str]:
    """A conference four weeks ahead, with nobody in the family listed yet."""
    reference = f"CP-NOFAMILY-{datetime.now().strftime('%H%M%S%f')}"
    created = httpx.post(
        service.url("/api/v1/conferences"),
        headers={"Authorization": f"Bearer {service.api_token(service.qa_email)}"},
        json={"reference": reference, "kind": "initial",
              "starts_at": conference_start().isoformat(),
              "duration_minutes": 90, "venue": "Room 4", "open_to_observers": True},
    )  # fmt: skip
    assert created.status_code == 201, created.text
    return int(created.json()["id"]), reference


def test_a_family_list_to_finish_and_a_conference_another_trainee_is_observing(
    browser: Browser, service: LiveService, audit: AccessibilityAudit
) -> None:
    conference_id, reference = _conference_without_family(service)
    other = "robin.trainee@council.example"
    create_user(service, other, "Robin Second", "trainee")
    second = open_browser(browser, javascript=False)
    sign_in(second.page, service, other, audit, "trainee")
    second.page.get_by_role("link", name=f"Ask to observe conference {reference}").click()
    page = second.page
    page.get_by_label("Your role").fill("Student social worker")
    page.get_by_label("Your organisation").fill("Northshire Children's Services")
    page.get_by_label("Why do you want to observe?").fill("To learn how families are heard.")
    page.get_by_label("Your supervisor's name").fill("Sam Okafor")
    page.get_by_label("Your supervisor's email address").fill("sam.okafor@council.example")
    page.get_by_label("I agree to keep the conference confidential").check()
    page.get_by_role("button", name="Send request").click()
    expect(page).to_have_url(re.compile(r"/trainee/requests/\d+\?done=asked$"))
    second.close()

    trainee = open_browser(browser, javascript=True)
    sign_in(trainee.page, service, service.trainee_email, audit, "trainee")
    page = trainee.page
    taken = page.get_by_role("row").filter(has_text=reference).first
    expect(taken).to_contain_text("Another trainee is observing")
    expect(page.get_by_role("link", name=f"Ask to observe conference {reference}")).to_have_count(0)
    _check_at_both_widths(page, audit, "trainee: another trainee is observing")
    trainee.close()

    qa = open_browser(browser, javascript=True)
    sign_in(qa.page, service, service.qa_email, audit, "qa")
    page = qa.page
    finish = re.compile(rf"^Finish the family list\s*, conference {reference}$")
    page.get_by_role("link", name=finish).click()
    expect(page).to_have_url(service.url(f"/qa/conferences/{conference_id}"))
    page.get_by_role("button", name="Add a family member").click()
    page.get_by_label("Full name").fill("Morgan Pryce")
    page.get_by_label("Relationship to the child").fill("Mother")
    page.get_by_label("By email").check()
    page.get_by_label("Email address").fill("morgan.pryce@family.example")
    page.get_by_role("group", name="Is this person a child or an adult?").get_by_label(
        "Adult"
    ).check()
    page.get_by_role("group", name="Does this person have parental responsibility?").get_by_label(
        "Yes"
    ).check()
    page.get_by_role("button", name="Add family member").click()
    expect(page).to_have_url(re.compile(rf"/qa/conferences/{conference_id}\?done=member_added$"))
    page.goto(service.url("/qa"))
    expect(page.get_by_role("link", name=finish)).to_have_count(0)

    # The request page leads with where it stands and the next step, in the first screen.
    page.goto(service.url("/qa?status=submitted"))
    page.get_by_role("link", name=re.compile(rf"^{re.escape(reference)}\s*, request \d+$")).click()
    for width in (PHONE, DESKTOP):
        page.set_viewport_size({"width": width, "height": 900})
        box = page.locator("#standing").bounding_box()
        assert box is not None and box["y"] + box["height"] < 900, (width, box)
    expect(page.locator("#standing")).to_contain_text("Waiting for your decision")
    _check_at_both_widths(page, audit, "QA: request page with where it stands")
    qa.close()


def test_qa_asks_in_person_after_a_message_the_mail_server_refused(
    browser: Browser, service: LiveService, audit: AccessibilityAudit
) -> None:
    stamp = datetime.now().strftime("%H%M%S%f")
    refused = {"Mother": {"email": f"{NO_SUCH_MAILBOX}mother.{stamp}@family.example"}}
    conference = seed_conference(service, "refused", reached=refused)
    trainee = {"Authorization": f"Bearer {service.api_token(service.trainee_email)}"}
    created = httpx.post(service.url("/api/v1/observation-requests"), headers=trainee,
                         json=request_body(conference.id))  # fmt: skip
    assert created.status_code == 201, created.text
    request_id = int(created.json()["id"])
    qa_token = {"Authorization": f"Bearer {service.api_token(service.qa_email)}"}
    approved = httpx.post(
        service.url(f"/api/v1/observation-requests/{request_id}/approve"), headers=qa_token
    )
    assert approved.status_code == 200, approved.text

    qa = open_browser(browser, javascript=True, width=PHONE)
    sign_in(qa.page, service, service.qa_email, audit, "qa")
    page = qa.page
    ask = re.compile(rf"^Ask in person\s*, conference {conference.reference}$")
    # The dispatcher tries the mother's invitation and the mail server refuses it for good.
    waited_until = time.monotonic() + 30
    while page.get_by_role("link", name=ask).count() == 0:
        assert time.monotonic() < waited_until, "the refused invitation never reached QA"
        page.wait_for_timeout(300)
        page.reload()
    _check_at_both_widths(page, audit, "QA: work list with a message not delivered")
    page.get_by_role("link", name=ask).click()
    expect(page).to_have_url(service.url(f"/qa/requests/{request_id}"))
    standing = page.locator("#standing")
    expect(standing).to_contain_text("A message to 1 person could not be delivered")
    standing.get_by_role("link").click()
    expect(page).to_have_url(service.url(f"/qa/requests/{request_id}#record-answer"))
    page.get_by_role("group", name="Whose answer is it?").get_by_label(
        re.compile("Alexandra Zebedee")
    ).check()
    page.get_by_role("group", name="Did they agree to the trainee observing?").get_by_label(
        "Yes", exact=True
    ).check()
    page.get_by_role("group", name="How did they answer?").get_by_label("In person").check()
    page.get_by_role("button", name="Record answer").click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    page.goto(service.url("/qa"))
    expect(page.get_by_role("link", name=ask)).to_have_count(0)
    qa.close()
