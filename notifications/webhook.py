"""Delivering outbox rows on the `webhook` channel: a JSON POST signed with HMAC-SHA256.

The receiver checks `X-CPC-Signature: sha256=<hex>`, the HMAC-SHA256 of
`"<X-CPC-Timestamp>.<body>"` keyed with the shared secret, and may refuse a timestamp that is
too old. A 2xx answer is delivered; 408, 429, 5xx, a refused connection or a timeout are tried
again with the outbox's backoff; any other answer will not change on a retry.
"""

import hashlib
import hmac
import json
import time
from collections.abc import Callable

import httpx

from notifications.errors import (
    PermanentDeliveryError,
    TemporaryDeliveryError,
    UncertainDeliveryError,
)
from notifications.outbox import OutboxMessage

# Answers that say "not now" rather than "never".
_TRY_AGAIN = frozenset({408, 429})


def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    """The `X-CPC-Signature` value for a body sent at `timestamp` (Unix seconds)."""
    signed = timestamp.encode("ascii") + b"." + body
    digest = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def event_id_of(body: str) -> str:
    """The event id a webhook body carries: the same on every attempt, so a receiver can
    recognise a repeat."""
    try:
        event = json.loads(body)
        event_id = event.get("event_id") if isinstance(event, dict) else None
    except ValueError:
        event_id = None
    if not isinstance(event_id, str) or not event_id:
        raise PermanentDeliveryError("the webhook body is not an event with an event_id")
    return event_id


class WebhookTransport:
    """POSTs each webhook row's JSON to its URL, signed with the shared secret."""

    def __init__(
        self,
        secret: str,
        *,
        timeout_seconds: float = 10.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.secret = secret
        self.clock = clock
        # No redirects: the signed body goes to the address the council set, and nowhere else.
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_seconds), follow_redirects=False
        )

    async def send(self, row: OutboxMessage) -> str | None:
        """POST the event; raises the delivery error its answer calls for."""
        body = row.body_text or ""
        event_id = event_id_of(body)
        data = body.encode("utf-8")
        timestamp = str(int(self.clock()))
        headers = {
            "Content-Type": "application/json",
            "X-CPC-Event-ID": event_id,
            "X-CPC-Timestamp": timestamp,
            "X-CPC-Signature": webhook_signature(self.secret, timestamp, data),
        }
        try:
            answer = await self._http.post(row.to_address, content=data, headers=headers)
        except (httpx.ConnectError, httpx.ConnectTimeout) as error:
            # Nothing reached the receiver: safe to try again.
            raise TemporaryDeliveryError(
                f"the webhook could not be reached: {type(error).__name__}"
            ) from error
        except httpx.TransportError as error:
            # It may have arrived; sent again with the same event id, which the receiver knows.
            raise UncertainDeliveryError(
                f"the webhook did not answer: {type(error).__name__}"
            ) from error
        status = answer.status_code
        if answer.is_success:
            return None
        if status >= 500 or status in _TRY_AGAIN:
            raise TemporaryDeliveryError(f"the webhook answered {status}")
        raise PermanentDeliveryError(f"the webhook refused it ({status})")

    async def close(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()
