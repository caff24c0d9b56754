"""Each request's id, and the request counted for /metrics once it is answered.

The id is the `X-Request-ID` a trusted proxy sent (so the proxy's log and ours name the same
request), or one made up here; it is returned in the response's `X-Request-ID` and carried by
every log line written meanwhile (service.logs). A client that is not a trusted proxy cannot
choose it, so it cannot make its requests look like someone else's in the log.

Plain ASGI, outermost, for the same reason as the security headers: no extra task per request.
"""

import ipaddress
import re
import time
import uuid
from collections.abc import Sequence

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service import metrics
from service.logs import current_request_id

# What a proxy's id may look like: enough for UUIDs and nginx's $request_id, nothing to inject.
_ACCEPTED_ID = re.compile(r"[A-Za-z0-9._-]{8,128}")
REQUEST_ID_HEADER = "x-request-id"
# Any other method is counted as "other", so odd requests cannot multiply the metric's series.
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def _networks(
    trusted: Sequence[str],
) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(entry, strict=False) for entry in trusted]


def _route_template(scope: Scope) -> str:
    """The route that matched, as written in the code (`/consent/{token}`), never the path."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    if scope["path"].startswith("/static/"):
        return "/static"
    return "unmatched"


class RequestContextMiddleware:
    """Gives each request its id and counts it, by route template, in the metrics."""

    def __init__(self, app: ASGIApp, *, trusted_proxies: Sequence[str] = ()) -> None:
        self.app = app
        self.trusted = _networks(trusted_proxies)

    def _from_trusted_proxy(self, scope: Scope) -> bool:
        client = scope.get("client")
        if not client or not self.trusted:
            return False
        try:
            address = ipaddress.ip_address(client[0])
        except ValueError:
            return False
        return any(address in network for network in self.trusted)

    def _request_id(self, scope: Scope) -> str:
        if self._from_trusted_proxy(scope):
            for name, value in scope["headers"]:
                if name == REQUEST_ID_HEADER.encode():
                    given = bytes(value).decode("latin-1")
                    if _ACCEPTED_ID.fullmatch(given):
                        return given
        return uuid.uuid4().hex

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = self._request_id(scope)
        token = current_request_id.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["X-Request-ID"] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            route = _route_template(scope)
            method = scope["method"] if scope["method"] in _METHODS else "other"
            metrics.http_requests.labels(route, method, str(status)).inc()
            metrics.http_request_seconds.labels(route, method).observe(
                time.perf_counter() - started
            )
            current_request_id.reset(token)
