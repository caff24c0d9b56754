"""CPC_WEBHOOK_URL and CPC_WEBHOOK_SECRET go together; production wants https and a strong
secret; a URL longer than the outbox's address column is refused; the dispatcher's transport
routes webhook rows to the webhook transport, and a signature is the documented HMAC."""

import asyncio
import hashlib
import hmac
from datetime import UTC, datetime

import httpx
import pytest
from pydantic import ValidationError

from notifications.errors import PermanentDeliveryError, TemporaryDeliveryError
from notifications.outbox import Channel, OutboxMessage
from notifications.routing import RoutingTransport
from notifications.webhook import WebhookTransport, event_id_of, webhook_signature
from service.dispatching import make_transport
from service.settings import Settings

STRONG = "q8Jx2mZr7Lw4Np1Kv9Ts6Hd3Fg5Bc0Ya-e_Ru"
AUDIT = "Zt4Rm8Wq2Xn6Vb1Pk7Jc3Hf9Gd5Ls0Ye-a_Qo"
HOOK_SECRET = "Hk3Tn8Rq1Wm5Xc9Vb2Lp7Jd4Gf6Sz0Ya-u_Io"


def _production(**webhook: str) -> Settings:
    return Settings(env="production", secret_key=STRONG, audit_key=AUDIT, **webhook)


def test_without_a_webhook_nothing_is_sent_and_with_one_both_are_needed() -> None:
    assert not Settings().webhooks_enabled
    with pytest.raises(ValidationError, match=r"CPC_WEBHOOK_URL .* and CPC_WEBHOOK_SECRET"):
        Settings(webhook_url="https://cms.council.example/hooks")
    with pytest.raises(ValidationError, match="go together"):
        Settings(webhook_secret=HOOK_SECRET)
    with pytest.raises(ValidationError, match="go together"):
        Settings(webhook_url="cms.council.example/hooks", webhook_secret=HOOK_SECRET)
    assert Settings(
        webhook_url="http://127.0.0.1:9000/hooks", webhook_secret="short"
    ).webhooks_enabled  # development takes a local receiver


@pytest.mark.parametrize(
    ("url", "secret", "complaint"),
    [
        ("http://cms.council.example/hooks", HOOK_SECRET, "must start with https://"),
        ("https://cms.council.example/hooks", "too-short", "at least 32 characters"),
        ("https://cms.council.example/hooks", "a" * 40, "too predictable"),
        ("https://cms.council.example/" + "h" * 230, HOOK_SECRET, "254 characters or fewer"),
    ],
)
def test_production_refuses_a_plain_or_long_address_and_a_weak_secret(
    url: str, secret: str, complaint: str
) -> None:
    with pytest.raises(ValidationError, match=complaint):
        _production(webhook_url=url, webhook_secret=secret)


def test_production_takes_an_https_address_and_a_strong_secret() -> None:
    settings = _production(
        webhook_url="https://cms.council.example/cpc/outcomes", webhook_secret=HOOK_SECRET
    )
    assert settings.webhooks_enabled


def test_webhook_rows_are_routed_to_the_webhook_transport() -> None:
    plain = make_transport(Settings())
    assert isinstance(plain, RoutingTransport) and Channel.WEBHOOK not in plain.routes
    hooked = make_transport(
        Settings(webhook_url="http://127.0.0.1:9/hooks", webhook_secret=HOOK_SECRET)
    )
    assert isinstance(hooked, RoutingTransport)
    assert isinstance(hooked.routes[Channel.WEBHOOK], WebhookTransport)


def test_the_signature_is_the_hmac_of_the_timestamp_a_dot_and_the_body() -> None:
    body = b'{"event_id":"e-1"}'
    expected = hmac.new(b"secret", b"1764583200." + body, hashlib.sha256).hexdigest()
    assert webhook_signature("secret", "1764583200", body) == f"sha256={expected}"
    assert event_id_of(body.decode()) == "e-1"


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, None),
        (204, None),
        (408, TemporaryDeliveryError),
        (429, TemporaryDeliveryError),
        (500, TemporaryDeliveryError),
        (503, TemporaryDeliveryError),
        (302, PermanentDeliveryError),
        (400, PermanentDeliveryError),
        (410, PermanentDeliveryError),
    ],
)
def test_an_answer_is_delivered_tried_again_or_given_up(
    status: int, outcome: type[Exception] | None
) -> None:
    transport = WebhookTransport(HOOK_SECRET, clock=lambda: 1764583200.9)
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status)

    transport._http = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    now = datetime(2026, 12, 1, tzinfo=UTC)
    row = OutboxMessage(
        id=7, created_at=now, channel="webhook", template="outcome_changed",
        recipient_role="integration", to_address="https://cms.council.example/hooks",
        subject="Webhook", body_text='{"event_id":"e-7"}', next_attempt_at=now,
    )  # fmt: skip

    async def send() -> None:
        try:
            await transport.send(row)
        finally:
            await transport.close()

    if outcome is None:
        asyncio.run(send())
    else:
        with pytest.raises(outcome):
            asyncio.run(send())
    (request,) = seen
    assert request.headers["x-cpc-event-id"] == "e-7"
    assert request.headers["x-cpc-timestamp"] == "1764583200"
    assert request.headers["x-cpc-signature"] == webhook_signature(
        HOOK_SECRET, "1764583200", b'{"event_id":"e-7"}'
    )
