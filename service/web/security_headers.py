"""Security headers on every response, and one log line per request with tokens left out.

Written as plain ASGI rather than `app.middleware("http")`: Starlette's `BaseHTTPMiddleware`
runs each request through an extra task and memory stream, which costs more than the consent
page itself takes to render.
"""

import logging
import time

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("cpc_observers.http")

# The one inline script on every page, from GOV.UK Frontend's page template: it marks the body
# so GOV.UK Frontend's components start. Allowed by its hash rather than by a nonce, so the
# policy stays one fixed header; a test checks the hash against the template as rendered.
GOVUK_BODY_SCRIPT_HASH = "sha256-GUQ5ad8JK5KmEWmROf3LZd9ge94daqNvd8xy9YS1iDw="

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    f"script-src 'self' '{GOVUK_BODY_SCRIPT_HASH}'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)


def redact_path(path: str) -> str:
    """The path with any consent or confirmation token replaced, fit for a log."""
    for prefix in ("/consent/", "/register/confirm/"):
        if path.startswith(prefix):
            return f"{prefix}[token]"
    return path


def add_security_headers(headers: MutableHeaders, path: str) -> None:
    """The headers every response carries; the consent pages get the strictest."""
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    if path.startswith("/consent/"):
        # The link is a secret: never pass it on in a Referer, never keep the page in a cache.
        headers["Referrer-Policy"] = "no-referrer"
        headers["Cache-Control"] = "no-store"
    else:
        headers.setdefault("Referrer-Policy", "same-origin")
        if not path.startswith("/static/"):
            headers.setdefault("Cache-Control", "no-store")


class SecurityHeadersMiddleware:
    """Adds the security headers as the response starts, and logs the request once it has."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        path: str = scope["path"]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                add_security_headers(MutableHeaders(scope=message), path)
                if logger.isEnabledFor(logging.INFO):
                    logger.info(
                        "%s %s %s %.1fms",
                        scope["method"],
                        redact_path(path),
                        message["status"],
                        (time.perf_counter() - started) * 1000,
                    )
            await send(message)

        await self.app(scope, receive, send_with_headers)
