"""A case-management system's webhook receiver on 127.0.0.1, for tests.

It checks every request as a receiver should: JSON, the event id header matching the body's,
a timestamp, and `X-CPC-Signature` recomputed as the HMAC-SHA256 of "<timestamp>.<body>" with
the shared secret (compared in constant time). A request that fails any check is answered 401
and kept in `bad_requests`, which a test asserts is empty. It can be taken down (connections
refused, its port kept) and brought back, and told to answer the next requests with an error.
"""

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PATH = "/cpc/outcomes"


@dataclass
class Delivery:
    """One request the receiver accepted (answered 2xx)."""

    event: dict[str, object]
    headers: dict[str, str]

    @property
    def event_id(self) -> str:
        """The event's id, as the body gives it."""
        return str(self.event["event_id"])


@dataclass
class WebhookReceiver:
    """What the receiver was sent, and how it will answer."""

    secret: str
    port: int = 0
    delivered: list[Delivery] = field(default_factory=list)
    # Every request that reached it, with the status it answered.
    attempts: list[tuple[str, int]] = field(default_factory=list)
    bad_requests: list[str] = field(default_factory=list)
    _answers: list[int] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        """The address to set as CPC_WEBHOOK_URL."""
        return f"http://127.0.0.1:{self.port}{PATH}"

    def answer_next(self, status: int, *, times: int = 1) -> None:
        """Answer the next `times` well-signed requests with this status instead of 200."""
        with self._lock:
            self._answers.extend([status] * times)

    def delivered_ids(self) -> list[str]:
        """The ids of the events accepted, in the order they came."""
        return [delivery.event_id for delivery in self.delivered]

    def go_down(self) -> None:
        """Stop listening: connections to its port are refused until it comes back."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def come_back(self) -> None:
        """Listen again, on the same port."""
        server = ThreadingHTTPServer(("127.0.0.1", self.port), _handler_for(self))
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> int:
        """Check one request and decide the answer."""
        problem = self._problem(path, headers, body)
        if problem is not None:
            with self._lock:
                self.bad_requests.append(problem)
                self.attempts.append(("bad", 401))
            return 401
        event = json.loads(body)
        with self._lock:
            status = self._answers.pop(0) if self._answers else 200
            self.attempts.append((str(event["event_id"]), status))
            if 200 <= status < 300:
                self.delivered.append(Delivery(event, headers))
        return status

    def _problem(self, path: str, headers: dict[str, str], body: bytes) -> str | None:
        if path != PATH:
            return f"wrong path {path}"
        if headers.get("content-type") != "application/json":
            return f"wrong content type {headers.get('content-type')}"
        timestamp = headers.get("x-cpc-timestamp", "")
        if not timestamp.isdigit():
            return f"no timestamp: {timestamp!r}"
        signed = timestamp.encode("ascii") + b"." + body
        expected = hmac.new(self.secret.encode(), signed, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(headers.get("x-cpc-signature", ""), f"sha256={expected}"):
            return "bad signature"
        try:
            event = json.loads(body)
        except ValueError:
            return "body is not JSON"
        if not isinstance(event, dict) or headers.get("x-cpc-event-id") != event.get("event_id"):
            return "event id header does not match the body"
        return None


def _handler_for(receiver: WebhookReceiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            headers = {name.lower(): value for name, value in self.headers.items()}
            status = receiver.handle(self.path, headers, body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet in test output

    return Handler


@contextmanager
def webhook_receiver(secret: str) -> Iterator[WebhookReceiver]:
    """A receiver listening on 127.0.0.1, stopped afterwards."""
    receiver = WebhookReceiver(secret=secret)
    receiver.come_back()
    try:
        yield receiver
    finally:
        receiver.go_down()
