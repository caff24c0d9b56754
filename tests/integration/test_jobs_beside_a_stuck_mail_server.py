"""The deadline job lapses a request on time while the mail server says nothing at all."""

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest

from service.dispatching import run_dispatcher
from service.settings import Settings
from service.store.database import Database
from service.store.tables import ObservationRequest
from tests.support.clock import FrozenClock
from tests.support.consent import approved_request
from tests.support.scenario import build_world


@pytest.fixture
async def silent_mail_server() -> AsyncIterator[int]:
    """A server on 127.0.0.1 that accepts connections and never says a word; its port."""
    held: list[asyncio.StreamWriter] = []

    async def accept(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(accept, host="127.0.0.1", port=0)
    yield int(server.sockets[0].getsockname()[1])
    for writer in held:
        writer.close()
    server.close()
    await server.wait_closed()


async def test_a_request_lapses_at_its_deadline_while_mail_hangs(
    client: httpx.AsyncClient,
    database: Database,
    settings: Settings,
    clock: FrozenClock,
    silent_mail_server: int,
) -> None:
    world = await build_world(database, days_ahead=10)
    request_id = await approved_request(client, world)  # the invitations wait in the outbox
    clock.set(clock.now + timedelta(days=9, hours=8))  # past 17:00 the working day before
    stuck = settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": silent_mail_server,
            "smtp_timeout_seconds": 30.0,
            "dispatch_interval_seconds": 0.05,
            "jobs_interval_seconds": 0.05,
        }
    )
    stop = asyncio.Event()
    running = asyncio.create_task(run_dispatcher(stuck, database, stop, clock=clock))
    began = time.monotonic()
    try:
        while True:
            async with database.read_session() as session:
                request = await session.get(ObservationRequest, request_id)
                assert request is not None
            if request.status == "lapsed":
                break
            assert time.monotonic() - began < 5, "the deadline job waited for the mail server"
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
