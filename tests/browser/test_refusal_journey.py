"""A change of mind: one parent says yes, then no. The observation stops, the others' links say
the request is no longer active, and the trainee learns only that it is not going ahead."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.accessibility import AccessibilityAudit
from tests.browser.live_service import QA_MAILBOX, LiveService, seed_conference
from tests.browser.people import (
    PHONE,
    Camera,
    answer,
    consent_link,
    expect_consent_page,
    open_browser,
    qa_approves,
    qa_sees_status,
    sign_in,
    trainee_asks,
)

pytestmark = pytest.mark.browser


def _tampered(link: str) -> str:
    # Change a character inside the signature: the last one carries padding bits, and some
    # changes to it would leave the signature as it was.
    position = len(link) - 10
    return link[:position] + ("A" if link[position] != "A" else "Q") + link[position + 1 :]


def _expect_no_longer_active(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("This request has ended")
    expect(page.locator("main")).to_contain_text("You do not need to do anything")
    expect(page.locator("form[method=post] input[name=decision]")).to_have_count(0)


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript-on", "javascript-off"])
def test_a_parent_who_changes_their_mind_to_no_stops_the_observation_for_everyone(
    browser: Browser,
    service: LiveService,
    audit: AccessibilityAudit,
    artefacts: Path,
    javascript: bool,
) -> None:
    label = "no" if javascript else "no-nojs"
    conference = seed_conference(service, label)
    mother, father, daughter = conference.family
    camera = Camera(artefacts, f"journey-{label}", audit)

    trainee = open_browser(browser, javascript=javascript)
    sign_in(trainee.page, service, service.trainee_email, audit, "trainee")
    request_id = trainee_asks(trainee.page, service, conference, audit)
    qa = open_browser(browser, javascript=javascript)
    sign_in(qa.page, service, service.qa_email, audit, "qa")
    qa_approves(qa.page, service, conference, request_id, audit, try_an_empty_decline=True)
    links = {member.email: consent_link(service, member) for member in conference.family}

    parent = open_browser(browser, javascript=javascript, width=PHONE)
    parent.page.goto(links[mother.email])
    expect_consent_page(parent.page, mother)
    answer(parent.page, "yes")
    expect(parent.page.locator(".govuk-notification-banner")).to_contain_text("You said yes")
    parent.close()

    changing = open_browser(browser, javascript=javascript, width=PHONE)
    page = changing.page
    page.goto(links[father.email])
    answer(page, "yes")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You said yes")
    page.goto(links[father.email])
    expect(page.locator("#current-answer")).to_contain_text("You said yes")
    camera.family_page(page, "consent-adult-answered-yes")
    answer(page, "no")
    expect(page.get_by_role("heading", level=1)).to_have_text("You said no")
    expect(page.locator("main")).to_contain_text("The observer will not come")
    camera.family_page(page, "said-no")
    page.goto(_tampered(links[father.email]))
    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work")
    camera.family_page(page, "bad-link")
    changing.close()

    for member, name in ((mother, "no-longer-active-adult"), (daughter, "no-longer-active-young")):
        other = open_browser(browser, javascript=javascript, width=PHONE)
        other.page.goto(links[member.email])
        _expect_no_longer_active(other.page)
        camera.family_page(other.page, name)
        other.close()

    qa_sees_status(qa.page, service, request_id, "Not going ahead", audit)
    service.mail.wait_for(QA_MAILBOX, lambda mail: "not going ahead" in mail.everything().lower())

    trainee.page.goto(service.url(f"/trainee/requests/{request_id}"))
    main = trainee.page.locator("main")
    expect(main).to_contain_text("Not going ahead")
    audit.check(trainee.page, "trainee: request, not going ahead")
    (outcome,) = service.mail.wait_for(
        service.trainee_email,
        lambda mail: conference.reference in mail.subject and "will not go ahead" in mail.subject,
    )
    for member in conference.family:
        for part in (*member.name.split(), member.email, member.relationship):
            expect(main).not_to_contain_text(part)
        assert member.name.split()[-1] not in outcome.everything()
    for mail in service.mail.to(service.trainee_email):
        if conference.reference in mail.everything():
            assert mail.part("text/calendar") is None, "no invite: it never went ahead"
    trainee.close()
    qa.close()
