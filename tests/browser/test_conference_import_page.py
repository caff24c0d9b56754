"""QA's conference import page in a browser: axe-core at phone and desktop width, with and without
JavaScript, before and after a file with problems; no sideways scrolling on a phone."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.accessibility import AccessibilityAudit
from tests.browser.live_service import LiveService
from tests.browser.people import DESKTOP, PHONE, expect_error_summary, open_browser, sign_in

pytestmark = pytest.mark.browser

BAD_FILE = (
    b"external_id,kind,starts_at,duration_minutes,venue,open_to_observers\n"
    b"IMPORT-1,initial,31/02/2027,90,Room 1,yes\n"
    b'IMPORT-2,weekly,2027-01-12 10:00,90,=HYPERLINK("x"),maybe\n'
)


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript-on", "javascript-off"])
def test_the_import_page_passes_axe_and_fits_a_phone_with_its_problems_listed(
    browser: Browser,
    service: LiveService,
    audit: AccessibilityAudit,
    artefacts: Path,
    javascript: bool,
    tmp_path: Path,
) -> None:
    person = open_browser(browser, javascript=javascript, width=PHONE)
    page = person.page
    sign_in(page, service, service.qa_email, audit, "qa")
    page.goto(service.url("/qa/conferences"))
    page.get_by_role("button", name="Import conferences from a file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import conferences from a file")
    suffix = "" if javascript else "-nojs"
    for state in ("empty", "problems"):
        if state == "problems":
            upload = tmp_path / "conferences.csv"
            upload.write_bytes(BAD_FILE)
            page.get_by_label("CSV file of conferences").set_input_files(upload)
            page.get_by_role("button", name="Import conferences").click()
            expect_error_summary(page, "Nothing was saved: the file has 4 problems.")
            expect(page.get_by_role("list", name="Problems in the file")).to_contain_text(
                "Row 2, starts_at: 31/02/2027 is not a date and time."
            )
        page.set_viewport_size({"width": PHONE, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE, state
        for width in (PHONE, DESKTOP):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(
                path=artefacts / f"qa-conference-import-{state}-{width}{suffix}.png", full_page=True
            )
            audit.check(page, f"qa: import conferences ({state}) at {width}px")
    person.close()
