"""Mail servers that misbehave as real ones do: every message still ends sent or undeliverable.

One real aiosmtpd server answers each address its own way: slowly, 421 and 451 for a while,
550 for good, hanging up after the data, saying nothing until the client gives up. The
dispatcher runs round after round while the clock moves on; afterwards no message is left
waiting or in doubt, each undeliverable family message told QA, and any message sent twice
carried the same Message-ID both times.
"""

from collections import Counter
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.dispatcher import Dispatcher
from notifications.outbox import DeliveryStatus, OutboxMessage, enqueue
from notifications.transport import SmtpConfig, SmtpTransport
from tests.integration.notifications.factories import (
    MAIL_FROM,
    MESSAGE_ID_DOMAIN,
    Sessions,
    add_message,
    rendered,
)
from tests.integration.notifications.smtp_server import DROP, HANG, SmtpServer
from tests.support.clock import FrozenClock

MAX_ATTEMPTS = 5
# How each address behaves, and how its message must end.
BEHAVIOUR: dict[str, tuple[Callable[[SmtpServer, str], None], DeliveryStatus]] = {
    "slow@family.example": (lambda s, a: s.handler.delays.__setitem__(a, 0.3), DeliveryStatus.SENT),
    "greylisted@family.example": (
        lambda s, a: s.handler.rcpt_replies[a].extend(["451 4.7.1 Greylisted"] * 2),
        DeliveryStatus.SENT,
    ),
    "busy@family.example": (
        lambda s, a: s.handler.data_replies[a].append("421 4.3.2 Busy, closing"),
        DeliveryStatus.SENT,
    ),
    "gone@family.example": (
        lambda s, a: s.handler.rcpt_replies[a].append("550 5.1.1 No such mailbox"),
        DeliveryStatus.PERMANENT_FAILURE,
    ),
    "dropped@family.example": (
        lambda s, a: s.handler.data_replies[a].append(DROP),
        DeliveryStatus.SENT,
    ),
    "hanging@family.example": (
        lambda s, a: s.handler.data_replies[a].append(HANG),
        DeliveryStatus.SENT,
    ),
    "always-busy@family.example": (
        lambda s, a: s.handler.rcpt_replies[a].extend(["450 4.2.1 Mailbox busy"] * 50),
        DeliveryStatus.PERMANENT_FAILURE,
    ),
    "fine@family.example": (lambda s, a: None, DeliveryStatus.SENT),
}


async def test_every_message_ends_sent_or_undeliverable_and_qa_hears_of_each_failure(
    outbox_sessions: Sessions, clock: FrozenClock, smtp_server: SmtpServer
) -> None:
    smtp_server.handler.hang_seconds = 1.0
    for address, (behave, _) in BEHAVIOUR.items():
        behave(smtp_server, address)
    ids = {
        address: await add_message(
            outbox_sessions,
            clock,
            to_address=address,
            recipient_role="family",
            template="family_invitation",
        )
        for address in BEHAVIOUR
    }
    told: list[int] = []

    async def tell_qa(session: AsyncSession, failed: OutboxMessage) -> None:
        assert failed.id is not None
        told.append(failed.id)
        await enqueue(
            session,
            now=clock(),
            template="qa_undeliverable",
            recipient_role="qa",
            to_address="qa@council.example",
            email=rendered(subject="An email to a family member could not be delivered"),
            request_id=failed.request_id,
        )

    config = SmtpConfig(
        host="127.0.0.1",
        port=smtp_server.port,
        security="none",
        username=None,
        password=None,
        timeout_seconds=0.5,  # the hanging server outlasts it
        mail_from=MAIL_FROM,
        message_id_domain=MESSAGE_ID_DOMAIN,
    )
    dispatcher = Dispatcher(
        outbox_sessions,
        SmtpTransport(config),
        clock=clock,
        lease_seconds=60,
        max_attempts=MAX_ATTEMPTS,
        on_permanent_failure=tell_qa,
    )
    try:
        for _ in range(3 * MAX_ATTEMPTS):
            await dispatcher.run_once()
            clock.advance(hours=2)  # past every backoff
    finally:
        await dispatcher.close()

    async with outbox_sessions() as session:
        rows = {row.id: row for row in await session.scalars(select(OutboxMessage))}
    for address, (_, expected) in BEHAVIOUR.items():
        row = rows[ids[address]]
        assert row.status == expected, (address, row.status, row.last_error)
        assert row.attempts <= MAX_ATTEMPTS
    assert {row.status for row in rows.values()} <= {
        DeliveryStatus.SENT.value,
        DeliveryStatus.PERMANENT_FAILURE.value,
    }, "nothing left waiting, sending or in doubt"
    failed = {ids["gone@family.example"], ids["always-busy@family.example"]}
    assert set(told) == failed
    assert rows[ids["always-busy@family.example"]].attempts == MAX_ATTEMPTS
    arrivals = Counter(smtp_server.handler.message_ids())
    assert sum(1 for row in rows.values() if row.recipient_role == "qa") == len(failed)
    for message_id, times in arrivals.items():
        # Only the messages whose first delivery was in doubt may have arrived twice; the
        # repeat carries the same Message-ID, so the receiving side can tell.
        if times > 1:
            assert message_id in {
                f"<outbox-{ids['dropped@family.example']}@{MESSAGE_ID_DOMAIN}>",
                f"<outbox-{ids['hanging@family.example']}@{MESSAGE_ID_DOMAIN}>",
            }
    for address, (_, expected) in BEHAVIOUR.items():
        if expected is DeliveryStatus.SENT:
            assert arrivals[f"<outbox-{ids[address]}@{MESSAGE_ID_DOMAIN}>"] >= 1, address
