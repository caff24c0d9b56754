"""Every request body is read in full, bounded in size and time, before any route runs.

A route that opened a database session and only then read its form would let one client that
sends its body slowly hold the database (on SQLite, the one writer) for as long as it liked.
Reading the body here first means no route ever waits on a client while holding a connection:
a body larger than `max_body_bytes` is answered 413 and one slower than `body_timeout_seconds`
408, both in plain words, before anything else happens.
"""

import asyncio
import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_TOO_LARGE = "The request is too large. Send at most {limit} bytes."
_TOO_SLOW = "The request took too long to arrive. Try again."


class _BodyProblem(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


async def _plain_answer(scope: Scope, send: Send, status: int, message: str) -> None:
    if scope["path"].startswith("/api/"):
        body = json.dumps({"detail": message}).encode()
        content_type = b"application/json"
    else:
        body = (
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{message}</title></head><body><p>{message}</p></body></html>"
        ).encode()
        content_type = b"text/html; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", content_type), (b"connection", b"close")],
        }
    )
    await send({"type": "http.response.body", "body": body})


class RequestBodyMiddleware:
    """Buffers each request body within the limits, then hands it to the app in one piece."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, body_timeout_seconds: float) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.body_timeout_seconds = body_timeout_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        try:
            body = await self._read(scope, receive)
        except _BodyProblem as problem:
            await _plain_answer(scope, send, problem.status, problem.message)
            return
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            # After the body, the app only ever learns that the client went away.
            return await receive()

        await self.app(scope, replay, send)

    async def _read(self, scope: Scope, receive: Receive) -> bytes:
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            raise _BodyProblem(413, _TOO_LARGE.format(limit=self.max_body_bytes))
        chunks: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(self.body_timeout_seconds):
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        raise _BodyProblem(400, "The request ended before its body arrived.")
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    if size > self.max_body_bytes:
                        raise _BodyProblem(413, _TOO_LARGE.format(limit=self.max_body_bytes))
                    chunks.append(chunk)
                    if not message.get("more_body", False):
                        return b"".join(chunks)
        except TimeoutError:
            raise _BodyProblem(408, _TOO_SLOW) from None
