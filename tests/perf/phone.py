"""A family's first look at their consent link on a cheap phone: Chromium on "Slow 3G".

A fresh browser profile (cold cache) opens one consent link with the network held to a 400 ms
round trip and 400 kbit/s each way, through Chromium's DevTools protocol. Measured: the bytes
that crossed the wire (compressed, with headers), how many requests the page needed, and when
the first words were painted. The same link is then opened again in the same profile, to count
the requests a repeat visit still makes.

Chromium is Debian's (/usr/bin/chromium); without it the figure is left out with a message.
"""

from dataclasses import dataclass, field
from typing import Any

from playwright.async_api import CDPSession, ViewportSize, async_playwright

from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS

# As the issue and Chromium's DevTools describe Slow 3G: 400 ms round trip, 400 kbit/s.
SLOW_3G = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400_000 / 8,
    "uploadThroughput": 400_000 / 8,
}
# A small phone.
VIEWPORT = ViewportSize(width=360, height=640)


@dataclass
class _Load:
    """What the DevTools protocol reported crossing the network during one page load."""

    requests: int = 0
    from_cache: int = 0
    wire_bytes: int = 0
    urls: list[str] = field(default_factory=list)

    @property
    def over_network(self) -> int:
        return self.requests - self.from_cache


class _Recorder:
    """Adds the protocol's network events to the load under way."""

    def __init__(self, cdp: CDPSession) -> None:
        self.load = _Load()
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.requestServedFromCache", self._cached)
        cdp.on("Network.loadingFinished", self._finished)

    def next_load(self) -> _Load:
        """The load so far, and start counting a new one."""
        finished, self.load = self.load, _Load()
        return finished

    def _sent(self, event: dict[str, Any]) -> None:
        self.load.requests += 1
        self.load.urls.append(str(event["request"]["url"]))

    def _cached(self, _event: dict[str, Any]) -> None:
        self.load.from_cache += 1

    def _finished(self, event: dict[str, Any]) -> None:
        self.load.wire_bytes += int(event.get("encodedDataLength", 0))


_FIRST_PAINT = """() => new Promise(resolve => {
  const seen = performance.getEntriesByName('first-contentful-paint');
  if (seen.length) { resolve(seen[0].startTime); return; }
  new PerformanceObserver(list => {
    const paint = list.getEntriesByName('first-contentful-paint')[0];
    if (paint) resolve(paint.startTime);
  }).observe({type: 'paint', buffered: true});
})"""


async def measure_family_page(url: str) -> dict[str, Any]:
    """Open `url` cold on Slow 3G, then again warm; the figures for results.json."""
    if not CHROMIUM.exists():
        return {"skipped": f"no Chromium at {CHROMIUM}"}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = await browser.new_context(viewport=VIEWPORT, is_mobile=True)
            page = await context.new_page()
            cdp = await context.new_cdp_session(page)
            recorder = _Recorder(cdp)
            await cdp.send("Network.enable")
            await cdp.send("Network.emulateNetworkConditions", SLOW_3G)
            response = await page.goto(url, wait_until="load")
            assert response is not None and response.status == 200, "the link did not open"
            fcp_ms = float(await page.evaluate(_FIRST_PAINT))
            scripts = int(await page.evaluate("document.scripts.length"))
            first = recorder.next_load()
            await page.goto(url, wait_until="load")
            repeat = recorder.next_load()
            return {
                "wire_bytes": first.wire_bytes,
                "requests": first.over_network,
                "fcp_slow_3g_ms": round(fcp_ms),
                "scripts": scripts,
                "resources": [u.split("?")[0].rsplit("/", 1)[-1] for u in first.urls[1:]],
                "repeat_visit_requests": repeat.over_network,
            }
        finally:
            await browser.close()
