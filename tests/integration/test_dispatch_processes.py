"""`cpc-observers dispatch` as deployments run it: several processes, a slow server, a SIGKILL.

Each message is counted at a real SMTP server by its Message-ID. With two and four dispatcher
processes on one PostgreSQL database, a one-second lease and a server that takes longer than
that for some messages: every message arrives exactly once. A dispatcher killed mid-send and
started again loses nothing, and a message sent twice carries the same Message-ID.
"""

import asyncio
import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select
from sqlmodel import col

from notifications.outbox import DeliveryStatus, OutboxMessage
from service.store.database import Database
from tests.browser.live_service import CLI
from tests.integration.notifications.smtp_server import SmtpServer

MESSAGES = 320


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1, stopped after the test."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def _environment(database_url: str, smtp_port: int, tmp_path: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CPC_")}
    env.update(
        {
            "CPC_ENV": "development",
            "CPC_DATABASE_URL": database_url,
            "CPC_SMTP_HOST": "127.0.0.1",
            "CPC_SMTP_PORT": str(smtp_port),
            "CPC_SMTP_TIMEOUT_SECONDS": "10",
            "CPC_DISPATCH_LEASE_SECONDS": "1",
            "CPC_DISPATCH_INTERVAL_SECONDS": "0.1",
            "CPC_MAIL_FROM": "observers@council.example",
            "CPC_BASE_URL": "http://cpc.test",
            "CPC_DEV_MAILBOX_DIR": str(tmp_path / "mail"),
        }
    )
    return env


def _start(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(  # noqa: S603 - our own command line, fixed arguments
            [str(CLI), "dispatch"], env=env, stdout=out, stderr=subprocess.STDOUT
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


async def _fill(database: Database, count: int) -> list[int]:
    now = datetime.now(UTC)
    row = {
        "created_at": now,
        "template": "qa_outcome",
        "recipient_role": "qa",
        "subject": "Child Protection Conference CP-2026-001: observation going ahead",
        "body_text": "Going ahead.",
        "body_html": "<p>Going ahead.</p>",
        "status": DeliveryStatus.PENDING.value,
        "attempts": 0,
        "next_attempt_at": now,
    }
    async with database.write_session() as session:
        await session.execute(
            insert(OutboxMessage),
            [{**row, "to_address": f"person{n}@council.example"} for n in range(count)],
        )
        await session.commit()
        return list(
            await session.scalars(select(col(OutboxMessage.id)).order_by(col(OutboxMessage.id)))
        )


async def _unsent(database: Database) -> int:
    async with database.read_session() as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(col(OutboxMessage.status) != DeliveryStatus.SENT.value)
            )
            or 0
        )


async def _wait_all_sent(database: Database, within: float) -> None:
    deadline = time.monotonic() + within
    while await _unsent(database):
        assert time.monotonic() < deadline, f"{await _unsent(database)} messages still not sent"
        await asyncio.sleep(0.2)


def _expected_ids(ids: list[int]) -> set[str]:
    return {f"<outbox-{message_id}@cpc.test>" for message_id in ids}


def _ours(smtp_server: SmtpServer, ids: list[int]) -> Counter[str]:
    """Arrivals of the test's own messages (the jobs beside the dispatcher send their own)."""
    expected = _expected_ids(ids)
    return Counter(m for m in smtp_server.handler.message_ids() if m in expected)


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL")
@pytest.mark.parametrize("processes", [2, 4])
async def test_several_dispatchers_send_each_message_once_past_a_short_lease(
    database: Database,
    database_url: str,
    smtp_server: SmtpServer,
    tmp_path: Path,
    processes: int,
) -> None:
    # Every message takes a little while; every fortieth takes longer than the whole lease,
    # so only renewing the lease keeps another dispatcher from taking it back.
    smtp_server.handler.delays["*"] = 0.02
    for n in range(0, MESSAGES, 40):
        smtp_server.handler.delays[f"person{n}@council.example"] = 1.6
    ids = await _fill(database, MESSAGES)
    env = _environment(database_url, smtp_server.port, tmp_path)
    running = [_start(env, tmp_path / f"dispatch-{n}.log") for n in range(processes)]
    began = time.monotonic()
    try:
        await _wait_all_sent(database, within=120)
    finally:
        for process in running:
            _stop(process)
    took = time.monotonic() - began
    arrivals = _ours(smtp_server, ids)
    duplicates = sum(times - 1 for times in arrivals.values())
    print(
        f"\n{processes} dispatchers: {MESSAGES} messages in {took:.1f} s, {duplicates} duplicates"
    )
    assert set(arrivals) == _expected_ids(ids), "lost messages"
    assert duplicates == 0, arrivals.most_common(3)


async def test_a_dispatcher_killed_mid_send_loses_nothing(
    database: Database, database_url: str, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    smtp_server.handler.delays["*"] = 0.3
    ids = await _fill(database, 12)
    env = _environment(database_url, smtp_server.port, tmp_path)
    log = tmp_path / "dispatch.log"
    first = _start(env, log)
    try:
        deadline = time.monotonic() + 60
        while len(smtp_server.handler.message_ids()) < 3:
            assert time.monotonic() < deadline, log.read_text()
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.15)  # inside the next message's conversation
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        _stop(first)
    second = _start(env, log)
    try:
        await _wait_all_sent(database, within=60)
    finally:
        _stop(second)
    arrivals = _ours(smtp_server, ids)
    duplicates = sum(times - 1 for times in arrivals.values())
    print(f"\nkilled mid-send: {len(ids)} messages, 0 lost, {duplicates} sent twice")
    assert set(arrivals) == _expected_ids(ids), "a message was lost"
    async with database.read_session() as session:
        taken_back = await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(col(OutboxMessage.attempts) > 1)
        )
    # What the killed dispatcher had claimed but not sent (the message in flight among them)
    # was taken back once its lease ran out.
    assert taken_back is not None and taken_back >= 1
    # A message the server had taken when the dispatcher died goes again, under the same
    # Message-ID; at most the one in flight.
    assert duplicates <= 1
