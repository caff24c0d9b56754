"""The service in its own process with a real SMTP server, and Debian's Chromium driving it.

Without /usr/bin/chromium these tests are skipped with a message, except in CI (CI=true), where
a missing browser is a failure: CI must never pass by skipping them.
"""

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.browser.accessibility import AccessibilityAudit
from tests.browser.live_service import LiveService, start_service, stop_service
from tests.browser.log_scan import problems_in_log, secrets_sent
from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.support.notify_stand_in import (
    API_KEY,
    SMS_TEMPLATE_ID,
    NotifyStandIn,
    notify_stand_in,
)

ARTEFACTS = Path(__file__).resolve().parent / "artefacts"
_summaries: dict[str, dict[str, Any]] = {}


@pytest.fixture(scope="package", autouse=True)
def chromium() -> Path:
    """Debian's Chromium: skip these tests without it, but never in CI."""
    if not CHROMIUM.exists():
        message = (
            f"Browser tests need Chromium at {CHROMIUM} (Debian: apt-get install chromium); "
            "Playwright's own browser download is not used."
        )
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} CI must run them.", pytrace=False)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="package")
def notify() -> Iterator[NotifyStandIn]:
    """The GOV.UK Notify stand-in the service sends text messages through."""
    with notify_stand_in() as stand_in:
        yield stand_in


@pytest.fixture(scope="package")
def service(
    chromium: Path, tmp_path_factory: pytest.TempPathFactory, notify: NotifyStandIn
) -> Iterator[LiveService]:
    """`cpc-observers serve` on a free port, a fresh SQLite file, mail to a local aiosmtpd,
    and text messages to the Notify stand-in."""
    running = start_service(
        tmp_path_factory.mktemp("live-service"),
        ARTEFACTS / "service.log",
        {
            "CPC_NOTIFY_API_KEY": API_KEY,
            "CPC_NOTIFY_BASE_URL": notify.base_url,
            "CPC_NOTIFY_SMS_TEMPLATE_ID": SMS_TEMPLATE_ID,
            "CPC_NOTIFY_CALLBACK_TOKEN": "a-callback-token-for-the-browser-tests",
            "CPC_LOG_FORMAT": "json",
        },
    )
    yield running
    stop_service(running)
    # After every journey in this package: the whole log, scanned line by line.
    secrets = secrets_sent(running, notify)
    if any(
        address.endswith("@family.example")
        for mail in running.mail.all()
        for address in mail.recipients
    ):
        assert secrets, "the emails to families held no links to look for"
    problems = problems_in_log(running.log_path, secrets)
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="package")
def browser(chromium: Path) -> Iterator[Browser]:
    """Headless Chromium; stopped when the browser tests are done, before any other test."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture(scope="package")
def audit(browser: Browser) -> Iterator[AccessibilityAudit]:
    """axe-core on every page the journeys visit; the counts are saved and printed at the end."""
    checker = AccessibilityAudit(browser)
    yield checker
    checker.close()
    if checker.checks:
        checker.write_summary(ARTEFACTS / "accessibility.json")
        _summaries["accessibility"] = checker.summary()


@pytest.fixture
def artefacts() -> Path:
    """Where screenshots are kept (ignored by git, collected by CI)."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return ARTEFACTS


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print the accessibility counts the issue note quotes."""
    summary = _summaries.get("accessibility")
    if not summary:
        return
    terminalreporter.section("accessibility (axe-core)")
    terminalreporter.write_line(
        f"axe-core {summary['axe_core_version']}, tags {', '.join(summary['tags'])}: "
        f"{summary['page_states_checked']} page states checked in {summary['axe_runs']} runs, "
        f"{summary['rules_run_per_page']} rules run on each page "
        f"({summary['rule_evaluations']} rule evaluations), "
        f"{summary['distinct_rules_that_applied']} distinct rules found something to check, "
        f"{summary['violations']} violations"
    )
    terminalreporter.write_line(f"details: {ARTEFACTS / 'accessibility.json'}")
    terminalreporter.write_line(json.dumps(summary["rules_that_applied"]))
