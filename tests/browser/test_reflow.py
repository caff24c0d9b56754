"""Every page a QA officer, a trainee, an administrator and a family member can reach, at 320 px
wide: no page is wider than the window, so nobody scrolls sideways to read it (WCAG 2.2, 1.4.10
Reflow). A request's record is on its page; the record's exports are files to keep, not pages.
The pages whose tables stack into rows on a phone, or whose long words wrap, are checked with axe
too, at 320 px and 1,280 px. Setting up a second factor, and the page for an account the council
refuses, are checked at 320 px in test_staff_identity.py."""

import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.accessibility import AccessibilityAudit
from tests.browser.live_service import LiveService, create_user, seed_conference
from tests.browser.people import DESKTOP, open_browser, sign_in
from tests.browser.reflow import REFLOW, too_wide
from tests.support.scenario import request_body

pytestmark = pytest.mark.browser

ADMIN_EMAIL = "avery.admin@council.example"
# Where stacked tables become tables again (a tablet; the conference's family table, a small
# desktop), the widths at which they are most likely not to fit.
TABLES_RETURN = (641, 768, 1021)
# Long unbroken strings a person might type: they must wrap, not widen the page.
LONG_WORDS = {
    "organisation": "Northshire-Safeguarding-Children-Partnership-Practice-Learning-Academy",
    "supervisor_email": "samantha.okafor-wolstenholme.practice-educator@council.example",
}
# Pages whose tables stack into rows below 641 px, or whose long words now wrap: axe checks them
# at both widths too.
RESHAPED = {
    "QA: requests waiting for a decision",
    "QA: all requests",
    "QA: request waiting for a decision",
    "QA: request being asked",
    "QA: conferences",
    "QA: conference",
    "trainee: conferences and requests",
    "admin: staff",
    "admin: sessions",
    "admin: integrations",
    "admin: integrations, a token just made",
    "dev: mailbox",
    "dev: one email",
    "accessibility statement",
    "family: consent page, easy read",
}


class Walk:
    """Visits pages at 320 px, checking each fits; reshaped pages get axe at two widths as well."""

    def __init__(self, service: LiveService, audit: AccessibilityAudit, artefacts: Path) -> None:
        self.service = service
        self.audit = audit
        self.artefacts = artefacts
        self.visited: list[str] = []
        self.problems: list[str] = []

    def check(self, page: Page, name: str) -> None:
        """Check the page as it is now."""
        page.set_viewport_size({"width": REFLOW, "height": 900})
        self.visited.append(name)
        problem = too_wide(page, name)
        if problem:
            # Every page is visited before failing, so one run names them all.
            self.problems.append(problem)
        if name in RESHAPED:
            slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
            for width in (REFLOW, *TABLES_RETURN, DESKTOP):
                page.set_viewport_size({"width": width, "height": 900})
                problem = too_wide(page, f"{name} at {width}px")
                if problem:
                    self.problems.append(problem)
                if width in (REFLOW, DESKTOP):
                    path = self.artefacts / f"reflow-{slug}-{width}.png"
                    page.screenshot(path=path, full_page=True)
                    self.audit.check(page, f"{name} at {width}px")
            page.set_viewport_size({"width": REFLOW, "height": 900})

    def visit(self, page: Page, path: str, name: str) -> None:
        """Open a path (or a whole address, as a family's link is) and check it."""
        page.goto(path if "://" in path else self.service.url(path))
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        self.check(page, name)


def _href(page: Page, selector: str) -> str:
    found = page.locator(selector).first.get_attribute("href")
    assert found, selector
    return found


def _ask(service: LiveService, conference_id: int, token: str) -> int:
    asked = httpx.post(
        service.url("/api/v1/observation-requests"),
        json=request_body(conference_id, **LONG_WORDS),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert asked.status_code == 201, asked.text
    return int(asked.json()["id"])


def test_every_page_fits_a_320_pixel_window(
    browser: Browser, service: LiveService, audit: AccessibilityAudit, artefacts: Path
) -> None:
    waiting = seed_conference(service, "reflow")
    asking = seed_conference(service, "reflowed", needs={"Father": ["easy_read"]})
    trainee_token = service.api_token(service.trainee_email)
    waiting_id = _ask(service, waiting.id, trainee_token)
    asking_id = _ask(service, asking.id, trainee_token)
    approved = httpx.post(
        service.url(f"/api/v1/observation-requests/{asking_id}/approve"),
        headers={"Authorization": f"Bearer {service.api_token(service.qa_email)}"},
    )
    assert approved.status_code == 200, approved.text
    # The development mailbox shows what the local mailbox holds: one real invitation.
    mother = asking.family[0]
    (invitation,) = service.mail.wait_for(mother.email, lambda mail: "trainee" in mail.subject)
    mailbox = Path(service.env["CPC_DEV_MAILBOX_DIR"])
    mailbox.mkdir(parents=True, exist_ok=True)
    (mailbox / "00000001.eml").write_bytes(invitation.message.as_bytes())
    create_user(service, ADMIN_EMAIL, "Avery Administrator", "admin")
    walk = Walk(service, audit, artefacts)

    anyone = open_browser(browser, javascript=True, width=REFLOW)
    for path, name in (
        ("/sign-in", "sign in"),
        ("/register", "register as a trainee"),
        ("/accessibility", "accessibility statement"),
        ("/accessibility?lang=cy", "accessibility statement in Welsh"),
        ("/privacy", "privacy notice"),
        ("/cookies", "cookies"),
        ("/consent/this-link-is-not-real", "family: a link that does not work"),
    ):
        walk.visit(anyone.page, path, name)
    anyone.close()

    qa = open_browser(browser, javascript=True, width=REFLOW)
    page = qa.page
    sign_in(page, service, service.qa_email, audit, "qa")
    walk.check(page, "QA: requests waiting for a decision")
    conference = f"/qa/conferences/{asking.id}"
    for path, name in (
        ("/qa?status=all", "QA: all requests"),
        (f"/qa/requests/{waiting_id}", "QA: request waiting for a decision"),
        (f"/qa/requests/{asking_id}", "QA: request being asked"),
        (f"/qa/requests/{asking_id}/withdraw", "QA: withdraw a request"),
        ("/qa/conferences", "QA: conferences"),
        ("/qa/conferences/new", "QA: record a conference"),
        ("/qa/conferences/import", "QA: import conferences"),
        (conference, "QA: conference"),
        (f"{conference}/reschedule", "QA: reschedule a conference"),
        (f"{conference}/cancel", "QA: cancel a conference"),
        (f"/qa/conferences/{waiting.id}/family-members/new", "QA: add a family member"),
        ("/qa/statistics", "QA: statistics"),
        ("/dev/mail", "dev: mailbox"),
        ("/dev/mail/1", "dev: one email"),
        ("/qa/requests/999999", "QA: a request that does not exist"),
    ):
        walk.visit(page, path, name)
    page.goto(service.url(f"/qa/conferences/{waiting.id}"))
    member_edit = _href(page, "a[href$='/edit']")
    walk.visit(page, member_edit, "QA: change a family member")
    walk.visit(page, member_edit.replace("/edit", "/remove"), "QA: remove a family member")
    qa.close()

    trainee = open_browser(browser, javascript=True, width=REFLOW)
    sign_in(trainee.page, service, service.trainee_email, audit, "trainee")
    walk.check(trainee.page, "trainee: conferences and requests")
    for path, name in (
        (f"/trainee/conferences/{waiting.id}/ask", "trainee: ask to observe"),
        (f"/trainee/requests/{asking_id}", "trainee: a request being asked"),
        (f"/trainee/requests/{asking_id}/withdraw", "trainee: withdraw a request"),
    ):
        walk.visit(trainee.page, path, name)
    trainee.close()

    admin = open_browser(browser, javascript=True, width=REFLOW)
    sign_in(admin.page, service, ADMIN_EMAIL, audit, "admin")
    walk.check(admin.page, "admin: staff")
    walk.visit(admin.page, _href(admin.page, "a[href$='/deactivate']"), "admin: stop sign-in")
    for path, name in (
        ("/admin/sessions", "admin: sessions"),
        ("/admin/integrations", "admin: integrations"),
    ):
        walk.visit(admin.page, path, name)
    admin.page.get_by_label("Name", exact=True).fill(
        "Northshire-Mosaic-Conference-Feed-Integration"
    )
    admin.page.get_by_label("What the QA Service does").check()
    admin.page.get_by_role("button", name="Make token").click()
    expect(admin.page.locator(".cpc-new-token")).to_be_visible()
    walk.check(admin.page, "admin: integrations, a token just made")
    admin.close()

    for member, wording in zip(asking.family, ("adult", "easy read", "young person"), strict=True):
        family = open_browser(browser, javascript=True, width=REFLOW)
        (invitation,) = service.mail.wait_for(member.email, lambda mail: "trainee" in mail.subject)
        link = invitation.link("/consent/")
        walk.visit(family.page, link, f"family: consent page, {wording}")
        if member is mother:
            family.page.get_by_label("Yes, they can observe").check()
            family.page.get_by_role("button", name="Send my answer").click()
            expect(family.page.locator(".govuk-notification-banner")).to_be_visible()
            walk.check(family.page, "family: answer saved")
        walk.visit(family.page, f"{link}?lang=cy", f"family: consent page, {wording}, in Welsh")
        family.close()
    assert len(walk.visited) >= 35, walk.visited
    assert not walk.problems, "\n".join(walk.problems)
