"""Debian's Chromium, as the browser tests and the bench start it: headless, no sandbox (the
tests run as root in a container), and nothing that reaches out to Google's servers."""

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
