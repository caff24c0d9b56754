"""The bad-link limiter slows guessing and nobody else: valid links always open, counts are
shared by every process, and a forwarded address is believed only from a trusted proxy."""

import os
import subprocess
import time
from pathlib import Path

import httpx

from service.settings import Settings
from service.store.database import Database
from service.web.app import create_app
from tests.browser.live_service import CLI, free_port
from tests.support.clock import FrozenClock
from tests.support.consent import approved_request, consent_paths
from tests.support.scenario import build_world


async def test_a_family_behind_a_throttled_address_still_gets_its_page(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    path = (await consent_paths(database, settings, request_id))[world.family_ids[0]]
    for _ in range(settings.bad_link_limit):
        await client.get("/consent/guess")
    assert (await client.get("/consent/guess")).status_code == 429
    page = await client.get(path)
    assert page.status_code == 200
    assert "Can a trainee watch your child protection conference?" in page.text


async def test_every_process_counts_the_same_bad_attempts(
    database: Database, settings: Settings, clock: FrozenClock
) -> None:
    # Two apps on one database, as two processes would be.
    clients = []
    for _ in range(2):
        transport = httpx.ASGITransport(app=create_app(settings, database, clock=clock))
        clients.append(httpx.AsyncClient(transport=transport, base_url="http://testserver"))
    try:
        for attempt in range(settings.bad_link_limit):
            response = await clients[attempt % 2].get("/consent/guess")
            assert response.status_code == 404
        for client in clients:
            assert (await client.get("/consent/guess")).status_code == 429
    finally:
        for client in clients:
            await client.aclose()


def test_a_forged_forwarded_address_from_an_untrusted_peer_changes_nothing(
    tmp_path: Path,
) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CPC_")}
    port = free_port()
    env.update(
        {
            "CPC_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'service.db'}",
            "CPC_DISPATCH_IN_PROCESS": "false",
            "CPC_BAD_LINK_LIMIT": "3",
            "CPC_DEV_MAILBOX_DIR": str(tmp_path / "mail"),
        }
    )
    migrated = subprocess.run(  # noqa: S603 - our own command line, fixed arguments
        [str(CLI), "migrate"], env=env, capture_output=True, timeout=60, check=False
    )
    assert migrated.returncode == 0, migrated.stderr
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own command line, fixed arguments
            [str(CLI), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        statuses = [
            httpx.get(
                f"{base}/consent/guess", headers={"X-Forwarded-For": f"203.0.113.{n}"}
            ).status_code
            for n in range(6)
        ]
    finally:
        process.terminate()
        process.wait(timeout=15)
    # Each "new" address was the same peer all along: the fourth try onwards is slowed.
    assert statuses == [404, 404, 404, 429, 429, 429]
