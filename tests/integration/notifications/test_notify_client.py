"""The GOV.UK Notify client against the stand-in, which checks every request as Notify's
documentation specifies and answers as Notify does."""

import time

import httpx
import pytest

from notifications.errors import PermanentDeliveryError, TemporaryDeliveryError
from notifications.notify import NotifyClient, NotifyKey
from tests.support.notify_stand_in import (
    API_KEY,
    SERVICE_ID,
    SMS_TEMPLATE_ID,
    NotifyStandIn,
)


def test_the_key_gives_the_service_id_and_a_fresh_signed_token() -> None:
    key = NotifyKey.parse(API_KEY)
    assert key.service_id == SERVICE_ID
    with pytest.raises(ValueError, match="two UUIDs"):
        NotifyKey.parse("not-a-key")


async def test_a_text_message_is_accepted_with_an_id(notify: NotifyStandIn) -> None:
    client = NotifyClient(API_KEY, base_url=notify.base_url)
    try:
        notification_id = await client.send_sms(
            phone_number="+447900900123",
            template_id=SMS_TEMPLATE_ID,
            personalisation={"message": "Hello"},
            reference="outbox-1",
        )
        assert notify.received[0].notification_id == notification_id
        assert notify.received[0].text == "Hello"
        assert await client.notification_status(notification_id) == "sending"
        notify.set_status(notification_id, "delivered")
        assert await client.notification_status(notification_id) == "delivered"
    finally:
        await client.close()


@pytest.mark.parametrize(
    ("status", "error", "raised"),
    [
        (400, "BadRequestError", PermanentDeliveryError),
        (403, "AuthError", PermanentDeliveryError),
        (429, "RateLimitError", TemporaryDeliveryError),
        (500, "Exception", TemporaryDeliveryError),
    ],
)
async def test_notifys_errors_become_the_outboxs(
    notify: NotifyStandIn, status: int, error: str, raised: type[Exception]
) -> None:
    notify.fail_next(status, error, "Internal server error")
    client = NotifyClient(API_KEY, base_url=notify.base_url)
    try:
        with pytest.raises(raised, match=f"{status} {error}"):
            await client.send_sms(
                phone_number="+447900900123",
                template_id=SMS_TEMPLATE_ID,
                personalisation={"message": "Hello"},
                reference="outbox-1",
            )
    finally:
        await client.close()
    assert notify.received == []


async def test_the_stand_in_refuses_what_notify_would(notify: NotifyStandIn) -> None:
    good = {
        "phone_number": "+447900900123",
        "template_id": SMS_TEMPLATE_ID,
        "personalisation": {"message": "Hello"},
    }
    key = NotifyKey.parse(API_KEY)
    async with httpx.AsyncClient(base_url=notify.base_url) as http:

        async def sent(body: object, token: str) -> int:
            answer = await http.post(
                "/v2/notifications/sms", json=body, headers={"Authorization": f"Bearer {token}"}
            )
            return answer.status_code

        assert await sent(good, key.token()) == 201
        assert await sent(good, key.token(now=time.time() - 60)) == 403
        forged = NotifyKey(service_id=SERVICE_ID, secret="0" * 36).token()
        assert await sent(good, forged) == 403
        assert await sent({**good, "personalisation": {}}, key.token()) == 400
        assert await sent({**good, "template_id": "nope"}, key.token()) == 400
        assert await sent({**good, "colour": "red"}, key.token()) == 400
    assert len(notify.received) == 1
