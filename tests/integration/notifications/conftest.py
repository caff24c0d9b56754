"""Fixtures for the notifications package: an outbox database, a real SMTP server, a clock."""

import asyncio
import os
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker

from notifications.dispatcher import Dispatcher
from notifications.outbox import OutboxMessage
from notifications.transport import SmtpConfig, SmtpTransport
from tests.integration.notifications.factories import (
    MAIL_FROM,
    MESSAGE_ID_DOMAIN,
    START,
    Sessions,
    make_engine,
)
from tests.integration.notifications.smtp_server import SmtpServer
from tests.support.clock import FrozenClock


async def _admin(base: str, *statements: str) -> None:
    connection = await asyncpg.connect(f"{base}/postgres".replace("+asyncpg", "", 1))
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def outbox_postgres_url() -> Iterator[str]:
    """A database of our own beside TEST_DATABASE_URL's, so the service's template stays clean."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL")
    base, _, name = url.split("?", 1)[0].rpartition("/")
    ours = f"{name}_outbox"
    asyncio.run(
        _admin(
            base,
            f"DROP DATABASE IF EXISTS {ours} WITH (FORCE)",
            f"CREATE DATABASE {ours}",
            # Every result is its own commit; waiting for each to reach the disk would make the
            # 500-message test slow without changing how rows are locked or seen.
            f"ALTER DATABASE {ours} SET synchronous_commit = off",
        )
    )
    yield f"{base}/{ours}"
    asyncio.run(_admin(base, f"DROP DATABASE IF EXISTS {ours} WITH (FORCE)"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def outbox_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each database test runs on SQLite (a temp file) and, when configured, on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'outbox.db'}"
    return str(request.getfixturevalue("outbox_postgres_url"))


@pytest.fixture
async def outbox_sessions(outbox_url: str) -> AsyncIterator[Sessions]:
    """Sessions on a database holding only a fresh outbox table."""
    engine = make_engine(outbox_url)
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    async with engine.begin() as connection:
        await connection.run_sync(lambda sync: table.drop(sync, checkfirst=True))
        await connection.run_sync(table.create)
    yield async_sessionmaker(engine, expire_on_commit=False)
    await engine.dispose()


@pytest.fixture
def clock() -> FrozenClock:
    """The dispatcher's time; tests move it."""
    return FrozenClock(START)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A running SMTP server, stopped after the test."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_config(smtp_server: SmtpServer) -> SmtpConfig:
    """Settings that reach the test server, with a short timeout."""
    return SmtpConfig(
        host="127.0.0.1",
        port=smtp_server.port,
        security="none",
        username=None,
        password=None,
        timeout_seconds=5,
        mail_from=MAIL_FROM,
        message_id_domain=MESSAGE_ID_DOMAIN,
    )


@pytest.fixture
async def make_dispatcher(
    outbox_sessions: Sessions, smtp_config: SmtpConfig, clock: FrozenClock
) -> AsyncIterator[Callable[..., Dispatcher]]:
    """Builds SMTP dispatchers on the test database and closes them afterwards."""
    made: list[Dispatcher] = []

    def make(**overrides: Any) -> Dispatcher:
        options: dict[str, Any] = {"clock": clock, "batch_size": 50}
        options.update(overrides)
        sessions = options.pop("sessions", outbox_sessions)
        dispatcher = Dispatcher(sessions, SmtpTransport(smtp_config), **options)
        made.append(dispatcher)
        return dispatcher

    yield make
    for dispatcher in made:
        await dispatcher.close()
