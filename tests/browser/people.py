"""What each person does in their own browser: the trainee asks, QA approves, the family answers."""

import re
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.accessibility import AccessibilityAudit
from tests.browser.live_service import PASSWORD, FamilyMember, LiveService, SeededConference

PHONE = 375
DESKTOP = 1280
ANSWER_LABELS = {"yes": "Yes, they can observe", "no": "No, they cannot observe"}
INVITATION_SUBJECT = "Can a trainee sit in on the Child Protection Conference?"


@dataclass
class Person:
    """Someone at their own browser: their own cookies, their own screen width."""

    context: BrowserContext
    page: Page
    script_errors: list[str] = field(default_factory=list)

    def close(self) -> None:
        """Close the browser window; fail if any script on the pages threw."""
        self.context.close()
        assert not self.script_errors, f"scripts failed on the pages: {self.script_errors}"


def open_browser(browser: Browser, *, javascript: bool, width: int = DESKTOP) -> Person:
    """A fresh browser window for one person."""
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": width, "height": 900}
    )
    context.set_default_timeout(15_000)
    person = Person(context=context, page=context.new_page())
    person.page.on("pageerror", lambda error: person.script_errors.append(str(error)))
    return person


@dataclass(frozen=True)
class Camera:
    """Screenshots at phone and desktop width, and axe-core at both, of family pages."""

    directory: Path
    prefix: str
    audit: AccessibilityAudit

    def family_page(self, page: Page, name: str) -> None:
        """Keep a screenshot at 375 px and 1280 px, and check the page at each width."""
        self.directory.mkdir(parents=True, exist_ok=True)
        for width in (PHONE, DESKTOP):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(
                path=self.directory / f"{self.prefix}-{name}-{width}.png", full_page=True
            )
            self.audit.check(page, f"family: {name} at {width}px")
        page.set_viewport_size({"width": PHONE, "height": 900})


def expect_error_summary(page: Page, message: str) -> None:
    """The GOV.UK error summary is there and names the problem."""
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text(message)


def sign_in(
    page: Page, service: LiveService, email: str, audit: AccessibilityAudit, who: str
) -> None:
    """Sign in on the sign-in page, as staff do."""
    page.goto(service.url("/sign-in"))
    audit.check(page, "sign in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/{who}$"))


def sign_in_with_wrong_password_first(
    page: Page, service: LiveService, email: str, audit: AccessibilityAudit
) -> None:
    """A mistyped password gets a plain error, checked like any page."""
    page.goto(service.url("/sign-in"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill("not my password at all")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect_error_summary(page, "The email address or password is not right")
    audit.check(page, "sign in: wrong password")


def trainee_asks(
    page: Page, service: LiveService, conference: SeededConference, audit: AccessibilityAudit
) -> int:
    """The signed-in trainee finds the conference and asks to observe it; returns the request id."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Conferences open to observers")
    audit.check(page, "trainee: conferences and requests")
    page.get_by_role("link", name=f"Ask to observe conference {conference.reference}").click()
    expect(page.locator("#conference")).to_contain_text(conference.reference)
    audit.check(page, "trainee: ask to observe")
    page.get_by_role("button", name="Send request").click()
    expect_error_summary(page, "Enter your role")
    audit.check(page, "trainee: ask to observe, sent empty")
    page.get_by_label("Your role").fill("Student social worker")
    page.get_by_label("Your organisation").fill("Northshire Children's Services")
    page.get_by_label("Why do you want to observe?").fill(
        "I am learning to be a social worker. I want to see how a family is listened to at "
        "these meetings, so I can do it well myself."
    )
    page.get_by_label("Your supervisor's name").fill("Sam Okafor")
    page.get_by_label("Your supervisor's email address").fill("sam.okafor@council.example")
    page.get_by_label("I agree to keep the conference confidential").check()
    page.get_by_role("button", name="Send request").click()
    expect(page).to_have_url(re.compile(r"/trainee/requests/\d+\?done=asked$"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your request has been sent"
    )
    audit.check(page, "trainee: request sent")
    match = re.search(r"/trainee/requests/(\d+)", page.url)
    assert match
    return int(match.group(1))


def qa_approves(
    page: Page,
    service: LiveService,
    conference: SeededConference,
    request_id: int,
    audit: AccessibilityAudit,
    *,
    try_an_empty_decline: bool = False,
) -> None:
    """Signed-in QA finds the request in the list and approves it."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Requests to observe")
    audit.check(page, "QA: requests waiting for a decision")
    name = re.compile(rf"^{re.escape(conference.reference)}\s*, request {request_id}$")
    page.get_by_role("link", name=name).click()
    expect(page).to_have_url(service.url(f"/qa/requests/{request_id}"))
    audit.check(page, "QA: one request, waiting for a decision")
    if try_an_empty_decline:
        page.get_by_role("button", name="Decline request").click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        audit.check(page, "QA: decline without a reason")
    page.get_by_role("button", name="Approve and ask the family").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "You approved the request"
    )
    audit.check(page, "QA: request approved")


def qa_sees_status(
    page: Page, service: LiveService, request_id: int, status: str, audit: AccessibilityAudit
) -> None:
    """QA's page for the request shows its status tag."""
    page.goto(service.url(f"/qa/requests/{request_id}"))
    expect(page.locator("main .govuk-tag").first).to_have_text(status)
    audit.check(page, f"QA: one request, {status.lower()}")


def consent_link(service: LiveService, member: FamilyMember) -> str:
    """The link in the invitation email this person received, parsed out of the real message."""
    (invitation,) = service.mail.wait_for(member.email, lambda m: m.subject == INVITATION_SUBJECT)
    assert member.name.split()[-1] not in invitation.subject
    return invitation.link("/consent/")


def answer(page: Page, decision: str) -> None:
    """Choose yes or no and press the one button."""
    page.get_by_label(ANSWER_LABELS[decision]).check()
    page.get_by_role("button", name="Send my answer").click()


def expect_consent_page(page: Page, member: FamilyMember) -> None:
    """The consent page for this person, in the wording for their age, nothing chosen."""
    heading = (
        "Can a trainee sit in on your meeting?"
        if member.young
        else "Can a trainee watch your child protection conference?"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    for label in ANSWER_LABELS.values():
        expect(page.get_by_label(label)).not_to_be_checked()
