"""`/metrics` for Prometheus behind its token, request ids, and log lines that carry them."""

import io
import json
import logging
import re
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

from notifications.outbox import DeliveryStatus, OutboxMessage, RecipientRole
from service.logs import LogFormat, log_handler
from service.settings import Settings
from service.store.database import Database
from service.web.app import create_app
from tests.support.clock import FrozenClock
from tests.support.factories import make_staff
from tests.support.web import csrf_from

TOKEN = "a-long-metrics-token-for-the-scraper"


def _app(settings: Settings, database: Database, clock: FrozenClock, **changes: object) -> FastAPI:
    return create_app(settings.model_copy(update=changes), database, clock=clock)


def _client(app: FastAPI) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


def _sample(exposition: str, name: str, **labels: str) -> float:
    """The value of one sample, its labels given in any order; 0 when it is not there."""
    for line in exposition.splitlines():
        sample = re.fullmatch(rf"{name}(?:\{{(.*)\}})? (\S+)", line)
        if sample and dict(re.findall(r'(\w+)="([^"]*)"', sample.group(1) or "")) == labels:
            return float(sample.group(2))
    return 0.0


async def _scrape(client: httpx.AsyncClient) -> str:
    response = await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


async def test_metrics_are_not_there_without_a_token_and_refused_without_the_right_one(
    client: httpx.AsyncClient, settings: Settings, database: Database, clock: FrozenClock
) -> None:
    assert (await client.get("/metrics")).status_code == 404
    async with _client(_app(settings, database, clock, metrics_token=TOKEN)) as guarded:
        assert (await guarded.get("/metrics")).status_code == 401
        wrong = await guarded.get("/metrics", headers={"Authorization": "Bearer guess"})
        assert wrong.status_code == 401
        assert wrong.headers["www-authenticate"] == "Bearer"
        basic = await guarded.get("/metrics", headers={"Authorization": f"Basic {TOKEN}"})
        assert basic.status_code == 401


async def test_requests_are_counted_by_route_template_never_by_path(
    settings: Settings, database: Database, clock: FrozenClock
) -> None:
    async with _client(_app(settings, database, clock, metrics_token=TOKEN)) as client:
        before = await _scrape(client)
        for _ in range(3):
            assert (await client.get("/consent/a-secret-token-nobody-may-see")).status_code == 404
        await client.get("/no/such/page")
        after = await _scrape(client)
    labels = {"route": "/consent/{token}", "method": "GET", "status": "404"}
    assert _sample(after, "cpc_http_requests_total", **labels) == (
        _sample(before, "cpc_http_requests_total", **labels) + 3
    )
    assert _sample(after, "cpc_http_requests_total", route="unmatched", method="GET",
                   status="404") >= 1  # fmt: skip
    assert "a-secret-token" not in after and "/no/such/page" not in after
    assert _sample(after, "cpc_http_request_duration_seconds_count",
                   route="/consent/{token}", method="GET") >= 3  # fmt: skip


async def test_the_outbox_answers_and_sign_in_failures_are_reported(
    settings: Settings, database: Database, clock: FrozenClock
) -> None:
    async with database.write_session() as session:
        staff = await make_staff(session, role="qa")
        for status, age in ((DeliveryStatus.PENDING, 600), (DeliveryStatus.SENT, 9000)):
            session.add(
                OutboxMessage(
                    created_at=clock() - timedelta(seconds=age),
                    template="qa_outcome",
                    recipient_role=RecipientRole.QA,
                    to_address="qa@council.example",
                    subject="A request needs a decision",
                    body_text="…",
                    status=status.value,
                    next_attempt_at=clock() - timedelta(seconds=age),
                )
            )
        await session.commit()
    async with _client(_app(settings, database, clock, metrics_token=TOKEN)) as client:
        before = await _scrape(client)
        page = await client.get("/sign-in")
        await client.post(
            "/sign-in",
            data={"email": staff.email, "password": "not the password",
                  "csrf_token": csrf_from(page.text)},
        )  # fmt: skip
        after = await _scrape(client)
    assert _sample(after, "cpc_outbox_messages", channel="email", state="pending") == 1
    assert _sample(after, "cpc_outbox_messages", channel="email", state="sent") == 1
    assert _sample(after, "cpc_outbox_oldest_due_age_seconds") == 600
    assert _sample(after, "cpc_sign_in_failures_total", reason="password") == (
        _sample(before, "cpc_sign_in_failures_total", reason="password") + 1
    )
    assert staff.email not in after


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """Every log line written during the test, as the JSON log format writes it."""
    stream = io.StringIO()
    handler = log_handler(LogFormat.JSON, stream)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


async def test_each_request_gets_an_id_that_every_log_line_of_it_carries(
    client: httpx.AsyncClient, json_log: io.StringIO
) -> None:
    first = await client.get("/consent/a-secret-token-nobody-may-see")
    second = await client.get("/healthz", headers={"X-Request-ID": "chosen-by-the-client"})
    ids = [first.headers["x-request-id"], second.headers["x-request-id"]]
    assert all(re.fullmatch(r"[0-9a-f]{32}", request_id) for request_id in ids)
    assert ids[0] != ids[1]
    # A client that is not a trusted proxy cannot choose the id its lines are logged under.
    assert "chosen-by-the-client" not in ids

    # The service's lines only: httpx's are this test's own client logging what it asked for.
    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    lines = [line for line in lines if line["logger"] != "httpx"]
    consent_lines = [line for line in lines if line["request_id"] == ids[0]]
    assert consent_lines, lines
    assert {"time", "level", "logger", "message"} <= set(consent_lines[0])
    assert any("/consent/[token]" in line["message"] for line in consent_lines)
    assert not any("a-secret-token" in json.dumps(line) for line in lines)


async def test_a_trusted_proxy_passes_its_request_id_through(
    settings: Settings, database: Database, clock: FrozenClock
) -> None:
    # httpx's ASGI transport comes from 127.0.0.1.
    app = _app(settings, database, clock, trusted_proxies=["127.0.0.0/8"])
    async with _client(app) as client:
        passed = await client.get("/healthz", headers={"X-Request-ID": "proxy-id-0123456789"})
        unsafe = await client.get("/healthz", headers={"X-Request-ID": "bad id\r\nX-Evil: 1"})
        short = await client.get("/healthz", headers={"X-Request-ID": "abc"})
    assert passed.headers["x-request-id"] == "proxy-id-0123456789"
    assert re.fullmatch(r"[0-9a-f]{32}", unsafe.headers["x-request-id"])
    assert re.fullmatch(r"[0-9a-f]{32}", short.headers["x-request-id"])
