"""Retries for outages, 4xx and the uncertain (same Message-ID), none for 5xx; order per key."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.dispatcher import Dispatcher
from notifications.outbox import DeliveryStatus, OutboxMessage, enqueue
from tests.integration.notifications.factories import Sessions, add_message, load, rendered
from tests.integration.notifications.smtp_server import DROP, SmtpServer
from tests.support.clock import FrozenClock


async def test_an_outage_is_retried_with_backoff_and_every_message_then_arrives_once(
    outbox_sessions: Sessions,
    clock: FrozenClock,
    smtp_server: SmtpServer,
    make_dispatcher: Callable[..., Dispatcher],
) -> None:
    smtp_server.stop()
    ids = [await add_message(outbox_sessions, clock) for _ in range(3)]
    dispatcher = make_dispatcher()
    started = clock()

    assert await dispatcher.run_once() == 3
    rows = [await load(outbox_sessions, message_id) for message_id in ids]
    assert {row.status for row in rows} == {DeliveryStatus.TEMPORARY_FAILURE}
    assert {row.next_attempt_at for row in rows} == {started + timedelta(seconds=30)}
    assert all("connect" in (row.last_error or "") for row in rows)

    clock.advance(seconds=29)
    assert await dispatcher.run_once() == 0  # not due yet
    clock.advance(seconds=1)
    assert await dispatcher.run_once() == 3  # still down: the wait doubles
    row = await load(outbox_sessions, ids[0])
    assert (row.attempts, row.next_attempt_at) == (2, clock() + timedelta(seconds=60))

    smtp_server.start()
    clock.advance(seconds=60)
    assert await dispatcher.run_once() == 3
    assert await dispatcher.run_once() == 0

    assert sorted(smtp_server.handler.message_ids()) == sorted(
        f"<outbox-{message_id}@cpc.test>" for message_id in ids
    )
    assert {(await load(outbox_sessions, i)).status for i in ids} == {DeliveryStatus.SENT}


@pytest.mark.parametrize(
    ("where", "reply"),
    [("rcpt", "550 5.1.1 No such mailbox"), ("data", "554 5.6.0 Message refused")],
)
async def test_a_5xx_reply_is_a_permanent_failure_and_never_retried(
    outbox_sessions: Sessions,
    clock: FrozenClock,
    smtp_server: SmtpServer,
    make_dispatcher: Callable[..., Dispatcher],
    where: str,
    reply: str,
) -> None:
    address = "gone@family.example"
    replies = (
        smtp_server.handler.rcpt_replies if where == "rcpt" else smtp_server.handler.data_replies
    )
    replies[address].append(reply)
    message_id = await add_message(outbox_sessions, clock, to_address=address)
    dispatcher = make_dispatcher()

    await dispatcher.run_once()
    clock.advance(days=2)
    assert await dispatcher.run_once() == 0

    row = await load(outbox_sessions, message_id)
    assert row.status == DeliveryStatus.PERMANENT_FAILURE
    assert reply[:3] in (row.last_error or "")
    assert smtp_server.handler.received == []


async def test_a_permanent_failure_can_tell_qa_in_the_same_transaction(
    outbox_sessions: Sessions,
    clock: FrozenClock,
    smtp_server: SmtpServer,
    make_dispatcher: Callable[..., Dispatcher],
) -> None:
    smtp_server.handler.rcpt_replies["gone@family.example"].append("550 No such mailbox")

    async def tell_qa(session: AsyncSession, failed: OutboxMessage) -> None:
        if failed.recipient_role == "family":
            await enqueue(
                session,
                now=clock(),
                template="qa_undeliverable",
                recipient_role="qa",
                to_address="qa@council.example",
                email=rendered(subject="An email to a family member could not be delivered"),
                request_id=failed.request_id,
            )

    await add_message(
        outbox_sessions, clock, to_address="gone@family.example", recipient_role="family"
    )
    dispatcher = make_dispatcher(on_permanent_failure=tell_qa)

    await dispatcher.run_once()
    await dispatcher.run_once()

    [received] = smtp_server.handler.received
    assert received.recipients == ["qa@council.example"]
    assert received.message["Subject"] == "An email to a family member could not be delivered"


@pytest.mark.parametrize("where", ["rcpt", "data"])
async def test_a_4xx_reply_is_temporary_and_the_message_goes_on_the_next_try(
    outbox_sessions: Sessions,
    clock: FrozenClock,
    smtp_server: SmtpServer,
    make_dispatcher: Callable[..., Dispatcher],
    where: str,
) -> None:
    address = "busy@council.example"
    replies = (
        smtp_server.handler.rcpt_replies if where == "rcpt" else smtp_server.handler.data_replies
    )
    replies[address].append("451 4.3.0 Try again later")
    message_id = await add_message(outbox_sessions, clock, to_address=address)
    dispatcher = make_dispatcher()

    await dispatcher.run_once()
    row = await load(outbox_sessions, message_id)
    assert (row.status, row.next_attempt_at) == (
        DeliveryStatus.TEMPORARY_FAILURE,
        clock() + timedelta(seconds=30),
    )
    assert "451" in (row.last_error or "")

    clock.advance(seconds=30)
    await dispatcher.run_once()
    assert (await load(outbox_sessions, message_id)).status == DeliveryStatus.SENT
    assert smtp_server.handler.message_ids() == [f"<outbox-{message_id}@cpc.test>"]


async def test_a_hang_up_after_the_data_is_tried_again_with_the_same_message_id(
    outbox_sessions: Sessions,
    clock: FrozenClock,
    smtp_server: SmtpServer,
    make_dispatcher: Callable[..., Dispatcher],
) -> None:
    smtp_server.handler.data_replies["qa@council.example"].append(DROP)
    message_id = await add_message(outbox_sessions, clock)
    later = await add_message(outbox_sessions, clock, to_address="tom@council.example")
    dispatcher = make_dispatcher()

    assert await dispatcher.run_once() == 2
    row = await load(outbox_sessions, message_id)
    assert (row.status, row.attempts) == (DeliveryStatus.TEMPORARY_FAILURE, 1)
    assert "delivery uncertain" in (row.last_error or "")
    assert "after the message was handed over" in (row.last_error or "")
    clock.advance(seconds=30)
    assert await dispatcher.run_once() == 1

    # It may have arrived the first time: the repeat carries the same Message-ID, so the
    # receiving side can tell; and it ends sent rather than in doubt.
    assert smtp_server.handler.message_ids() == [
        f"<outbox-{message_id}@cpc.test>",
        f"<outbox-{later}@cpc.test>",
        f"<outbox-{message_id}@cpc.test>",
    ]
    assert (await load(outbox_sessions, message_id)).status == DeliveryStatus.SENT
    assert (await load(outbox_sessions, later)).status == DeliveryStatus.SENT


async def test_a_failing_hook_still_leaves_the_failure_recorded(
    outbox_sessions: Sessions,
    clock: FrozenClock,
    smtp_server: SmtpServer,
    make_dispatcher: Callable[..., Dispatcher],
) -> None:
    smtp_server.handler.rcpt_replies["gone@family.example"].append("550 No such mailbox")

    async def broken_hook(session: AsyncSession, failed: OutboxMessage) -> None:
        raise RuntimeError("the service's hook has a bug")

    message_id = await add_message(outbox_sessions, clock, to_address="gone@family.example")
    await make_dispatcher(on_permanent_failure=broken_hook).run_once()

    row = await load(outbox_sessions, message_id)
    assert (row.status, row.lease_until) == (DeliveryStatus.PERMANENT_FAILURE, None)


async def test_a_message_that_cannot_be_built_fails_for_good_without_reaching_the_server(
    outbox_sessions: Sessions,
    clock: FrozenClock,
    smtp_server: SmtpServer,
    make_dispatcher: Callable[..., Dispatcher],
) -> None:
    message_id = await add_message(
        outbox_sessions, clock, to_address="parent@family.example\nBcc: someone@else.example"
    )

    await make_dispatcher().run_once()

    row = await load(outbox_sessions, message_id)
    assert row.status == DeliveryStatus.PERMANENT_FAILURE
    assert "could not be built" in (row.last_error or "")
    assert smtp_server.handler.received == []
