"""The family's pages when something is not as expected: an expired link, and details that
changed while the page was open. Each is screenshotted and checked with axe like the journeys."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import time_machine
from playwright.sync_api import Browser, expect

from service.links import CONSENT_LINK_MAX_AGE_SECONDS, make_consent_token, read_consent_token
from service.settings import Settings
from tests.browser.accessibility import AccessibilityAudit
from tests.browser.live_service import LiveService, SeededConference, seed_conference
from tests.browser.people import PHONE, Camera, answer, consent_link, open_browser, sign_in
from tests.support.scenario import request_body

pytestmark = pytest.mark.browser


def _approved(service: LiveService, conference: SeededConference) -> int:
    """The trainee asks and QA approves, through the API: these pages are about the family."""
    trainee = {"Authorization": f"Bearer {service.api_token(service.trainee_email)}"}
    created = httpx.post(
        service.url("/api/v1/observation-requests"),
        headers=trainee,
        json=request_body(conference.id),
    )
    assert created.status_code == 201, created.text
    qa = {"Authorization": f"Bearer {service.api_token(service.qa_email)}"}
    approved = httpx.post(
        service.url(f"/api/v1/observation-requests/{created.json()['id']}/approve"), headers=qa
    )
    assert approved.status_code == 200, approved.text
    return int(created.json()["id"])


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript-on", "javascript-off"])
def test_an_expired_link_and_changed_details_get_calm_clear_pages(
    browser: Browser,
    service: LiveService,
    audit: AccessibilityAudit,
    artefacts: Path,
    javascript: bool,
) -> None:
    label = "odd" if javascript else "odd-nojs"
    conference = seed_conference(service, label)
    mother, father, _daughter = conference.family
    camera = Camera(artefacts, f"states-{label}", audit)
    _approved(service, conference)

    # A link signed longer ago than any link may live, for a real invitation.
    settings = Settings(secret_key=service.env["CPC_SECRET_KEY"], base_url=service.base_url)
    link = consent_link(service, mother)
    real = read_consent_token(settings, link.rsplit("/consent/", 1)[1])
    signed_at = datetime.now(UTC) - timedelta(seconds=CONSENT_LINK_MAX_AGE_SECONDS + 86_400)
    with time_machine.travel(signed_at, tick=False):
        old = make_consent_token(settings, invitation_id=real.invitation_id, nonce=real.nonce)
    person = open_browser(browser, javascript=javascript, width=PHONE)
    person.page.goto(service.url(f"/consent/{old}"))
    expect(person.page.get_by_role("heading", level=1)).to_have_text("This link has expired")
    camera.family_page(person.page, "expired-link")
    person.close()

    # The meeting moves while a parent has the page open: they are shown the details again.
    person = open_browser(browser, javascript=javascript, width=PHONE)
    page = person.page
    page.goto(consent_link(service, father))
    qa = {"Authorization": f"Bearer {service.api_token(service.qa_email)}"}
    moved = httpx.post(
        service.url(f"/api/v1/conferences/{conference.id}/reschedule"),
        headers=qa,
        json={"starts_at": (conference.starts_at + timedelta(days=1)).isoformat()},
    )
    assert moved.status_code == 200, moved.text
    answer(page, "yes")
    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text("Some details changed while this page was open")
    expect(page.locator("input[name=decision]:checked")).to_have_count(0)
    camera.family_page(page, "details-changed")
    answer(page, "yes")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You said yes")
    person.close()


def test_the_printed_records_open_in_a_browser_that_is_offline(
    browser: Browser, service: LiveService, audit: AccessibilityAudit, tmp_path: Path
) -> None:
    conference = seed_conference(service, "print")
    request_id = _approved(service, conference)
    qa = open_browser(browser, javascript=True)
    sign_in(qa.page, service, service.qa_email, audit, "qa")
    qa.page.goto(service.url(f"/qa/requests/{request_id}"))
    family_copy = qa.page.locator("a[href*='/record/family/']").first.get_attribute("href")
    assert family_copy is not None
    for number, record in enumerate((f"/qa/requests/{request_id}/record", family_copy)):
        # The file as downloaded, opened later by someone with no network at all.
        saved = qa.context.request.get(service.url(record))
        assert saved.ok, saved.status
        copy = tmp_path / f"record-{number}.html"
        copy.write_bytes(saved.body())
        reader = browser.new_context(offline=True)
        page = reader.new_page()
        fetched: list[str] = []
        page.on("request", lambda request, seen=fetched: seen.append(request.url))
        page.goto(copy.as_uri())
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        others = [url for url in fetched if url != copy.as_uri()]
        assert others == [], f"the record asked the network for {others}"
        audit.check(page, f"printed record {number + 1}")
        reader.close()
    qa.close()
