"""`/readyz`: 200 only while the database answers, the schema is current, a dispatcher reports in
and no message has waited too long; 503 naming the check that failed otherwise."""

import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncConnection

from notifications.outbox import DeliveryStatus, OutboxMessage, RecipientRole
from service.settings import Settings
from service.store.database import Database
from service.store.heartbeats import report_in
from service.web.app import create_app
from tests.browser.live_service import free_port
from tests.support.clock import FrozenClock


async def _report_in(database: Database, clock: FrozenClock, ago: timedelta) -> None:
    async with database.write_session() as session:
        await report_in(session, process="worker-1:100", now=clock() - ago)
        await session.commit()


async def _message(
    database: Database,
    clock: FrozenClock,
    *,
    written_ago: timedelta,
    due_in: timedelta = timedelta(0),
    status: DeliveryStatus = DeliveryStatus.PENDING,
) -> None:
    async with database.write_session() as session:
        session.add(
            OutboxMessage(
                created_at=clock() - written_ago,
                template="qa_outcome",
                recipient_role=RecipientRole.QA,
                to_address="qa@council.example",
                subject="A request needs a decision",
                body_text="…",
                status=status.value,
                next_attempt_at=clock() + due_in,
            )
        )
        await session.commit()


async def _ready(client: httpx.AsyncClient) -> tuple[int, dict[str, str]]:
    response = await client.get("/readyz")
    assert response.headers["cache-control"] == "no-store"
    return response.status_code, response.json()["checks"]


async def test_ready_when_every_check_passes(
    client: httpx.AsyncClient, database: Database, clock: FrozenClock
) -> None:
    await _report_in(database, clock, ago=timedelta(seconds=5))
    status, checks = await _ready(client)
    assert status == 200
    assert checks == {"database": "ok", "schema": "ok", "dispatcher": "ok", "outbox": "ok"}
    assert (await client.get("/readyz")).json()["status"] == "ready"


async def test_not_ready_until_a_dispatcher_reports_in_and_after_it_stops(
    client: httpx.AsyncClient, database: Database, clock: FrozenClock, settings: Settings
) -> None:
    status, checks = await _ready(client)
    assert status == 503
    assert checks["dispatcher"] == "no dispatcher has reported in lately"
    assert checks["database"] == "ok"

    interval = settings.dispatch_report_interval_seconds
    await _report_in(database, clock, ago=timedelta(seconds=3 * interval))
    assert (await _ready(client))[0] == 200
    clock.advance(seconds=1)  # a fourth interval missed
    status, checks = await _ready(client)
    assert status == 503 and checks["dispatcher"] != "ok"


async def test_no_dispatcher_check_where_none_is_expected(
    database: Database, clock: FrozenClock, settings: Settings
) -> None:
    app = create_app(settings.model_copy(update={"ready_expects_dispatcher": False}), database,
                     clock=clock)  # fmt: skip
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://testserver") as client:  # fmt: skip
        status, checks = await _ready(client)
    assert status == 200
    assert "dispatcher" not in checks


async def test_not_ready_while_a_message_due_has_waited_too_long(
    client: httpx.AsyncClient, database: Database, clock: FrozenClock, settings: Settings
) -> None:
    await _report_in(database, clock, ago=timedelta(0))
    limit = timedelta(seconds=settings.ready_max_outbox_age_seconds)
    # Sent long ago, or not due until later: neither is waiting.
    await _message(database, clock, written_ago=2 * limit, status=DeliveryStatus.SENT)
    await _message(database, clock, written_ago=2 * limit, due_in=timedelta(minutes=5))
    await _message(database, clock, written_ago=limit)
    assert (await _ready(client))[0] == 200

    await _message(database, clock, written_ago=limit + timedelta(seconds=60),
                   status=DeliveryStatus.TEMPORARY_FAILURE)  # fmt: skip
    status, checks = await _ready(client)
    assert status == 503
    assert checks["outbox"] == f"a message has waited {int(limit.total_seconds()) + 60} s"


async def test_not_ready_on_a_database_never_migrated(
    tmp_path: Path, clock: FrozenClock, settings: Settings
) -> None:
    empty = Database(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
    app = create_app(settings, empty, clock=clock)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://testserver") as client:  # fmt: skip
            status, checks = await _ready(client)
    finally:
        await empty.dispose()
    assert status == 503
    assert checks["database"] == "ok"
    assert checks["schema"].startswith("at None, not ")


@pytest.mark.parametrize(
    "url",
    [
        pytest.param(f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/gone", id="postgres"),
        pytest.param("sqlite+aiosqlite:////nonexistent-folder/cpc.db", id="sqlite"),
    ],
)
async def test_not_ready_when_the_database_cannot_be_reached(
    url: str, clock: FrozenClock, settings: Settings
) -> None:
    unreachable = Database(url)
    app = create_app(settings, unreachable, clock=clock)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://testserver") as client:  # fmt: skip
            status, checks = await _ready(client)
            alive = await client.get("/healthz")
    finally:
        await unreachable.dispose()
    assert status == 503
    assert list(checks) == ["database"]
    assert checks["database"] != "ok"
    assert alive.status_code == 200  # still alive: restarting it would not bring the database


@contextlib.asynccontextmanager
async def _every_pooled_connection(database: Database) -> AsyncIterator[list[AsyncConnection]]:
    # The read pool's size and overflow, as service.store.database sets them.
    capacity = 10 if database.dialect == "sqlite" else 20
    held: list[AsyncConnection] = []
    try:
        for _ in range(capacity):
            held.append(await database.read_engine.connect())
        yield held
    finally:
        for connection in held:
            await connection.close()


async def test_not_ready_while_the_pool_is_exhausted_then_ready_again(
    client: httpx.AsyncClient, database: Database, clock: FrozenClock
) -> None:
    await _report_in(database, clock, ago=timedelta(0))
    async with _every_pooled_connection(database):
        status, checks = await _ready(client)
        assert status == 503
        assert checks == {"database": "no answer within 1 s"}
    assert (await _ready(client))[0] == 200
