"""The whole journey as people make it: the trainee asks, QA approves, everyone in the family says
yes from the link in their own email, QA sees it is going ahead, and the invite arrives."""

from pathlib import Path

import pytest
from icalendar import Calendar
from playwright.sync_api import Browser, expect

from tests.browser.accessibility import AccessibilityAudit
from tests.browser.live_service import QA_MAILBOX, LiveService, SeededConference, seed_conference
from tests.browser.mail_capture import CapturedMail
from tests.browser.people import (
    PHONE,
    Camera,
    answer,
    consent_link,
    expect_consent_page,
    expect_error_summary,
    open_browser,
    qa_approves,
    qa_sees_status,
    sign_in,
    sign_in_with_wrong_password_first,
    trainee_asks,
)

pytestmark = pytest.mark.browser


def _calendar_invite(service: LiveService, address: str, reference: str) -> CapturedMail:
    (invite,) = service.mail.wait_for(
        address,
        lambda mail: mail.part("text/calendar") is not None and reference in mail.everything(),
    )
    return invite


def _assert_invite_requests_the_observation(
    invite: CapturedMail, conference: SeededConference
) -> None:
    part = invite.part("text/calendar")
    assert part is not None
    assert part.get_param("method") == "REQUEST"
    calendar = Calendar.from_ical(invite.text("text/calendar"))
    assert str(calendar["METHOD"]) == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == conference.starts_at
    assert conference.reference in str(event["SUMMARY"])
    for member in conference.family:
        assert member.name.split()[-1] not in invite.everything()


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript-on", "javascript-off"])
def test_the_trainee_observes_once_everyone_in_the_family_says_yes(
    browser: Browser,
    service: LiveService,
    audit: AccessibilityAudit,
    artefacts: Path,
    javascript: bool,
) -> None:
    label = "yes" if javascript else "yes-nojs"
    conference = seed_conference(service, label)
    camera = Camera(artefacts, f"journey-{label}", audit)

    trainee = open_browser(browser, javascript=javascript)
    sign_in_with_wrong_password_first(trainee.page, service, service.trainee_email, audit)
    sign_in(trainee.page, service, service.trainee_email, audit, "trainee")
    request_id = trainee_asks(trainee.page, service, conference, audit)
    service.mail.wait_for(QA_MAILBOX, lambda mail: conference.reference in mail.subject)

    qa = open_browser(browser, javascript=javascript)
    sign_in(qa.page, service, service.qa_email, audit, "qa")
    qa_approves(qa.page, service, conference, request_id, audit)

    trainee.page.goto(service.url(f"/trainee/requests/{request_id}"))
    expect(trainee.page.locator("main")).to_contain_text("The family is being asked")
    audit.check(trainee.page, "trainee: request, asking the family")

    for number, member in enumerate(conference.family):
        person = open_browser(browser, javascript=javascript, width=PHONE)
        page = person.page
        page.goto(consent_link(service, member))
        expect_consent_page(page, member)
        expect(page.locator("main")).to_contain_text(service.trainee_name)
        # Family pages load no script at all, whether or not the browser would run one.
        assert page.evaluate("document.scripts.length") == 0
        wording = "young-person" if member.young else "adult"
        camera.family_page(page, f"consent-{wording}")
        if number == 0:
            page.get_by_role("button", name="Send my answer").click()
            expect_error_summary(page, "Choose yes or no")
            camera.family_page(page, f"consent-{wording}-nothing-chosen")
        answer(page, "yes")
        expect(page.locator(".govuk-notification-banner")).to_contain_text("You said yes")
        camera.family_page(page, f"answer-saved-yes-{wording}")
        service.mail.wait_for(member.email, lambda mail: "your answer" in mail.subject)
        person.close()

    qa_sees_status(qa.page, service, request_id, "Going ahead", audit)
    for address in (QA_MAILBOX, service.trainee_email):
        invite = _calendar_invite(service, address, conference.reference)
        _assert_invite_requests_the_observation(invite, conference)

    trainee.page.goto(service.url(f"/trainee/requests/{request_id}"))
    main = trainee.page.locator("main")
    expect(main).to_contain_text("Going ahead")
    expect(trainee.page.get_by_role("link", name="Download the calendar invite")).to_be_visible()
    audit.check(trainee.page, "trainee: request, going ahead")
    for member in conference.family:
        expect(main).not_to_contain_text(member.name.split()[-1])
    trainee.close()
    qa.close()
