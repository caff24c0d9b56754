"""Two dispatchers on one database deliver every message exactly once."""

import asyncio
from collections import Counter

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col

from notifications.dispatcher import Dispatcher
from notifications.outbox import DeliveryStatus, OutboxMessage
from notifications.transport import SmtpConfig, SmtpTransport
from tests.integration.notifications.factories import Sessions, make_engine
from tests.integration.notifications.smtp_server import SmtpServer
from tests.support.clock import FrozenClock

# 500 on PostgreSQL, where dispatchers really run side by side; fewer on SQLite, where claims
# take turns on the write lock and the point is only that they do.
MESSAGES = {"postgresql": 500, "sqlite": 100}


async def _fill(sessions: Sessions, clock: FrozenClock, count: int) -> None:
    row = {
        "created_at": clock(),
        "template": "qa_outcome",
        "recipient_role": "qa",
        "subject": "Child Protection Conference CP-2026-001: observation going ahead",
        "body_text": "Going ahead.",
        "body_html": "<p>Going ahead.</p>",
        "status": DeliveryStatus.PENDING.value,
        "attempts": 0,
        "next_attempt_at": clock(),
    }
    async with sessions() as session, session.begin():
        await session.execute(
            insert(OutboxMessage),
            [{**row, "to_address": f"person{n}@council.example"} for n in range(count)],
        )


async def _drain_counting(dispatcher: Dispatcher) -> int:
    claimed = 0
    while batch := await dispatcher.run_once():
        claimed += batch
        await asyncio.sleep(0)  # let the other dispatcher in between rounds
    return claimed


async def test_two_dispatchers_deliver_each_message_exactly_once(
    outbox_url: str,
    outbox_sessions: Sessions,
    clock: FrozenClock,
    smtp_server: SmtpServer,
    smtp_config: SmtpConfig,
) -> None:
    count = MESSAGES["sqlite" if outbox_url.startswith("sqlite") else "postgresql"]
    await _fill(outbox_sessions, clock, count)
    # A second engine, as a second process would have: its own connections, its own SMTP client.
    other_engine = make_engine(outbox_url)
    dispatchers = [
        Dispatcher(sessions, SmtpTransport(smtp_config), clock=clock, batch_size=20)
        for sessions in (outbox_sessions, async_sessionmaker(other_engine, expire_on_commit=False))
    ]
    try:
        claimed = await asyncio.wait_for(
            asyncio.gather(*(_drain_counting(dispatcher) for dispatcher in dispatchers)),
            timeout=60,
        )
    finally:
        for dispatcher in dispatchers:
            await dispatcher.close()
        await other_engine.dispose()

    assert sum(claimed) == count
    assert all(count > 0 for count in claimed), claimed  # both really took part
    arrivals = Counter(smtp_server.handler.message_ids())
    assert len(arrivals) == count
    assert set(arrivals.values()) == {1}
    async with outbox_sessions() as session:
        statuses = await session.execute(
            select(col(OutboxMessage.status), func.count()).group_by(col(OutboxMessage.status))
        )
        assert dict(statuses.all()) == {DeliveryStatus.SENT.value: count}
