"""Leases, ordering keys, reconnection and the long-running loop."""

import asyncio
from collections.abc import Callable
from datetime import timedelta

from icalendar import Calendar

from notifications.dispatcher import Dispatcher
from notifications.outbox import DeliveryStatus, OutboxMessage
from tests.integration.notifications.factories import Sessions, add_message, invite, load
from tests.integration.notifications.smtp_server import SmtpServer
from tests.support.clock import FrozenClock


async def test_a_dropped_connection_between_rounds_is_reopened(
    outbox_sessions: Sessions,
    clock: FrozenClock,
    smtp_server: SmtpServer,
    make_dispatcher: Callable[..., Dispatcher],
) -> None:
    dispatcher = make_dispatcher()
    await add_message(outbox_sessions, clock)
    await dispatcher.run_once()
    smtp_server.stop()  # closes the connection the dispatcher kept open
    smtp_server.start()

    second = await add_message(outbox_sessions, clock)
    assert await dispatcher.run_once() == 1

    row = await load(outbox_sessions, second)
    assert (row.status, row.attempts) == (DeliveryStatus.SENT, 1)
    assert len(smtp_server.handler.received) == 2


class _StuckTransport:
    """A transport that never finishes sending, like a worker that froze or died mid-send."""

    def __init__(self) -> None:
        self.started = asyncio.Event()

    async def send(self, row: OutboxMessage) -> None:
        self.started.set()
        await asyncio.Event().wait()

    async def close(self) -> None:
        pass


async def test_a_row_stuck_in_sending_is_taken_back_when_its_lease_runs_out(
    outbox_sessions: Sessions,
    clock: FrozenClock,
    smtp_server: SmtpServer,
    make_dispatcher: Callable[..., Dispatcher],
) -> None:
    message_id = await add_message(outbox_sessions, clock)
    stuck = _StuckTransport()
    dead = asyncio.create_task(
        Dispatcher(outbox_sessions, stuck, clock=clock, lease_seconds=300).run_once()
    )
    await asyncio.wait_for(stuck.started.wait(), timeout=5)
    dead.cancel()
    row = await load(outbox_sessions, message_id)
    assert (row.status, row.lease_until) == (DeliveryStatus.SENDING, clock() + timedelta(minutes=5))

    rescuer = make_dispatcher()
    clock.advance(seconds=299)
    assert await rescuer.run_once() == 0  # the lease still holds
    clock.advance(seconds=2)
    assert await rescuer.run_once() == 1

    row = await load(outbox_sessions, message_id)
    assert (row.status, row.attempts) == (DeliveryStatus.SENT, 2)
    assert smtp_server.handler.message_ids() == [f"<outbox-{message_id}@cpc.test>"]


async def test_an_ordering_key_keeps_a_cancel_behind_its_request(
    outbox_sessions: Sessions,
    clock: FrozenClock,
    smtp_server: SmtpServer,
    make_dispatcher: Callable[..., Dispatcher],
) -> None:
    address = "tom@council.example"
    smtp_server.handler.rcpt_replies[address].append("451 4.7.1 Greylisted, try later")
    key = "calendar-1-observer"
    request = await add_message(
        outbox_sessions, clock, to_address=address, calendar=invite(), ordering_key=key
    )
    cancel = await add_message(
        outbox_sessions,
        clock,
        to_address=address,
        calendar=invite("CANCEL", sequence=1),
        ordering_key=key,
    )
    other = await add_message(outbox_sessions, clock, to_address="qa@council.example")
    dispatcher = make_dispatcher()

    assert await dispatcher.run_once() == 2  # the request (which fails) and the unrelated one
    assert (await load(outbox_sessions, cancel)).status == DeliveryStatus.PENDING
    clock.advance(seconds=30)
    assert await dispatcher.run_once() == 1  # the request; the cancel still waits for it
    assert await dispatcher.run_once() == 1  # now the cancel

    methods = [
        Calendar.from_ical(part.get_content())["METHOD"]
        for item in smtp_server.handler.received
        for part in item.message.walk()
        if part.get_content_type() == "text/calendar"
    ]
    assert methods == ["REQUEST", "CANCEL"]
    assert smtp_server.handler.message_ids() == [
        f"<outbox-{other}@cpc.test>",
        f"<outbox-{request}@cpc.test>",
        f"<outbox-{cancel}@cpc.test>",
    ]


async def test_run_forever_sends_until_stopped(
    outbox_sessions: Sessions,
    clock: FrozenClock,
    smtp_server: SmtpServer,
    make_dispatcher: Callable[..., Dispatcher],
) -> None:
    await add_message(outbox_sessions, clock)
    stop = asyncio.Event()
    running = asyncio.create_task(make_dispatcher().run_forever(stop, interval_seconds=0.01))

    for _ in range(500):
        if smtp_server.handler.received:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(running, timeout=5)

    assert len(smtp_server.handler.received) == 1
