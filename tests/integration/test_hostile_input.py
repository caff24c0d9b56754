"""Hostile input changes nothing: bodies are bounded before any route runs, errors stay calm."""

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

from service.settings import Settings
from service.store.database import Database
from service.store.tables import ObservationRequest
from service.web.app import create_app
from tests.integration.test_qa_pages import snapshot
from tests.support.clock import FrozenClock
from tests.support.consent import approved_request, consent_paths
from tests.support.factories import NOW
from tests.support.scenario import World, build_world, request_body
from tests.support.web import api_token

STRONG = "q8Jx2mZr7Lw4Np1Kv9Ts6Hd3Fg5Bc0Ya-e_Ru"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A short wait for bodies, so the slow client is cut off within the test."""
    return settings.model_copy(update={"body_timeout_seconds": 1.5})


def conference_body(reference: str) -> dict[str, object]:
    return {
        "reference": reference,
        "kind": "initial",
        "starts_at": (NOW + timedelta(days=30)).isoformat(),
        "duration_minutes": 90,
        "venue": "Room 2",
        "open_to_observers": True,
    }


async def qa_headers(client: httpx.AsyncClient, world: World) -> dict[str, str]:
    return {"Authorization": f"Bearer {await api_token(client, world.qa_email)}"}


async def test_two_mebibytes_of_json_get_a_plain_413_and_change_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    headers = await qa_headers(client, world)
    before = await snapshot(database)
    huge = '{"reference": "' + "x" * (2 * 1024 * 1024) + '"}'
    response = await client.post(
        "/api/v1/conferences",
        content=huge,
        headers={**headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "The request is too large. Send at most 1048576 bytes."}
    assert response.headers["X-Frame-Options"] == "DENY"
    assert await snapshot(database) == before


async def test_a_slow_body_is_cut_off_and_never_holds_up_a_qa_write(
    client: httpx.AsyncClient,
    second_client: httpx.AsyncClient,
    database: Database,
    settings: Settings,
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    path = (await consent_paths(database, settings, request_id))[world.family_ids[0]]
    headers = await qa_headers(second_client, world)

    async def trickle() -> AsyncIterator[bytes]:
        yield b"decision=yes"
        await asyncio.sleep(5)  # longer than the service waits for a body
        yield b"&comment=late"

    slow = asyncio.create_task(
        client.post(
            path,
            content=trickle(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    )
    await asyncio.sleep(0.2)  # the slow body has started arriving
    began = time.monotonic()
    written = await second_client.post(
        "/api/v1/conferences", json=conference_body("CP-SLOW-1"), headers=headers
    )
    took = time.monotonic() - began
    assert written.status_code == 201
    assert took < 1.0, f"the QA write waited {took:.2f} s behind a slow body"
    cut_off = await slow
    assert cut_off.status_code == 408
    assert "took too long to arrive" in cut_off.text


async def test_an_unexpected_error_gets_the_calm_page_its_headers_and_a_log_line(
    app: FastAPI, client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    @app.get("/broken-on-purpose")
    async def broken() -> None:
        raise RuntimeError("a secret value that must not be logged")

    with caplog.at_level(logging.INFO, logger="cpc_observers.http"):
        response = await client.get("/broken-on-purpose")
    assert response.status_code == 500
    assert "Something went wrong on our side. Nothing was changed." in response.text
    assert "Traceback" not in response.text
    for header in ("Content-Security-Policy", "X-Frame-Options", "Cache-Control"):
        assert header in response.headers
    lines = [r.getMessage() for r in caplog.records if r.name == "cpc_observers.http"]
    assert any("GET /broken-on-purpose 500" in line for line in lines), lines
    assert not any("secret value" in line for line in lines)


async def test_production_sends_hsts_and_keeps_the_api_pages_to_itself(
    database: Database, database_url: str, clock: FrozenClock
) -> None:
    production = Settings(
        env="production",
        secret_key=STRONG,
        audit_key=STRONG[::-1],
        database_url=database_url,
        dispatch_in_process=False,
        base_url="https://observers.council.example",
        require_mfa=False,
    )
    app = create_app(production, database, clock=clock)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        page = await client.get("/sign-in")
        assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        assert (await client.get("/docs")).status_code == 404
        assert (await client.get("/redoc")).status_code == 404
        assert (await client.get("/openapi.json")).status_code == 401
        world = await build_world(database)
        token = await api_token(client, world.qa_email)
        document = await client.get("/openapi.json", headers={"Authorization": f"Bearer {token}"})
        assert document.status_code == 200
        assert "/api/v1/conferences" in document.json()["paths"]


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("purpose", "To learn. My notes are at https://notes.example.com/cpc"),
        ("purpose", "Read about me at www.example.org first"),
        ("purpose", "Questions to trainee.name@gmail.com please"),
        ("organisation", "bit.ly/2xYz"),
        ("role", "Student, see example.co.uk"),
    ],
)
async def test_a_web_address_in_words_the_family_reads_is_refused(
    client: httpx.AsyncClient, database: Database, field: str, text: str
) -> None:
    world = await build_world(database)
    trainee = {"Authorization": f"Bearer {await api_token(client, world.trainee_email)}"}
    before = await snapshot(database)
    response = await client.post(
        "/api/v1/observation-requests",
        json=request_body(world.conference_id, **{field: text}),
        headers=trainee,
    )
    assert response.status_code == 422
    assert "Remove the web or email address" in response.json()["detail"]
    assert await snapshot(database) == before


async def test_invisible_and_direction_changing_characters_are_taken_out(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    trainee = {"Authorization": f"Bearer {await api_token(client, world.trainee_email)}"}
    hidden = "To learn\u200b how families\u202e are heard\u2066.\ufeff"
    created = await client.post(
        "/api/v1/observation-requests",
        json=request_body(world.conference_id, purpose=hidden, role="Student\u200d nurse"),
        headers=trainee,
    )
    assert created.status_code == 201, created.text
    async with database.read_session() as session:
        stored = await session.get(ObservationRequest, int(created.json()["id"]))
    assert stored is not None
    assert stored.purpose == "To learn how families are heard."
    assert stored.role == "Student nurse"
