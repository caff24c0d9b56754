"""Staff identity in the browser: the council's single sign-on, a second factor, and the warning
before an idle session ends, with JavaScript on and off."""

import re
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.accessibility import AccessibilityAudit
from tests.browser.live_service import (
    PASSWORD,
    LiveService,
    create_user,
    start_service,
    stop_service,
)
from tests.browser.people import open_browser
from tests.browser.reflow import assert_fits
from tests.support.council_provider import (
    CLIENT_ID,
    CLIENT_SECRET,
    CouncilProvider,
    council_provider,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def provider() -> Iterator[CouncilProvider]:
    with pytest.MonkeyPatch.context() as patch:
        # The provider runs in this process over plain HTTP on 127.0.0.1.
        patch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
        with council_provider() as running:
            yield running


@pytest.fixture(scope="module")
def council_service(
    chromium: Path, provider: CouncilProvider, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveService]:
    """The service with single sign-on on, and a second factor required, as in production."""
    artefacts = Path(__file__).resolve().parent / "artefacts"
    running = start_service(
        tmp_path_factory.mktemp("council-service"),
        artefacts / "council-service.log",
        extra_env={
            "CPC_OIDC_ISSUER": provider.issuer,
            "CPC_OIDC_CLIENT_ID": CLIENT_ID,
            "CPC_OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "CPC_REQUIRE_MFA": "true",
            "AUTHLIB_INSECURE_TRANSPORT": "1",
        },
    )
    yield running
    stop_service(running)


def _sign_in_at_the_council(page: Page, service: LiveService, subject: str) -> None:
    page.goto(service.url("/sign-in"))
    page.get_by_role("button", name="Sign in with your council account").click()  # a link
    page.get_by_placeholder("sub").fill(subject)
    page.get_by_role("button", name="Authorize").click()


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript-on", "javascript-off"])
def test_council_accounts_sign_in_by_role_and_others_are_refused(
    browser: Browser,
    council_service: LiveService,
    provider: CouncilProvider,
    audit: AccessibilityAudit,
    javascript: bool,
) -> None:
    suffix = "js" if javascript else "nojs"
    provider.set_person(
        f"qa-{suffix}", email=f"robin.{suffix}@council.example", name="Robin QA", roles=["qa"]
    )
    provider.set_person(
        f"hr-{suffix}", email=f"hr.{suffix}@council.example", name="HR Person", roles=["hr"]
    )
    qa = open_browser(browser, javascript=javascript)
    _sign_in_at_the_council(qa.page, council_service, f"qa-{suffix}")
    expect(qa.page).to_have_url(re.compile(r"/qa$"))
    expect(qa.page.get_by_role("button", name="Sign out")).to_be_visible()
    qa.page.get_by_role("button", name="Sign out").click()
    expect(qa.page).to_have_url(re.compile(r"/sign-in$"))
    qa.page.goto(council_service.url("/qa"))
    expect(qa.page).to_have_url(re.compile(r"/sign-in$"))

    other = open_browser(browser, javascript=javascript)
    _sign_in_at_the_council(other.page, council_service, f"hr-{suffix}")
    expect(other.page.get_by_role("heading", level=1)).to_have_text("You cannot sign in")
    expect(other.page.locator("main")).to_contain_text("does not give you access")
    audit.check(other.page, "council account refused")
    assert_fits(other.page, "council account refused")
    assert qa.script_errors == [] and other.script_errors == []
    qa.context.close()
    other.context.close()


def _speed_up_animations(page: Page) -> None:
    # The warning appears 28 minutes in, by a CSS animation delay; Chromium's DevTools
    # protocol runs animations faster, so the test sees it in a second or two.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Animation.enable")
    cdp.send("Animation.setPlaybackRate", {"playbackRate": 2000})


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript-on", "javascript-off"])
def test_a_qa_officer_sets_up_a_second_factor_and_is_warned_before_idling_out(
    browser: Browser,
    council_service: LiveService,
    audit: AccessibilityAudit,
    javascript: bool,
) -> None:
    qa = open_browser(browser, javascript=javascript)
    page = qa.page
    page.goto(council_service.url("/sign-in"))
    if javascript:
        email = council_service.qa_email
    else:
        email = council_service.trainee_email.replace("taylor.trainee", "quinn.nojs")
        create_user(council_service, email, "Quinn NoScript", "qa")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    expect(page.locator(".cpc-qr-code svg")).to_be_visible()
    audit.check(page, "set up a second factor")
    assert_fits(page, "set up a second factor")
    page.get_by_text("I cannot scan the QR code").click()
    key = page.locator(".cpc-secret-key").inner_text().replace(" ", "")
    page.get_by_label("Code from the app").fill(pyotp.TOTP(key).now())
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Save your recovery codes")
    expect(page.locator(".cpc-recovery-codes li")).to_have_count(10)
    audit.check(page, "recovery codes")
    assert_fits(page, "recovery codes")
    page.get_by_role("link", name="I have saved my codes").click()
    expect(page).to_have_url(re.compile(r"/qa$"))

    warning = page.get_by_role("region", name="You will be signed out soon")
    expect(warning).to_be_hidden()
    _speed_up_animations(page)
    page.reload()
    _speed_up_animations(page)
    expect(warning).to_be_visible(timeout=10_000)
    audit.check(page, "idle warning")
    page.get_by_role("button", name="Stay signed in").click()
    expect(page).to_have_url(re.compile(r"/qa$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert qa.script_errors == []
    qa.context.close()
