"""The outbox dispatcher sending to a local aiosmtpd server, beside a bare aiosmtplib loop.

The bare loop holds the same rows in memory, builds the same `EmailMessage` for each (headers,
text and HTML alternatives, the same policy) and calls `send_message` on a kept-open connection:
no database, no states. The dispatcher claims, sends and records each row as in production.
Both are run with one connection (the in-process dispatcher) and with four (four dispatchers,
as `dispatch` processes beside the web process would run).
"""

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

import aiosmtplib
from sqlalchemy import func, select, update
from sqlmodel import col

from notifications.dispatcher import Dispatcher
from notifications.outbox import DeliveryStatus, OutboxMessage
from notifications.transport import MESSAGE_POLICY, SmtpConfig, SmtpTransport
from service.settings import Settings
from service.store.database import Database
from service.store.migrate import upgrade_database
from service.usecases.steps.mail import email_renderer, qa_contact
from tests.perf.seed import outbox_rows, seed_outbox
from tests.perf.servers import HOST

MAIL_FROM = "observers@council.example"
MESSAGE_ID_DOMAIN = "bench.local"


@dataclass(frozen=True)
class MailRun:
    """Messages per second and the time each message took its sender."""

    messages: int
    connections: int
    seconds: float
    cycle_ms: list[float]
    cpu_seconds: float  # this process's CPU (the sender and its database threads)

    @property
    def per_second(self) -> float:
        """Messages per second over the whole run."""
        return self.messages / self.seconds

    def percentile(self, p: float) -> float:
        """The p-th percentile of the per-message cycle, in milliseconds."""
        ordered = sorted(self.cycle_ms)
        if not ordered:
            return 0.0
        rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
        return ordered[rank]

    def summary(self) -> dict[str, object]:
        """The figures written to results.json."""
        return {
            "messages": self.messages,
            "connections": self.connections,
            "seconds": round(self.seconds, 3),
            "per_second": round(self.per_second, 1),
            "p50_ms": round(self.percentile(50), 2),
            "p99_ms": round(self.percentile(99), 2),
            "cpu_ms_per_message": round(self.cpu_seconds * 1000 / self.messages, 3),
        }


def _cycles(starts: list[list[float]], finished: list[float]) -> list[float]:
    # A message's cycle runs from the start of its send to the start of the next one on the same
    # connection (the last one to the worker's end): it includes the dispatcher's bookkeeping.
    cycles = []
    for worker, marks in enumerate(starts):
        ends = [*marks[1:], finished[worker]]
        cycles += [(end - start) * 1000 for start, end in zip(marks, ends, strict=True)]
    return cycles


def receipt_email(settings: Settings) -> tuple[str, str, str]:
    """A real family answer receipt, rendered by the service's templates."""
    email = email_renderer().render(
        "family_answer_receipt",
        **qa_contact(settings),
        recipient_name="Alex Parent",
        answer="yes",
        conference_when="Monday 21 December 2026 at 10:00am",
        consent_url="https://observers.council.example/consent/" + "t" * 90,
    )
    return email.subject, email.text, email.html


def bare_message(row: dict[str, Any]) -> EmailMessage:
    """The message the transport builds for a plain row, built the plain way."""
    message = EmailMessage(policy=MESSAGE_POLICY)
    message["From"] = MAIL_FROM
    message["To"] = row["to_address"]
    message["Subject"] = row["subject"]
    message["Date"] = format_datetime(row["created_at"])
    message["Message-ID"] = f"<outbox-{row['id']}@{MESSAGE_ID_DOMAIN}>"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(row["body_text"])
    message.add_alternative(row["body_html"], subtype="html")
    return message


# Like the HTTP runs, no new message starts after this, so a crowded machine cannot stretch the
# bench past its few minutes; the run then counts the messages that went.
BUDGET_SECONDS = 25.0


async def bare_loop(
    port: int, rows: list[dict[str, Any]], connections: int, budget: float = BUDGET_SECONDS
) -> MailRun:
    """Build and send every row over `connections` kept-open aiosmtplib connections."""
    queue = list(reversed(rows))
    clients = [aiosmtplib.SMTP(hostname=HOST, port=port, local_hostname=MESSAGE_ID_DOMAIN)]
    clients += [
        aiosmtplib.SMTP(hostname=HOST, port=port, local_hostname=MESSAGE_ID_DOMAIN)
        for _ in range(connections - 1)
    ]
    await asyncio.gather(*(c.connect() for c in clients))
    starts: list[list[float]] = [[] for _ in clients]
    finished = [0.0] * len(clients)

    stop_at = time.perf_counter() + budget
    sent = 0

    async def worker(index: int, client: aiosmtplib.SMTP) -> None:
        nonlocal sent
        while queue and time.perf_counter() < stop_at:
            row = queue.pop()
            starts[index].append(time.perf_counter())
            await client.send_message(bare_message(row))
            sent += 1
        finished[index] = time.perf_counter()

    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker(i, c) for i, c in enumerate(clients)))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    for client in clients:
        await client.quit()
    return MailRun(sent, connections, elapsed, _cycles(starts, finished), cpu)


class _TimedTransport:
    """The production SMTP transport, noting when each send starts."""

    def __init__(self, transport: SmtpTransport, marks: list[float]) -> None:
        self.transport = transport
        self.marks = marks

    async def send(self, row: OutboxMessage) -> None:
        self.marks.append(time.perf_counter())
        await self.transport.send(row)

    async def close(self) -> None:
        await self.transport.close()


async def dispatcher_run(
    database: Database,
    port: int,
    connections: int,
    clock: Callable[[], datetime],
    budget: float = BUDGET_SECONDS,
) -> MailRun:
    """Run `connections` dispatchers until the outbox has nothing due (or the budget is spent);
    check that every message they took was sent."""
    config = SmtpConfig(
        host=HOST,
        port=port,
        security="none",
        username=None,
        password=None,
        timeout_seconds=30,
        mail_from=MAIL_FROM,
        message_id_domain=MESSAGE_ID_DOMAIN,
    )
    starts: list[list[float]] = [[] for _ in range(connections)]
    finished = [0.0] * connections
    dispatchers = [
        Dispatcher(database.writer, _TimedTransport(SmtpTransport(config), starts[i]), clock=clock)
        for i in range(connections)
    ]

    stop_at = time.perf_counter() + budget

    async def worker(index: int, dispatcher: Dispatcher) -> None:
        while time.perf_counter() < stop_at and await dispatcher.run_once():
            pass
        finished[index] = time.perf_counter()

    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker(i, d) for i, d in enumerate(dispatchers)))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    for dispatcher in dispatchers:
        await dispatcher.close()
    async with database.read_session() as session:
        counts = dict(
            (
                await session.execute(
                    select(col(OutboxMessage.status), func.count()).group_by(
                        col(OutboxMessage.status)
                    )
                )
            ).all()
        )
    # Sent, or never claimed because the budget ran out (pending); retired by an earlier run
    # (permanent failure). Anything else means a send went wrong.
    troubled = {
        DeliveryStatus.SENDING.value,
        DeliveryStatus.TEMPORARY_FAILURE.value,
    }
    if troubled & set(counts):
        raise RuntimeError(f"the dispatcher left messages in these states: {counts}")
    sent = sum(len(marks) for marks in starts)
    return MailRun(sent, connections, elapsed, _cycles(starts, finished), cpu)


async def _retire_pending(database: Database) -> None:
    async with database.write_session() as session:
        await session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.status) == DeliveryStatus.PENDING.value)
            .values(status=DeliveryStatus.PERMANENT_FAILURE.value)
        )
        await session.commit()


async def run_mail_round(
    *,
    database_url: str,
    sink_port: int,
    messages: int,
    history: int,
    log: Any,
    connection_counts: tuple[int, ...] = (1, 4),
) -> list[dict[str, Any]]:
    """Bare loop and dispatcher with each number of connections; returns their summaries."""
    await asyncio.to_thread(upgrade_database, database_url)
    now = datetime.now(UTC)
    subject, text_body, html_body = receipt_email(Settings())

    def rows(first_id: int, count: int, status: str) -> list[dict[str, Any]]:
        return outbox_rows(
            count=count,
            first_id=first_id,
            status=status,
            now=now,
            subject=subject,
            text_body=text_body,
            html_body=html_body,
        )

    log(f"  seeding {history:,} sent messages")
    await seed_outbox(database_url, rows(1, history, DeliveryStatus.SENT.value))
    next_id = history + 1
    database = Database(database_url)
    results = []
    try:
        for connections in connection_counts:
            batch = rows(next_id, messages, DeliveryStatus.PENDING.value)
            next_id += messages
            log(f"  bare aiosmtplib loop, {connections} connection(s)")
            await bare_loop(sink_port, batch[:100], connections)  # warm up
            bare = await bare_loop(sink_port, batch, connections)
            log(f"  dispatcher, {connections} connection(s)")
            await seed_outbox(database_url, batch)
            service = await dispatcher_run(
                database, sink_port, connections, lambda: datetime.now(UTC)
            )
            # Leave nothing due for the next run: only its own batch must be there.
            await _retire_pending(database)
            results.append(
                {
                    "name": f"dispatcher ({connections} conn.)",
                    "service": service.summary(),
                    "bare": bare.summary(),
                }
            )
    finally:
        await database.dispose()
    return results
