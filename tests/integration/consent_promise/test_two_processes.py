"""Two `serve` processes on one PostgreSQL database, 200 mixed writes at once.

Answers, cancellations, moves, additions, corrections, removals, approvals and withdrawals are
fired together at both processes with a fixed seed. Afterwards: no 5xx, no deadlock in either
log, the audit chain verifies, everyone who must be asked is asked exactly once, and no
conference was moved after it was cancelled.
"""

import asyncio
import os
import random
import secrets
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlmodel import col

from service.links import make_consent_token
from service.settings import Settings
from service.store.database import Database
from service.store.tables import AuditEntry, ConsentInvitation, FamilyMember
from tests.browser.live_service import CLI, free_port
from tests.integration.consent_promise.races import assert_everyone_asked_once
from tests.support.consent import information_sha256
from tests.support.factories import TEST_PASSWORD, make_conference, make_family_member, make_staff
from tests.support.scenario import request_body
from tests.support.web import csrf_from

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL (TEST_DATABASE_URL)"
)
SEED = 20261201
OPERATIONS = 200
CONFERENCES = 12


def _serve(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(  # noqa: S603 - our own command line, fixed arguments
            [str(CLI), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _wait_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the service stopped:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the service did not start:\n{log.read_text()}")


@pytest.fixture
def two_services(database_url: str, tmp_path: Path) -> Iterator[tuple[list[str], Settings]]:
    """Two service processes on this test's database; their addresses and shared settings."""
    secret = secrets.token_urlsafe(48)
    env = {key: value for key, value in os.environ.items() if not key.startswith("CPC_")}
    ports = [free_port(), free_port()]
    env.update(
        {
            "CPC_ENV": "development",
            "CPC_SECRET_KEY": secret,
            "CPC_DATABASE_URL": database_url,
            "CPC_BASE_URL": f"http://127.0.0.1:{ports[0]}",
            "CPC_DISPATCH_IN_PROCESS": "false",
            "CPC_QA_MAILBOX": "qa@council.example",
            "CPC_TRAINEE_EMAIL_DOMAINS": "council.example",
            "CPC_DEV_MAILBOX_DIR": str(tmp_path / "mail"),
        }
    )
    processes: list[subprocess.Popen[bytes]] = []
    logs = [tmp_path / f"serve-{n}.log" for n in range(2)]
    try:
        for port, log in zip(ports, logs, strict=True):
            processes.append(_serve(env, port, log))
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for url, process, log in zip(urls, processes, logs, strict=True):
            _wait_up(url, process, log)
        yield urls, Settings(secret_key=secret, database_url=database_url)
        for log in logs:
            text = log.read_text()
            assert "deadlock" not in text.lower(), text
            assert "Traceback" not in text, text
    finally:
        for process in processes:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


async def _seed(database: Database) -> dict[str, Any]:
    async with database.write_session() as session:
        qa = await make_staff(session, role="qa")
        trainees = [await make_staff(session) for _ in range(4)]
        # Far enough ahead for the real clock the processes use.
        start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=40)
        conferences = []
        for _ in range(CONFERENCES):
            conference = await make_conference(session, starts_at=start)
            for relationship in ("Mother", "Father"):
                await make_family_member(
                    session, conference_id=conference.id, relationship=relationship
                )
            conferences.append(conference.id)
        await session.commit()
    return {
        "qa": qa.email,
        "trainees": [t.email for t in trainees],
        "conferences": conferences,
        "start": start,
    }


async def _token(client: httpx.AsyncClient, url: str, email: str) -> str:
    response = await client.post(
        f"{url}/api/v1/auth/token", json={"email": email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


async def _answer(url: str, path: str, decision: str) -> int:
    async with httpx.AsyncClient(base_url=url, timeout=60) as person:
        page = await person.get(path)
        if 'name="decision"' not in page.text:
            return page.status_code  # a closed or bad link: nothing to answer
        response = await person.post(
            path,
            data={
                "decision": decision,
                "csrf_token": csrf_from(page.text),
                "text_sha256": information_sha256(page.text),
            },
        )
        return response.status_code


async def test_two_processes_keep_the_promise_under_200_mixed_writes(
    two_services: tuple[list[str], Settings], database: Database
) -> None:
    urls, settings = two_services
    world = await _seed(database)
    rng = random.Random(SEED)
    began = time.monotonic()
    async with httpx.AsyncClient(timeout=60) as client:
        qa = {"Authorization": f"Bearer {await _token(client, urls[0], world['qa'])}"}
        trainees = [
            {"Authorization": f"Bearer {await _token(client, urls[1], email)}"}
            for email in world["trainees"]
        ]
        request_ids: list[int] = []
        for n, conference_id in enumerate(world["conferences"]):
            created = await client.post(
                f"{urls[n % 2]}/api/v1/observation-requests",
                json=request_body(conference_id),
                headers=trainees[n % len(trainees)],
            )
            assert created.status_code == 201, created.text
            request_ids.append(int(created.json()["id"]))
        for request_id in request_ids[: CONFERENCES * 2 // 3]:
            approved = await client.post(
                f"{urls[0]}/api/v1/observation-requests/{request_id}/approve", headers=qa
            )
            assert approved.status_code == 200, approved.text
        async with database.read_session() as session:
            invitations = list(await session.scalars(select(ConsentInvitation)))
            members = list(await session.scalars(select(FamilyMember)))

        async def one(n: int) -> tuple[str, int]:
            url = urls[n % 2]
            kind = rng.choice(
                ["answer"] * 8
                + ["cancel", "move", "add", "correct", "remove", "approve", "withdraw"]
            )
            conference_id = rng.choice(world["conferences"])
            request_id = rng.choice(request_ids)
            member = rng.choice(members)
            if kind == "answer":
                invitation = rng.choice(invitations)
                token = make_consent_token(
                    settings, invitation_id=invitation.id or 0, nonce=invitation.nonce
                )
                decision = "no" if rng.random() < 0.15 else "yes"
                return kind, await _answer(url, f"/consent/{token}", decision)
            if kind == "cancel":
                response = await client.post(
                    f"{url}/api/v1/conferences/{conference_id}/cancel", headers=qa
                )
            elif kind == "move":
                moved = world["start"] + timedelta(days=rng.randint(1, 5))
                response = await client.post(
                    f"{url}/api/v1/conferences/{conference_id}/reschedule",
                    json={"starts_at": moved.isoformat()},
                    headers=qa,
                )
            elif kind == "add":
                response = await client.post(
                    f"{url}/api/v1/conferences/{conference_id}/family-members",
                    json={
                        "name": f"Carer {n}",
                        "relationship": "Kinship carer",
                        "email": f"carer{n}@family.example",
                        "is_child": False,
                        "has_parental_responsibility": True,
                    },
                    headers=qa,
                )
            elif kind == "correct":
                response = await client.patch(
                    f"{url}/api/v1/family-members/{member.id}",
                    json={"email": f"new{n}@family.example"},
                    headers=qa,
                )
            elif kind == "remove":
                response = await client.delete(
                    f"{url}/api/v1/family-members/{member.id}", headers=qa
                )
            elif kind == "approve":
                response = await client.post(
                    f"{url}/api/v1/observation-requests/{request_id}/approve", headers=qa
                )
            else:
                response = await client.post(
                    f"{url}/api/v1/observation-requests/{request_id}/withdraw", headers=qa
                )
            return kind, response.status_code

        outcomes = await asyncio.gather(*(one(n) for n in range(OPERATIONS)))
    took = time.monotonic() - began
    counts = Counter(outcomes)
    print(f"\n{OPERATIONS} mixed writes on two processes in {took:.1f} s: {sorted(counts.items())}")
    assert not [o for o in outcomes if o[1] >= 500], sorted(counts.items())
    await assert_everyone_asked_once(database)
    async with database.read_session() as session:
        cancellations = await session.execute(
            select(col(AuditEntry.conference_id), col(AuditEntry.id)).where(
                col(AuditEntry.action) == "conference_cancelled"
            )
        )
        for conference_id, cancelled_entry in cancellations:
            # The chain's order is the order the writes happened in; each request's clock was
            # read when it arrived, before it waited for its turn, so times may interleave.
            moved_after = await session.scalar(
                select(col(AuditEntry.id)).where(
                    col(AuditEntry.conference_id) == conference_id,
                    col(AuditEntry.action) == "conference_rescheduled",
                    col(AuditEntry.id) > cancelled_entry,
                )
            )
            assert moved_after is None, f"conference {conference_id} moved after cancellation"
