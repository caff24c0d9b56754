"""Each outbox row goes by its channel; family email may go through Notify, while staff email
and calendar invites keep SMTP; a channel nothing can carry fails for good at once."""

import asyncio
from datetime import UTC, datetime

import pytest

from notifications.errors import PermanentDeliveryError
from notifications.outbox import Channel, OutboxMessage
from notifications.routing import RoutingTransport


class Recorder:
    def __init__(self, name: str) -> None:
        self.name = name
        self.sent: list[int | None] = []
        self.closed = 0

    async def send(self, row: OutboxMessage) -> str | None:
        self.sent.append(row.id)
        return f"{self.name}-{row.id}"

    async def close(self) -> None:
        self.closed += 1


def _row(
    row_id: int, *, channel: str = "email", role: str = "family", ics: str | None = None
) -> OutboxMessage:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    return OutboxMessage(
        id=row_id, created_at=now, channel=channel, template="t", recipient_role=role,
        to_address="x", subject="s", calendar_ics=ics, next_attempt_at=now,
    )  # fmt: skip


def test_rows_go_by_channel_and_family_email_by_its_own_way() -> None:
    smtp, notify, family = Recorder("smtp"), Recorder("notify"), Recorder("family")
    routing = RoutingTransport({Channel.EMAIL: smtp, Channel.SMS: notify}, family_email=family)

    async def run() -> None:
        assert await routing.send(_row(1)) == "family-1"
        assert await routing.send(_row(2, role="qa")) == "smtp-2"
        assert await routing.send(_row(3, ics="BEGIN:VCALENDAR")) == "smtp-3"
        assert await routing.send(_row(4, channel="sms")) == "notify-4"
        with pytest.raises(PermanentDeliveryError, match="no way to send a letter"):
            await routing.send(_row(5, channel="letter"))
        await routing.close()

    asyncio.run(run())
    assert (smtp.closed, notify.closed, family.closed) == (1, 1, 1)


def test_without_a_text_route_a_text_fails_for_good() -> None:
    routing = RoutingTransport({Channel.EMAIL: Recorder("smtp")})
    with pytest.raises(PermanentDeliveryError):
        asyncio.run(routing.send(_row(1, channel="sms")))
