"""A stand-in for GOV.UK Notify on 127.0.0.1, for tests: Notify itself cannot be reached here.

It checks each request as Notify's API documentation specifies: a JSON Web Token signed HS256
with the API key's secret, `iss` the service id, `iat` within 30 seconds; the JSON body each
endpoint takes, with the template's placeholders filled. It answers as Notify does (201 with an
id; 400, 403, 429 and 500 in Notify's error shape), remembers what it was sent, lets a test set
each message's delivery status, and can be told to fail the next requests.
"""

import base64
import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from authlib.jose import jwt
from authlib.jose.errors import JoseError

SERVICE_ID = "4f8d5b2e-7c1a-4e3b-9d6f-2a1b3c4d5e6f"
SECRET = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
API_KEY = f"cpc_observers_test-{SERVICE_ID}-{SECRET}"
SMS_TEMPLATE_ID = "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e"
EMAIL_TEMPLATE_ID = "6f5e4d3c-2b1a-4c9d-8e7f-6a5b4c3d2e1f"
# The placeholders each template holds, as a council would set them up in Notify.
TEMPLATES = {
    SMS_TEMPLATE_ID: ("sms", ("message",)),
    EMAIL_TEMPLATE_ID: ("email", ("subject", "body")),
}
MAX_IAT_SKEW_SECONDS = 30


@dataclass
class Received:
    """One accepted request: what was sent, and the id Notify gave it."""

    kind: str
    body: dict[str, object]
    notification_id: str

    @property
    def text(self) -> str:
        """The text of a text message, as the phone shows it."""
        personalisation = self.body.get("personalisation")
        assert isinstance(personalisation, dict)
        return str(personalisation["message"])

    @property
    def pdf(self) -> bytes:
        """A precompiled letter's PDF."""
        return base64.b64decode(str(self.body["content"]))


@dataclass
class Failure:
    status: int
    error: str
    message: str


@dataclass
class NotifyStandIn:
    """What the stand-in was sent, and how it will answer."""

    base_url: str = ""
    received: list[Received] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)
    statuses: dict[str, str] = field(default_factory=dict)
    _failures: list[Failure] = field(default_factory=list)
    # Take the next message, then drop the connection before answering, as a network might.
    lose_next_answer: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, status: int, error: str, message: str, *, times: int = 1) -> None:
        """Answer the next `times` sending requests with this error, in Notify's shape."""
        with self._lock:
            self._failures.extend(Failure(status, error, message) for _ in range(times))

    def set_status(self, notification_id: str, status: str) -> None:
        """What GET /v2/notifications/{id} says of a message from now on."""
        self.statuses[notification_id] = status

    def of_kind(self, kind: str) -> list[Received]:
        """The accepted requests of one kind: sms, email or letter."""
        return [item for item in self.received if item.kind == kind]

    def _next_failure(self) -> Failure | None:
        with self._lock:
            return self._failures.pop(0) if self._failures else None


def _error(status: int, error: str, message: str) -> tuple[int, dict[str, object]]:
    return status, {"status_code": status, "errors": [{"error": error, "message": message}]}


def _check_token(header: str | None) -> tuple[int, dict[str, object]] | None:
    if not header or not header.startswith("Bearer "):
        return _error(401, "AuthError", "Unauthorized: authentication token must be provided")
    token = header.removeprefix("Bearer ").strip()
    try:
        header_part = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
        claims = jwt.decode(token, SECRET)
    except (JoseError, ValueError, IndexError):
        return _error(403, "AuthError", "Invalid token: signature, api token not found")
    if header_part.get("alg") != "HS256":
        return _error(403, "AuthError", "Invalid token: algorithm used is not HS256")
    if claims.get("iss") != SERVICE_ID:
        return _error(403, "AuthError", "Invalid token: service not found")
    issued = claims.get("iat")
    if not isinstance(issued, int) or abs(time.time() - issued) > MAX_IAT_SKEW_SECONDS:
        return _error(
            403, "AuthError", "Error: Your system clock must be accurate to within 30 seconds"
        )
    return None


_FIELDS = {
    "sms": ({"phone_number", "template_id"}, {"personalisation", "reference", "sms_sender_id"}),
    "email": (
        {"email_address", "template_id"},
        {"personalisation", "reference", "email_reply_to_id"},
    ),
    "letter": ({"reference", "content"}, {"postage"}),
}


def _check_body(kind: str, body: object) -> tuple[int, dict[str, object]] | None:
    required, optional = _FIELDS[kind]
    if not isinstance(body, dict):
        return _error(400, "ValidationError", "The request body must be a JSON object")
    missing = required - body.keys()
    if missing:
        return _error(400, "ValidationError", f"{sorted(missing)[0]} is a required property")
    unknown = body.keys() - required - optional
    if unknown:
        return _error(
            400, "ValidationError", f"Additional properties are not allowed ({sorted(unknown)[0]})"
        )
    if kind == "letter":
        try:
            pdf = base64.b64decode(str(body["content"]), validate=True)
        except ValueError:
            return _error(400, "ValidationError", "Document is not a PDF")
        return (
            None
            if pdf.startswith(b"%PDF")
            else _error(400, "ValidationError", "Document is not a PDF")
        )
    template = TEMPLATES.get(str(body["template_id"]))
    if template is None or template[0] != kind:
        return _error(400, "BadRequestError", "Template not found")
    personalisation = body.get("personalisation") or {}
    if not isinstance(personalisation, dict):
        return _error(400, "ValidationError", "personalisation is not of type object")
    for placeholder in template[1]:
        if not isinstance(personalisation.get(placeholder), str):
            return _error(400, "BadRequestError", f"Missing personalisation: {placeholder}")
    if kind == "sms" and not str(body["phone_number"]).startswith(("+447", "07")):
        return _error(400, "ValidationError", "phone_number Not a UK mobile number")
    return None


def _handler(stand_in: NotifyStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            """Quiet: a test's output is not the place for a request log."""

        def _answer(self, status: int, body: dict[str, object]) -> None:
            data = json.dumps(body).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            refused = _check_token(self.headers.get("Authorization"))
            if refused:
                self._answer(*refused)
                return
            path, _, query = self.path.partition("?")
            if path == "/v2/notifications":
                # Notify's list of recent messages, here filtered by our reference only.
                reference = parse_qs(query).get("reference", [""])[0]
                found = [
                    {
                        "id": item.notification_id,
                        "reference": item.body.get("reference"),
                        "type": item.kind,
                        "status": stand_in.statuses.get(item.notification_id, "sending"),
                    }
                    for item in stand_in.received
                    if item.body.get("reference") == reference
                ]
                self._answer(200, {"notifications": found, "links": {"current": self.path}})
                return
            notification_id = path.removeprefix("/v2/notifications/")
            if not any(item.notification_id == notification_id for item in stand_in.received):
                self._answer(*_error(404, "NoResultFound", "No result found"))
                return
            status = stand_in.statuses.get(notification_id, "sending")
            self._answer(200, {"id": notification_id, "status": status})

        def do_POST(self) -> None:
            kind = self.path.removeprefix("/v2/notifications/")
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if kind not in _FIELDS:
                self._answer(*_error(404, "NotFound", "Not found"))
                return
            refused = _check_token(self.headers.get("Authorization"))
            if refused is None:
                failure = stand_in._next_failure()
                if failure is not None:
                    refused = _error(failure.status, failure.error, failure.message)
            try:
                body = json.loads(raw or b"null")
            except ValueError:
                body = None
            refused = refused or _check_body(kind, body)
            if refused:
                stand_in.refused.append((refused[0], kind))
                self._answer(*refused)
                return
            assert isinstance(body, dict)
            notification_id = str(uuid.uuid4())
            stand_in.received.append(Received(kind, body, notification_id))
            if stand_in.lose_next_answer:
                stand_in.lose_next_answer = False
                self.close_connection = True
                return
            self._answer(
                201,
                {
                    "id": notification_id,
                    "reference": body.get("reference"),
                    "uri": f"{stand_in.base_url}/v2/notifications/{notification_id}",
                },
            )

    return Handler


@contextmanager
def notify_stand_in() -> Iterator[NotifyStandIn]:
    """Run the stand-in on a free port of 127.0.0.1 until the block ends."""
    stand_in = NotifyStandIn()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(stand_in))
    stand_in.base_url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield stand_in
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
