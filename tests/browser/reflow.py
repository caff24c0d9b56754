"""Whether a page fits a 320 px window without scrolling sideways (WCAG 2.2, 1.4.10 Reflow)."""

from playwright.sync_api import Page

REFLOW = 320


def too_wide(page: Page, name: str) -> str | None:
    """Why the document is wider than the window, naming the page and what sticks out; or None."""
    wide, window = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if wide <= window:
        return None
    culprits = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
        " > window.innerWidth || (e.scrollWidth > e.clientWidth && e.clientWidth > 0 &&"
        " getComputedStyle(e).overflowX === 'visible')).slice(-3)"
        ".map(e => e.tagName.toLowerCase() + '.' + (e.getAttribute('class') || '') + ' '"
        " + (e.textContent || '').trim().slice(0, 40))"
    )
    return f"{name} ({page.url}) is {wide}px wide in a {window}px window: {culprits}"


def assert_fits(page: Page, name: str) -> None:
    """Fail, naming the page, if it is wider than a 320 px window; keep the window's width."""
    before = page.viewport_size
    page.set_viewport_size({"width": REFLOW, "height": 900})
    problem = too_wide(page, name)
    if before:
        page.set_viewport_size(before)
    assert problem is None, problem
