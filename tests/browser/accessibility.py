"""axe-core on every page a journey visits, counting the pages and rules checked.

axe-core is the copy shipped in axe-playwright-python. It runs inside the page, so it needs
JavaScript; for the journey with JavaScript off, the page's own HTML (as the browser received it,
scripts removed) is checked in a separate, scripted tab at the same address and width.
"""

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Browser, Page, Route

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_VERSION = re.search(r"axe v([\d.]+)", AXE_SCRIPT[:200]).group(1)  # type: ignore[union-attr]
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.S | re.I)
_TOKEN = re.compile(r"/consent/[^/?#]+")


@dataclass(frozen=True)
class PageCheck:
    """One axe-core run on one page in one state."""

    label: str
    path: str
    javascript: bool
    width: int
    rules_run: int
    rules_applied: list[str]
    needs_review: list[str]


class AccessibilityAudit:
    """Runs axe-core with the WCAG 2.2 A and AA tags and keeps a record of every run."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.checks: list[PageCheck] = []
        self._twin: Page | None = None
        self._snapshot = ("", "")

    def check(self, page: Page, label: str) -> PageCheck:
        """Fail on any violation on the page as it is now; record what was checked."""
        javascript = bool(page.evaluate("() => document.body.classList.contains('js-enabled')"))
        results = self._run(page) if javascript else self._run_without_scripts(page)
        width = page.viewport_size["width"] if page.viewport_size else 0
        path = _TOKEN.sub("/consent/[token]", page.url.split("//", 1)[-1].split("/", 1)[-1])
        applied = sorted(
            {r["id"] for kind in ("passes", "violations", "incomplete") for r in results[kind]}
        )
        record = PageCheck(
            label=label,
            path="/" + path,
            javascript=javascript,
            width=width,
            rules_run=len({r["id"] for kind in _KINDS for r in results[kind]}),
            rules_applied=applied,
            needs_review=sorted(r["id"] for r in results["incomplete"]),
        )
        self.checks.append(record)
        assert not results["violations"], _report(label, page.url, results["violations"])
        return record

    def _run(self, page: Page) -> dict[str, Any]:
        page.evaluate(AXE_SCRIPT)
        options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
        results: dict[str, Any] = page.evaluate("options => axe.run(document, options)", options)
        return results

    def _run_without_scripts(self, page: Page) -> dict[str, Any]:
        # axe needs timers, which a page without JavaScript does not run: check the same HTML.
        twin = self._twin_tab()
        self._snapshot = (page.url, _SCRIPT.sub("", page.content()))
        if page.viewport_size:
            twin.set_viewport_size(page.viewport_size)
        twin.goto(page.url)
        return self._run(twin)

    def _twin_tab(self) -> Page:
        if self._twin is None:
            context = self.browser.new_context(bypass_csp=True)
            self._twin = context.new_page()
            self._twin.route("**/*", self._serve_snapshot)
        return self._twin

    def _serve_snapshot(self, route: Route) -> None:
        address, html = self._snapshot
        if route.request.is_navigation_request() and route.request.url == address:
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
        else:
            route.continue_()

    def close(self) -> None:
        """Close the tab used for the pages without JavaScript."""
        if self._twin is not None:
            self._twin.context.close()

    def summary(self) -> dict[str, Any]:
        """The counts for the issue note: pages, runs, rules."""
        pages = {(c.label, c.javascript) for c in self.checks}
        applied = sorted({rule for c in self.checks for rule in c.rules_applied})
        return {
            "axe_core_version": AXE_VERSION,
            "tags": WCAG_TAGS,
            "page_states_checked": len(pages),
            "axe_runs": len(self.checks),
            "rules_run_per_page": max((c.rules_run for c in self.checks), default=0),
            "rule_evaluations": sum(c.rules_run for c in self.checks),
            "distinct_rules_that_applied": len(applied),
            "rules_that_applied": applied,
            "violations": 0,
            "checks": [asdict(c) for c in self.checks],
        }

    def write_summary(self, path: Path) -> None:
        """Save the summary as JSON beside the screenshots."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.summary(), indent=2))


_KINDS = ("passes", "violations", "incomplete", "inapplicable")


def _report(label: str, url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"axe-core found {len(violations)} violation(s) on {label} ({url}):"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation['help']} "
            f"[{', '.join(t for t in violation['tags'] if t.startswith('wcag'))}]"
        )
        for node in violation["nodes"][:5]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:200]}")
            lines.append(f"      {node.get('failureSummary', '').replace(chr(10), ' ')[:300]}")
    return "\n".join(lines)
