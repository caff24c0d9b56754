"""A thin client for GOV.UK Notify's API (v2): text messages, emails and precompiled letters.

Each request carries a fresh JSON Web Token (HS256, `iss` the service id, `iat` now) signed with
the API key's secret, as Notify's documentation asks. Answers become the outbox's delivery
errors: Notify's 400 and 403 will not change on a retry; 429, 5xx and a lost connection may.
"""

import base64
import time
from dataclasses import dataclass

import httpx
from authlib.jose import jwt

from notifications.errors import (
    PermanentDeliveryError,
    TemporaryDeliveryError,
    UncertainDeliveryError,
)

NOTIFY_BASE_URL = "https://api.notifications.service.gov.uk"
_UUID_LENGTH = 36


@dataclass(frozen=True)
class NotifyKey:
    """An API key, "{name}-{service id}-{secret}": the two UUIDs are read from its end."""

    service_id: str
    secret: str

    @classmethod
    def parse(cls, api_key: str) -> "NotifyKey":
        """The service id and secret in a key, or ValueError for something else."""
        key = api_key.strip()
        secret = key[-_UUID_LENGTH:]
        service_id = key[-(2 * _UUID_LENGTH + 1) : -(_UUID_LENGTH + 1)]
        if len(key) < 2 * _UUID_LENGTH + 1 or key[-(_UUID_LENGTH + 1)] != "-":
            raise ValueError("A GOV.UK Notify API key ends in two UUIDs: service id and secret.")
        return cls(service_id=service_id, secret=secret)

    def token(self, now: float | None = None) -> str:
        """A token for one request: Notify refuses one more than 30 seconds old."""
        claims = {"iss": self.service_id, "iat": int(now if now is not None else time.time())}
        encoded: bytes = jwt.encode({"alg": "HS256", "typ": "JWT"}, claims, self.secret)
        return encoded.decode("ascii")


class NotifyClient:
    """The calls the service makes to Notify, over one HTTP connection pool."""

    def __init__(
        self, api_key: str, *, base_url: str = NOTIFY_BASE_URL, timeout_seconds: float = 30.0
    ) -> None:
        self.key = NotifyKey.parse(api_key)
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"), timeout=httpx.Timeout(timeout_seconds)
        )

    async def send_sms(
        self,
        *,
        phone_number: str,
        template_id: str,
        personalisation: dict[str, str],
        reference: str,
    ) -> str:
        """Send a text message; returns Notify's id for it."""
        return await self._post(
            "/v2/notifications/sms",
            {
                "phone_number": phone_number,
                "template_id": template_id,
                "personalisation": personalisation,
                "reference": reference,
            },
        )

    async def send_email(
        self,
        *,
        email_address: str,
        template_id: str,
        personalisation: dict[str, str],
        reference: str,
    ) -> str:
        """Send an email; returns Notify's id for it."""
        return await self._post(
            "/v2/notifications/email",
            {
                "email_address": email_address,
                "template_id": template_id,
                "personalisation": personalisation,
                "reference": reference,
            },
        )

    async def send_precompiled_letter(self, *, pdf: bytes, reference: str) -> str:
        """Post a letter the service made as a PDF; returns Notify's id for it."""
        return await self._post(
            "/v2/notifications/letter",
            {"reference": reference, "content": base64.b64encode(pdf).decode("ascii")},
        )

    async def notification_status(self, notification_id: str) -> str:
        """Notify's status for one message ("delivered", "permanent-failure", ...)."""
        try:
            answer = await self._http.get(
                f"/v2/notifications/{notification_id}", headers=self._headers()
            )
        except httpx.TransportError as error:
            raise TemporaryDeliveryError(
                f"Notify could not be reached: {type(error).__name__}"
            ) from error
        self._raise_for(answer)
        return str(answer.json().get("status", ""))

    async def notification_by_reference(self, reference: str) -> str | None:
        """Notify's id for a message it took with our reference, or None if it took none.

        Asked before trying a message again whose earlier try may have reached Notify (its
        answer was lost, or the dispatcher stopped mid-send): Notify has no idempotency key,
        and a family must not get the same text twice.
        """
        try:
            answer = await self._http.get(
                "/v2/notifications", params={"reference": reference}, headers=self._headers()
            )
        except httpx.TransportError as error:
            raise TemporaryDeliveryError(
                f"Notify could not be asked: {type(error).__name__}"
            ) from error
        self._raise_for(answer)
        found = answer.json().get("notifications") or []
        ids = [
            item.get("id")
            for item in found
            if isinstance(item, dict) and item.get("reference") == reference
        ]
        return ids[0] if ids and isinstance(ids[0], str) and ids[0] else None

    async def close(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key.token()}"}

    async def _post(self, path: str, body: dict[str, object]) -> str:
        try:
            answer = await self._http.post(path, json=body, headers=self._headers())
        except (httpx.ConnectError, httpx.ConnectTimeout) as error:
            # Nothing reached Notify: safe to try again.
            raise TemporaryDeliveryError(
                f"Notify could not be reached: {type(error).__name__}"
            ) from error
        except httpx.TransportError as error:
            # The request may have reached Notify before the answer was lost.
            raise UncertainDeliveryError(
                f"Notify did not answer: {type(error).__name__}"
            ) from error
        self._raise_for(answer)
        notification_id = answer.json().get("id") if answer.content else None
        if not isinstance(notification_id, str) or not notification_id:
            raise UncertainDeliveryError("Notify answered without a notification id")
        return notification_id

    @staticmethod
    def _raise_for(answer: httpx.Response) -> None:
        if answer.is_success:
            return
        error = _first_error(answer)
        if answer.status_code in (400, 403, 404):
            raise PermanentDeliveryError(f"Notify refused it ({answer.status_code} {error})")
        raise TemporaryDeliveryError(f"Notify answered {answer.status_code} {error}")


def _first_error(answer: httpx.Response) -> str:
    """The first error's type in Notify's error shape (never its message: it may quote us)."""
    try:
        errors = answer.json().get("errors") or []
        return str(errors[0].get("error", "")) if errors else ""
    except (ValueError, AttributeError, IndexError):
        return ""
