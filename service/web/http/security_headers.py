"""Security headers on every response, and one log line per request with tokens left out.

Written as plain ASGI rather than `app.middleware("http")`: Starlette's `BaseHTTPMiddleware`
runs each request through an extra task and memory stream, which costs more than the consent
page itself takes to render.
"""

import contextlib
import logging
import time
import traceback
from collections.abc import Callable

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("cpc_observers.http")

# The one inline script on every staff page, from GOV.UK Frontend's page template: it marks the
# body so GOV.UK Frontend's components start (family pages carry no script at all). Allowed by
# its hash rather than by a nonce, so the policy stays one fixed header; a test checks the hash
# against the template as rendered.
GOVUK_BODY_SCRIPT_HASH = "sha256-GUQ5ad8JK5KmEWmROf3LZd9ge94daqNvd8xy9YS1iDw="

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    f"script-src 'self' '{GOVUK_BODY_SCRIPT_HASH}'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)


def redact_path(path: str) -> str:
    """The path with any consent or confirmation token replaced, fit for a log."""
    for prefix in ("/consent/", "/a/", "/register/confirm/"):
        if path.startswith(prefix):
            return f"{prefix}[token]"
    return path


# A year, as the GOV.UK service manual advises; only where the service is reached over HTTPS.
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"
_SERVER_ERROR_PAGE = (
    b'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
    b"<title>Sorry, there is a problem with the service</title></head><body>"
    b"<h1>Sorry, there is a problem with the service</h1>"
    b"<p>Nothing you sent was lost or half-saved. Try again later.</p></body></html>"
)
_SERVER_ERROR_JSON = b'{"detail": "Sorry, there is a problem with the service. Try again later."}'


def add_security_headers(
    headers: MutableHeaders, path: str, *, strict_transport: bool = False
) -> None:
    """The headers every response carries; the consent pages and short answer links get the
    strictest."""
    if strict_transport:
        headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    if path.startswith(("/consent/", "/a/")):
        # The link is a secret: never pass it on in a Referer, never keep the page in a cache.
        headers["Referrer-Policy"] = "no-referrer"
        headers["Cache-Control"] = "no-store"
    else:
        headers.setdefault("Referrer-Policy", "same-origin")
        if not path.startswith("/static/"):
            headers.setdefault("Cache-Control", "no-store")


class SecurityHeadersMiddleware:
    """Adds the security headers as the response starts, and logs the request once it has.

    It is also where an unexpected error ends: the person gets a plain 500 page with the same
    headers, and the log gets the request line and the error, never a body or a token.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        strict_transport: bool = False,
        error_response: Callable[[Request], Response] | None = None,
    ) -> None:
        self.app = app
        self.strict_transport = strict_transport
        self.error_response = error_response

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        path: str = scope["path"]
        response_started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
                add_security_headers(
                    MutableHeaders(scope=message), path, strict_transport=self.strict_transport
                )
                if logger.isEnabledFor(logging.INFO):
                    logger.info(
                        "%s %s %s %.1fms",
                        scope["method"],
                        redact_path(path),
                        message["status"],
                        (time.perf_counter() - started) * 1000,
                    )
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as error:
            # The error's type and where it was raised: its message could quote what was sent.
            where = traceback.extract_tb(error.__traceback__)[-1]
            logger.error(
                "%s %s 500 failed: %s at %s:%s",
                scope["method"],
                redact_path(path),
                type(error).__name__,
                where.filename,
                where.lineno,
            )
            if response_started:
                raise
            if self.error_response is not None:
                with contextlib.suppress(Exception):  # the page itself failing: the plain one
                    response = self.error_response(Request(scope))
                    await response(scope, receive, send_with_headers)
                    return
            api = path.startswith("/api/")
            await send_with_headers(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [
                        (
                            b"content-type",
                            b"application/json" if api else b"text/html; charset=utf-8",
                        )
                    ],
                }
            )
            await send(
                {
                    "type": "http.response.body",
                    "body": _SERVER_ERROR_JSON if api else _SERVER_ERROR_PAGE,
                }
            )
